"""demos/interpretability/lesson.py: the lesson's answers against the page's own functions."""
import pytest

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


def test_the_survivor_and_twin_answers_are_among_their_choices():
    assert lesson.survivor({"k": "5"}) in ("Gradient", "Gradient × input", "SmoothGrad", "Grad-CAM")
    assert lesson.twin_changes({}) in ("Yes", "No")
