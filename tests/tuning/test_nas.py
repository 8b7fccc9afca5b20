"""Architecture search: the Pareto front against a brute-force definition, parameter counts against
torch, the caption's picks from the committed sample."""
import numpy as np

from demos.tuning import nas, trial


def brute_front(params, acc):
    n = len(params)
    return {i for i in range(n) if not any(params[j] <= params[i] and acc[j] >= acc[i]
                                          and (params[j], acc[j]) != (params[i], acc[i]) for j in range(n))}


def test_the_pareto_front_is_the_set_nobody_dominates():
    rng = np.random.default_rng(0)
    for _ in range(20):
        params, acc = rng.integers(10, 50, 30), rng.integers(0, 8, 30) / 8  # ties on both axes
        front = nas.pareto_front(params, acc)
        assert set(front.tolist()) == brute_front(params, acc)
        assert np.all(np.diff(params[front]) >= 0)


def test_parameter_counts_match_torch():
    for depth in nas.DEPTHS:
        for width in (4, 64):
            net = trial.mlp(width, depth)
            assert sum(p.numel() for p in net.parameters()) == nas.parameter_count(depth, width)


def test_the_committed_sample_and_its_caption():
    sample = nas.committed()
    assert len(sample["params"]) == nas.SAMPLES and set(sample["depth"]) <= set(nas.DEPTHS)
    part = nas.first(sample, 20)
    text = nas.pareto_caption(part)
    best = int(np.argmax(part["val"]))
    assert text.startswith(f"{len(nas.pareto_front(part['params'], part['val']))} of 20 architectures")
    assert nas.describe(part, best) in text and f"{part['val'][best]:.1%}" in text
    fig = nas.pareto_figure(part)
    assert sum(len(d.x) for d in fig.data[:3]) == 20


def test_a_tiny_search_is_seeded():
    a, b = nas.random_search(2, 5, epochs=1), nas.random_search(2, 5, epochs=1)
    assert all(np.array_equal(a[k], b[k]) for k in a)
