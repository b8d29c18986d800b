"""Lesson 05's facts, asserted against the library and against the stored outputs of the executed
notebook (what a reader without a kernel sees)."""
import numpy as np
import torch

from lessons_lib import autograd_conv, chain_rule, graph, moons, tiny_autograd
from tests import stored_notebooks

GRAD = "tensor([[22080., 28740.],\n        [21180., 27840.]])"


def nb():
    return stored_notebooks.load_named("inside-autograd")


def test_the_graph_walk_by_hand_and_by_the_library():
    book = nb()
    assert stored_notebooks.output_after(book, "image = torch.tensor([[10, 20") == (
        "tensor(13341., grad_fn=<SumBackward0>)")
    assert stored_notebooks.output_after(book, "made_by_conv = made_by_square") == (
        "['SumBackward0', 'PowBackward0', 'ConvolutionBackward0']")
    assert stored_notebooks.output_after(book, "for fn, _ in made_by_conv.next_functions") == (
        "[None, 'UnsqueezeBackward0', None]")
    assert stored_notebooks.output_after(book, "leaf_node.variable is kernel") == (
        "('AccumulateGrad', True)")
    tree = stored_notebooks.output_after(book, "print(conv_graph.text())").splitlines()
    assert [line.strip("└─ ") for line in tree] == [
        "SumBackward0", "PowBackward0", "ConvolutionBackward0", "UnsqueezeBackward0",
        "UnsqueezeBackward0", "kernel (2, 2)"]


def test_backward_gives_lesson_04_blame_and_gradients_by_both_convs():
    book = nb()
    backward = stored_notebooks.output_after(book, "print(output.grad[0, 0])")
    assert backward.startswith("tensor([[ 42.,  64.,  86.],\n        [ 68.,  90., 112.],\n"
                               "        [ 46.,  68.,  90.]])")
    assert backward.rstrip().endswith(GRAD)
    assert stored_notebooks.output_after(book, "conv2d_by_hand(image, kernel.detach())") == (
        "tensor([[21., 32., 43.],\n        [34., 45., 56.],\n        [23., 34., 45.]])")
    assert stored_notebooks.output_after(book, "loss_2.backward()") == GRAD
    counts = stored_notebooks.output_after(book, "node_counts = {")
    for name, count in {"SumBackward0": 1, "PowBackward0": 1, "AddBackward0": 3,
                        "MulBackward0": 4, "SelectBackward0": 8, "kernel": 1}.items():
        assert f"'{name}': {count}" in counts
    assert counts.rstrip().endswith("18)")
    assert stored_notebooks.output_after(book, "torch.autograd.gradcheck(conv2d_by_hand") == "True"
    assert "Trying to backward through the graph a second time" in backward  # saved values freed


def test_the_library_agrees_with_the_stored_gradient():
    image = torch.tensor([[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50],
                          [10, 20, 30, 40]], dtype=torch.float32)
    grad = autograd_conv.kernel_grad(autograd_conv.conv2d_indexing, image,
                                     torch.tensor([[0.5, 0.3], [0.2, 0.1]]), torch.zeros(3, 3))
    assert str(grad) == GRAD


def test_the_tiny_engine_reproduces_lessons_03_and_04_in_the_library_and_the_notebook():
    book = nb()
    x, w, b = (tiny_autograd.Value(v) for v in (2.0, 3.0, -4.0))
    loss = ((w * x + b).square() + (-1.0)).square()
    loss.backward()
    grads = {"w": float(w.grad), "b": float(b.grad), "x": float(x.grad)}
    assert grads == chain_rule.gradients(chain_rule.tiny_network(), 2.0)
    assert stored_notebooks.output_after(book, "chain_loss.backward()") == (
        f"({float(loss.data)}, {grads})") == "(9.0, {'w': 48.0, 'b': 24.0, 'x': 72.0})"
    image = np.array([[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50], [10, 20, 30, 40]])
    kernel_grad, _ = tiny_autograd.lesson_04_gradients(image, [[0.5, 0.3], [0.2, 0.1]])
    assert kernel_grad.tolist() == [[22080, 28740], [21180, 27840]]
    shown = stored_notebooks.output_after(book, "loss_v.backward()")
    assert shown.startswith("(13341.0,")
    assert "[[22080., 28740.],\n        [21180., 27840.]]" in shown
    assert stored_notebooks.output_after(book, "nudged.round(3)") == (
        "array([[22080., 28740.],\n       [21180., 27840.]])")
    assert stored_notebooks.output_after(book, "tiny_graph = graph.walk_values") == (
        "{'sum': 1, 'square': 1, 'add': 3, 'mul': 4, 'index': 8}")  # 8 = 4 weights + 4 slices
    assert stored_notebooks.output_after(book, "tiny_autograd.lesson_04_gradients") == (
        "'library engine = hand-written engine = PyTorch'")


