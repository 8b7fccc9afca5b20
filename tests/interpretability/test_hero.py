"""demos/interpretability/hero.py: the six maps, IG's completeness in words, the caption's pairs."""
import pytest

from demos.interpretability import hero, methods, similarity


def test_the_hero_computes_all_six_methods_in_the_input_shape(explained, digit):
    assert list(explained.maps) == list(methods.METHODS)
    assert all(a.shape == digit.shape for a in explained.maps.values())
    assert set(explained.seconds) == set(methods.METHODS)


def test_completeness_text_reports_the_sum_and_the_gap(explained):
    text = hero.completeness_text(explained, 50)
    assert f"{explained.total:.3f}" in text and f"{explained.gap:.3f}" in text
    assert text.endswith("holds.")  # 50 Gauss–Legendre points on the digit CNN: well within 5 %
    few = hero.Explained(explained.maps, {}, explained.reference, total=1.0, gap=2.0)
    assert "is off" in hero.completeness_text(few, 4)


def test_the_caption_names_the_most_and_least_alike_pair(explained):
    pairs = similarity.agreement(hero.flat_maps(explained))
    text = hero.hero_caption(explained, "7", 0.99)
    a, b, rho = pairs[0]
    assert f"Most alike: {methods.METHODS[a]} and {methods.METHODS[b]} (rank correlation {rho:.2f})" in text
    assert "“7” (probability 99%)" in text


def test_the_figure_draws_the_input_the_baseline_and_six_maps(explained, digit):
    fig = hero.hero_figure(digit, explained, "7")
    assert [t.type for t in fig.data] == ["image"] * 2 + ["heatmap"] * 6
