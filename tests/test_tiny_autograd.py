"""lessons_lib.tiny_autograd: lesson 03's chain and lesson 04's step, by the tiny engine, by
PyTorch and by finite differences; fan-out; its graph drawn by lessons_lib.graph."""
import numpy as np
import pytest
import torch

from lessons_lib import chain_rule, graph, tiny_autograd
from lessons_lib.tiny_autograd import Value

IMAGE = np.array([[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50], [10, 20, 30, 40]],
                 dtype=float)
KERNEL = np.array([[0.5, 0.3], [0.2, 0.1]])


def lesson_03_loss(x, w, b, y_true):
    return ((w * x + b).square() + (-y_true)).square()


def test_lesson_03_chain_equals_the_hand_pass_autograd_and_finite_differences():
    x, w, b = Value(2.0), Value(3.0), Value(-4.0)
    loss = lesson_03_loss(x, w, b, 1.0)
    loss.backward()
    assert float(loss.data) == 9.0
    mine = {"w": float(w.grad), "b": float(b.grad), "x": float(x.grad)}
    assert mine == chain_rule.gradients(chain_rule.tiny_network(3.0, -4.0, 1.0), 2.0)
    assert mine == {"w": 48.0, "b": 24.0, "x": 72.0}
    ts = {n: torch.tensor(v, dtype=torch.float64, requires_grad=True)
          for n, v in (("x", 2.0), ("w", 3.0), ("b", -4.0))}
    (((ts["w"] * ts["x"] + ts["b"]) ** 2 - 1.0) ** 2).backward()
    for name, value in mine.items():
        assert ts[name].grad.item() == value
    nudged = chain_rule.finite_difference(lambda v: chain_rule.loss_of(2.0, w=v, b=-4.0), 3.0)
    assert nudged == pytest.approx(48.0, rel=1e-6)


def test_lesson_04_four_kernel_gradients_exactly_and_the_input_gradient():
    kernel_grad, image_grad = tiny_autograd.lesson_04_gradients(IMAGE, KERNEL)
    assert kernel_grad.tolist() == [[22080.0, 28740.0], [21180.0, 27840.0]]
    image_t = torch.tensor(IMAGE, requires_grad=True)
    kernel_t = torch.tensor(KERNEL, requires_grad=True)
    (torch.nn.functional.conv2d(image_t[None, None], kernel_t[None, None]) ** 2).sum().backward()
    torch.testing.assert_close(torch.tensor(kernel_grad), kernel_t.grad)
    torch.testing.assert_close(torch.tensor(image_grad), image_t.grad)


def test_lesson_04_gradients_agree_with_finite_differences():
    def loss(kernel):
        return float(tiny_autograd.conv2d(Value(IMAGE), Value(kernel)).square().sum().data)

    grad, _ = tiny_autograd.lesson_04_gradients(IMAGE, KERNEL)
    h = 1e-4
    for (a, b), value in np.ndenumerate(grad):
        bump = np.zeros_like(KERNEL)
        bump[a, b] = h
        assert (loss(KERNEL + bump) - loss(KERNEL - bump)) / (2 * h) == pytest.approx(value,
                                                                                      rel=1e-6)


def test_a_value_used_twice_or_three_times_collects_every_share():
    x = Value(3.0)
    (x * x).backward()
    assert float(x.grad) == 6.0
    x = Value(3.0)
    (x * x * x).backward()
    assert float(x.grad) == 27.0
    x = Value([1.0, 2.0])
    (x + x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_indexing_and_broadcasting_send_gradients_to_the_right_places():
    v = Value([[1.0, 2.0], [3.0, 4.0]])
    (v[0, 1] * Value([1.0, 1.0, 1.0])).sum().backward()
    assert v.grad.tolist() == [[0.0, 3.0], [0.0, 0.0]]
    assert tiny_autograd._fit(np.ones((2, 3)), ()) == 6.0


def test_an_array_on_the_left_of_a_value_still_makes_a_value():
    w = Value(2.0)
    out = np.array([1.0, 2.0]) * w
    assert isinstance(out, Value)
    out.sum().backward()
    assert float(w.grad) == 3.0


def test_its_graph_is_drawn_by_the_same_code_as_pytorchs():
    kernel, image = Value(KERNEL), Value(IMAGE)
    g = graph.walk_values(tiny_autograd.conv2d(image, kernel).square().sum(),
                          {"kernel": kernel, "image": image})
    assert [g.count(op) for op in ("sum", "square", "add", "mul", "index")] == [1, 1, 3, 4, 8]
    assert g.count("kernel") == g.count("image") == 1 and len(g.nodes) == 19
    assert g.text().splitlines()[:3] == ["sum", "└── square", "    └── add"]
    fig = g.draw("tiny")
    assert fig.axes[0].get_title() == "tiny"


def test_bad_inputs_are_refused_with_the_argument_named():
    with pytest.raises(TypeError, match="data must be an array of real numbers"):
        Value("three")
    with pytest.raises(ValueError, match="data must contain only finite"):
        Value(float("nan"))
    with pytest.raises(ValueError, match="kernel must be a 2-D Value"):
        tiny_autograd.conv2d(Value(IMAGE), Value([1.0, 2.0]))
    with pytest.raises(ValueError, match="does not fit"):
        tiny_autograd.conv2d(Value(KERNEL), Value(IMAGE))
    with pytest.raises(TypeError, match="value must have .op"):
        graph.walk_values(3.0)
