"""demos.prediction: a classifier's top-k on one image."""
import pytest
import torch

from demos.prediction import predict_topk


def test_predict_topk_equals_a_hand_softmax():
    model = torch.nn.Linear(4, 3, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 0, 0]]))
    x = torch.tensor([[1.0, 1.0, 0, 0]])  # logits (1, 2, 0)
    z = torch.tensor([1.0, 2.0, 0.0]).exp()
    expected = z / z.sum()
    top = predict_topk(model, x, ("a", "b", "c"), k=5)
    assert [n for n, _ in top] == ["b", "a", "c"]  # k = 5 > 3 classes: all three, most probable first
    assert [p for _, p in top] == pytest.approx(sorted(expected.tolist(), reverse=True))
    assert predict_topk(model, x, ("a", "b", "c"), k=1) == [("b", pytest.approx(float(expected[1])))]
