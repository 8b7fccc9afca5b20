"""The five strategies on the committed table: every one spends exactly the budget; successive halving
keeps exactly ⌊n/η⌋ trials per rung, and the best ones; Hyperband's brackets are Li et al.'s; the
asynchronous rule written out equals Optuna's SuccessiveHalvingPruner trial by trial on the same curves;
searches are deterministic under their seed; a live search retrains the table's own numbers."""
import numpy as np
import pytest

from demos.tuning import search, trial

TABLE = trial.committed_table()


@pytest.mark.parametrize("name", search.STRATEGIES)
def test_every_strategy_spends_exactly_the_budget_and_is_deterministic(name):
    a, b = search.run_search(name, 3, TABLE), search.run_search(name, 3, TABLE)
    assert a.spent() == search.BUDGET == 729  # 27 full trials × 27 epochs
    assert sum(a.epochs) == a.spent()  # every epoch event belongs to a trial's epochs
    assert (a.index, a.replicate, a.events) == (b.index, b.replicate, b.events)
    best = a.best_so_far()
    assert np.all(np.diff(best[1:]) >= 0) and best[-1] == max(v for _, v in a.events)
    if name != "Grid":  # the grid's configurations are fixed; only the order and replicates move
        assert search.run_search(name, 4, TABLE).index != a.index


def test_grid_and_random_train_27_full_trials_and_the_grid_tries_3_values_per_axis():
    for name in ("Grid", "Random"):
        s = search.run_search(name, 0, TABLE)
        assert len(s.index) == 27 and set(s.epochs) == {trial.EPOCHS}
    configs = [trial.all_configs()[i] for i in search.run_search("Grid", 0, TABLE).index]
    assert sorted({c.log_lr for c in configs}) == [-4.0, -2.0, 0.0]  # ends and middle of 25 values
    assert sorted({c.width for c in configs}) == [8, 32, 128] and len(set(configs)) == 27


def test_successive_halving_keeps_exactly_a_third_per_rung_and_the_best_ones():
    s = search.run_search("Successive halving", 0, TABLE)
    # 243 → ⌊243/3⌋ = 81 → 27 → 9 trials at 1, 3, 9, 27 epochs: 243·1 + 81·2 + 27·6 + 9·18 = 729 epochs
    assert s.rungs == [(0, 1, 243), (0, 3, 81), (0, 9, 27), (0, 27, 9)]
    assert sorted(s.epochs).count(1) == 162 and s.epochs.count(27) == 9
    for r, nxt in ((1, 3), (3, 9), (9, 27)):  # the promoted are never worse than the dropped at their rung
        at_rung = [t for t in range(len(s.index)) if s.epochs[t] >= r]
        promoted = [s.curve(t)[r - 1] for t in at_rung if s.epochs[t] >= nxt]
        dropped = [s.curve(t)[r - 1] for t in at_rung if s.epochs[t] == r]
        assert min(promoted) >= max(dropped)


def test_hyperband_brackets_are_li_et_al_s():
    # Li et al. (2017), R = 81, η = 3: s = 4…0 gives n = 81, 34, 15, 8, 5 from r = 1, 3, 9, 27, 81
    assert search.hyperband_brackets(81, 3) == [(81, 1), (34, 3), (15, 9), (8, 27), (5, 81)]
    # R = 27: n_s = ⌈4/(s+1)·3^s⌉ = 27, 12, 6, 4
    assert search.hyperband_brackets(27, 3) == [(27, 1), (12, 3), (6, 9), (4, 27)]
    s = search.run_search("Hyperband", 0, TABLE)
    assert s.rungs[:4] == [(0, 1, 27), (0, 3, 9), (0, 9, 3), (0, 27, 1)]
    assert s.rungs[4:7] == [(1, 3, 12), (1, 9, 4), (1, 27, 1)]


def optuna_stops(curves, eta=3):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0),
                                pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=eta))
    stops = []
    for c in curves:
        t = study.ask()
        stop = len(c)
        for epoch, value in enumerate(c, 1):
            t.report(float(value), epoch)
            if t.should_prune():
                stop = epoch
                break
        study.tell(t, float(c[stop - 1]) if stop == len(c) else None,
                   state=optuna.trial.TrialState.COMPLETE if stop == len(c) else optuna.trial.TrialState.PRUNED)
        stops.append(stop)
    return stops


@pytest.mark.parametrize("seed", [0, 1])
def test_the_asynchronous_rule_equals_optunas_pruner_on_the_same_curves(seed):
    rng = np.random.default_rng(seed)
    rows = rng.choice(TABLE.val.shape[0], 60, replace=False)
    curves = [TABLE.val[i, int(rng.integers(2))].astype(float) for i in rows]
    mine = search.asha_stops(curves)
    assert mine == optuna_stops(curves)
    assert set(mine) <= {1, 3, 9, 27} and mine.count(27) >= 1


def test_a_live_search_retrains_the_committed_numbers_and_can_be_stopped():
    import torch
    torch.set_num_threads(1)
    live = search.live_search("Random", 0, budget=54)  # the first 2 trials of seed 0, trained now
    assert live.spent() == 54 and not live.stopped
    assert search.reproduction_gap(live, TABLE) <= 1e-3  # (the table stores float16)

    class Stopped(Exception):
        pass

    def stop_after_five(fraction, best):
        if fraction * 54 >= 5:
            raise Stopped
    cut = search.live_search("Successive halving", 0, budget=54, on_progress=stop_after_five)
    # the Stop arrives after the 5th epoch has trained, inside the source: that trial's epoch is not kept
    assert cut.stopped and cut.spent() == 4 and cut.epochs == [1, 1, 1, 1]
