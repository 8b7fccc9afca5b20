"""demos/interpretability/faithfulness.py: the curves' end points, the AUC, and a linear model on
which the true contributions must beat a random order."""
import numpy as np
import pytest
import torch

from demos.interpretability import faithfulness, hero, methods


class Linear(torch.nn.Module):
    """Two logits: w·x and 0, so the probability of class 0 is σ(w·x)."""

    def __init__(self, w):
        super().__init__()
        self.w = w

    def forward(self, x):
        z = (x * self.w).flatten(1).sum(1)
        return torch.stack([z, torch.zeros_like(z)], 1)


def test_curves_start_at_the_input_and_end_at_the_baseline(mnist_cnn, digit):
    order = faithfulness.order(np.random.default_rng(0).normal(size=(28, 28)))
    c = faithfulness.curve(mnist_cnn, digit, torch.zeros_like(digit), order, 7)
    with torch.no_grad():
        p = lambda x: float(mnist_cnn(x).softmax(-1)[0, 7])
    assert c[0] == pytest.approx(p(digit), abs=1e-6) and c[-1] == pytest.approx(p(torch.zeros_like(digit)), abs=1e-6)
    assert len(c) == faithfulness.FRACTIONS


def test_auc_is_the_trapezoid_area():
    assert faithfulness.auc(np.array([1.0, 1.0, 1.0])) == pytest.approx(1.0)
    assert faithfulness.auc(np.array([1.0, 0.0, 0.0])) == pytest.approx(0.25)  # a triangle of base 1/2


def test_on_a_linear_model_the_true_contributions_delete_faster_than_random():
    g = torch.Generator().manual_seed(0)
    w = torch.randn(1, 1, 8, 8, generator=g)
    x = torch.rand(1, 1, 8, 8, generator=g)
    model = Linear(w)
    contributions = (w * x)[0, 0].numpy()  # exactly gradient × input (and IG from black) for this model
    curves = faithfulness.deletion_insertion(model, x, 0, {"grad_x_input": contributions}, torch.zeros_like(x))
    assert faithfulness.auc(curves["deletion"]["grad_x_input"]) < faithfulness.auc(curves["deletion"]["random"])
    assert faithfulness.auc(curves["insertion"]["grad_x_input"]) > faithfulness.auc(curves["insertion"]["random"])


def test_the_caption_names_the_best_method_per_curve(mnist_cnn, digit, explained):
    curves = faithfulness.deletion_insertion(mnist_cnn, digit, 7, hero.flat_maps(explained),
                                             methods.baseline(digit, "blur"))
    table = faithfulness.auc_table(curves)
    best_del = table.iloc[:-1].sort_values("deletion AUC (lower is better)").iloc[0]["method"]
    text = faithfulness.curves_caption(curves)
    assert text.startswith(f"Deletion: {best_del}")
    assert list(table["method"])[-1] == "Random order"
