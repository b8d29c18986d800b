"""Fast sliders: redraw one reused figure into an image widget (lesson 00 onwards).

A classic `interact` builds a new figure on every slider move. Here the figure is built once;
each move only updates its artists' data, renders the figure to PNG bytes and hands them to an
`ipywidgets.Image` shown at the figure's CSS size (plotting's standard: 2 image pixels per CSS
pixel, never stretched). When the caller names the artists that move, everything else (axes,
ticks, labels, fixed curves) is drawn once and kept as a background, and a move draws only the
moving artists on top of it ("blitting").
After a move of exactly one step (an arrow key), the next frame in the same direction is drawn
ahead on a background thread while the learner reads this one, and the frame shown before this
one is kept, so the next key press either way (on, or back as one does hunting for a value) only
sends a frame; a move of any other size is drawn when it happens. One lock serialises every draw
of the figure, and a frame drawn ahead leaves the figure as the live picture shows it.
`static_twin` draws the figure anew at each of a few settings for readers with no kernel; it
touches no slider. Only API shared by ipywidgets 7.7 (what Colab ships) and 8 is used.
"""
import html
import math
import struct
import textwrap
import threading
import zlib

import ipywidgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lessons_lib import plotting, validation

A11Y_CLASS = "lessons-slider-figure"
MAX_TWIN_CSS_WIDTH = 880  # a static twin fits a notebook's width at its drawn size
AHEAD_DELAY_S = 0.05  # a frame is drawn ahead this long after the move it follows


