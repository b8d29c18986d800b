"""Grade a class's exercise answers with the lessons' own checkers (for instructors).

    find_learners(class_dir)            -> {learner: [notebook paths]}
    exercise_cells(notebook)            -> (lesson, imports, [exercise cell sources])
    grade_class(class_dir, seconds, jobs) -> [Result]   one per learner, lesson and exercise

Each learner's notebooks are copied into a private folder and their exercise cells (the code
cells that call an `exercises_NN` checker), after the notebook's own import lines, run in a
separate process with a time limit. The checkers' Feedback comes back as plain data over a pipe;
nothing else does. As root on Linux that process also runs in its own mount and process
namespaces, with every other mount read-only, the class folder, every other learner's copy and
the temporary folders hidden, and no capabilities: it can write only its own copy (and a small
private /tmp), read no other learner's work, and signal nothing outside its namespace.
Elsewhere it runs as the grader's user with only the time and file-size limits (say so to the
class, or grade inside a container). A learner's code can still fake its *own* results
(it runs in the process that reports them), as with any autograder that runs learners' code.
grading_report.py turns the results into a gradebook and a report.
"""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from lessons_lib import validation

CORRECT, WRONG, NOT_ATTEMPTED, ERROR = "correct", "wrong", "not attempted", "error"
MAX_REPORT_BYTES = 1_000_000  # what one learner's process may send back
MAX_FILE_BYTES = 16 * 2**20  # the largest file a learner's code may write
_CHECKER_MODULE = re.compile(r"^exercises_(\d\d)$")


@dataclass(frozen=True)
class Result:
    learner: str
    lesson: str  # "01"
    exercise: str  # the checker's name, e.g. "one_update"
    status: str  # CORRECT, WRONG, NOT_ATTEMPTED or ERROR
    slip: str  # the named slip's diagnosis, or "" when none was named
    message: str  # the feedback the learner would see


def find_learners(class_dir) -> dict:
    """Learners by name: each sub-folder of class_dir (its .ipynb files at any depth, as
    nbgitpuller or an LMS export lays them out) or each .ipynb file directly inside it."""
    if not isinstance(class_dir, (str, Path)):
        raise TypeError(f"class_dir must be a folder path, got {type(class_dir).__name__}")
    class_dir = Path(class_dir)
    if not class_dir.is_dir():
        raise ValueError(f"class_dir must be a folder of learners' notebooks, got {class_dir}")
    learners = {}
    for entry in sorted(class_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            notebooks = sorted(p for p in entry.rglob("*.ipynb")
                               if ".ipynb_checkpoints" not in p.parts)
        elif entry.suffix == ".ipynb":
            notebooks = [entry]
        else:
            continue
        if notebooks:
            learners[entry.stem if entry.is_file() else entry.name] = notebooks
    return learners


def _checker_calls(tree) -> list:
    """(lesson, exercise) for each `exercises_NN.name(...)` call in a cell, in order."""
    calls = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)):
            match = _CHECKER_MODULE.match(node.func.value.id)
            if match and node.func.attr not in ("hint", "solution"):
                calls.append((match.group(1), node.func.attr))
    return calls


def _python(source: str) -> str:
    """A cell's source as plain Python (IPython's % and ! lines become calls)."""
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def exercise_cells(notebook: dict):
    """The notebook's lesson number, its import lines, and its exercise cells' sources."""
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells", []), list):
        raise TypeError(f"notebook must be a notebook's JSON as a dict with a list of cells, "
                        f"got {type(notebook).__name__}")
    imports, cells, lessons = [], [], set()
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            tree = ast.parse(_python(source))
        except (SyntaxError, ValueError):  # a broken cell: run it anyway if it is an exercise
            if re.search(r"\bexercises_\d\d\.\w+\(", source):
                cells.append(source)
            continue
        calls = _checker_calls(tree)
        if calls:
            cells.append(source)
            lessons.update(lesson for lesson, _ in calls)
        imports += [ast.unparse(node) for node in tree.body
                    if isinstance(node, (ast.Import, ast.ImportFrom))]
    lesson = min(lessons) if lessons else None
    return lesson, imports, cells


def _expected_exercises(lesson: str) -> tuple:
    """The exercise names the lesson's checker module registers (its hints book)."""
    import importlib
    module = importlib.import_module(f"lessons_lib.exercises_{lesson}")
    return tuple(module.BOOK.names)


# --- The learner's process ----------------------------------------------------------------------

def _mount_points() -> list:
    """Every mount point of this mount namespace (mountinfo escapes spaces as octal)."""
    with open("/proc/self/mountinfo") as f:
        targets = [line.split()[4] for line in f]
    return [re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), t) for t in targets]


