"""demos.model_zoo: model cards carry the registry's facts, the zoo table lists every model from the
cards alone, and the hero's figures and captions say what the prediction is."""
import torch

from tests.support import plotly_array
from demos import model_zoo
from models import model_names


def test_model_cards_carry_the_facts(mnist_cnn):
    card = model_zoo.model_card("mnist_cnn", mnist_cnn)
    assert 50_000 < card["parameters"] < 500_000 and card["classes"] == 10
    assert card["command"].startswith("python -m train.mnist_cnn")
    assert model_zoo.headline_metric(card)[1] >= 0.985
    assert len(card["files"]["weights"]["sha256"]) == 64


def test_the_table_and_the_card_count_the_same_parameters(mnist_cnn, pretrained):
    """The table's count, read from the weights file without loading, equals the card's count from the
    loaded model: trainable parameters only (the issue: 96,554 on the card, 96,942 in the table, which
    also counted BatchNorm's 388 running statistics), and EfficientNet's .pth is counted too (was None)."""
    trainable = sum(p.numel() for p in mnist_cnn.parameters())
    assert sum(v.numel() for v in mnist_cnn.state_dict().values()) - trainable == 388  # the buffers left out
    assert model_zoo.model_card("mnist_cnn")["parameters"] == model_zoo.stored_parameters("mnist_cnn") == trainable
    assert model_zoo.model_card("mnist_cnn", mnist_cnn)["parameters"] == trainable
    photo = pretrained("efficientnet_lite0")
    assert model_zoo.stored_parameters("efficientnet_lite0") == sum(p.numel() for p in photo.parameters())


def test_headline_metric_is_the_first_number_and_none_for_third_party():
    card = {"metrics": {"note": "text", "flag": True, "test_accuracy": 0.985, "val_accuracy": 0.99}}
    assert model_zoo.headline_metric(card) == ("test accuracy", 0.985)  # text and booleans skipped
    assert model_zoo.headline_display(card) == ("Test accuracy", "98.5%")
    assert model_zoo.headline_metric({"metrics": {"source": "the authors"}}) is None


def test_card_and_weights_text():
    card = {"architecture": "CNN", "task": "digits", "input": "28×28", "data": {"source": "MNIST"},
            "files": {"weights": {"file": "a.safetensors", "sha256": "ab" * 32}}}
    assert model_zoo.card_text(card) == "**Architecture:** CNN  \n**Task:** digits  \n**Input:** 28×28  \n**Data:** MNIST"
    assert model_zoo.weights_text(card) == f"**Weights:** `a.safetensors` sha256 `{'ab' * 32}` (checked on every load)"


def test_zoo_table_lists_every_model_from_its_card():
    table = model_zoo.zoo_table()
    assert list(table["model"]) == model_names()
    cnn = table.set_index("model").loc["mnist_cnn"]
    assert (cnn["metric"], cnn["value"]) == model_zoo.headline_metric(model_zoo.model_card("mnist_cnn"))
    assert cnn["sha256"] == model_zoo.model_card("mnist_cnn")["files"]["weights"]["sha256"][:12] + "…"
    third_party = table[table["value"].isna()]
    assert len(third_party) and (third_party["metric"] == "— (third-party)").all()


def test_takes_digits():
    assert model_zoo.takes_digits("mnist_cnn") and model_zoo.takes_digits("mnist_mlp")
    assert not model_zoo.takes_digits("efficientnet_lite0")


def test_input_figure_and_caption():
    x = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    assert model_zoo.input_caption(x) == "Input resized to 224×224 px, as the model receives it."
    assert model_zoo.input_caption(torch.zeros(1, 1, 28, 28)).startswith("Input resized to 28×28 px")
    fig = model_zoo.input_figure(x).to_plotly_json()
    assert plotly_array(fig["data"][0]["z"]).shape[:2] == (224, 224)
    assert fig["layout"]["title"]["text"] == "What the model sees"


def test_top5_figure_and_caption():
    top5 = [("7", 0.9), ("1", 0.05), ("9", 0.02), ("2", 0.01), ("3", 0.005)]
    assert model_zoo.top5_caption(top5, "7") == "The model's top guess is “7” with probability 90.0%; the true label is 7."
    assert model_zoo.top5_caption(top5, None) == "The model's top guess is “7” with probability 90.0%."
    bars = model_zoo.top5_figure(top5, "1").to_plotly_json()["data"][0]
    assert list(bars["y"]) == ["3", "2", "9", "1", "7"]  # best at the top
    assert len(set(bars["marker"]["color"])) == 2 and bars["marker"]["color"][3] != bars["marker"]["color"][0]


def test_the_lessons_answers_read_the_models_own_output():
    import torch

    from demos import model_zoo
    from models.data import mnist_split
    from models.registry import load_pretrained
    data = mnist_split()
    row = int((data.test_labels == 7).nonzero()[0])  # the picker's default: digit 7, example 0
    with torch.no_grad():
        probs = load_pretrained("mnist_cnn")(data.test_images[row:row + 1]).softmax(-1)[0]
    assert model_zoo.lesson_top1({}) == str(int(probs.argmax()))
    assert model_zoo.lesson_confident({}) == ("Yes" if float(probs.max()) > 0.5 else "No")