class SliderFigure:
    """Sliders + a status line + the figure as an image.

    A slider built by the same code as a live one (a cell run again, a builder called again)
    replaces it: the old one is closed, so its widgets and figure do not pile up in the kernel.

    update(**slider_values) moves the figure's artists and returns the status line's text.
    moving_artists: the artists `update` changes. Given, only they are redrawn on a move, over a
    background drawn once, so `update` must change nothing else (no axis limits, no new
    artists). Left out, the whole figure is redrawn.
    Show it by ending a cell with `.widget`.
    """

    # The live slider each piece of building code made last: the one kernel-wide registry, so
    # that a rebuilt slider can close the one it replaces (ipywidgets keeps every widget alive).
    _live: dict = {}

    def __init__(self, fig, update, moving_artists=(), **sliders):
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        if not callable(update):
            raise TypeError(f"update must be a function, got {type(update).__name__}")
        if not sliders or not all(isinstance(w, ipywidgets.ValueWidget)
                                  for w in sliders.values()):
            raise TypeError("sliders must be one or more ipywidgets sliders, given by name "
                            "(SliderFigure(fig, update, lr=ipywidgets.FloatSlider(...)))")
        self.fig, self.update, self.sliders = fig, update, sliders
        self.moving_artists = list(moving_artists)
        self._lock = threading.Lock()  # held by every draw of the figure
        self._ahead = None  # (values key, png, status): the frame drawn ahead, if any
        self._shown = (None, None)  # the last two frames shown, oldest first, as _ahead
        self._moves = 0  # counts moves: a frame drawn ahead is kept only if none came since
        self.status = ipywidgets.Label()
        self.fig.set_dpi(plotting.DPI)
        width = round(self.fig.get_size_inches()[0] * plotting.CSS_DPI)
        # Shown at its drawn CSS size, shrunk (never stretched) on a narrow screen.
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(
            width=f"{width}px", max_width="100%", height="auto"))
        self.widget = ipywidgets.VBox([ipywidgets.HBox(list(sliders.values())), self.status,
                                       self.image, _accessibility(getattr(fig, "alt", ""))])
        self.widget.add_class(A11Y_CLASS)
        # Render straight to pixels: savefig would re-run the layout pass on every call.
        self.canvas = FigureCanvasAgg(self.fig)
        self.update(**self.values())
        self.canvas.draw()
        # Lay the figure out once, then freeze it: re-solving the layout on every move would
        # cost more than drawing.
        self.fig.set_layout_engine("none")
        self.background = None
        if self.moving_artists:
            for artist in self.moving_artists:
                artist.set_animated(True)  # left out of full draws: drawn by _draw() alone
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        for slider in sliders.values():
            slider.observe(self.redraw, names="value")
        self.redraw()
        code = getattr(update, "__code__", None)  # the same for every call of one builder
        if code is not None:
            key = (code.co_filename, code.co_firstlineno, code.co_name)
            replaced, SliderFigure._live[key] = SliderFigure._live.get(key), self
            if replaced is not None and replaced is not self:
                replaced.close()

    def close(self) -> None:
        """Unhook the sliders and close every widget: the kernel lets go of them and the
        figure (a rebuilt slider does this to the one it replaces). Closing twice is harmless."""
        if self.widget.comm is None:  # closed already
            return
        for slider in self.sliders.values():
            slider.unobserve(self.redraw, names="value")
        for widget in (*self.sliders.values(), *self.widget.children, self.widget):
            for part in (getattr(widget, "layout", None), getattr(widget, "style", None), widget):
                if isinstance(part, ipywidgets.Widget):  # a layout and a style are widgets too
                    part.close()

    def values(self) -> dict:
        return {name: slider.value for name, slider in self.sliders.items()}

    def _draw(self, values: dict) -> str:
        """Move the artists to `values` and draw the canvas; returns the status line."""
        status = self.update(**values)
        if not isinstance(status, str):
            raise TypeError(f"update must return the status line as a str, "
                            f"got {type(status).__name__}")
        if self.background is None:
            self.canvas.draw()
        else:
            self.canvas.restore_region(self.background)
            for artist in self.moving_artists:
                self.fig.draw_artist(artist)
        return status

    def redraw(self, change=None) -> None:
        values = self.values()
        key = _key(values)
        with self._lock:
            self._moves += 1
            kept = (self._ahead, *self._shown)
            self._ahead = None
            frame = next((f for f in kept if f is not None and f[0] == key), None)
            stale = frame is not None  # a kept frame: the figure still shows other values
            if frame is None:
                status = self._draw(values)
                frame = (key, self.png(), status)
            self._shown = (self._shown[1], frame)
            moves = self._moves
        png, status = frame[1:]
        self.image.value = png  # the picture's message first: it is what a move awaits
        self.status.value = status
        if not (change is not None and self._draw_ahead(change)) and stale:
            with self._lock:  # no frame ahead will put the figure back: catch up now
                if moves == self._moves:
                    self._draw(values)

    def _draw_ahead(self, change) -> bool:
        """After a one-step move, draw the next step in the same direction on a thread (which
        then leaves the figure as the live picture shows it). Whether it was started."""
        slider, old, new = change["owner"], change["old"], change["new"]
        step = getattr(slider, "step", None)
        if not (isinstance(step, (int, float)) and isinstance(old, (int, float))
                and isinstance(new, (int, float)) and step > 0
                and math.isclose(abs(new - old), step, rel_tol=1e-6)):
            return False
        following = new + (new - old)
        if not slider.min <= following <= slider.max:
            return False
        name = next(name for name, s in self.sliders.items() if s is slider)
        values = self.values() | {name: following}
        # Started a moment later, not at once: on a laptop the browser is decoding this frame on
        # the same cores just then.
        timer = threading.Timer(AHEAD_DELAY_S, self._draw_frame_ahead, args=(values, self._moves))
        timer.daemon = True
        timer.start()
        return True

    def _draw_frame_ahead(self, values: dict, moves: int) -> None:
        with self._lock:
            if moves != self._moves:  # the slider moved on meanwhile
                return
            status = self._draw(values)
            self._ahead = (_key(values), self.png(), status)
            self._draw(self.values())  # the figure back as the live picture shows it

    def png(self) -> bytes:
        """The canvas as PNG bytes, encoded fast (see _png)."""
        return _png(np.asarray(self.canvas.buffer_rgba()))

    def static_twin(self, settings: list[dict], ncols: int = 1) -> "Twin":
        """The figure at each of `settings` (slider values), for readers with no kernel: each
        frame drawn anew at full resolution by the slider's own code, under a title strip
        naming its status line. At most `ncols` frames a row, fewer when a row would be wider
        than a notebook. No slider, status line or live picture changes."""
        if not isinstance(settings, (list, tuple)) or not settings or not all(
                isinstance(values, dict) and set(values) <= set(self.sliders)
                for values in settings):
            raise ValueError(f"settings must be a non-empty list of dicts whose keys are slider "
                             f"names ({', '.join(self.sliders)})")
        if len(settings) > 24:
            raise ValueError(f"settings must list at most 24 frames, got {len(settings)}")
        ncols = validation.count("ncols", ncols, minimum=1, maximum=len(settings))
        for n, values in enumerate(settings):
            for name, value in values.items():
                self._check_setting(f"settings[{n}][{name!r}]", self.sliders[name], value)
        frames, titles = [], []
        live = self.values()
        with self._lock:
            for values in settings:
                titles.append(self._draw(live | values))
                frames.append(np.asarray(self.canvas.buffer_rgba())[..., :3].copy())
            self._draw(live)  # the figure back as the live picture shows it
        css_width = frames[0].shape[1] * plotting.CSS_DPI / plotting.DPI
        ncols = max(1, min(ncols, int(MAX_TWIN_CSS_WIDTH // css_width)))
        return Twin(frames, titles, ncols)

    @staticmethod
    def _check_setting(name: str, slider, value) -> None:
        if hasattr(slider, "min"):  # a numeric slider: a number within its range
            value = validation.real(name, value)
            if not slider.min <= value <= slider.max:
                raise ValueError(f"{name} must be between {slider.min} and {slider.max}, "
                                 f"got {value!r}")
            if isinstance(slider, ipywidgets.IntSlider) and value != int(value):
                raise ValueError(f"{name} must be a whole number, got {value!r}")
        else:
            options = [o[1] if isinstance(o, tuple) else o for o in slider.options]
            if isinstance(value, bool) or value not in options:
                raise ValueError(f"{name} must be one of {options}, got {value!r:.60}")


class Twin:
    """A slider's static twin: frames (drawn at plotting.DPI) laid out pixel for pixel, no
    re-sampling, each under a title strip drawn at the same resolution. Shown as one PNG with
    its CSS size and alt text, like a LessonFigure."""

    def __init__(self, frames, titles, ncols: int):
        self.frames, self.titles, self.ncols = frames, list(titles), ncols
        height, width = frames[0].shape[:2]
        self.strips = [_title_strip(title, width) for title in self.titles]
        tiles = [np.vstack([strip, frame]) for strip, frame in zip(self.strips, frames)]
        blank = np.full_like(tiles[0], 255)
        tiles += [blank] * (-len(tiles) % ncols)
        rows = [np.hstack(tiles[n:n + ncols]) for n in range(0, len(tiles), ncols)]
        self.pixels = np.vstack(rows)
        self.alt = (f"The figure at {len(titles)} settings of its slider: "
                    + "; ".join(self.titles) + ".")

    def __repr__(self) -> str:  # no memory address: re-running a lesson changes no byte
        width, height = self.css_size()
        return f"<static twin: {len(self.frames)} settings, {width}x{height} CSS px>"

    def css_size(self) -> tuple[int, int]:
        height, width = self.pixels.shape[:2]
        return (round(width * plotting.CSS_DPI / plotting.DPI),
                round(height * plotting.CSS_DPI / plotting.DPI))

    def _repr_png_(self):
        width, height = self.css_size()
        return _png(self.pixels), {"width": width, "height": height, "alt": self.alt}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return plotting._shown_png(*self._repr_png_())


# What ipywidgets cannot say from Python, said to screen readers and keyboard users by a small
# script: the load handler of the widget's style sheet runs it once the widget is on the page
# (the kernel sends it; no extension to install). Each slider handle is named by its slider's label,
# the status line becomes a polite live region (read out when it changes), the picture gets the
# figure's alt text (or, for a figure with none, the status line), and a focused handle gets a
# visible ring. Handles of ipywidgets 8 (noUi) and 7.7 (jQuery UI).
_A11Y_STYLE = (f".{A11Y_CLASS} .noUi-handle:focus-visible, .{A11Y_CLASS} .ui-slider-handle:focus"
               " {outline: 3px solid #1a5fb4; outline-offset: 2px;}")
_A11Y_SCRIPT = textwrap.dedent(f"""\
    var me = this, alt = this.dataset.alt;
    function mark() {{
      var box = me.closest('.{A11Y_CLASS}');
      if (!box) return null;
      box.querySelectorAll('.widget-slider, .widget-hslider').forEach(function (s) {{
        var label = s.querySelector('.widget-label');
        s.querySelectorAll('.noUi-handle, .ui-slider-handle').forEach(function (h) {{
          if (label && h.getAttribute('aria-label') !== label.textContent.trim())
            h.setAttribute('aria-label', label.textContent.trim());
        }});
      }});
      var status = box.querySelector(':scope > .widget-label');
      if (status && !status.hasAttribute('aria-live')) {{
        status.setAttribute('role', 'status'); status.setAttribute('aria-live', 'polite'); }}
      var img = box.querySelector(':scope > img');
      var text = alt || (status ? status.textContent : '');
      if (img && text && img.getAttribute('alt') !== text) img.setAttribute('alt', text);
      return box;
    }}
    (function start(tries) {{
      var box = mark();
      if (!box) {{ if (tries < 100) setTimeout(start, 100, tries + 1); return; }}
      new MutationObserver(mark).observe(box, {{childList: true, subtree: true}});
    }})(0);""")


def _accessibility(alt: str) -> ipywidgets.HTML:
    """The hidden widget that carries _A11Y_STYLE and runs _A11Y_SCRIPT (see above)."""
    return ipywidgets.HTML(
        f'<style data-alt="{html.escape(alt)}" onload="{html.escape(_A11Y_SCRIPT)}">'
        f"{_A11Y_STYLE}</style>", layout=ipywidgets.Layout(display="none"))


def _key(values: dict) -> tuple:
    """Slider values as a cache key: a value reached by adding steps and the slider's own value
    for the same position may differ in the last bits of a float."""
    return tuple((name, round(v, 9) if isinstance(v, float) else v)
                 for name, v in sorted(values.items()))


def _title_strip(title: str, width_px: int) -> np.ndarray:
    """`title`, wrapped to fit, left-aligned on a white strip width_px wide, drawn at DPI."""
    points = plotting.MIN_FONT_PT + 1
    per_line = int(width_px / plotting.DPI * 72 / (0.6 * points))  # a generous glyph width
    lines = textwrap.wrap(title, max(per_line, 20)) or [""]
    strip = plotting.LessonFigure(figsize=(width_px / plotting.DPI,
                                           (len(lines) * 1.3 + 0.6) * points / 72))
    strip.text(0.01, 0.5, "\n".join(lines), ha="left", va="center", fontsize=points)
    pixels = plotting.render(strip)[:, :width_px, :3]
    return np.pad(pixels, ((0, 0), (0, width_px - pixels.shape[1]), (0, 0)),
                  constant_values=255)


def _png(pixels: np.ndarray) -> bytes:
    """(height, width, 3 or 4) uint8 pixels, RGB or RGBA, as PNG bytes built by hand: each row
    stored as its difference from the row above (PNG's "Up" filter), then zlib's fastest level.
    A figure is mostly flat colour, so the differences are mostly 0: the file is about 15%
    larger than PIL's default PNG but about 5 times faster to make, and the browser decodes it
    faster than unfiltered rows. At 2 image pixels per CSS pixel, encoding and decoding are much
    of a slider move's time (benchmarks/bench_slider_latency.py). The canvas's RGBA buffer goes
    in as it is: dropping its alpha would cost a slow strided copy."""
    height, width, channels = pixels.shape
    flat = pixels.reshape(height, -1)
    rows = np.empty((height, channels * width + 1), dtype=np.uint8)
    rows[:, 0] = 2  # filter type "Up": each byte minus the one above it, modulo 256
    rows[0, 1:] = flat[0]  # the first row has zeros above it
    np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    colour_type = {3: 2, 4: 6}[channels]  # PNG's codes for RGB and RGBA
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(memoryview(rows), 1)) + chunk(b"IEND", b""))
