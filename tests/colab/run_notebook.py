"""Execute one notebook in place, top to bottom, with the kernel of the Python running this script.

Run by tests/colab/test_colab_stack.py with the Colab-stack environment's Python, so the kernel is
that environment's ipykernel 6.17 / IPython 7.34 and nbclient is Colab's own version:

    .venv/colab-stack/<key>/bin/python tests/colab/run_notebook.py NOTEBOOK.ipynb

The kernel's working directory is the notebook's folder. Exits 1 with nbclient's message on the
first cell error (cells tagged `raises-exception` may raise, as in nbclient and nbval).
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

CELL_TIMEOUT_S = 600


def main(path: Path) -> int:
    nb = nbformat.read(path, as_version=4)
    # "python3" in this environment is its own ipykernel: jupyter_client runs the kernelspec's
    # `python` as sys.executable, this very interpreter.
    client = NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT_S,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        nbformat.write(nb, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
