"""demos/augmentation/helps.py: the committed runs are the recorder's own output (a run recomputed
from its seed equals its committed curves), the summaries read them correctly."""
import numpy as np
import pytest

from demos.augmentation import helps
from demos.augmentation.batch import BATCH_TRANSFORMS


@pytest.fixture(scope="module")
def table():
    t = helps.committed_table()
    assert t, "models/results/augmentation_runs.json is committed"
    return t


def test_a_committed_run_is_reproduced_from_its_seed(table):
    # one thread (conftest): the recording is bit-for-bit the committed one, rounded to 4 decimals
    run = helps.curves_of(helps.training_run(20, "none", 0))
    assert run == table["20|none|0"]


def test_the_file_holds_the_grid_the_page_offers(table):
    for k in helps.PER_CLASS:
        assert helps.stored(k, "standard") is not None
    for arm in BATCH_TRANSFORMS:
        assert helps.stored(helps.TRANSFORM_K, arm) is not None, arm
    assert helps.stored(20, "flip") is None  # not committed: the page records it live


def test_gap_and_effects_are_the_final_evaluations(table):
    gaps = helps.gap_table(table)
    runs = [table[f"20|none|{s}"] for s in range(helps.SEEDS)]
    expected = np.array([r["train_acc"][-1] - r["val_acc"][-1] for r in runs])
    assert np.allclose(gaps["none"][20], expected)
    effects = helps.transform_effects(table)
    val = lambda arm: np.mean([table[f"{helps.TRANSFORM_K}|{arm}|{s}"]["val_acc"][-1] for s in range(helps.SEEDS)])  # noqa: E731
    assert effects["flip"] == pytest.approx(val("flip") - val("none"))
