"""The Export tab: the exported script rebuilds the trained network (small nets with literal weights, big
ones from the safetensors file, an upload in its own units), the curves as CSV, the caption and the
shown part of the script."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from demos.playground import datasets, export, network, training
from tests.playground.conftest import SMALL


def test_an_uploaded_set_trains_and_its_export_predicts_in_its_own_units():
    rng = np.random.default_rng(0)
    x = rng.uniform([100, -0.01], [300, 0.01], (80, 2))  # units far from the [-3, 3] box
    raw = "".join(f"{a},{b},{'yes' if a > 200 else 'no'}\n" for a, b in x).encode()
    data = datasets.csv_data(*datasets.parse_csv(raw), 0.5, 0)
    config = replace(SMALL, dataset="upload", epochs=60, lr=0.03)
    rec = training.train(config, data)
    assert rec.meta["final"]["val_acc"] >= 0.9
    ns = {}
    exec(export.export_script(config, rec.meta["state"], 2, 1, data.lo, data.hi), ns)
    assert ns["predict"](torch.tensor([[120.0, 0.0], [290.0, 0.0]])).round().tolist() == [0.0, 1.0]


@pytest.mark.parametrize("extras", [{}, {"batch_norm": True, "residual": True, "activation": "gelu",
                                         "features": ("x1", "x2", "x1sq", "sin2")}, {"layers": 0}])
def test_the_exported_script_rebuilds_the_trained_network(extras):
    config = replace(SMALL, epochs=3, **extras)
    data = training.load_data(config)
    rec = training.train(config, data)
    ns = {}
    exec(export.export_script(config, rec.meta["state"], len(config.features), 1, data.lo, data.hi), ns)
    model = network.build(config, data)
    model.load_state_dict(rec.meta["state"])
    model.eval()
    with torch.no_grad():
        ours = torch.sigmoid(model(datasets.features(data.x_val, config.features, data.lo, data.hi))[0][:, 0])
    assert torch.allclose(ns["predict"](data.x_val), ours, atol=1e-5)


# Every kind of architecture the page's controls allow, each edge case once: no hidden layer, one, several;
# Residual with the width equal to the number of inputs (the first layer adds its input too: 2 features,
# width 2) and with a different width (only later layers do), batch norm, dropout, every activation.
ARCHITECTURES = [dict(layers=0), dict(layers=1, width=1, activation="none"), dict(layers=3, width=2, residual=True),
                 dict(layers=1, width=2, residual=True, activation="relu"), dict(layers=6, width=16, residual=True),
                 dict(layers=3, width=4, residual=True, batch_norm=True, dropout=0.3, activation="sigmoid",
                      features=("x1", "x2", "x1sq", "x2sq")),
                 dict(layers=2, width=7, batch_norm=True, activation="gelu",
                      features=("x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2"))]


def test_every_architecture_exports_a_script_that_reproduces_the_pages_predictions(tmp_path):
    # The case: Residual on, width 2 = two inputs, 3 layers gave 0.887 on the page, 0.700 from the
    # script (its first layer's skip was left out). Each script is run as a separate program, as a visitor would.
    import json
    import subprocess
    import sys

    expected = {}
    for i, extras in enumerate(ARCHITECTURES):
        config = replace(SMALL, epochs=4, **extras)
        data = training.load_data(config)
        rec = training.train(config, data)
        model = network.build(config, data)
        model.load_state_dict(rec.meta["state"])
        model.eval()
        with torch.no_grad():
            expected[i] = torch.sigmoid(model(datasets.features(data.x_val, config.features, data.lo, data.hi))[0][:, 0])
        (tmp_path / f"m{i}.py").write_text(export.export_script(config, rec.meta["state"], len(config.features), 1,
                                                                data.lo, data.hi))
        np.save(tmp_path / f"x{i}.npy", data.x_val.numpy())
    driver = ("import importlib, json, numpy, torch\n"
              f"print(json.dumps({{i: importlib.import_module(f'm{{i}}').predict(torch.from_numpy(numpy.load(f'x{{i}}.npy')))"
              f".tolist() for i in range({len(ARCHITECTURES)})}}))")
    out = subprocess.run([sys.executable, "-c", driver], cwd=tmp_path, capture_output=True, text=True, check=True)
    for i, probs in json.loads(out.stdout).items():
        assert torch.allclose(torch.tensor(probs), expected[int(i)], atol=1e-5), ARCHITECTURES[int(i)]


def test_a_big_network_exports_its_weights_as_safetensors(tmp_path, monkeypatch):
    config = network.Config(dataset="digits", n_points=100, layers=1, width=16, epochs=2, n_frames=2)
    data = training.load_data(config)
    rec = training.train(config, data)
    script = export.export_script(config, rec.meta["state"], 784, 10)
    assert "load_file" in script and rec.meta["n_params"] > export.LITERAL_LIMIT
    (tmp_path / "playground.safetensors").write_bytes(export.safetensors_bytes(config, rec.meta["state"]))
    monkeypatch.chdir(tmp_path)
    ns = {}
    exec(script, ns)
    model = network.build(config, data)
    model.load_state_dict(rec.meta["state"])
    model.eval()
    with torch.no_grad():
        assert torch.allclose(ns["predict"](data.x_val[:5].view(-1, 1, 28, 28)), model(data.x_val[:5])[0].softmax(1), atol=1e-6)


def test_curves_csv(small):
    _, rec = small
    lines = export.curves_csv(rec).splitlines()
    assert lines[0] == "epoch,train_loss,val_loss,train_acc,val_acc" and len(lines) == 26
    assert float(lines[-1].split(",")[2]) == pytest.approx(rec.curves["val_loss"][-1], rel=1e-5)


def test_the_caption_says_where_the_script_gets_its_weights():
    assert export.script_caption(1234) == "1,234 parameters; the script holds them as literals and runs as is."
    assert export.script_caption(export.LITERAL_LIMIT + 1) == (
        "5,001 parameters; the script loads them from the safetensors file.")


def test_a_long_script_is_shown_cut_with_a_pointer_to_the_download():
    assert export.shown_script("x = 1\n") == "x = 1\n"
    long = "#" * (export.SHOWN_LIMIT + 5)
    assert export.shown_script(long) == "#" * export.SHOWN_LIMIT + "\n# … (download for the rest)"
