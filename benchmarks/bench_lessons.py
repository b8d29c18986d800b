"""How long each lesson takes to run, top to bottom, in a fresh kernel (as the execute command
runs it), without storing anything.

    python3 tasks.py bench lessons [NOTEBOOK ...]

The time runs from the first cell's start to the last cell's end: the kernel's own start-up is
left out, the imports in the first cells are in. Budgets: 10 s a lesson, 20 s for lesson 08
(its timing sweep). Run it on a quiet machine: other work on the cores shows up in the times.
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = {"08": 20.0}


def seconds(path: Path) -> list[float]:
    """Each cell's time, in order."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    times = []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            start = time.perf_counter()
            client.execute_cell(cell, index)
            times.append(time.perf_counter() - start)
    return times


def main(names: list[str]) -> None:
    paths = [Path(n).resolve() for n in names] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    over = []
    for path in paths:
        cells, budget = seconds(path), BUDGET_S.get(path.name[:2], 10.0)
        took, slowest = sum(cells), max(range(len(cells)), key=cells.__getitem__)
        print(f"{path.name:34s} {took:6.1f} s   (budget {budget:.0f} s; slowest: cell "
              f"{slowest}, {cells[slowest]:.1f} s)", flush=True)
        if took > budget:
            over.append(path.name)
    print("every lesson within its budget" if not over else f"over budget: {', '.join(over)}")


if __name__ == "__main__":
    main(sys.argv[1:])
