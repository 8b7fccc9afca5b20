"""Every strategy buys the labels with the highest scores; the scores are the textbook formulas on a
hand-made case; a short seeded run grows its labelled set by the batch and never buys a label twice."""
import numpy as np
import torch

from demos.distributed_learning import active


def test_scores_on_a_hand_made_case():
    p = torch.tensor([[0.9, 0.1, 0.0], [0.5, 0.4, 0.1], [0.34, 0.33, 0.33]])
    p = torch.cat([p, torch.zeros(3, 7)], 1)
    assert torch.allclose(active.scores("Least confidence", p), torch.tensor([0.1, 0.5, 0.66]))
    assert torch.allclose(active.scores("Margin", p), -torch.tensor([0.8, 0.1, 0.01]), atol=1e-6)
    ent = active.scores("Entropy", p)
    assert abs(float(ent[2]) - float(-(torch.tensor([0.34, 0.33, 0.33]) * torch.tensor([0.34, 0.33, 0.33]).log()).sum())) < 1e-6
    votes = torch.tensor([[1, 2, 3], [1, 2, 4], [1, 5, 6]])  # 3 members × 3 examples
    committee = active.scores("Committee", votes=votes)
    # example 0: unanimous -> 0; example 1: votes (2, 2, 5) -> −(2/3 ln 2/3 + 1/3 ln 1/3) ≈ 0.6365; example 2: ln 3
    assert torch.allclose(committee, torch.tensor([0.0, 0.6365, np.log(3)], dtype=torch.float32), atol=1e-4)


def test_select_takes_the_argmax_of_each_strategys_score():
    g = torch.Generator().manual_seed(0)
    p = torch.softmax(torch.randn(50, 10, generator=g), 1)
    for strategy in ("Least confidence", "Margin", "Entropy"):
        s = active.scores(strategy, p)
        picked = active.select(s, 5)
        assert int(picked[0]) == int(s.argmax())
        assert set(picked.tolist()) == set(torch.topk(s, 5).indices.tolist())


def test_a_short_run_buys_new_labels_in_batches():
    r = active.run("Margin", 10, 10, 0, budget=30)
    assert r["labels"] == [10, 20, 30] and len(r["acc"]) == 3
    bought = [i for q in r["queries"] for i in q]
    start = torch.randperm(3500, generator=torch.Generator().manual_seed(0))[:10].tolist()
    assert len(set(bought)) == 20 and not set(bought) & set(start)


def test_the_recorded_bands_and_their_captions():
    runs = active.recorded(10, 10)
    assert set(runs) == set(active.STRATEGIES) and len(runs["Random"]) == len(active.SEEDS)
    assert runs["Margin"][0]["labels"][-1] == active.BUDGET
    text = active.curves_caption(runs, "Margin")
    mean = np.mean([r["acc"][-1] for r in runs["Margin"]])
    assert f"Margin reaches {mean:.1%}" in text
    images, labels = active.query_images(runs, "Margin")
    assert images.shape == (10, 28, 28) and f"first {len(labels)} queries" in active.query_caption(labels, "Margin")
