"""Each "site-slider" entry agrees with its cell's code (website/sliders.py). That the built
site's frames are the live slider's own pictures is tested in test_site.py, with the one build."""
import ast
import builtins
import dataclasses
import importlib
import inspect
import re

import nbformat
import numpy as np
import pytest

from website import sliders
from website.build import ROOT, lessons


def spec_cells(folder):
    for path in lessons(ROOT / "notebooks"):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if sliders.SPEC_KEY in cell.metadata:
                yield path.name, nb, index


def code(cell) -> ast.Module:
    """A code cell's Python, its IPython magic and shell lines made `pass`."""
    return ast.parse(re.sub(r"^(\s*)[%!].*$", r"\1pass", cell.source, flags=re.M))


def lessons_lib_modules(nb) -> dict:
    """{alias: module} for every `from lessons_lib import m` in the notebook."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            for node in ast.walk(code(cell)):
                if isinstance(node, ast.ImportFrom) and node.module == "lessons_lib":
                    for alias in node.names:
                        found[alias.asname or alias.name] = f"lessons_lib.{alias.name}"
    return found


def defining_expression(nb, before: int, name: str) -> ast.expr:
    """The expression the notebook last assigned to `name` above cell `before`."""
    for cell in reversed(nb.cells[:before]):
        if cell.cell_type != "code":
            continue
        for node in reversed(code(cell).body):
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    return node.value
                if isinstance(target, ast.Tuple):  # a, b = 1, 2  or  a, b = f()
                    for k, element in enumerate(target.elts):
                        if isinstance(element, ast.Name) and element.id == name:
                            if isinstance(node.value, ast.Tuple):
                                return node.value.elts[k]
                            return ast.Subscript(node.value, ast.Constant(k), ast.Load())
    raise AssertionError(f"no assignment to {name!r} above cell {before}")


def evaluate(nb, before: int, expression: ast.expr):
    """The value of an expression of the notebook's, its names resolved the same way."""
    namespace = {"np": np}
    for alias, module in lessons_lib_modules(nb).items():
        namespace[alias] = importlib.import_module(module)
    for node in ast.walk(expression):
        if (isinstance(node, ast.Name) and node.id not in namespace
                and not hasattr(builtins, node.id)):
            namespace[node.id] = evaluate(nb, before, defining_expression(nb, before, node.id))
    tree = ast.fix_missing_locations(ast.Expression(expression))
    return eval(compile(tree, "<cell>", "eval"), namespace)


def same(a, b) -> bool:
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b):
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):  # e.g. a run's models
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):  # e.g. one step's weights, by name
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (np.ndarray, list, tuple)) or isinstance(b, (np.ndarray, list, tuple)):
        return np.shape(a) == np.shape(b) and np.allclose(np.asarray(a, float),
                                                          np.asarray(b, float), rtol=0, atol=0)
    return a == b


def test_each_spec_names_the_builder_and_arguments_its_cell_calls(tmp_path):
    checked = 0
    for name, nb, index in spec_cells(tmp_path):
        spec = nb.cells[index].metadata[sliders.SPEC_KEY]
        module, _, function = spec["builder"].rpartition(".")
        calls = [node for node in ast.walk(code(nb.cells[index]))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                 and node.func.attr == function and isinstance(node.func.value, ast.Name)
                 and lessons_lib_modules(nb).get(node.func.value.id) == module]
        assert len(calls) == 1, f"{name} cell {index}: calls {spec['builder']} {len(calls)} times"
        call = calls[0]
        bound = {}
        parameters = list(inspect.signature(sliders.named(spec["builder"])).parameters)
        for position, argument in enumerate(call.args):
            bound[parameters[position]] = argument
        bound.update({k.arg: k.value for k in call.keywords})
        assert set(bound) == set(spec.get("kwargs", {})), f"{name} cell {index}: arguments"
        for key, expression in bound.items():
            cell_value = evaluate(nb, index, expression)
            assert same(cell_value, sliders.resolve(spec["kwargs"][key])), (
                f"{name} cell {index}: {key} differs from the cell's")
        checked += 1
    assert checked, "no slider cell carries a site-slider entry"


@pytest.mark.parametrize("count, start", [(61, 20), (231, 90), (5, 0), (43, 18)])
def test_sweep_covers_the_range_with_its_start_and_at_most_max_frames(count, start):
    from types import SimpleNamespace

    slider = SimpleNamespace(min=0.0, max=(count - 1) * 0.5, step=0.5, value=start * 0.5)
    values = [v for v, _ in sliders.sweep_values(slider)]
    assert len(values) <= sliders.MAX_FRAMES and values == sorted(set(values))
    assert values[0] == slider.min and values[-1] == slider.max and slider.value in values
