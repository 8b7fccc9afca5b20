"""The lesson's answers, computed from the beats' views."""
from demos.distributed_learning import lesson


def test_the_answers_follow_the_views():
    assert lesson.mean_matches({}) == "Yes"  # 4 × 32 digits: equal shards
    assert lesson.mean_matches({"workers": "3", "batch": "100"}) == "No"  # 34 + 33 + 33
    assert lesson.mean_matches({"workers": "8", "batch": "20"}) == "No"  # 3 × 4 + 2 × 4
    assert lesson.weighted_matches({"workers": "7"}) == "Yes"  # 19 + 19 + 5 × 18: Σ (n_k/128)·g_k is the batch mean
    assert lesson.step_matches({"workers": "8", "lr": "0.5"}) == "Yes"  # 8 × 16 digits, gap ~1e-8 ≪ 1e-6
    assert lesson.step_matches({"workers": "3", "batch": "100", "lr": "1.0"}) == "Yes"  # weighted mean's step
    assert lesson.scaling_winner({"lr": "0.3"}) == "Fixed η"  # η = 0.3 · 32 = 9.6 at B = 1024 diverges
