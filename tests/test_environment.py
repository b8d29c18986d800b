from lessons_lib import environment


def test_report_lists_every_needed_package_and_the_accelerator():
    rows = {item: (found, advice) for item, found, advice in environment.check()}
    for name in environment.NEEDED:
        assert rows[name][0] != "not installed" and rows[name][1] == ""
    assert "accelerator" in rows and "widget front end" in rows
    assert "numpy" in environment.report()


def test_missing_package_gets_advice(monkeypatch):
    real = environment._version
    monkeypatch.setattr(environment, "_version",
                        lambda dist: None if dist == "ipywidgets" else real(dist))
    rows = {item: (found, advice) for item, found, advice in environment.check()}
    assert rows["ipywidgets"] == ("not installed", rows["ipywidgets"][1])
    assert "pip install ipywidgets" in rows["ipywidgets"][1]
