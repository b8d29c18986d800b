"""The course website (issue 14): build, kernel-free sliders, alt text. See website/build.py."""
