"""Argument checks shared by every module: fail early, name the argument, say what was expected.

Every public function of lessons_lib checks its arguments with these on entry, so a learner's
typo ends in a ValueError or TypeError that names the argument, never deep inside numpy or
matplotlib. `no_overflow` turns a computation that leaves float64's range into the same kind of
error, in words, instead of a silent inf or NaN.
"""
import math
import numbers
from contextlib import contextmanager
from pathlib import Path

import numpy as np


def _tensor_hint(name: str, value) -> str:
    if type(value).__module__.startswith("torch") and hasattr(value, "item"):
        return f"{name} is a torch tensor: pass a plain number (use .item())"
    return ""


def real(name: str, value) -> float:
    """A finite real number (ints welcome, bools and strings not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        hint = _tensor_hint(name, value)
        raise TypeError(hint or f"{name} must be a real number, got {type(value).__name__} "
                        f"{value!r:.60}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int too large for a float, such as 10**400
        finite = False
    if not finite:
        raise ValueError(f"{name} must be finite, got {value!r:.60}")
    return float(value)


def bounded(name: str, value, limit: float = 1e50) -> float:
    """A finite real number within ±limit: small enough that squares and products of a few
    such numbers stay far from float64's overflow."""
    value = real(name, value)
    if abs(value) > limit:
        raise ValueError(f"{name} must be between -{limit:g} and {limit:g}, got {value!r}")
    return value


def non_negative(name: str, value) -> float:
    value = real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def positive(name: str, value) -> float:
    value = real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def count(name: str, value, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number >= minimum (and <= maximum, when given), such as a number of steps."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int (a whole number), got {type(value).__name__} "
                        f"{value!r:.60}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value!r}")
    return int(value)


def text(name: str, value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__} {value!r:.60}")
    return value


def pixel_budget(count_name: str, count: int, size: int, limit: int) -> None:
    """Refuse a batch of count images of size x size pixels with more than `limit` pixels in all
    (a typo such as size=10_000 would otherwise fill the memory)."""
    if count * size * size > limit:
        raise ValueError(f"{count_name} * size * size must be at most {limit:,} pixels, "
                         f"got {count * size * size:,}")


def colour(name: str, value):
    """A colour matplotlib understands: a name such as "white", "#RRGGBB", or an RGB(A) tuple of
    numbers from 0 to 1."""
    import matplotlib.colors  # here, not at the top: only the pictures need matplotlib

    if isinstance(value, np.ndarray):
        value = tuple(value.tolist())
    if not (isinstance(value, str) or (isinstance(value, tuple) and len(value) in (3, 4) and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value))):
        raise TypeError(f"{name} must be a colour: a name, '#RRGGBB' or an RGB tuple, got "
                        f"{type(value).__name__} {value!r:.60}")
    if not matplotlib.colors.is_color_like(value) or (isinstance(value, tuple) and not all(
            0 <= v <= 1 for v in value)):  # False for NaN, which matplotlib lets through
        raise ValueError(f"{name} must be a colour: a name, '#RRGGBB' or an RGB tuple with "
                         f"values from 0 to 1, got {value!r:.60}")
    return value


def choice(name: str, value, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, "
                         f"got {value!r:.60}")
    return value


def array(name: str, value, ndim: int | None = None, keep_float32: bool = False,
          allow_nan: bool = False) -> np.ndarray:
    """A non-empty array of finite real numbers, as float64 (float32 kept if asked).

    Nested lists and int arrays are converted; a torch tensor is converted too (see
    `_torch_values`). Booleans, complex numbers, strings, ragged lists and masked arrays are
    refused, as is NaN or inf (NaN only when `allow_nan`, for cells a figure leaves blank).
    """
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"{name} is a masked array, whose hidden values would be used: pass "
                        f"{name}.filled(value) to say what the masked cells hold")
    if _is_tensor(value):
        value = _torch_values(name, value)
    what = f"a {ndim}-D array" if ndim else "an array"
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError, OverflowError, RuntimeError):
        raise TypeError(f"{name} must be {what} of numbers; rows of a nested list must all "
                        f"have the same length") from None
    if raw.dtype == bool or raw.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be {what} of real numbers, got dtype {raw.dtype} "
                        f"({type(value).__name__})")
    dtype = np.float32 if keep_float32 and raw.dtype == np.float32 else np.float64
    with np.errstate(over="ignore"):  # a longdouble beyond float64 becomes inf, refused below
        result = raw.astype(dtype, copy=False)  # no copy when it already is: steps are timed
    if ndim is not None and result.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {result.shape}")
    if result.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {result.shape}")
    bad = ~np.isfinite(result)
    if allow_nan:
        bad &= ~np.isnan(result)
    if bad.any():
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return result


