"""Sliders that work with no kernel: frames pre-rendered at build time by the slider's own code.

A slider cell opts in with one metadata entry that names the lessons_lib builder its code calls,
the builder's arguments and the slider to sweep (tests/site/test_slider_specs.py checks that the
entry agrees with the cell's code):

    "site-slider": {"builder": "lessons_lib.gradient_descent_widgets.learning_rate_explorer",
                    "kwargs": {"x": 2.0, "y_true": 6.0, "w0": 0.0}, "sweep": "lr"}

An argument is JSON: a list becomes a float numpy array, and {"call": "lessons_lib.M.F",
"args": [...], "kwargs": {...}, "item": i} is the result of calling F (item i of it, if given).
An optional "frames" caps the frame count below MAX_FRAMES (to stay under MAX_BYTES).
The build recreates the SliderFigure, then for each value of the swept slider (its own grid,
thinned to at most MAX_FRAMES, always including its starting value) calls the figure's update
function and draws its canvas directly. No live widget value changes; the other sliders stay
at their starting values, which the page says.
"""
import html
import importlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import PIL.Image

SPEC_KEY = "site-slider"
MAX_FRAMES = 61
MAX_BYTES = 2_000_000  # all of one slider's frames


def resolve(value):
    """A JSON argument from a slider spec as the Python value the builder gets."""
    if isinstance(value, list):
        return np.asarray(value, dtype=float)
    if isinstance(value, dict) and "call" in value:
        result = named(value["call"])(*[resolve(a) for a in value.get("args", [])],
                                      **{k: resolve(v) for k, v in value.get("kwargs", {}).items()})
        return result[value["item"]] if "item" in value else result
    if isinstance(value, dict):
        raise ValueError(f"a slider argument given as an object needs a 'call' key, got {value}")
    return value


def named(dotted: str):
    """`lessons_lib.gradient_descent_widgets.line_fit` -> that function; only lessons_lib is
    reachable."""
    module, _, name = dotted.rpartition(".")
    if not module.startswith("lessons_lib"):
        raise ValueError(f"a slider builder must live in lessons_lib, got {dotted!r}")
    return getattr(importlib.import_module(module), name)


def build_slider(spec: dict):
    """The SliderFigure the cell's code makes, rebuilt from the spec."""
    return named(spec["builder"])(**{k: resolve(v) for k, v in spec.get("kwargs", {}).items()})


def sweep_values(slider, max_frames: int = MAX_FRAMES) -> list[tuple]:
    """(value, readout) pairs: a dropdown's options, or a slider's own grid from min to max,
    thinned evenly to at most max_frames, always with its starting value."""
    if hasattr(slider, "options"):  # a Dropdown: (label, value) pairs or plain values
        pairs = [o if isinstance(o, tuple) else (str(o), o) for o in slider.options]
        return [(value, label) for label, value in pairs][:max_frames]
    count = int(round((slider.max - slider.min) / slider.step)) + 1
    start = int(round((slider.value - slider.min) / slider.step))
    evenly = np.linspace(0, count - 1, min(count, max_frames - 1)).round().astype(int)
    indices = sorted(set(evenly.tolist()) | {start})
    values = [slider.min + i * slider.step for i in indices]
    if isinstance(slider.value, int):
        values = [int(round(v)) for v in values]
    else:
        values = [round(v, 12) for v in values]
    shown = getattr(slider, "readout_format", None) or ("d" if isinstance(slider.value, int)
                                                        else ".2f")
    return [(v, format(v, shown)) for v in values]  # the readout as the live slider shows it


