"""Model zoo: top-k prediction against a hand softmax, model cards, and the page driven by AppTest."""
import pytest
import torch

from conftest import captions, open_page, plotly_specs
from demos.model_zoo import headline_metric, model_card, predict_topk
from models import model_names

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/01_model_zoo.py"


def test_predict_topk_equals_a_hand_softmax():
    model = torch.nn.Linear(4, 3, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 0, 0]]))
    x = torch.tensor([[1.0, 1.0, 0, 0]])  # logits (1, 2, 0)
    z = torch.tensor([1.0, 2.0, 0.0]).exp()
    expected = z / z.sum()
    top = predict_topk(model, x, ("a", "b", "c"), k=5)
    assert [n for n, _ in top] == ["b", "a", "c"]
    assert [p for _, p in top] == pytest.approx(sorted(expected.tolist(), reverse=True))


def test_model_cards_carry_the_facts(mnist_cnn):
    card = model_card("mnist_cnn", mnist_cnn)
    assert 50_000 < card["parameters"] < 500_000 and card["classes"] == 10
    assert card["command"].startswith("python -m train.mnist_cnn")
    assert headline_metric(card)[1] >= 0.985
    assert len(card["files"]["weights"]["sha256"]) == 64


def test_page_predicts_the_held_out_digit_and_follows_controls():
    at = open_page(PAGE)
    assert "true label is 7" in " ".join(captions(at)) and "top guess is “7”" in " ".join(captions(at))
    at.slider(key="digit").set_value(3).run()
    assert "top guess is “3”" in " ".join(captions(at))
    assert at.query_params["digit"] == "3"


def test_page_runs_the_photo_model_on_a_bundled_photo():
    at = open_page(PAGE, model="efficientnet_lite0", photo="coffee")
    assert not at.exception
    assert "top guess is “espresso”" in " ".join(captions(at))
    bars = plotly_specs(at)[1]["data"][0]
    assert "espresso" in bars["y"]
    assert any(m.label == "Parameters" and m.value.replace(",", "").isdigit() for m in at.metric)


def test_url_restores_the_view():
    at = open_page(PAGE, digit="4", index="17")
    assert at.slider(key="digit").value == 4 and at.slider(key="index").value == 17
    assert not at.warning


def test_upload_mode_without_a_file_explains_what_to_do():
    at = open_page(PAGE, source="upload")
    assert not at.exception
    assert any("Upload a picture" in i.value for i in at.info)


def test_every_model_is_listed():
    at = open_page(PAGE)
    table = at.dataframe[0].value
    assert list(table["model"]) == model_names()
