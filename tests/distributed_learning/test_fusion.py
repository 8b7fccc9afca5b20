"""The two-input data set has the dependence it claims; the three variants have the right shapes and
a missing input is handled as documented; a seeded run learns the interaction with hybrid fusion."""
import torch

from demos.distributed_learning import fusion


def test_the_xor_task_needs_both_inputs():
    a, b, y = fusion.make_data(4000, fusion.TASKS[1], 0)
    side = (a[:, 0] > 0).long()
    image = b.view(-1, 8, 8)
    vertical = (image.sum(1).max(1).values > image.sum(2).max(1).values).long()  # the bar's orientation
    assert torch.equal(side ^ vertical, y)  # y = a XOR b exactly (the noise never hides a 6-pixel bar here)
    for alone in (side, vertical):  # either input alone is at chance
        assert abs(float((alone == y).float().mean()) - 0.5) < 0.03


def test_shapes_and_a_missing_input():
    a, b, _ = fusion.make_data(7, fusion.TASKS[0], 1)
    assert a.shape == (7, 2) and b.shape == (7, 64)
    for v in fusion.VARIANTS:
        m = fusion.Fusion(v)
        out = m(a, b)
        assert out.shape == (7, 2) and torch.allclose(out.exp().sum(1), torch.ones(7))  # log-probabilities
    late = fusion.Fusion("Late")
    assert torch.allclose(late(a, b, has_b=False), torch.log_softmax(late.net_a(a), 1))  # A's classifier alone


def test_a_seeded_run_learns_the_interaction_with_hybrid_fusion():
    trained = fusion.train(fusion.TASKS[1], 0, 1000)
    res = fusion.evaluate(trained, fusion.TASKS[1], 0, 0.0)["acc"]
    assert res["Hybrid"]["both inputs"] > 0.9  # measured 1.00 at seed 0
    assert res["Late"]["both inputs"] < 0.6  # averaging two decisions cannot express XOR
    assert all(res[v]["B missing"] < 0.6 for v in fusion.VARIANTS)  # nothing can guess XOR from A alone
    assert "B missing" in fusion.accuracy_caption({"acc": res}, fusion.TASKS[1], 0.0)


def test_the_caption_names_a_survivor_only_when_one_stands_out():
    flat = {"acc": {v: {"both inputs": 0.9, "B noised": 0.7, "B missing": 0.5 + 0.01 * i}
                    for i, v in enumerate(fusion.VARIANTS)}}
    assert "keeps the most" not in fusion.accuracy_caption(flat, fusion.TASKS[1], 0.5)  # 50–52 %: all at chance
    flat["acc"]["Late"]["B missing"] = 0.8
    assert "Late fusion keeps the most" in fusion.accuracy_caption(flat, fusion.TASKS[0], 0.5)