def _holds_the_grader(folder: str) -> bool:
    """Whether `folder` holds the Python or the lessons_lib the learner's process runs (a
    repository cloned under /tmp, say): hiding it would hide them too. Such a temporary folder
    stays visible, read-only like every other mount; the class and stage folders are hidden
    whatever it holds."""
    needed = {sys.prefix, sys.base_prefix, os.path.realpath(sys.executable),
              str(Path(__file__).resolve().parent)}
    folder = os.path.realpath(folder)
    return any(os.path.realpath(n) == folder or os.path.realpath(n).startswith(folder + os.sep)
               for n in needed)


def _isolate(report_fd: int, own: str, hide: list, notebooks: list) -> None:
    """Root only, inside fresh mount and PID namespaces (made by `unshare`): keep this learner's
    copy `own` writable and open as the working directory, make every other mount read-only, hide
    every folder in `hide` (the class folder, the other learners' copies, the temporary folders)
    behind an empty tmpfs, then run the worker with every capability dropped, so the learner's
    code can neither undo this nor signal anything outside its namespace."""
    os.chdir(own)
    subprocess.run(["mount", "--bind", own, own], check=True)
    for target in _mount_points():
        if target != own and not target.startswith("/proc"):
            subprocess.run(["mount", "-o", "remount,bind,ro", target], capture_output=True)
    for path in hide:
        if os.path.isdir(path):
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=1777", "tmpfs", path],
                           check=True)
    os.set_inheritable(report_fd, True)
    os.execvp("setpriv", ["setpriv", "--inh-caps=-all", "--bounding-set=-all",
                          "--no-new-privs", sys.executable, "-m", "lessons_lib.grading",
                          "--worker", str(report_fd), ".", "--", *notebooks])


def _worker(report_fd: int, notebooks: list) -> None:
    """Run each notebook's import lines and exercise cells, reporting every checker's Feedback."""
    import importlib
    import resource
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    report = os.fdopen(report_fd, "w", buffering=1)

    def send(**fields):
        report.write(json.dumps(fields) + "\n")

    null = os.open(os.devnull, os.O_RDWR)  # the learner's prints go nowhere
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    for path in notebooks:
        try:
            lesson, imports, cells = exercise_cells(json.loads(Path(path).read_text()))
        except (OSError, ValueError) as error:
            send(notebook=path, error=f"unreadable notebook: {type(error).__name__}")
            continue
        if lesson is None:
            continue
        send(notebook=path, lesson=lesson)
        module = importlib.import_module(f"lessons_lib.exercises_{lesson}")
        namespace = {"__name__": "__main__"}
        for line in imports:
            try:
                exec(line, namespace)
            except BaseException:  # noqa: B036 - a learner's import that fails is their error
                pass
        for source in cells:
            _run_cell(source, module, lesson, namespace, send)
    send(done=True)


def _run_cell(source, module, lesson, namespace, send) -> None:
    from lessons_lib.exercises import Feedback
    reported = set()

    def recording(name, checker):
        def call(*args, **kwargs):
            feedback = checker(*args, **kwargs)
            if isinstance(feedback, Feedback):
                reported.add(name)
                send(lesson=lesson, exercise=name, status=feedback.status,
                     slip=str(getattr(feedback, "slip", "") or ""), message=str(feedback.message))
            return feedback
        return call

    names = [name for name in module.BOOK.names if callable(getattr(module, name, None))]
    originals = {name: getattr(module, name) for name in names}
    for name in names:
        setattr(module, name, recording(name, originals[name]))
    try:
        code = _python(source)
        exec(compile(code, f"<exercise cell, lesson {lesson}>", "exec"), namespace)
        problem = None
    except BaseException as error:  # noqa: B036 - the learner's code: record what it raised
        problem = f"the cell raised {type(error).__name__}: {str(error)[:200]}"
    finally:
        for name, checker in originals.items():
            setattr(module, name, checker)
    if problem:
        try:
            calls = _checker_calls(ast.parse(_python(source)))
        except (SyntaxError, ValueError):
            calls = [(lesson, name) for name in names if f".{name}(" in source]
        for _, name in calls:
            if name not in reported:
                send(lesson=lesson, exercise=name, status=ERROR, slip="", message=problem)


# --- The grader ---------------------------------------------------------------------------------

def _isolation_available() -> bool:
    return (sys.platform.startswith("linux") and os.geteuid() == 0
            and shutil.which("unshare") is not None and shutil.which("mount") is not None)