def drawer(figure):
    """A function that draws the canvas as SliderFigure.redraw does: when the figure has moving
    artists (marked animated), the still ones are drawn once as a background and each frame
    draws only the moving ones over it; otherwise each frame is a full draw."""
    moving = sorted(figure.fig.findobj(lambda a: a.get_animated()), key=lambda a: a.get_zorder())
    if not moving:
        return figure.canvas.draw
    figure.canvas.draw()  # animated artists are left out of a full draw
    background = figure.canvas.copy_from_bbox(figure.fig.bbox)

    def draw():
        figure.canvas.restore_region(background)
        for artist in moving:
            figure.fig.draw_artist(artist)

    return draw


def png_bytes(figure) -> bytes:
    rgb = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    out = io.BytesIO()
    PIL.Image.fromarray(rgb).save(out, format="png", compress_level=6)
    return out.getvalue()


@dataclass
class Frames:
    name: str  # the swept slider's keyword
    label: str  # its description in the notebook
    values: list
    readouts: list  # the values as the readout shows them
    statuses: list  # the status line at each value
    pngs: list  # bytes
    start: int  # index of the slider's starting value
    held: dict  # the other sliders' values, held still

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.pngs)


def render(spec: dict) -> Frames:
    max_frames = min(spec.get("frames", MAX_FRAMES), MAX_FRAMES)
    figure = build_slider(spec)
    name = spec["sweep"]
    slider = figure.sliders[name]
    held = {k: v for k, v in figure.values().items() if k != name}
    values, readouts = zip(*sweep_values(slider, max_frames))
    statuses, pngs, draw = [], [], drawer(figure)
    for value in values:
        statuses.append(figure.update(**held, **{name: value}))
        draw()
        pngs.append(png_bytes(figure))
    start = min(range(len(values)), key=lambda i: abs(values[i] - slider.value))
    frames = Frames(name, slider.description or name, list(values), list(readouts), statuses,
                    pngs, start, held)
    if frames.size > MAX_BYTES:
        raise ValueError(f"slider {spec['builder']} sweeping {name!r}: {len(pngs)} frames take "
                         f"{frames.size:,} bytes, over {MAX_BYTES:,}; give the spec fewer 'frames'")
    return frames


def css_width(png: bytes) -> int:
    """The width a frame is shown at: lessons_lib draws 2 image pixels per CSS pixel."""
    return PIL.Image.open(io.BytesIO(png)).width // 2


def slider_html(frames: Frames, uid: str, frame_urls: list) -> str:
    """The kernel-free slider: a labelled range input, its readout, the status line (announced
    to screen readers) and the picture; static/kernel-free-slider.js swaps the frames."""
    e = html.escape
    held = ", ".join(f"{k} = {v:.4g}" for k, v in frames.held.items())
    note = ("Pre-rendered at build time by the slider's own code"
            + (f", with {held} held still" if held else "")
            + ". Run the notebook for every slider.")
    data = json.dumps({"frames": frame_urls, "values": frames.readouts,
                       "statuses": frames.statuses, "label": frames.label})
    i = frames.start
    return (
        f'<div class="kf-slider" data-kf="{e(data)}">\n'
        f'<div class="kf-controls"><label for="{uid}">{e(frames.label)}</label>'
        f'<input type="range" id="{uid}" min="0" max="{len(frame_urls) - 1}" step="1" '
        f'value="{i}" aria-valuetext="{e(frames.label)} = {e(frames.readouts[i])}">'
        f'<output for="{uid}" class="kf-readout">{e(frames.readouts[i])}</output></div>\n'
        f'<p class="kf-status" role="status" aria-live="polite">{e(frames.statuses[i])}</p>\n'
        f'<img class="kf-frame" src="{e(frame_urls[i])}" width="{css_width(frames.pngs[i])}" '
        f'alt="{e(frames.label)} = {e(frames.readouts[i])}: {e(frames.statuses[i])}">\n'
        f'<p class="kf-note">{e(note)}</p>\n</div>'
    )


def write_frames(frames: Frames, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for k, png in enumerate(frames.pngs):
        (folder / f"{k:03d}.png").write_bytes(png)
        names.append(f"{k:03d}.png")
    return names