def _is_tensor(value) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _torch_layout(name: str, value) -> None:
    """Refuse the tensors no lessons_lib function can use: no values (the 'meta' device), a
    layout other than a plain grid (sparse, quantized, nested), or complex or bool values."""
    import torch

    if value.device.type == "meta":
        raise ValueError(f"{name} is on the 'meta' device, which holds shapes but no values: "
                         f"make it on 'cpu'")
    if value.layout != torch.strided or value.is_quantized or getattr(value, "is_nested", False):
        raise TypeError(f"{name} must be a dense tensor, got layout {value.layout}"
                        f"{' (quantized)' if value.is_quantized else ''}: use {name}.to_dense()")
    if value.dtype == torch.bool or value.is_complex():
        raise TypeError(f"{name} must hold real numbers, got dtype {value.dtype}")


def _torch_values(name: str, value) -> np.ndarray:
    """A tensor's values as a NumPy array on the CPU: any device but 'meta', any real dtype
    (half and bfloat16, which NumPy lacks, through float32), with or without autograd."""
    import torch

    _torch_layout(name, value)
    value = value.detach()
    if value.dtype in (torch.float16, torch.bfloat16):
        value = value.float()
    try:
        return value.cpu().resolve_conj().resolve_neg().numpy()
    except (RuntimeError, TypeError, NotImplementedError) as error:
        raise TypeError(f"{name} is a tensor NumPy cannot read ({error})") from None


def tensor(name: str, value, ndim: int | None = None, check_values: bool = True):
    """A non-empty torch tensor of finite floats. Int, half and bfloat16 tensors are converted to
    float32; a tensor made under torch.inference_mode() is copied (outside that mode) so autograd
    can use it. Refused: 'meta' tensors, sparse and other non-dense layouts, bool and complex.
    check_values=False skips the NaN/inf check, which would make the CPU wait for a GPU."""
    import torch  # here, so that modules without torch don't pay for it

    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor (make one with torch.tensor(...)), "
                        f"got {type(value).__name__}")
    _torch_layout(name, value)
    if value.is_inference() and not torch.is_inference_mode_enabled():
        value = value.clone()  # a normal tensor: inference tensors refuse autograd
    if not value.is_floating_point() or value.dtype in (torch.float16, torch.bfloat16):
        value = value.float()
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {tuple(value.shape)}")
    if value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    if check_values and not bool(torch.isfinite(value.detach()).all()):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return value


@contextmanager
def autograd():
    """Autograd on inside, whatever the caller's mode (torch.no_grad(), torch.inference_mode()):
    for the functions whose answer is a gradient. Check tensors inside it."""
    import torch

    with torch.inference_mode(False), torch.enable_grad():
        yield


def device(name: str, value, here: bool = True):
    """A torch.device, or its name ('cpu', 'cuda', 'mps'); one this machine has, if `here`."""
    import torch

    if not isinstance(value, (str, torch.device)):
        raise TypeError(f"{name} must be a torch.device or a name such as 'cpu', "
                        f"got {type(value).__name__} {value!r:.60}")
    try:
        value = torch.device(value)
    except RuntimeError:
        raise ValueError(f"{name} must name a device such as 'cpu', 'cuda' or 'mps', "
                         f"got {value!r:.60}") from None
    available = {"cpu": True, "cuda": torch.cuda.is_available(),
                 "mps": torch.backends.mps.is_available()}
    if value.type not in available:
        raise ValueError(f"{name} must be a cpu, cuda or mps device, got {value.type!r}")
    if here and not available[value.type]:
        raise ValueError(f"{name}: this machine has no {value.type!r} device")
    return value


MAX_NAME_BYTES = 200  # most file systems allow 255 bytes in one name


def file_name(name: str, value) -> str:
    """One plain file or folder name: no path separators, no '..', not absolute."""
    value = text(name, value)
    if (not value or value in (".", "..") or "/" in value or "\\" in value
            or Path(value).is_absolute() or "\0" in value):
        raise ValueError(f"{name} must be a plain name with no '/', '\\' or '..', "
                         f"got {value!r:.60}")
    if len(value.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise ValueError(f"{name} must be at most {MAX_NAME_BYTES} bytes long (file systems "
                         f"refuse longer names), got {len(value.encode('utf-8', 'surrogatepass'))}")
    return value


def finite(what: str, value, blame: str):
    """`value` (a number or an array) if it is finite; else say which inputs made it overflow."""
    try:
        values = np.asarray(value, dtype=float)
    except OverflowError:  # an int beyond float64, such as 10**400
        values = np.array(math.inf)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a real number or an array of them, "
                        f"got {type(value).__name__}") from None
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{what} overflowed (left float64's range, about 1.8e308): "
                         f"{blame}")
    return value


@contextmanager
def no_overflow(what: str, blame: str):
    """Run numpy/float arithmetic so that overflow raises a ValueError naming `blame`, with no
    RuntimeWarning; underflow (a tiny number becoming 0) stays harmless."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        try:
            yield
        except (FloatingPointError, OverflowError):
            raise ValueError(f"{what} overflowed (left float64's range, about 1.8e308): "
                             f"{blame}") from None
