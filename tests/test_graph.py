"""lessons_lib.graph: the walker on expressions whose graphs we know, the text form, and the
drawing (matplotlib only, no graphviz or other system binary)."""
import shutil

import pytest
import torch
import torch.nn.functional as F

from lessons_lib import autograd_conv, graph, plotting


def names(g):
    return [node.name for node in g.nodes]


def test_a_product_of_a_leaf_and_a_constant():
    w = torch.tensor(2.0, requires_grad=True)
    g = graph.walk(w * 3, {"w": w})
    assert names(g) == ["MulBackward0", "w"]
    assert g.edges == [(0, 1)]
    assert [node.kind for node in g.nodes] == ["op", "leaf"]


def test_inputs_without_grad_are_not_nodes_and_unnamed_leaves_say_leaf():
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    g = graph.walk(((w * x + b) ** 2).sum(), {"w": w})
    assert names(g) == ["SumBackward0", "PowBackward0", "AddBackward0", "MulBackward0", "w",
                        "leaf"]
    assert g.edges == [(0, 1), (1, 2), (2, 3), (2, 5), (3, 4)]
    assert g.layers() == [[0], [1], [2], [3, 5], [4]]


def test_a_leaf_used_twice_is_one_node_with_two_edges():
    w = torch.tensor(2.0, requires_grad=True)
    g = graph.walk(w * w, {"w": w})
    assert names(g) == ["MulBackward0", "w"] and g.edges == [(0, 1), (0, 1)]
    assert g.text() == "MulBackward0\n├── w ()\n└── w ()  (shown above)"


def test_lesson_04_loss_through_f_conv2d():
    kernel = torch.tensor([[0.5, 0.3], [0.2, 0.1]], requires_grad=True)
    image = torch.arange(16.0).reshape(4, 4)
    loss = (F.conv2d(image[None, None], kernel[None, None]) ** 2).sum()
    g = graph.walk(loss, {"kernel": kernel})
    assert names(g) == ["SumBackward0", "PowBackward0", "ConvolutionBackward0",
                        "UnsqueezeBackward0", "UnsqueezeBackward0", "kernel"]
    assert g.nodes[-1].shape == (2, 2)
    assert g.text().splitlines()[-1].strip() == "└── kernel (2, 2)"


@pytest.mark.parametrize("size", [2, 3])
def test_indexing_conv_has_one_multiply_per_weight_and_one_leaf(size):
    kernel = torch.ones(size, size, requires_grad=True)
    g = graph.walk(autograd_conv.conv2d_indexing(torch.ones(6, 6), kernel).sum(),
                   {"kernel": kernel})
    assert g.count("MulBackward0") == size**2
    assert g.count("AddBackward0") == size**2 - 1
    assert g.count("SelectBackward0") == 2 * size**2  # kernel[a, b]: a row, then a column
    assert g.count("kernel") == 1
    (leaf,) = [node.index for node in g.nodes if node.kind == "leaf"]
    assert sum(j == leaf for _, j in g.edges) == size**2  # one select per weight reaches it
    # every edge points down a layer or more
    depth = {j: d for d, layer in enumerate(g.layers()) for j in layer}
    assert all(depth[i] < depth[j] for i, j in g.edges)


def test_walk_refuses_a_tensor_with_no_graph():
    with pytest.raises(ValueError, match="no grad_fn"):
        graph.walk(torch.ones(2))
    with pytest.raises(TypeError):
        graph.walk([1.0])


def test_draw_returns_a_png_figure_with_no_system_binary(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shutil.which("dot") is None
    kernel = torch.ones(2, 2, requires_grad=True)
    g = graph.walk((autograd_conv.conv2d_indexing(torch.ones(4, 4), kernel) ** 2).sum(),
                   {"kernel": kernel})
    fig = g.draw("lesson 04's loss")
    assert isinstance(fig, plotting.LessonFigure)
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_text()]  # arrows have none
    assert sorted(labels) == sorted(g.label(n.index) for n in g.nodes)
    arrows = [t for t in fig.axes[0].texts if not t.get_text()]
    assert len(arrows) == len(set(g.edges))  # one arrow per distinct edge
    png, metadata = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and "computation graph" in metadata["alt"]



def test_a_thousand_op_chain_walks_and_prints_without_recursion():
    w = torch.tensor(1.0, requires_grad=True)
    y = w
    for _ in range(1000):
        y = y * 1.0
    chain = graph.walk(y, {"w": w})
    assert len(chain.nodes) == 1001 and chain.count("MulBackward0") == 1000
    assert chain.text().splitlines()[-1].endswith("w ()")
    with pytest.raises(ValueError, match="text"):
        chain.draw()


def test_numbers_show_each_values_value_and_gradient_in_both_engines():
    from lessons_lib.tiny_autograd import Value
    w, x = Value(3.0), Value(2.0)
    loss = (w * x).square()
    loss.backward()
    assert graph.walk_values(loss, {"w": w, "x": x}, numbers=True).text().splitlines() == [
        "square  value 36 · grad 1", "└── mul  value 6 · grad 12",
        "    ├── w ()  value 3 · grad 24", "    └── x ()  value 2 · grad 36"]
    wt = torch.tensor(3.0, requires_grad=True)
    inner = wt * 2.0
    inner.retain_grad()
    (inner**2).backward()
    text = graph.walk(inner**2, {"w": wt}, numbers=True, kept=[inner]).text()
    assert text.splitlines() == ["PowBackward0  value 36 · grad 1",
                                 "└── MulBackward0  value 6 · grad 12",
                                 "    └── w ()  value 3 · grad 24"]
    assert graph.walk(inner**2, {"w": wt}).text().splitlines()[0] == "PowBackward0"
    assert "array (2,)" in graph.walk_values(Value([1.0, 2.0]) * 2.0, numbers=True).text()
    with pytest.raises(TypeError, match="numbers must be True or False"):
        graph.walk(inner**2, numbers="yes")
    with pytest.raises(TypeError, match="kept must be a list of tensors"):
        graph.walk(inner**2, kept=[1.0])
