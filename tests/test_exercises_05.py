"""Lesson 05's checkers: the library's own piece passes, each known slip gets its own diagnosis,
and every exercise has hints and a computed worked solution that the checker accepts."""
import time

import numpy as np
import pytest

from lessons_lib import exercises, exercises_05, tiny_autograd


def recursive_order(root):
    order, seen = [], set()

    def visit(v):
        if id(v) not in seen:
            seen.add(id(v))
            for parent, _ in v.parents:
                visit(parent)
            order.append(v)

    visit(root)
    return order[::-1]


def no_seen_set(root):
    order, stack = [], [root]
    while stack:
        v = stack.pop()
        order.append(v)
        stack.extend(parent for parent, _ in v.parents)
    return order


def recursive_backward(root):
    tiny_autograd.backward_pass(root)  # right grads, then a recursive walk on top

    def visit(v):
        for parent, _ in v.parents:
            visit(parent)

    visit(root)


def returns_order(root):
    tiny_autograd.backward_pass(root)
    return tiny_autograd.topo_order(root)


def slow_order(root):
    order, seen, stack = [], [], [(root, False)]
    while stack:
        value, inputs_done = stack.pop()
        if inputs_done:
            order.append(value)
        elif value not in seen:  # a list: every `in` looks at every entry
            seen.append(value)
            stack.append((value, True))
            stack.extend((parent, False) for parent, _ in value.parents)
    return order[::-1]


