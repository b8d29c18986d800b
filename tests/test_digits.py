"""lessons_lib.digits (lesson 10): the shipped file is the one we cite, byte for byte; the
split is stratified and fixed; the scaling is the training set's."""
import gzip
import hashlib
from importlib import resources

import numpy as np
import pytest

from lessons_lib import digits


def test_the_shipped_file_has_the_recorded_checksum():
    data = resources.files("lessons_lib").joinpath("data", "digits.csv.gz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == digits.SHA256 == digits.checksum()
    assert len(data) == 57523  # about 57 KB, as the issue promised
    citation = resources.files("lessons_lib").joinpath("data", "DIGITS-CITATION.txt").read_text()
    assert digits.SHA256 in citation and "CC BY 4.0" in citation and "UCI" in citation
    assert gzip.decompress(data).decode().count("\n") == 1797


def test_the_package_data_is_declared_in_pyproject():
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert '"data/digits.csv.gz"' in text and '"data/DIGITS-CITATION.txt"' in text


def test_load_gives_1797_digits_of_8x8_counts():
    images, labels = digits.load()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.min() == 0 and images.max() == 16 and np.all(images == images.round())
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_the_split_is_stratified_fixed_and_disjoint():
    _, labels = digits.load()
    train, test = digits.stratified_split(labels)
    assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 1797
    assert len(test) == 359
    for label in range(10):
        share = (labels[test] == label).sum() / (labels == label).sum()
        assert abs(share - 0.2) < 0.01
    again = digits.stratified_split(labels)
    assert np.array_equal(again[1], test)
    assert not np.array_equal(digits.stratified_split(labels, seed=1)[1], test)


def test_scaling_uses_the_training_pixels():
    split = digits.load_split()
    assert split.train_x.shape == (1438, 1, 8, 8) and split.test_x.shape == (359, 1, 8, 8)
    assert abs(split.train_x.mean()) < 1e-12 and split.train_x.std() == pytest.approx(1.0)
    images, labels = digits.load()
    _, test = digits.stratified_split(labels)
    assert np.allclose(split.test_x[:, 0], (images[test] / 16 - split.mean) / split.std)


@pytest.mark.parametrize("call, words", [
    (lambda: digits.stratified_split([0.5, 1]), "labels"),
    (lambda: digits.stratified_split([0, 1], test_fraction=1.5), "test_fraction"),
    (lambda: digits.scale(np.full((2, 8, 8), 17.0), 0.3, 0.4), "images"),
    (lambda: digits.scale(np.ones((2, 8, 8)), 0.3, 0.0), "std"),
])
def test_bad_arguments_are_named(call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call()