def test_each_piece_checked_alone_gives_pytorchs_shares():
    book = nb()
    for snippet, shown in [("one_step(lambda a, b: a + b, 3.0, -2.0)", "[1.0, 1.0]"),
                           ("one_step(lambda a, b: a * b, 3.0, -2.0)", "[-2.0, 3.0]"),
                           ("one_step(lambda a: a.square(), -1.5)", "[-3.0]"),
                           ("one_step(lambda a: a.relu(), 2.0)", "([1.0], [0.0])")]:
        assert stored_notebooks.output_after(book, snippet).endswith(shown)
        assert "Not attempted yet: carrying on" in stored_notebooks.output_after(book, snippet)
    shown = stored_notebooks.output_after(book, "class WithoutTheLine:")
    assert "array(['one __rmul__ call', 'one __rmul__ call'], dtype=object), 'Value'" in shown
    assert shown.startswith("+= [1. 1. 0.]   np.add.at [2. 1. 0.]\nfit: 9.0 [[2. 2. 2.]]")


def test_the_order_the_long_chain_and_the_fan_out_facts():
    book = nb()
    assert stored_notebooks.output_after(book, "sys.getrecursionlimit()") == "1000"
    order = stored_notebooks.output_after(book, "chain_order = topo_order(")
    assert order.endswith("(['square', 'add', 'square', 'add', 'mul', 'leaf', 'leaf', 'leaf', "
                          "'leaf'],\n 20001)")
    chain = tiny_autograd.Value(0.0)
    for _ in range(10_000):
        chain = chain + 1.0
    assert len(tiny_autograd.topo_order(chain)) == 20_001
    chain.backward()  # no RecursionError
    v = tiny_autograd.Value([1.0, 2.0, 3.0])
    v[[0, 0, 1]].sum().backward()
    assert v.grad.tolist() == [2.0, 1.0, 0.0]
    x = tiny_autograd.Value(2.0)
    cube = x * x * x
    cube.backward()
    cube.backward()
    assert float(x.grad) == 24.0  # 2 * 3 * 2**2; piling shares on old ones would give 32
    assert stored_notebooks.output_after(book, "picked = Value([1.0, 2.0, 3.0])") == (
        "(array([2., 1., 0.]), 24.0, 10000.0)")


def test_the_network_trains_to_the_stated_accuracy_like_pytorch():
    points, labels = moons.make_moons(100, noise=0.1, seed=0)
    held_points, held_labels = moons.make_moons(200, noise=0.1, seed=1)
    start = moons.start(hidden=8, seed=3)
    history, losses = moons.train(start, points, labels, lr=0.1, steps=300)
    torch_losses = moons.train_torch(start, points, labels, lr=0.1, steps=300)
    assert max(abs(a - b) for a, b in zip(losses, torch_losses)) < 1e-9
    train, held = (moons.accuracy(history[-1], p, y) for p, y in
                   ((points, labels), (held_points, held_labels)))
    assert (round(losses[0], 1), round(losses[-1], 3), train, held) == (1.9, 0.125, 0.99, 0.98)
    shown = stored_notebooks.output_after(nb(), "our_losses.append(")
    assert shown == f"({losses[0]!r}, {losses[-1]!r}, 'train 99%, held out 98%')"
    assert stored_notebooks.output_after(nb(), "start_accuracy = moons.accuracy") == (
        "step 0: 22% right, 78% with every sign flipped\n"
        "steps 0, 1, 2: accuracy 22%, 82%, 83%; loss 1.91, 0.48, 0.44\n")
    assert [moons.accuracy(history[step], points, labels) for step in range(3)] == [
        0.22, 0.82, 0.83]
    assert np.mean(np.sign(-moons.scores(history[0], points)) == labels) == 0.78
    assert [round(value, 2) for value in losses[:3]] == [1.91, 0.48, 0.44]
    gap = stored_notebooks.output_after(nb(), "torch_losses.append(")
    assert gap.startswith("'largest gap over 300 steps: ") and float(gap[29:-1]) < 1e-9


def test_the_graph_drawings_show_values_and_gradients():
    x, w, b = (tiny_autograd.Value(v) for v in (2.0, 3.0, -4.0))
    loss = ((w * x + b).square() + (-1.0)).square()
    loss.backward()
    text = graph.walk_values(loss, {"w": w, "x": x, "b": b}, numbers=True).text()
    for line in ("square  value 9 · grad 1", "add  value 3 · grad 6", "square  value 4 · grad 6",
                 "add  value 2 · grad 24", "w ()  value 3 · grad 48", "x ()  value 2 · grad 72",
                 "b ()  value -4 · grad 24", "leaf ()  value -1 · grad 6"):
        assert line in text


def test_exercise_cells_are_stored_unanswered():
    for snippet in ("exercises_05.add_backward(add_backward)", "exercises_05.mul_backward(",
                    "exercises_05.square_backward(", "exercises_05.relu_backward(",
                    "exercises_05.topo_order(topo_order)",
                    "exercises_05.backward_pass(backward_pass)",
                    "exercises_05.graph_nodes("):
        assert "Not attempted yet" in stored_notebooks.output_after(nb(), snippet)
