"""By hand first: a lesson calls a computation from `lessons_lib` only after one of its own cells
has written the same computation by hand, and the cell that first calls the library asserts
that the two agree (lesson 00 promises this to the reader).

BY_HAND is the list: for each checked notebook, every `lessons_lib` computation it uses and a
snippet of the code that does the same by hand. Pictures, sliders, the environment check and the
exercise checkers are not computations (NOT_COMPUTATIONS). To check another lesson, add its
entry; the test then fails for any computation the lesson calls that is not listed, any listed
one it no longer calls, a by-hand snippet that is missing or comes after the first library call,
and a first library call whose cell asserts nothing.
"""
import ast
import re

import pytest

from tests import stored_notebooks

NOT_COMPUTATIONS = re.compile(r"^(plotting|slider_figure|\w+_widgets|environment"
                              r"|exercises|exercises_\d\d)$")

BY_HAND = {
    "00": {},
    "01": {
        "gradient_descent.descend": "hand_rows.append(",
        "gradient_descent.contraction": "factor = 1 - 8 * lr",
        "gradient_descent.lr_regime": "def regime_by_hand(lr):",
    },
    "02": {
        "gradient_descent.descend": "hand_rows.append(",
    },
    "03": {
        "chain_rule.finite_difference": "nudged = (g(f(x + h)) - g(f(x - h))) / (2 * h)",
        "chain_rule.tiny_network": "a3 = a2**2  # square",
        "chain_rule.backward": "d_a2 = 2 * a2 * d_a3",
        "chain_rule.gradients": "d_w = x * d_a1",
        "chain_rule.loss_of": "loss = (a3 - y_true) ** 2  # loss",
    },
    "04": {
        "conv2d.conv2d_loops": "output[i, j] = np.sum(image[i:i + 2, j:j + 2] * kernel)",
        "conv2d.conv2d_numpy": "output[i, j] = np.sum(image[i:i + 2, j:j + 2] * kernel)",
        "conv2d.loss": "loss = np.sum((output - target) ** 2)",
        "conv2d.blame": "blame = 2 * (output - target)",
        "conv2d.kernel_grad_loops": "grad[a, b] = np.sum(image[a:a + h, b:b + w] * blame)",
        "conv2d.kernel_grad_numpy": "grad[a, b] = np.sum(image[a:a + h, b:b + w] * blame)",
        "conv2d.sgd_update": "new_kernel = kernel - lr * grad",
        "conv2d.patches": "X = np.array([image[i:i + 2, j:j + 2].ravel()",
        "conv2d.max_stable_lr": "lr_limit = 2 / curvatures.max()",
        "conv2d.train": "losses_by_hand.append(",
    },
}


def python_of(source: str) -> str:
    """A cell's source with IPython magics and shell lines made `pass`, so that ast can read it."""
    return "\n".join(line[:len(line) - len(line.lstrip())] + "pass"
                     if line.strip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def library_uses(sources: list[str]) -> dict[str, tuple[int, int]]:
    """{"module.name": (cell, offset)} for the first use of each lessons_lib attribute."""
    modules, first = {}, {}
    for cell, source in enumerate(sources):
        tree = ast.parse(python_of(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "lessons_lib":
                modules.update({a.asname or a.name: a.name for a in node.names})
        lines = source.splitlines(keepends=True)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in modules):
                name = f"{modules[node.value.id]}.{node.attr}"
                where = (cell, sum(map(len, lines[:node.lineno - 1])) + node.col_offset)
                first[name] = min(first.get(name, where), where)
    return {name: where for name, where in first.items()
            if not NOT_COMPUTATIONS.match(name.split(".")[0])}


def problems(sources: list[str], listed: dict[str, str]) -> list[str]:
    """What breaks the rule in one notebook, given its code cells' sources and its BY_HAND list."""
    found, uses = [], library_uses(sources)
    for name in sorted(set(uses) - set(listed)):
        found.append(f"{name} is called but BY_HAND names no cell that writes it by hand")
    for name in sorted(set(listed) - set(uses)):
        found.append(f"{name} is listed but never called: remove it from BY_HAND")
    for name in sorted(set(listed) & set(uses)):
        snippet, (cell, offset) = listed[name], uses[name]
        hand = [(c, s.index(snippet)) for c, s in enumerate(sources) if snippet in s]
        if not hand:
            found.append(f"{name}: no cell contains its by-hand code {snippet!r}")
        elif hand[0] > (cell, offset):
            found.append(f"{name}: called in code cell {cell} before its by-hand code")
        if "assert" not in sources[cell]:
            found.append(f"{name}: the cell that first calls it (code cell {cell}) asserts "
                         "nothing")
    return found


def code_sources(prefix: str) -> list[str]:
    cells = stored_notebooks.code_cells(stored_notebooks.load(prefix))
    return ["".join(cell["source"]) for cell in cells]


def test_every_lesson_up_to_04_is_checked():
    prefixes = [p.name[:2] for p in stored_notebooks.paths()]
    assert {"00", "01", "02", "03", "04"} <= set(BY_HAND) <= set(prefixes)


@pytest.mark.parametrize("prefix", sorted(BY_HAND))
def test_each_library_computation_is_written_by_hand_first(prefix):
    assert problems(code_sources(prefix), BY_HAND[prefix]) == []


def test_the_check_catches_each_way_of_breaking_the_rule():
    by_hand = "total = 2 * (w * x - y) * x\n"
    call = "from lessons_lib import gradient_descent, plotting\n" \
           "g = gradient_descent.grad(w, x, y)\nassert g == total\n"
    listed = {"gradient_descent.grad": "total = 2 * (w * x - y) * x"}
    assert problems([by_hand, call], listed) == []
    assert problems([by_hand + call], listed) == []  # same cell, by hand above the call
    assert "before its by-hand code" in problems([call, by_hand], listed)[0]
    assert "no cell contains" in problems([call], listed)[0]
    assert "asserts nothing" in problems([by_hand, call.replace("assert", "print(")
                                          .replace("== total", ", total)")], listed)[0]
    assert "BY_HAND names no cell" in problems([by_hand, call], {})[0]
    assert "never called" in problems([by_hand], listed)[0]
    picture = "from lessons_lib import plotting\nfig = plotting.figure(1, 2)\n"
    assert problems([picture, "%pip install -q x\n"], {}) == []
