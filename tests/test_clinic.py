"""lessons_lib.clinic (lesson 11 and its find-the-bug exercises): each bug shows the symptom the
lesson's checkers say it shows, and the gradient check names what is wrong."""
import numpy as np
import pytest

from lessons_lib import clinic, cnn, digits


@pytest.fixture(scope="module")
def split():
    return digits.load_split()


def test_the_gradient_check_passes_the_right_gradients_and_names_a_flipped_layer(split):
    params, x, y = cnn.init(1), split.train_x[:8], split.train_y[:8]
    assert all(r == pytest.approx(1, abs=1e-4) for r in clinic.gradient_check(params, x,
                                                                              y).values())
    flipped = clinic.gradient_check(params, x, y, clinic._flipped_conv)
    assert flipped["conv_w"] == pytest.approx(-1, abs=1e-4)
    assert flipped["lin_w"] == pytest.approx(1, abs=1e-4)
    summed = clinic.gradient_check(params, x, y, clinic._summed)
    assert all(r == pytest.approx(8, rel=1e-4) for r in summed.values())
    zero = clinic.gradient_check(cnn.init(1, scale=0.0), x, y)
    assert zero["conv_w"] == zero["lin_w"] == "both 0" and zero["lin_b"] == pytest.approx(1)


def test_each_bug_shows_its_symptom(split):
    losses = {bug: clinic.train_with_bug(bug, split) for bug in clinic.BUGS}
    blown = {bug: len(run[0]) < 60 for bug, run in losses.items()}
    assert blown == {"learning rate too large": True, "sign flipped in the conv backward": True,
                     "missing 1/N": True, "all-zero initialisation": False,
                     "gradients never zeroed": True, "initialisation too large": False}
    assert len(losses["learning rate too large"][0]) < len(losses["missing 1/N"][0]) < len(
        losses["gradients never zeroed"][0])
    zero_losses, zero_kernels = losses["all-zero initialisation"]
    assert np.abs(zero_losses - np.log(10)).max() < 0.03  # only the biases learn
    assert all(np.array_equal(k, zero_kernels[-1][0]) for k in zero_kernels[-1])
    never = losses["gradients never zeroed"][0]
    assert never[:10].min() < never[0] < never[-1]  # falls first, then blows up


def test_symptom_reports_what_a_learner_sees(split):
    text = clinic.symptom("all-zero initialisation", split)
    assert "all identical" in text and "conv_w both 0" in text
    assert "conv_w 8" in clinic.symptom("missing 1/N", split)


@pytest.mark.parametrize("call, words", [
    (lambda s: clinic.train_with_bug("typo", s), "bug"),
    (lambda s: clinic.gradient_check(cnn.init(), s.train_x[:2], s.train_y[:2], grads_fn=3),
     "grads_fn"),
    (lambda s: clinic.gradient_check(cnn.init(), s.train_x[:2], s.train_y[:2], h=0), "h"),
])
def test_bad_arguments_are_named(split, call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call(split)


def test_too_large_an_initialisation_starts_high_and_kills_relus(split):
    large = clinic.start("initialisation too large")
    assert np.allclose(large.conv_w, 10 * cnn.init(1).conv_w)
    losses, _ = clinic.train_with_bug("initialisation too large", split)
    assert losses[0] > 5 * np.log(10)  # habit 1 catches it: far above ln 10
    before = clinic.inside(large, split.train_x[:256], split.train_y[:256])
    assert before["dead kernels"] == 0 and 0.4 < before["share at or below 0"] < 0.6
    run = cnn.train(large, split.train_x, split.train_y, 0.05, 0.9, 32, epochs=1)
    after = clinic.inside(run.params[-1], split.train_x[:256], split.train_y[:256])
    assert after["dead kernels"] >= 4 and after["share at or below 0"] > 0.9
    healthy = clinic.inside(cnn.init(1), split.train_x[:256], split.train_y[:256])
    assert before["|grad lin_w|"] > 10 * healthy["|grad lin_w|"]
