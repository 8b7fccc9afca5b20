"""demos/interpretability/committed.py: the Sanity-checks tab's committed default view is what a live
run computes, and is used for nothing else."""
import dataclasses

import numpy as np
import pytest

from demos.interpretability import committed, hero, methods


def test_the_committed_default_view_is_what_a_live_run_computes(checks, digit):
    stored = committed.load(committed.PICTURE, digit, 7, hero.Settings())
    assert stored is not None  # made with the weights on disk (else the page silently computes live)
    assert stored["layers"] == checks["layers"]
    for k in range(len(checks["maps"])):
        for m in methods.METHODS:
            # the same seeded randomisation on the same weights: equal up to float rounding across machines
            assert stored["spearman"][k][m] == pytest.approx(checks["spearman"][k][m], abs=1e-3)
            np.testing.assert_allclose(stored["maps"][k][m], checks["maps"][k][m], rtol=1e-4, atol=1e-6)
    for m in methods.METHODS:
        np.testing.assert_allclose(stored["twin"][m], checks["twin"][m], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("change", ["picture", "pixels", "target", "settings"])
def test_anything_but_the_default_is_not_served_from_the_file(digit, change):
    picture, x, target, s = committed.PICTURE, digit, 7, hero.Settings()
    if change == "picture":
        picture = "digit 7, example 1"
    elif change == "pixels":  # an upload that happens to carry the default's name
        x = digit.flip(-1)
    elif change == "target":
        target = 1
    else:
        s = dataclasses.replace(s, steps=49)
    assert committed.load(picture, x, target, s) is None


def test_a_store_made_with_other_weights_is_ignored(checks, digit, tmp_path):
    path = tmp_path / "checks.npz"
    committed.save(checks, committed.PICTURE, digit, 7, hero.Settings(), {"mnist_cnn": "0" * 64}, path)
    assert committed.load(committed.PICTURE, digit, 7, hero.Settings(), path) is None
