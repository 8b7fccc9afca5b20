"""One trial: the spirals split is seeded and balanced enough; training is deterministic under its
seed and reproduces the committed table's first epochs; a live source resumes a trial instead of
restarting it."""
import numpy as np
import torch

from demos.tuning import trial


def test_the_split_is_fixed_and_has_every_class():
    a, b = trial.split(), trial.split()
    for name in ("train", "val", "test"):
        x, y = a[name]
        assert x.shape == (trial.N_PER_SPLIT, 2) and torch.equal(x, b[name][0])
        assert set(y.tolist()) == {0, 1, 2} and min(np.bincount(y.numpy())) > 100  # ~133 of each
    assert not torch.equal(a["train"][0], a["val"][0])
    x, y = trial.spirals(10, 1)
    assert np.array_equal(x, trial.spirals(10, 1)[0]) and not np.array_equal(x, trial.spirals(10, 2)[0])


def test_the_table_axes_and_order():
    configs = trial.all_configs()
    assert len(configs) == 25 * 5 * 3 == trial.committed_table().val.shape[0]
    assert trial.LOG_LRS[0] == -4 and trial.LOG_LRS[-1] == 0  # 10⁻⁴ … 1 in sixths of a decade
    assert configs[trial.table_index(24, 4, 2)] == trial.Config(0.0, 128, 1e-3)


def test_a_trial_reproduces_the_committed_table_and_resumes_in_a_live_source():
    torch.set_num_threads(1)
    i, r = trial.table_index(12, 2, 1), 1  # lr 10⁻², width 32, decay 10⁻⁴
    val, test = trial.train_trial(trial.all_configs()[i], trial.trial_seed(i, r), epochs=3)
    table = trial.committed_table()
    assert np.abs(val - table.val[i, r, :3]).max() <= 1e-3  # float16 in the table
    assert np.abs(test - table.test[i, r, :3]).max() <= 1e-3
    source = trial.LiveSource()
    first = source.curve(i, r, 1)
    assert source.epochs_trained == 1
    again = source.curve(i, r, 3)  # trains epochs 2 and 3 only
    assert source.epochs_trained == 3 and np.allclose(again, val) and again[0] == first[0]
    assert 0.0 <= val.min() and val.max() <= 1.0
