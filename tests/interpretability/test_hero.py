"""demos/interpretability/hero.py: the six maps, IG's completeness in words, the caption's pairs."""
import pytest
import torch

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


def test_gradient_x_input_reuses_the_gradients_pass_exactly(explained, mnist_cnn, digit):
    assert torch.equal(explained.maps["grad_x_input"], methods.grad_x_input(mnist_cnn, digit, 7))


def test_the_maps_stream_in_cheapest_first_and_come_back_in_the_pages_order(mnist_cnn, digit, explained):
    seen = []
    hero.attribute_all(mnist_cnn, digit, 7, hero.Settings(), lambda f, p: seen.append((f, list(p.maps))))
    assert [names for _, names in seen] == [list(hero.ORDER[:k]) for k in range(1, 7)]
    assert [f for f, _ in seen] == pytest.approx([k / 6 for k in range(1, 7)])
    assert list(explained.maps) == list(methods.METHODS)


def test_a_partial_hero_keeps_the_grid_and_says_what_is_left(explained, digit):
    p = hero.Explained({m: explained.maps[m] for m in hero.ORDER[:3]}, {m: 0.1 for m in hero.ORDER[:3]},
                       explained.reference, float("nan"), float("nan"))
    fig = hero.hero_figure(digit, p, "7")
    assert len(fig.data) == 8  # the three missing maps are blank squares
    titles = [a.text for a in fig.layout.annotations]
    assert "SmoothGrad (computing…)" in titles and "Grad-CAM" in titles
    assert hero.progress_text(p).endswith("Still computing: SmoothGrad, Integrated Gradients, Occlusion.")


def test_the_cost_line_counts_the_passes_occlusion_makes(explained):
    s = hero.Settings(patch=6, stride=3)
    # windows start at 0, 3, …, 21 and one more overhanging (⌈22/3⌉ + 1 = 9) in each direction: 81
    assert f"Occlusion {1000 * explained.seconds['occlusion']:.0f} ms (81 + 1 forward passes)" in hero.cost_text(
        explained, s, 28)
    assert hero.passes(hero.Settings(patch=56, stride=56), 224)["occlusion"] == "16 + 1 forward passes"
