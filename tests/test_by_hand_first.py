"""By hand first: a lesson calls a computation from `lessons_lib` only after one of its own cells
has written the same computation by hand, and the cell that first calls the library asserts
that the two agree (lesson 00 promises this to the reader).

BY_HAND is the list: for every notebook, every `lessons_lib` computation it uses and a snippet
of the code that does the same by hand. A snippet may instead point to an earlier lesson, as
("04", snippet), when that lesson wrote the computation by hand: the snippet must then be one of
that lesson's own BY_HAND snippets (so its test checks it comes first and is asserted there), in
a code cell of that lesson. Pictures, sliders, the environment and devices, stopwatches, the data
a lesson starts from, constants and the exercise checkers are not computations
(NOT_COMPUTATIONS). The test fails for any computation a lesson calls that is not listed, any
listed one it no longer calls, a by-hand snippet that is missing or comes after the first
library call, and a first library call (by-hand snippet in the same lesson) whose cell asserts
nothing.
"""
import ast
import re

import pytest

from tests import stored_notebooks

NOT_COMPUTATIONS = re.compile("|".join([
    # pictures and sliders (optimisers_widgets.pair_bowl is a computation: not in this list)
    r"^(plotting|slider_figure|chain_rule_widgets|conv2d_widgets|features_widgets"
    r"|gradient_descent_widgets|moons_widgets|layers_widgets)\.",
    r"^optimisers_widgets\.(path_explorer|batch_curves)$", r"^ladder\.time_vs_size_figure$",
    # the machine: environment check, devices, copying arrays to a device
    r"^(environment|devices)\.", r"^batched_step\.to_torch$",
    # stopwatches: they measure how long the lesson's own steps take (lesson 08 prints
    # seconds_per_call's source); ladder.rungs lists the step functions the lesson wrote
    r"^timing\.", r"^ladder\.(rungs|time_rung|sweep)$",
    # the data a lesson starts from (random images, a random starting kernel), described in
    # its prose: inputs to the computations, not computations the lesson teaches
    r"^(features\.(make_images|random_model)|batches\.make_data|batched_step\.make_batch"
    r"|moons\.(make_moons|start))$",
    # constants (UPPERCASE data such as SOBEL or RTOL)
    r"^\w+\.[A-Z][A-Z0-9_]*$",
    # the exercise checkers
    r"^(exercises|exercises_\d\d)\.",
    # lesson 10: its pictures, the digits it starts from and its random starting weights
    r"^(cnn_widgets|clinic_widgets)\.", r"^(digits\.load|cnn\.init|cnn\.Params)$",
]))

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
    "05": {
        "graph.walk": "made_by_square = made_by_sum.next_functions[0][0]",
        "autograd_conv.conv2d_indexing": "def conv2d_by_hand(image, kernel):",
        "autograd_conv.kernel_grad": "loss_2 = (conv2d_by_hand(image, kernel_2) ** 2).sum()",
        "chain_rule.tiny_network": ("03", "a3 = a2**2  # square"),
        "chain_rule.gradients": ("03", "d_w = x * d_a1"),
        "chain_rule.loss_of": ("03", "loss = (a3 - y_true) ** 2  # loss"),
        "chain_rule.finite_difference": ("03", "nudged = (g(f(x + h)) - g(f(x - h))) / (2 * h)"),
        "graph.walk_values": "chain_order = topo_order(",
        "tiny_autograd.Value": "class Value:",
        "tiny_autograd.lesson_04_gradients": "class Value:",
        "moons.train": "our_losses.append(",
        "moons.accuracy": "def accuracy(w, points, labels):",
    },
    "06": {
        "features.forward": "def forward_by_hand(images, kernel, readout, bias):",
        "features.gradients": "def gradients_by_hand(images, labels, kernel, readout, bias):",
        "features.train": "def train_by_hand(model, lr, steps, batch_size, seed):",
        "features.accuracy": "def accuracy_by_hand(m):",
        "features.correlation": "def correlation_by_hand(a, b):",
        "features.sobel_correlation": "def edge_likeness_by_hand(k):",
        "features.tug_of_war": "def tug_by_hand(m):",
        "features.shrinking_phase": "def shrinking_by_hand(r, above=0.1):",
    },
    "07": {
        "conv2d.patches": ("04", "X = np.array([image[i:i + 2, j:j + 2].ravel()"),
        "conv2d.train": ("04", "losses_by_hand.append("),
        "batches.best_kernel": "best_by_hand = np.linalg.solve(A.T @ A, A.T @ y)",
        "batches.loss": "floor_by_hand = np.mean(np.sum((data.X @ best_by_hand - data.y) ** 2",
        "batches.batch_grad": "def batch_gradient(kernel, rows):",
        "batches.train": "def train_by_hand(batch_size, lr, epochs, seed=0):",
        "batches.gradient_spread": "def spread_by_hand(kernel, batch_size, draws=2000, seed=0):",
        "optimisers.conv_bowl": "return 2 * X.T @ (X @ w)",
        "optimisers.Momentum": "def momentum_path(w, lr, beta, steps):",
        "optimisers.run": "def momentum_path(w, lr, beta, steps):",
        "optimisers.Adam": "def adam_path(w, lr, steps, b1=0.9, b2=0.999, eps=1e-8):",
        "optimisers.best_plain_lr": "lr_plain_by_hand = 2 / (lam.min() + lam.max())",
        "optimisers.best_momentum": "beta = ((np.sqrt(k) - 1) / (np.sqrt(k) + 1)) ** 2",
        "optimisers.plain_factor": "1 - 1e-5 * curvature",
        "optimisers.momentum_factor": "np.roots([1, -(1 + beta - lr_momentum * curvature), beta])",
        "optimisers.Plain": "def plain_step(w):",
        "optimisers.steps_to": "def steps_by_hand(step, w, goal, max_steps=20_000):",
        "optimisers_widgets.pair_bowl": "np.linalg.eigvalsh(2 * X[:, [0, 2]].T @ X[:, [0, 2]])",
    },
    "08": {
        "conv2d.conv2d_loops": ("04", "output[i, j] = np.sum(image[i:i + 2, j:j + 2] * kernel)"),
        "conv2d.loss": ("04", "loss = np.sum((output - target) ** 2)"),
        "conv2d.blame": ("04", "blame = 2 * (output - target)"),
        "conv2d.kernel_grad_loops": ("04", "grad[a, b] = np.sum(image[a:a + h, b:b + w] * blame)"),
        "batched_step.step_loops": "def step_loops(images, kernel, targets, lr):",
        "batched_step.step_numpy": "def step_numpy(images, kernel, targets, lr):",
        "batched_step.step_torch": "def step_torch(images, kernel, targets, lr):",
        "batched_step.step_autograd": "def step_autograd(images, kernel, targets, lr):",
        "batched_step.relative_difference": "gap_by_hand = max(np.abs(mine - ref).max()",
        "ladder.crossover": "crossing_by_hand = next((size for size in shared",
    },
    "09": {
        "layers.linear_forward": "y[n, j] = sum(x[n, i] * w[i, j] for i in range(2)) + b[j]",
        "layers.linear_backward": "dw, dx, db = x.T @ dy, dy @ w.T, dy.sum(axis=0)",
        "layers.softmax": "probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)",
        "layers.cross_entropy": "loss_ce = -np.log(probs[np.arange(4), labels]).mean()",
        "layers.cross_entropy_backward": "dlogits = (probs - np.eye(3)[labels]) / 4",
        "layers.relu_forward": "h = np.maximum(h_pre, 0)",
        "layers.relu_backward": "dh_pre = np.where(h_pre > 0, dh, 0.0)",
    },
    "10": {
        "digits.stratified_split": "test_rows.extend(rows[:round(0.2 * len(rows))])",
        "digits.scale": "x_all = ((images / 16 - mean) / std)[:, None]",
        "digits.load_split": "x_all = ((images / 16 - mean) / std)[:, None]",
        "cnn.conv_forward": "def conv_forward_by_hand(x, w, b):",
        "cnn.conv_backward": "def conv_backward_by_hand(x, w, dy):",
        "cnn.pool_forward": "def pool_forward_by_hand(x):",
        "cnn.pool_backward": "def pool_backward_by_hand(x, dy):",
        "layers.cross_entropy": "def cross_entropy_by_hand(logits, y):",
        "layers.cross_entropy_backward": "def cross_entropy_backward_by_hand(logits, y):",
        "layers.relu_forward": "relu_by_hand = np.maximum(h_small, 0)",
        "layers.relu_backward": "def relu_backward_by_hand(x, dy):",
        "layers.linear_forward": "linear_by_hand = h_small @ w_lin + b_lin",
        "layers.linear_backward": "def linear_backward_by_hand(x, w, dy):",
        "cnn.loss_and_grads": "def loss_and_grads_by_hand(weights, x, y):",
        "cnn.batch_order": "def batches_by_hand(n, size, seed=0):",
        "cnn.train": "def train_by_hand(weights, x, y, batches, lr=0.05, beta=0.9):",
        "cnn.predict": "predicted_by_hand = (hidden.reshape(",
        "cnn.accuracy": "accuracy_by_hand = np.mean(predicted_by_hand == split.test_y)",
        "cnn.confusion": "np.add.at(counts_by_hand, (split.test_y, predicted), 1)",
        "cnn_torch.from_params": "model.linear.weight.copy_(torch.tensor(params.lin_w.T))",
        "cnn_torch.train": "torch_losses.append(loss.item())",
        "cnn_torch.accuracy": "read_right = (model(torch.tensor(split.test_x)).argmax(dim=1)",
    },
    "11": {
        "digits.load_split": ("10", "x_all = ((images / 16 - mean) / std)[:, None]"),
        "cnn.train": ("10", "def train_by_hand(weights, x, y, batches, lr=0.05, beta=0.9):"),
        "cnn.loss_and_grads": ("10", "def loss_and_grads_by_hand(weights, x, y):"),
        "cnn.conv_forward": ("10", "def conv_forward_by_hand(x, w, b):"),
        # lesson 10's training loop, with one bug put in
        "clinic.train_with_bug": ("10", "def train_by_hand(weights, x, y, batches, lr=0.05, "
                                        "beta=0.9):"),
        "clinic.gradient_check": "def ratio_by_hand(grads_fn, params, name, index, h=1e-6):",
        "clinic.inside": "dead_by_hand = int((conv_out <= 0).all(axis=(0, 2, 3)).sum())",
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
    return {name: where for name, where in first.items() if not NOT_COMPUTATIONS.search(name)}


def problems(sources: list[str], listed: dict, earlier=None) -> list[str]:
    """What breaks the rule in one notebook, given its code cells' sources and its BY_HAND list;
    earlier(prefix) gives an earlier lesson's (sources, BY_HAND list), for entries that point
    to it."""
    found, uses = [], library_uses(sources)
    for name in sorted(set(uses) - set(listed)):
        found.append(f"{name} is called but BY_HAND names no cell that writes it by hand")
    for name in sorted(set(listed) - set(uses)):
        found.append(f"{name} is listed but never called: remove it from BY_HAND")
    for name in sorted(set(listed) & set(uses)):
        snippet, (cell, offset) = listed[name], uses[name]
        if isinstance(snippet, tuple):  # written by hand (and asserted) in an earlier lesson
            lesson, snippet = snippet
            their_sources, their_list = earlier(lesson)
            if snippet not in their_list.values():
                found.append(f"{name}: {snippet!r} is not one of lesson {lesson}'s BY_HAND "
                             "snippets")
            elif not any(snippet in source for source in their_sources):
                found.append(f"{name}: lesson {lesson} has no cell with {snippet!r}")
            continue
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


def test_every_lesson_is_checked():
    prefixes = [p.name[:2] for p in stored_notebooks.paths()]
    assert set(BY_HAND) == set(prefixes)


@pytest.mark.parametrize("prefix", sorted(BY_HAND))
def test_each_library_computation_is_written_by_hand_first(prefix):
    def earlier(lesson):
        assert lesson < prefix, f"lesson {prefix} points to lesson {lesson}, not an earlier one"
        return code_sources(lesson), BY_HAND[lesson]

    assert problems(code_sources(prefix), BY_HAND[prefix], earlier) == []


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
    constant = "from lessons_lib import features\nk = features.SOBEL\n"
    assert problems([constant], {}) == []
    # an entry that points to an earlier lesson's by-hand snippet
    lesson_01 = ([by_hand, call], listed)
    pointer = {"gradient_descent.grad": ("01", "total = 2 * (w * x - y) * x")}
    plain_call = call.replace("assert g == total\n", "")
    assert problems([plain_call], pointer, lambda lesson: lesson_01) == []
    assert "not one of lesson 01" in problems([plain_call], pointer,
                                              lambda lesson: ([by_hand], {}))[0]
    assert "has no cell" in problems([plain_call], pointer, lambda lesson: ([call], listed))[0]
