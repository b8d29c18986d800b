"""Lesson 10's data: 1,797 real handwritten digits, 8x8 pixels each (UCI, CC BY 4.0).

The file ships inside lessons_lib (data/digits.csv.gz, with its citation and licence in
data/DIGITS-CITATION.txt), so the lesson needs no network and no extra package. Each row holds
64 pixel counts, 0..16 (how many of a 4x4 block's pixels were inked), then the label.

    load()                       (images (1797, 8, 8) of counts 0..16, labels (1797,) ints)
    stratified_split(labels)     (train rows, test rows): each digit split about 80/20, fixed
    scale(images, mean, std)     (counts / 16 - mean) / std, shaped (N, 1, 8, 8)
    load_split()                 a Split: train and test images scaled with the training set's
                                 mean and standard deviation, and their labels
"""
import gzip
import hashlib
from importlib import resources
from typing import NamedTuple

import numpy as np

from lessons_lib import validation

SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
MAX_COUNT = 16  # a pixel counts the inked pixels of a 4x4 block: 0..16
TEST_FRACTION = 0.2
SEED = 0


def _raw() -> bytes:
    return resources.files("lessons_lib").joinpath("data", "digits.csv.gz").read_bytes()


def checksum() -> str:
    """The SHA-256 of the shipped file, as hex: equal to SHA256 when the file is intact."""
    return hashlib.sha256(_raw()).hexdigest()


def load() -> tuple[np.ndarray, np.ndarray]:
    """(images, labels): images (1797, 8, 8) float64 counts 0..16, labels (1797,) int64 0..9."""
    rows = np.loadtxt(gzip.decompress(_raw()).decode().splitlines(), delimiter=",")
    return rows[:, :-1].reshape(-1, 8, 8), rows[:, -1].astype(np.int64)


def stratified_split(labels, test_fraction: float = TEST_FRACTION,
                     seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """(train rows, test rows), each sorted: of every digit's rows, a shuffled round(fraction *
    count) go to the test set, so both sets hold the ten digits in the same proportions."""
    labels = validation.array("labels", labels, ndim=1)
    if not np.array_equal(labels, np.round(labels)):
        raise ValueError("labels must be whole numbers (one class per example)")
    test_fraction = validation.real("test_fraction", test_fraction)
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    rng = np.random.default_rng(validation.count("seed", seed))
    test = []
    for label in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == label))
        test.extend(rows[:round(test_fraction * len(rows))])
    test = np.sort(np.array(test, dtype=np.int64))
    return np.setdiff1d(np.arange(len(labels)), test), test


def scale(images, mean: float, std: float) -> np.ndarray:
    """Counts 0..16 to fractions 0..1, then shifted by `mean` and divided by `std` (the training
    set's), with a channel axis: (N, 8, 8) -> (N, 1, 8, 8)."""
    images = validation.array("images", images, ndim=3)
    if images.min() < 0 or images.max() > MAX_COUNT:
        raise ValueError(f"images must hold pixel counts from 0 to {MAX_COUNT}, got values "
                         f"from {images.min():g} to {images.max():g}")
    mean = validation.bounded("mean", mean, 1.0)
    std = validation.positive("std", validation.bounded("std", std, 1.0))
    if std < 1e-3:
        raise ValueError(f"std must be at least 0.001 (pixels span 0..1), got {std!r}")
    return ((images / MAX_COUNT - mean) / std)[:, None]


class Split(NamedTuple):
    """The lesson's data (a named tuple: split.test_x or split[2])."""
    train_x: np.ndarray  # (N_train, 1, 8, 8), pixels in [0, 1]
    train_y: np.ndarray  # (N_train,) int64
    test_x: np.ndarray
    test_y: np.ndarray
    mean: float  # of the training pixels (as fractions 0..1)
    std: float


def load_split() -> Split:
    """The lesson's data: load, split (seed 0, 20% test), scale by the training pixels' mean
    and standard deviation (the test set is scaled by the same two numbers)."""
    images, labels = load()
    train, test = stratified_split(labels)
    fractions = images[train] / MAX_COUNT
    mean, std = float(fractions.mean()), float(fractions.std())
    x = scale(images, mean, std)
    return Split(x[train], labels[train], x[test], labels[test], mean, std)
