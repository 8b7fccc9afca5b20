"""demos/interpretability/sanity.py: randomised copies leave the shared model alone and change the
gradient measurably; the shuffled-label twin; the edge detector; the captions follow the numbers."""
import copy

import pytest
import torch

from demos.interpretability import hero, methods, sanity


@pytest.fixture(scope="module")
def run(mnist_cnn, digit):
    return sanity.cascading_randomisation(mnist_cnn, digit, 7, hero.Settings(steps=16, n=8), True)


def test_randomising_copies_the_model_and_draws_new_weights_under_a_seed(mnist_cnn):
    before = copy.deepcopy(mnist_cnn.state_dict())
    twin = sanity.randomised(mnist_cnn, ["classifier.2", "features.4.0"], seed=1)
    assert all(torch.equal(v, before[k]) for k, v in mnist_cnn.state_dict().items())  # shared model untouched
    assert not torch.equal(twin.classifier[2].weight, mnist_cnn.classifier[2].weight)
    assert not torch.equal(twin.features[4][0].weight, mnist_cnn.features[4][0].weight)
    assert torch.equal(twin.features[3][0].weight, mnist_cnn.features[3][0].weight)  # below the cascade: kept
    again = sanity.randomised(mnist_cnn, ["classifier.2", "features.4.0"], seed=1)
    assert torch.equal(again.classifier[2].weight, twin.classifier[2].weight)  # same seed, same weights


def test_randomising_the_layers_changes_the_gradient_map_measurably(run):
    # k = 0 compares each map with itself; with every layer random the gradient's pixel order is gone
    assert all(v == pytest.approx(1.0) for v in run["spearman"][0].values())
    assert run["spearman"][-1]["gradient"] < 0.5
    assert run["spearman"][-1]["gradcam"] < 0.5
    assert len(run["maps"]) == len(sanity.DIGIT_CASCADE) + 1


def test_the_cascade_caption_names_the_methods_above_the_line(run):
    k = len(sanity.DIGIT_CASCADE)
    text = sanity.cascade_caption(run, k)
    above = [methods.METHODS[m] for m, v in run["spearman"][k].items() if v > sanity.PASS_BELOW]
    assert all(name in text for name in above) and ("fail" in text) == bool(above)
    assert "conv 1" in text  # randomised down to the first layer
    assert sanity.cascade_caption(run, 0).startswith("With no layer randomised")


def test_the_shuffled_label_twin_gives_other_gradient_maps(pretrained, mnist_cnn, digit):
    s = hero.Settings(steps=16, n=8)
    real = hero.flat_maps(hero.attribute_all(mnist_cnn, digit, 7, s))
    twin = hero.flat_maps(hero.attribute_all(pretrained("mnist_cnn_shuffled"), digit, 7, s))
    scores = sanity.twin_scores(real, twin)
    assert scores["gradient"] < scores["grad_x_input"]  # multiplying by x brings the digit's shape back
    text = sanity.twin_caption(scores)
    assert ("still draw" in text) == any(v > sanity.PASS_BELOW for v in scores.values())


def test_the_edge_map_is_sobels_magnitude():
    x = torch.zeros(1, 1, 8, 8)
    x[..., :, 4:] = 1.0  # a vertical step between columns 3 and 4
    edges = sanity.edge_map(x)
    # Sobel x at the step: (1+2+1)·1 = 4 in columns 3 and 4, 0 in flat regions
    assert edges[4, 3] == pytest.approx(4.0) and edges[4, 4] == pytest.approx(4.0) and edges[4, 0] == 0.0
    scores = sanity.edge_scores({"gradient": edges, "occlusion": -edges}, edges)
    assert scores == {"gradient": pytest.approx(1.0), "occlusion": pytest.approx(1.0)}
    assert "Gradient" in sanity.edge_caption({"gradient": 0.9, "occlusion": 0.1})
