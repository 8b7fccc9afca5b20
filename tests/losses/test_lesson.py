"""The lesson's answers are computed from the hero's own numbers, and its defaults are the page's."""
from demos.losses import lesson, softmax


def test_answers_follow_the_views():
    assert lesson.harder_push({}) == "Cross-entropy"  # p_true ≈ 0.61: |−0.39| vs |−0.27|
    assert lesson.harder_push({"z0": "-4", "z1": "6", "z2": "0", "z3": "-1"}) == "Cross-entropy"
    assert lesson.argmax_changes({"temp": "5"}) == "No"  # dividing by T > 0 keeps the order
    assert lesson.naive_finite({"scale": "50"}) == "No" and lesson.naive_finite({}) == "Yes"
    assert lesson.sparse_equals_onehot({"true": "2"}) == "Yes"
    assert lesson.lower_loss({"temp": "0.3"}) == "This T"  # the true class leads: sharpening raises its p
    assert lesson.lower_loss({"temp": "0.3", "true": "3"}) == "T = 1"  # a trailing class loses from sharpening


def test_defaults_are_the_pages():
    assert lesson.DEFAULTS["classes"] == 4 and lesson.DEFAULTS["temp"] == 1.0 and lesson.DEFAULTS["scale"] == 1
    assert [lesson.DEFAULTS[f"z{i}"] for i in range(10)] == list(softmax.DEFAULT_LOGITS)
    assert lesson.view({}).ce == softmax.playground(softmax.DEFAULT_LOGITS[:4], 0, 1.0).ce
