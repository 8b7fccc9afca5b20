"""demos/interpretability/lesson.py: the lesson's answers against the page's own functions."""

from demos.interpretability import hero, lesson, methods, sanity


def test_the_view_is_the_pickers_digit_and_the_pages_defaults(digit):
    x, target, s = lesson.view({})
    assert x.equal(digit) and target == 7 and s == hero.Settings()
    assert lesson.view({"rank": "2"})[1] != 7  # the model's 2nd choice
    assert lesson.view({"patch": "8", "stride": "25"})[2].stride == 2  # 25 % of an 8-px patch


def test_completeness_follows_the_sum_and_the_gap():
    _, _, _, r = lesson.explained({"steps": "4"})
    holds = abs(r.total - r.gap) <= 0.05 * abs(r.gap)
    assert lesson.completeness_holds({"steps": "4"}) == ("Yes" if holds else "No")
    assert lesson.completeness_holds({}) == "Yes"  # 50 points: the page's check holds on the default digit


def test_the_edge_answer_is_the_highest_rank_correlation(digit):
    _, _, _, r = lesson.explained({})
    scores = sanity.edge_scores(hero.flat_maps(r), sanity.edge_map(digit))
    assert lesson.most_like_edges({}) == methods.METHODS[max(scores, key=scores.get)]
    assert lesson.most_like_edges({}) in ("Gradient", "Integrated Gradients", "Grad-CAM", "Occlusion")  # the choices


def test_the_gap_answers_follow_the_printed_gap():
    _, _, _, r = lesson.explained({"rank": "2"})
    assert lesson.gap_is_positive({"rank": "2"}) == ("Yes" if r.gap > 0 else "No")
    _, _, _, blur = lesson.explained({"baseline": "blur"})
    _, _, _, black = lesson.explained({})
    assert lesson.gap_vs_black({"baseline": "blur"}) == ("Larger" if blur.gap > black.gap else "Smaller")
    # the same view against itself: equal gaps are not "Larger"
    assert lesson.gap_vs_black({}) == "Smaller"
    # the default 7 scores far higher than the black image on class 7 (its logit gap is ~15): "Yes"
    assert lesson.gap_is_positive({}) == "Yes"


def test_the_blurred_baseline_is_the_view_s_and_completeness_still_holds():
    _, _, s, r = lesson.explained({"baseline": "blur"})
    assert s.baseline == "blur" and not r.reference.equal(lesson.explained({})[3].reference)
    assert lesson.completeness_holds({"baseline": "blur"}) == "Yes"  # the beat says the sum still must add up
