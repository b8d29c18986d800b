"""lessons_lib.validation: each check passes what it should, converts what it can, and refuses the
rest with a message that names the argument."""
import math
import warnings

import numpy as np
import pytest
import torch

from lessons_lib import validation


def test_real_takes_numbers_and_refuses_the_rest():
    assert validation.real("lr", 3) == 3.0 and validation.real("lr", np.float32(0.5)) == 0.5
    for bad, error in [(True, TypeError), ("1", TypeError), (math.nan, ValueError),
                       (10**400, ValueError), (torch.tensor(1.0), TypeError)]:
        with pytest.raises(error, match="lr"):
            validation.real("lr", bad)
    with pytest.raises(TypeError, match=r"\.item\(\)"):
        validation.real("lr", torch.tensor(1.0))


def test_count_bounds():
    assert validation.count("steps", np.int64(3), minimum=1, maximum=3) == 3
    for bad, error in [(2.0, TypeError), (0, ValueError), (4, ValueError)]:
        with pytest.raises(error, match="steps"):
            validation.count("steps", bad, minimum=1, maximum=3)


def test_array_converts_ints_lists_and_cpu_tensors():
    assert validation.array("image", [[1, 2], [3, 4]], ndim=2).dtype == np.float64
    assert validation.array("image", torch.ones(2, 2), ndim=2).shape == (2, 2)
    assert validation.array("image", np.ones(2, np.float32), keep_float32=True).dtype == np.float32
    assert np.isnan(validation.array("values", [[np.nan, 1.0]], allow_nan=True)[0, 0])


@pytest.mark.parametrize("bad, error, words", [
    ([[1, 2], [3]], TypeError, "same length"), (np.ones(2, bool), TypeError, "real numbers"),
    (np.ones(2) * 1j, TypeError, "real numbers"), ([], ValueError, "empty"),
    (np.ones(3), ValueError, "2-D"), ([[np.inf]], ValueError, "finite"),
    ([[np.nan]], ValueError, "finite"), ("ab", TypeError, "real numbers"),
])
def test_array_refuses(bad, error, words):
    with pytest.raises(error, match=f"image.*{words}|{words}.*image|image must"):
        validation.array("image", bad, ndim=2)


def test_tensor_device_and_file_name():
    assert validation.tensor("kernel", torch.ones(2, 2, dtype=torch.int64)).dtype == torch.float32
    with pytest.raises(TypeError, match="kernel must be a torch.Tensor"):
        validation.tensor("kernel", np.ones((2, 2)))
    assert validation.device("device", "cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device"):
        validation.device("device", "gpu0")
    for bad in ("..", "a/b.png", "/tmp/x.png", "a\\b.png", ""):
        with pytest.raises(ValueError, match="name must be a plain name"):
            validation.file_name("name", bad)


def test_no_overflow_turns_overflow_into_a_named_error_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="the loss overflowed.*x is too large"):
            with validation.no_overflow("the loss", "x is too large"):
                np.array([1e200]) ** 2
        with validation.no_overflow("the loss", "x is too large"):
            assert np.array([1e-200]) ** 2 == 0  # underflow is harmless
    with pytest.raises(ValueError, match="x is too large"):
        validation.finite("the loss", [1.0, math.inf], "x is too large")


def test_colour_takes_names_hex_and_rgb_and_names_the_argument_otherwise():
    assert validation.colour("background", "white") == "white"
    assert validation.colour("background", "#0072B2") == "#0072B2"
    assert validation.colour("background", (0.1, 0.2, 0.3)) == (0.1, 0.2, 0.3)
    with pytest.raises(TypeError, match="background must be a colour"):
        validation.colour("background", 3)
    with pytest.raises(ValueError, match="background must be a colour"):
        validation.colour("background", "not-a-colour")
    with pytest.raises(ValueError, match="background must be a colour"):
        validation.colour("background", (2.0, 0.0, 0.0))


def _inference_tensor():
    with torch.inference_mode():
        return torch.ones(2, 2)


@pytest.mark.parametrize("value, words", [
    (torch.ones(2, 2, device="meta"), "'meta' device"),
    (torch.ones(2, 2).to_sparse(), "dense tensor"),
    (torch.ones(2, 2, dtype=torch.complex64), "real numbers"),
    (torch.ones(2, 2, dtype=torch.bool), "real numbers"),
])
def test_array_and_tensor_refuse_tensors_no_function_can_use_with_a_named_message(value, words):
    for check in (validation.array, validation.tensor):
        with pytest.raises((TypeError, ValueError), match=f"image.*{words}|image must"):
            check("image", value)


def test_array_and_tensor_convert_half_bfloat16_int_and_inference_tensors():
    for dtype in (torch.float16, torch.bfloat16, torch.int32):
        assert validation.array("image", torch.ones(2, 2, dtype=dtype)).dtype == np.float64
        assert validation.tensor("image", torch.ones(2, 2, dtype=dtype)).dtype == torch.float32
    made = _inference_tensor()
    assert not validation.tensor("image", made).is_inference()  # autograd can use the copy
    assert validation.array("image", made).shape == (2, 2)
    with torch.inference_mode():  # inside the mode, nothing to copy
        assert validation.tensor("image", made) is made


def test_array_refuses_masked_arrays_and_reads_odd_layouts():
    masked = np.ma.masked_array([[1.0, 1e300]], mask=[[False, True]])
    with pytest.raises(TypeError, match="image is a masked array.*filled"):
        validation.array("image", masked)
    read_only = np.arange(6.0).reshape(2, 3)
    read_only.flags.writeable = False
    assert validation.array("image", read_only.T).tolist() == [[0, 3], [1, 4], [2, 5]]
    with pytest.raises(ValueError, match="image must contain only finite"):
        validation.array("image", np.array([1e4000], dtype=np.longdouble))  # beyond float64


def test_autograd_context_turns_gradients_on_inside_no_grad_and_inference_mode():
    with torch.no_grad(), torch.inference_mode():
        with validation.autograd():
            w = torch.ones(2, requires_grad=True)
            assert torch.autograd.grad((w * w).sum(), w)[0].tolist() == [2.0, 2.0]
        assert not torch.is_grad_enabled()
