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


def test_repeated_indices_collect_every_share_like_pytorch():
    v = Value([1.0, 2.0, 3.0])
    v[[0, 0, 1]].sum().backward()
    t = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    t[[0, 0, 1]].sum().backward()
    assert v.grad.tolist() == t.grad.tolist() == [2.0, 1.0, 0.0]


def test_a_second_backward_gives_the_same_shares_again_leaves_keep_adding():
    x = Value(2.0)
    cube = x * x * x
    cube.backward()
    assert float(x.grad) == 12.0
    cube.backward()
    assert float(x.grad) == 24.0  # not 32: the made values start from zero on every call
    t = torch.tensor(2.0, requires_grad=True)
    cube_t = t * t * t
    cube_t.backward(retain_graph=True)
    cube_t.backward()
    assert t.grad.item() == 24.0


def test_a_chain_of_10000_operations_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0 + 0.0
    order = tiny_autograd.topo_order(y)
    assert order[0] is y and order[-1] is not y and len(order) == 40_001
    y.backward()
    assert float(x.grad) == 1.0


def test_the_order_puts_every_value_before_its_inputs_once():
    x, w = Value(2.0), Value(3.0)
    shared = w * x
    loss = (shared + shared * x).square()
    order = tiny_autograd.topo_order(loss)
    place = {id(v): n for n, v in enumerate(order)}
    assert len(place) == len(order) == 6 and order[0] is loss
    assert all(place[id(v)] < place[id(p)] for v in order for p, _ in v.parents)


def test_relu_and_each_backward_piece_against_pytorch():
    a = np.array([-2.0, 0.0, 3.0])
    v = Value(a)
    (v.relu() * Value([1.0, 2.0, 3.0])).sum().backward()
    t = torch.tensor(a, requires_grad=True)
    (torch.relu(t) * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
    assert v.grad.tolist() == t.grad.tolist() == [0.0, 0.0, 3.0]
    assert [g.tolist() for g in tiny_autograd.mul_backward(2.0, 5.0, 3.0)] == [15.0, 6.0]
    assert [g.tolist() for g in tiny_autograd.add_backward([1.0, 2.0])] == [[1.0, 2.0]] * 2
    assert tiny_autograd.square_backward(3.0, 2.0) == 12.0


def test_mismatched_shapes_and_non_values_get_a_named_error():
    with pytest.raises(ValueError, match=r"cannot add a Value of shape \(3,\) and one of "
                                         r"shape \(4,\)"):
        Value(np.ones(3)) + Value(np.ones(4))
    with pytest.raises(ValueError, match="cannot multiply"):
        Value(np.ones((2, 3))) * np.ones(4)
    with pytest.raises(ValueError, match="a, b, grad must have shapes that match"):
        tiny_autograd.mul_backward(np.ones(3), np.ones(4), np.ones(3))
    with pytest.raises(TypeError, match="root must be a Value"):
        tiny_autograd.backward_pass(3.0)