def _grade_one(index, learner, notebooks, stage, hide, seconds, isolate) -> list:
    own = stage / f"learner-{index}"
    own.mkdir(mode=0o700)
    copies = []
    for n, path in enumerate(notebooks):
        copy = own / f"{n:02d}-{path.name}"
        shutil.copyfile(path, copy)
        copies.append(copy.name)
    read, write = os.pipe()
    command = [sys.executable, "-m", "lessons_lib.grading", "--worker", str(write), str(own)]
    if isolate:
        command = ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc",
                   *command, "--isolate", *hide]
    command += ["--", *copies]
    env = {**os.environ, "HOME": str(own), "MPLCONFIGDIR": str(own / ".matplotlib"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.Popen(command, cwd=own, pass_fds=[write], env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    os.close(write)
    lines, size = [], 0
    reader = os.fdopen(read, "rb")

    def collect():
        nonlocal size
        for line in reader:
            size += len(line)
            if size > MAX_REPORT_BYTES:
                break
            lines.append(line)

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    try:
        process.wait(timeout=seconds)
        timed_out = False
    except subprocess.TimeoutExpired:
        timed_out = True
    if process.poll() is None:
        os.killpg(process.pid, 9)
        process.wait()
    thread.join(timeout=5)
    reader.close()
    return _results(learner, lines, timed_out, seconds)


def _results(learner, lines, timed_out, seconds) -> list:
    """The learner's Results, from what their process sent (malformed lines are ignored), with
    every exercise of each lesson they opened: ones never checked are not attempted or, if the
    process stopped early, an error."""
    seen, lessons, done = {}, [], False
    for line in lines:
        try:
            fields = json.loads(line)
        except ValueError:
            continue
        if not isinstance(fields, dict):
            continue
        if fields.get("done") is True:
            done = True
        elif set(fields) == {"notebook", "lesson"} and isinstance(fields["lesson"], str):
            lessons.append(fields["lesson"])
        elif set(fields) == {"lesson", "exercise", "status", "slip", "message"} and all(
                isinstance(v, str) for v in fields.values()) and fields["status"] in (
                CORRECT, WRONG, NOT_ATTEMPTED, ERROR):
            seen[fields["lesson"], fields["exercise"]] = Result(
                learner, fields["lesson"], fields["exercise"], fields["status"],
                fields["slip"][:300], fields["message"][:1000])
    if timed_out:
        stop = f"grading stopped: the notebook ran for more than {seconds:g} s"
    else:
        stop = "grading stopped: the learner's code ended the process"
    results = []
    for lesson in dict.fromkeys(lessons):
        try:
            names = _expected_exercises(lesson)
        except ImportError:
            continue
        for name in names:
            if (lesson, name) in seen:
                results.append(seen[lesson, name])
            elif done:
                results.append(Result(learner, lesson, name, NOT_ATTEMPTED, "",
                                      "The exercise cell was not run or was removed."))
            else:
                results.append(Result(learner, lesson, name, ERROR, "", stop))
    return results


def grade_class(class_dir, seconds: float = 120, jobs: int | None = None, hide=(),
                isolate: bool | None = None) -> list:
    """Every learner's Results. seconds: the time limit for one learner's notebooks together.
    hide: more folders a learner's process must not see (the output folder, say).
    isolate: namespaces and a user id per learner; None means whenever this is root on Linux."""
    seconds = validation.positive("seconds", seconds)
    if seconds > 3600:
        raise ValueError(f"seconds must be at most 3600, got {seconds!r}")
    jobs = validation.count("jobs", jobs if jobs is not None else (os.cpu_count() or 1),
                            minimum=1, maximum=64)
    if not isinstance(hide, (list, tuple)) or not all(isinstance(h, (str, Path)) for h in hide):
        raise TypeError(f"hide must be a list of folder paths, got {hide!r:.60}")
    if isolate is not None and not isinstance(isolate, bool):
        raise TypeError(f"isolate must be True, False or None, got {isolate!r:.60}")
    learners = find_learners(class_dir)
    if isolate is None:
        isolate = _isolation_available()
    elif isolate and not _isolation_available():
        raise ValueError("isolate=True needs root on Linux with unshare and mount")
    stage = Path(tempfile.mkdtemp(prefix="grading-"))
    os.chmod(stage, 0o711)
    private = [str(Path(class_dir).resolve()), str(stage), *(str(Path(h).resolve()) for h in hide)]
    hidden = private + [t for t in (str(Path(tempfile.gettempdir()).resolve()), "/var/tmp",
                                    "/dev/shm") if not _holds_the_grader(t)]
    try:
        results, lock, queue = [], threading.Lock(), list(enumerate(learners.items()))

        def work():
            while True:
                with lock:
                    if not queue:
                        return
                    index, (learner, notebooks) = queue.pop(0)
                mine = _grade_one(index, learner, notebooks, stage, hidden, seconds, isolate)
                with lock:
                    results.extend(mine)

        threads = [threading.Thread(target=work) for _ in range(min(jobs, len(queue)) or 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    order = {name: n for n, name in enumerate(learners)}
    return sorted(results, key=lambda r: (order[r.learner], r.lesson))


def _main(argv: list) -> None:
    """`python -m lessons_lib.grading --worker FD DIR [--isolate HIDE...] -- NOTEBOOKS...`"""
    split = argv.index("--")
    options, notebooks = argv[:split], argv[split + 1:]
    report_fd, own = int(options[1]), options[2]
    if len(options) > 3 and options[3] == "--isolate":
        _isolate(report_fd, own, options[4:], notebooks)  # runs the worker itself, isolated
    os.chdir(own)
    _worker(report_fd, notebooks)


if __name__ == "__main__":
    _main(sys.argv[1:])
