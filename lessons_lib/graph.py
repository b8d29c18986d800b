"""The computation graph autograd records, as plain nodes and edges (lesson 05).

Every tensor made from a tensor with requires_grad=True carries a `grad_fn`: the node that will
run its backward step. `grad_fn.next_functions` lists the nodes one step nearer the inputs, and a
leaf tensor (one you made yourself, such as a kernel) ends in an `AccumulateGrad` node whose
`.variable` is that tensor. `walk` follows those links from a tensor into a `Graph`;
`Graph.text()` prints it as a tree and `Graph.draw()` returns a matplotlib figure laid out in
layers from top (the loss) to bottom (the leaves): no graphviz or other system binary needed.

`walk_values` does the same for lesson 05's own engine (`tiny_autograd.Value`, or any value
with `.op`, `.parents` and `.data`), so both graphs are drawn by the same code. Asked for
`numbers`, each node also shows its value and its gradient (after `backward()`): every node of
the tiny engine; in PyTorch's graph the leaves, the root and any tensor passed in `kept` (call
`.retain_grad()` on it first, or PyTorch frees its gradient).
"""
from dataclasses import dataclass, field

import torch
from matplotlib.figure import Figure

from lessons_lib import plotting, validation

# draw() lays out at most this many layers; a deeper graph is printed with text() instead.
MAX_DRAWN_LAYERS = 40