def parents_other_way(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        value, inputs_done = stack.pop()
        if inputs_done:
            order.append(value)
        elif id(value) not in seen:
            seen.add(id(value))
            stack.append((value, True))
            stack.extend((parent, False) for parent, _ in reversed(value.parents))
    return order[::-1]


@pytest.mark.parametrize("name, slips", [
    ("add_backward", [(lambda g: (g / 2, g / 2), "half of grad"),
                      (lambda g: (np.ones_like(g), np.ones_like(g)), "ones, whatever"),
                      (lambda g: (g, 0 * g), "first input only")]),
    ("mul_backward", [(lambda a, b, g: (g * a, g * b), "swapped"),
                      (lambda a, b, g: (b, a), "without grad"), (lambda a, b, g: (g, g), "add's")]),
    ("square_backward", [(lambda a, g: a * g, "a * grad"), (lambda a, g: 2 * a, "without grad"),
                         (lambda a, g: a**2 * g, "a squared"), (lambda a, g: 2 * g, "2 * grad")]),
    ("relu_backward", [(lambda d, g: g, "the gradient unchanged"),
                       (lambda d, g: (d > 0) * 1.0, "only the 0/1 mask"),
                       (lambda d, g: d * g, "input times gradient"),
                       (lambda d, g: (d >= 0) * g, "a mask with >= 0"),
                       (lambda d, g: np.maximum(g, 0), "ReLU of the gradient"),
                       (lambda d, g: -g, "expected"),
                       (lambda d, g: list((d > 0) * g), "not a list")]),
    ("topo_order", [(recursive_order, "too deep for recursion"),
                    (lambda r: tiny_autograd.topo_order(r)[::-1], "reversed"),
                    (no_seen_set, "twice"), (lambda r: [r], "missing"),
                    (lambda r: reversed(tiny_autograd.topo_order(r)), "is an iterator, not a list"),
                    (lambda r: (v for v in tiny_autograd.topo_order(r)), "not a generator"),
                    (lambda r: tiny_autograd.topo_order(r)[1:] + [r],  # not leaves first
                     "a value listed before one made from it"),
                    (lambda r: [v.op for v in tiny_autograd.topo_order(r)], "Values themselves")]),
    ("backward_pass", [(exercises_05._assign, "assigned instead of added"),
                  (exercises_05._slip(seed=False), "forgotten seed"),
                  (exercises_05._slip(reverse=True), "leaves first"),
                  (exercises_05._slip(reset=False), "start from zero"),
                  (exercises_05._slip(leaves=True), "resetting the leaves too"),
                  (exercises_05._slip(seed="assigned", reset=False), "Duty 1"),
                  (recursive_backward, "RecursionError"),
                  (returns_order, "returns nothing; it fills in .grad")]),
])
def test_the_librarys_piece_passes_and_each_slip_is_named(name, slips):
    check = getattr(exercises_05, name)
    assert check(lambda *args: None).status == exercises.NOT_ATTEMPTED
    assert check(getattr(tiny_autograd, name)).correct
    for slip, words in slips:
        feedback = check(slip)
        assert not feedback.correct and words in repr(feedback), (words, feedback)
        assert f"exercises_05.hint({name!r})" in repr(feedback)
    assert exercises_05.hint(name, 2).startswith("Hint 2 of 2")
    assert len(repr(exercises_05.solution(name)).splitlines()) >= 3


@pytest.mark.parametrize("name", ["add_backward", "mul_backward", "square_backward",
                                  "relu_backward", "topo_order", "backward_pass"])
def test_the_worked_solution_is_runnable_code_the_checker_accepts(name):
    lines = exercises_05.solution(name).steps
    code = "\n".join(line for line in lines if not line.startswith("# on"))
    space = {"np": np, "topo_order": tiny_autograd.topo_order}
    exec(code, space)
    assert getattr(exercises_05, name)(space[name]).correct
    assert sum(line.strip().startswith("#") or "  # " in line for line in lines) >= 2
    answer = "return " + code.rsplit("return ", 1)[-1] if name != "backward_pass" else "+ rule("
    assert answer not in exercises_05.hint(name, 2)  # the last hint nudges, it does not tell


def test_a_rule_that_edits_grad_in_place_is_caught():
    def in_place(a, grad):
        grad *= 2 * a
        return grad

    assert "changed grad in place" in repr(exercises_05.square_backward(in_place))


def test_rules_are_checked_on_0d_and_2d_arrays():
    for name in ("add_backward", "mul_backward", "square_backward", "relu_backward"):
        feedback = getattr(exercises_05, name)(getattr(tiny_autograd, name))
        assert "4 cases" in repr(feedback)


def test_topo_order_timeout_and_another_valid_order():
    feedback = repr(exercises_05.topo_order(slow_order))
    assert "(seen, or the order itself)" in feedback and "order.append(value)" in feedback
    assert exercises_05.topo_order(parents_other_way).correct


def test_a_walk_that_grows_like_the_square_is_caught_on_any_machine_speed():
    """On a fast machine the list-`seen` walk ends within the time limit: the checker then
    compares its time on the whole chain with its time on a quarter of it."""
    root, quarter = exercises_05._long_chain()
    size = {id(root): 20_001, id(quarter): 5_001}

    def like_the_square(value):
        time.sleep(2e-9 * size[id(value)] ** 2)  # 0.8 s on the whole chain, 0.05 s on 1/4

    def like_the_size(value):
        time.sleep(2e-5 * size[id(value)])  # 0.4 s and 0.1 s

    assert exercises_05._growth(like_the_square, root, quarter) == pytest.approx(16, rel=0.4)
    assert exercises_05._growth(like_the_size, root, quarter) is None
    assert exercises_05._growth(tiny_autograd.topo_order, root, quarter) is None


@pytest.mark.parametrize("reason, said", [
    ("it ran for more than 2 s (an endless loop?)", "too slow, more than 2 s for its 20,001"),
    ("too slow: 4 times the values (20,001 against 5,001) took 16 times as long",
     "took 16 times as long, as if each step went through every value before it."),
])
def test_a_slow_walk_is_told_both_likely_causes(reason, said):
    feedback = exercises.Feedback(exercises.WRONG, f"Case a chain of 10,000 adds: {reason}.")
    message = exercises_05._too_slow(feedback).message
    assert said in message and "(seen, or the order itself)" in message
    assert "order.insert(0, value)" in message and "order.append(value)" in message
    other = exercises.Feedback(exercises.WRONG, "Case lesson 03's chain: it returned None.")
    assert exercises_05._too_slow(other) is other


def test_the_worked_answers_are_the_librarys_results():
    assert exercises_05.solution("backward_pass").answer == 24.0  # 3 * 2**2, twice: not 32
    assert exercises_05.solution("mul_backward").answer == [[0.5, 12.0], [2.0, -4.0]]
    assert exercises_05.solution("relu_backward").answer == [0.0, 0.0, 0.0, 4.0, -5.0]
    assert exercises_05.solution("topo_order").answer[0] == "square"


def test_yours_or_ours_keeps_a_right_piece_and_falls_back_otherwise(capsys):
    def mine(grad):
        return grad, grad

    assert exercises_05.yours_or_ours("add_backward", mine) is mine
    assert "Using your add_backward: it passes every check" in capsys.readouterr().out
    assert exercises_05.yours_or_ours("add_backward", lambda g: None) is (
        tiny_autograd.add_backward)
    assert "Not attempted yet: carrying on" in capsys.readouterr().out
    assert exercises_05.yours_or_ours("backward_pass", exercises_05._assign) is (
        tiny_autograd.backward_pass)
    assert "is not right yet" in capsys.readouterr().out
    with pytest.raises(ValueError, match="name must be one of"):
        exercises_05.yours_or_ours("sum", mine)


def test_graph_nodes_right_answer_and_diagnosed_slips():
    check = exercises_05.graph_nodes
    assert check(None).status == exercises.NOT_ATTEMPTED
    assert check(37).correct and check(exercises_05.solution("graph_nodes").answer).correct
    for answer, words in {36: "leaf too", 28: "two SelectBackward0", 38: "8 adds",
                          45: "one leaf", 17: "2x2"}.items():
        feedback = check(answer)
        assert not feedback.correct and words in repr(feedback), (answer, feedback)
