import pytest
from matplotlib.figure import Figure

from lessons_lib import gradient_descent as gd
from lessons_lib import plotting


def test_figure_returns_a_2d_grid_of_styled_axes():
    fig, axes = plotting.figure(2, 3)
    assert isinstance(fig, Figure) and axes.shape == (2, 3)
    assert not axes[0][0].spines["top"].get_visible()


def test_descent_plot_moves_its_artists_and_labels_divergence():
    plot = plotting.DescentPlot(2.0, 6.0)
    plot.draw(gd.descend(0.0, 2.0, 6.0, 0.1, 10))
    assert len(plot.path.get_xdata()) == 11 and plot.note.get_text() == ""
    plot.draw(gd.descend(0.0, 2.0, 6.0, 0.3, 30))
    assert plot.note.get_text() == "diverged"


def test_save_figure_writes_under_assets_images(tmp_path, monkeypatch):
    (tmp_path / "lessons_lib").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    fig = plotting.weight_and_loss([0, 2.4, 2.88], [36, 1.44, 0.06], w_true=3.0)
    path = plotting.save_figure(fig, "02-autograd", "w.png")
    assert str(path) == "assets/images/02-autograd/w.png"
    first = (tmp_path / path).read_bytes()
    plotting.save_figure(fig, "02-autograd", "w.png")
    assert (tmp_path / path).read_bytes() == first  # no timestamp: re-running changes no byte


@pytest.mark.parametrize("n", [1, 4])
def test_small_grids(n):
    assert plotting.figure(1, n)[1].shape == (1, n)



@pytest.mark.parametrize("lesson, name", [
    ("../..", "x.png"), ("02-autograd", "../x.png"), ("02-autograd", "{tmp}/x.png"),
    ("{tmp}", "x.png"), ("02-autograd", "a/b.png"), ("02-autograd", "a\\b.png"), ("..", "x.png"),
    ("02-autograd", ""), ("02-autograd", "x.exe"), (2, "x.png"),
])
def test_save_figure_keeps_to_assets_images(tmp_path, monkeypatch, lesson, name):
    repo = tmp_path / "repo"
    (repo / "lessons_lib").mkdir(parents=True)
    monkeypatch.chdir(repo)
    lesson, name = (v.format(tmp=tmp_path) if isinstance(v, str) else v for v in (lesson, name))
    fig = plotting.weight_and_loss([0, 1], [4, 1], w_true=1.0)
    with pytest.raises((ValueError, TypeError), match="lesson|name"):
        plotting.save_figure(fig, lesson, name)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing written anywhere