@dataclass(frozen=True)
class Node:
    index: int  # position in Graph.nodes; 0 is the tensor the walk started from
    name: str  # the grad_fn class (MulBackward0, ...) or, for a leaf, the tensor's name
    kind: str  # "op" or "leaf"
    shape: tuple = ()  # a leaf tensor's shape
    numbers: str = ""  # "value 9 · grad 1" when the walk was asked for numbers


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    # (i, j): node j is in node i's next_functions, so the backward pass sends a gradient from
    # i to j. An edge appears twice when an op uses the same input twice (w * w).
    edges: list[tuple[int, int]] = field(default_factory=list)

    def count(self, name: str) -> int:
        """How many nodes have this name (e.g. "MulBackward0")."""
        name = validation.text("name", name)
        return sum(node.name == name for node in self.nodes)

    def _index(self, index) -> int:
        return validation.count("index", index, maximum=len(self.nodes) - 1)

    def children(self, index: int) -> list[int]:
        index = self._index(index)
        return [j for i, j in self.edges if i == index]

    def layers(self) -> list[list[int]]:
        """Node indices by depth: the longest path from the root, so every edge points down."""
        depth = {0: 0}
        changed = True
        while changed:  # a few passes; graphs here have tens of nodes
            changed = False
            for i, j in self.edges:
                if i in depth and depth[i] + 1 > depth.get(j, -1):
                    depth[j], changed = depth[i] + 1, True
        layers = [[] for _ in range(max(depth.values()) + 1)]
        for node in self.nodes:
            layers[depth[node.index]].append(node.index)
        return layers

    def label(self, index: int) -> str:
        node = self.nodes[self._index(index)]
        name = f"{node.name} {tuple(node.shape)}" if node.kind == "leaf" else node.name
        return f"{name}\n{node.numbers}" if node.numbers else name

    def text(self) -> str:
        """The graph as an indented tree from the root; a node reached again says so."""
        lines, shown = [], set()
        kids_of = {}
        for i, j in self.edges:
            kids_of.setdefault(i, []).append(j)
        # Depth first with a stack of its own, not recursion: a 1,000-op chain is fine.
        stack = [(0, "", True, True)]
        while stack:
            index, prefix, last, top = stack.pop()
            branch = "" if top else ("└── " if last else "├── ")
            again = index in shown
            lines.append(prefix + branch + self.label(index).replace("\n", "  ")
                         + ("  (shown above)" if again else ""))
            shown.add(index)
            if again:
                continue
            kids = kids_of.get(index, [])
            inner = prefix + ("" if top else ("    " if last else "│   "))
            stack.extend((kid, inner, n == len(kids) - 1, False)
                         for n, kid in reversed(list(enumerate(kids))))
        return "\n".join(lines)

    def draw(self, title: str = "") -> Figure:
        """Boxes in layers, the root on top; arrows show the way the gradient travels."""
        title = validation.text("title", title)
        layers = self.layers()
        if len(layers) > MAX_DRAWN_LAYERS or max(map(len, layers)) > MAX_DRAWN_LAYERS:
            raise ValueError(f"this graph is {len(layers)} layers deep and up to "
                             f"{max(map(len, layers))} wide: draw() shows at most "
                             f"{MAX_DRAWN_LAYERS}; print its text() instead")
        x_of = {}
        for depth, layer in enumerate(layers):
            if depth:  # order each layer under its parents to keep arrows short and uncrossed
                parent_x = {j: [x_of[i] for i, k in self.edges if k == j] for j in layer}
                layer.sort(key=lambda j: sum(parent_x[j]) / len(parent_x[j]))
            for n, j in enumerate(layer):
                x_of[j] = n - (len(layer) - 1) / 2
        widest = max(len(layer) for layer in layers)
        tall = 1.0 if any(node.numbers for node in self.nodes) else 0.75  # two-line boxes
        fig = plotting.LessonFigure(
            figsize=(max(3.6, 1.9 * widest), tall * len(layers) + 0.6), dpi=plotting.DPI,
            layout="constrained", alt=f"The computation graph as {len(self.nodes)} boxes in "
            f"{len(layers)} layers, {self.label(0)} on top, arrows pointing the way the "
            f"gradient travels down to the leaves.")
        ax = fig.subplots()
        ax.set_axis_off()
        ax.set_xlim(-widest / 2, widest / 2)
        ax.set_ylim(-len(layers) + 0.5, 0.5)
        colours = {"op": plotting.SKY, "leaf": plotting.GREEN}
        for depth, layer in enumerate(layers):
            for j in layer:
                colour = plotting.ORANGE if j == 0 else colours[self.nodes[j].kind]
                ax.text(x_of[j], -depth, self.label(j), ha="center", va="center",
                        fontsize=plotting.MIN_FONT_PT,
                        bbox={"boxstyle": "round,pad=0.35", "facecolor": colour + "55",
                              "edgecolor": colour})
        depth_of = {j: d for d, layer in enumerate(layers) for j in layer}
        for i, j in set(self.edges):
            ax.annotate("", xy=(x_of[j], -depth_of[j] + 0.2), xytext=(x_of[i], -depth_of[i] - 0.2),
                        arrowprops={"arrowstyle": "-|>", "color": plotting.GREY, "lw": 1})
        if title:
            ax.set_title(title, fontsize=10)
        return fig


def _build(root, inputs, describe) -> Graph:
    """Depth first from `root`: inputs(x) lists x's inputs in order, describe(x) gives
    (name, kind, shape). A node reached twice is one node with two edges."""
    graph, index_of, seen = Graph(), {}, []  # seen keeps every x alive, so no id is reused

    def add(x) -> int:
        seen.append(x)
        index = index_of[id(x)] = len(graph.nodes)
        graph.nodes.append(Node(index, *describe(x)))
        return index

    # An explicit stack, not recursion, which would fail on a 1,000-op chain. Each entry is a
    # node and an iterator over its inputs; an input met for the first time is numbered and
    # explored before the node's next input, which numbers nodes as recursion would.
    add(root)
    stack = [(root, iter(inputs(root)))]
    while stack:
        x, pending = stack[-1]
        for parent in pending:
            known = id(parent) in index_of
            graph.edges.append((index_of[id(x)], index_of[id(parent)] if known else add(parent)))
            if not known:
                stack.append((parent, iter(inputs(parent))))
            break
        else:
            stack.pop()
    graph.edges.sort(key=lambda edge: edge[0])  # by parent; each parent's inputs stay in order
    return graph


