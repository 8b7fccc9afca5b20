"""The page through AppTest (three opens: the default digit, a URL, a photo): it shows the caption the
demo functions compute, follows its controls, restores a URL, and asks for an upload."""
import pytest

from tests.support import captions, open_page, plotly_specs
from demos import model_zoo
from demos.prediction import predict_topk
from models import class_names, model_names

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/01_model_zoo.py"


@pytest.fixture(scope="module")
def page():
    at = open_page(PAGE)
    assert not at.exception, at.exception
    return at


def test_page_predicts_the_held_out_digit_and_follows_controls(page, mnist, mnist_cnn):
    at = page
    assert "true label is 7" in " ".join(captions(at)) and "top guess is “7”" in " ".join(captions(at))
    row = int((mnist.test_labels == 7).nonzero()[0])  # digit 7, example 0, as the picker takes it
    top5 = predict_topk(mnist_cnn, mnist.test_images[row:row + 1], class_names("mnist_cnn"))
    assert model_zoo.top5_caption(top5, "7") in captions(at)
    assert model_zoo.input_caption(mnist.test_images[:1]) in captions(at)
    at.slider(key="digit").set_value(3).run()
    assert "top guess is “3”" in " ".join(captions(at))
    assert at.query_params["digit"] == "3"


def test_every_model_is_listed(page):
    table = page.dataframe[0].value
    assert list(table["model"]) == model_names()
    card = model_zoo.model_card("mnist_cnn")
    assert model_zoo.card_text(card) in [m.value for m in page.markdown]
    assert model_zoo.weights_text(card) in [m.value for m in page.markdown]


def test_upload_mode_without_a_file_explains_what_to_do(page):
    at = page
    at.radio(key="source").set_value("upload").run()
    assert not at.exception
    assert any("Upload a picture" in i.value for i in at.info)
    at.radio(key="source").set_value("sample").run()


def test_url_restores_the_view():
    at = open_page(PAGE, digit="4", index="17")
    assert at.slider(key="digit").value == 4 and at.slider(key="index").value == 17
    assert not at.warning


def test_page_runs_the_photo_model_on_a_bundled_photo():
    at = open_page(PAGE, model="efficientnet_lite0", photo="coffee")
    assert not at.exception
    assert "top guess is “espresso”" in " ".join(captions(at))
    bars = plotly_specs(at)[1]["data"][0]
    assert "espresso" in bars["y"]
    assert any(m.label == "Parameters" and m.value.replace(",", "").isdigit() for m in at.metric)
    label = "ImageNet top-1 (authors' figure)"  # was "Imagenet top1 reported", the card's key
    assert (label, "75.2%") == model_zoo.headline_display(model_zoo.model_card("efficientnet_lite0"))
    assert any(m.label == label and m.value == "75.2%" for m in at.metric)