def _numbers(data, grad) -> str:
    """'value 9 · grad 1' for a single number; the shape for an array (too long to print)."""
    data = torch.as_tensor(data).detach()
    if data.numel() != 1:
        return f"array {tuple(data.shape)}"
    grad = "none" if grad is None else f"{float(torch.as_tensor(grad).reshape(())):.4g}"
    return f"value {float(data.reshape(())):.4g} · grad {grad}"


def _name_of(leaf, names: dict) -> str:
    return next((n for n, t in names.items() if t is leaf), "leaf")


def walk(tensor: torch.Tensor, names: dict[str, torch.Tensor] | None = None,
         numbers: bool = False, kept=()) -> Graph:
    """The graph behind `tensor`, depth first in next_functions order.

    names maps a name to a leaf tensor, so the leaf shows as "kernel" rather than "leaf".
    Inputs that need no gradient (next_functions entries of None) are not nodes: the backward
    pass never visits them. numbers=True writes value and gradient on the root, the leaves and
    the nodes that made the tensors in `kept`.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.grad_fn is None:
        raise ValueError("this tensor has no grad_fn: it is a leaf or was made without "
                         "requires_grad=True, so autograd recorded no graph behind it")
    names = {} if names is None else names
    if not isinstance(names, dict) or not all(
            isinstance(n, str) and isinstance(t, torch.Tensor) for n, t in names.items()):
        raise TypeError("names must be a dict of name (str) -> tensor, such as "
                        "{'kernel': kernel}")

    if not isinstance(numbers, bool):
        raise TypeError(f"numbers must be True or False, got {numbers!r:.40}")
    if not isinstance(kept, (list, tuple)) or not all(
            isinstance(t, torch.Tensor) for t in kept):
        raise TypeError("kept must be a list of tensors (made on the way to `tensor`)")
    made = {id(t.grad_fn): t for t in (*kept, tensor) if t.grad_fn is not None}

    def describe(fn):
        leaf = getattr(fn, "variable", None)
        if leaf is None:
            shown = made.get(id(fn)) if numbers else None
            grad = None if shown is None or id(fn) != id(tensor.grad_fn) else 1.0
            if shown is not None and shown.retains_grad and shown.grad is not None:
                grad = shown.grad
            return (type(fn).__name__, "op", (),
                    "" if shown is None else _numbers(shown, grad))
        return (_name_of(leaf, names), "leaf", tuple(leaf.shape),
                _numbers(leaf, leaf.grad) if numbers else "")

    return _build(tensor.grad_fn, lambda fn: [f for f, _ in fn.next_functions if f is not None],
                  describe)


def walk_values(value, names: dict | None = None, numbers: bool = False) -> Graph:
    """The graph behind a value of lesson 05's tiny autograd: every value it was made from,
    leaves included (this engine sends a gradient to every input, constants too).
    numbers=True writes each node's value and gradient on it."""
    if not all(hasattr(value, attr) for attr in ("op", "parents", "data")):
        raise TypeError(f"value must have .op, .parents and .data (a tiny_autograd.Value), got "
                        f"{type(value).__name__}")
    names = {} if names is None else names
    if not isinstance(names, dict) or not all(isinstance(n, str) for n in names):
        raise TypeError("names must be a dict of name (str) -> Value, such as {'w': w}")

    if not isinstance(numbers, bool):
        raise TypeError(f"numbers must be True or False, got {numbers!r:.40}")

    def describe(v):
        shown = _numbers(v.data, getattr(v, "grad", None)) if numbers else ""
        if v.op:
            return v.op, "op", (), shown
        return _name_of(v, names), "leaf", tuple(v.data.shape), shown

    return _build(value, lambda v: [parent for parent, _ in v.parents], describe)
