"""Neural-network playground: the perceptron rule against a hand-computed run and Novikoff's bound,
linear collapse without activations, L2 vs weight decay (SGD, Adam, AdamW) against torch.optim,
inverted dropout, early stopping, determinism, the CSV gate's bad-file corpus, the digits split,
the exported script, and the page through AppTest."""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import captions, open_page, plotly_specs
from demos import network_export as nx
from demos import perceptron as pc
from demos import playground as pg
from demos import playground_figures as pgf

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/06_playground.py"
SMALL = pg.Config(n_points=120, epochs=25, n_frames=6)  # a quick run for tests


@pytest.fixture(scope="module")
def small():
    data = pg.load_data(SMALL)
    return data, pg.train(SMALL, data)


# ---------------------------------------------------------------- perceptron
def test_perceptron_rule_matches_a_hand_computed_run_on_and():
    # AND with labels ±1, η = 1, from w = (0, 0), b = 0, examples in the order (0,0) (0,1) (1,0) (1,1):
    # 1 (0,0) y=-1: s = 0 -> mistake: w = (0,0), b = -1     2 (0,1) y=-1: s = -1 correct
    # 3 (1,0) y=-1: s = -1 correct                          4 (1,1) y=+1: s = -1 -> w = (1,1), b = 0
    # 5 (0,0) y=-1: s = 0 -> w = (1,1), b = -1              6 (0,1) y=-1: s = 0 -> w = (1,0), b = -2
    # 7 (1,0) y=-1: s = -1 correct                          8 (1,1) y=+1: s = -1 -> w = (2,1), b = -1
    x, y, _ = pc.perceptron_data("and", 0)
    run = pc.perceptron(x, y, eta=1.0)
    assert run.w[1:9].tolist() == [[0, 0], [0, 0], [0, 0], [1, 1], [1, 1], [1, 0], [1, 0], [2, 1]]
    assert run.b[1:9].tolist() == [-1, -1, -1, 0, -1, -2, -2, -1]
    assert run.score[:8].tolist() == [0, -1, -1, -1, 0, 0, -1, -1]
    assert run.mistake[:8].tolist() == [True, False, False, True, True, True, False, True]
    assert run.mistakes_per_epoch[:2] == [2, 3] and run.converged_epoch is not None
    assert np.all(np.sign(x @ run.w[-1] + run.b[-1]) == y)
    assert "w ← (1, 0) + 1·(+1)·x = (2, 1); b ← −2 + 1 = −1." in pc.step_sentence(run, x, y, 8, 1.0)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("eta", [0.1, 1.0, 2.0])
def test_perceptron_stops_on_separable_data_within_novikoffs_bound(seed, eta):
    x, y, margin = pc.perceptron_data("blobs", seed)
    run = pc.perceptron(x, y, eta, max_epochs=200)
    assert run.converged_epoch is not None and run.cycle is None
    assert run.updates <= pc.novikoff_bound(x, margin)  # the theorem: at most (R/γ)² updates
    assert np.all(y * (x @ run.w[-1] + run.b[-1]) > 0)


def test_perceptron_never_converges_on_xor_and_the_page_says_why():
    x, y, margin = pc.perceptron_data("xor", 0)
    run = pc.perceptron(x, y, 1.0)
    assert margin is None and run.converged_epoch is None and run.cycle is not None
    assert all(m > 0 for m in run.mistakes_per_epoch)
    a, b = run.cycle  # the state at the start of epoch b repeats epoch a: the rule loops forever
    start = lambda e: (run.w[(e - 1) * 4].tolist(), run.b[(e - 1) * 4])  # noqa: E731
    assert start(a) == start(b)
    assert "Never converges" in pc.perceptron_summary(run, x, margin)


# ---------------------------------------------------------------- the network
@pytest.mark.parametrize("layers", [1, 3, 6])
@pytest.mark.parametrize("extras", [{}, {"batch_norm": True, "residual": True}])
def test_no_activation_gives_a_linear_decision_function_at_any_depth(layers, extras):
    config = pg.replace(SMALL, activation="none", layers=layers, width=5, epochs=3, **extras)
    data = pg.load_data(config)
    rec = pg.train(config, data)
    assert pg.linear_residual(config, rec.meta["state"], data) < 1e-9
    # level sets are straight: three points of one level set (found by bisection along x2) are collinear
    model = pg.build(config, data).double()
    model.load_state_dict(rec.meta["state"])
    model.eval()
    logit = lambda p: model(pg.features(torch.tensor(p, dtype=torch.double), config.features, data.lo, data.hi).double())[0][:, 0]  # noqa: E731
    level = float(logit([[0.0, 0.0]]))
    points = []
    for x1 in (-2.0, 0.5, 2.5):
        lo, hi = -50.0, 50.0
        up = float(logit([[x1, hi]])) > float(logit([[x1, lo]]))
        for _ in range(80):
            mid = (lo + hi) / 2
            if (float(logit([[x1, mid]])) > level) == up:
                hi = mid
            else:
                lo = mid
        points.append((x1, (lo + hi) / 2))
    (ax, ay), (bx, by), (cx, cy) = points
    assert abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)) < 1e-6


def test_a_nonlinear_activation_bends_the_boundary(small):
    data, rec = small
    assert pg.linear_residual(SMALL, rec.meta["state"], data) > 0.05


def step_with(opt_name, l2, reference, steps=5):
    """`steps` updates on one batch: ours (flat parameters, L2 as pg.make_optimiser decides) and a
    reference on ordinary separate tensors; returns both networks' first weight matrices."""
    torch.manual_seed(0)
    x, y = torch.randn(32, 2), (torch.rand(32) > 0.5).float()
    ours = pg.MLP(2, 1, 2, 4, "tanh")
    pg.init_parameters(ours, torch.Generator().manual_seed(1))
    ref = pg.MLP(2, 1, 2, 4, "tanh")
    ref.load_state_dict(ours.state_dict())
    w, o = pg.flat_parameters(ours)
    opt = pg.make_optimiser(opt_name, w, o, 0.05, l2)
    in_loss = 0.0 if opt_name == "adamw" else l2
    ref_opt = reference(ref)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(ours(x)[0][:, 0], y) + pg.penalty(w, 0.0, in_loss)
        w.grad.zero_()
        o.grad.zero_()
        loss.backward()
        opt.step()
        ref_opt.zero_grad()
        F.binary_cross_entropy_with_logits(ref(x)[0][:, 0], y).backward()
        ref_opt.step()
    return ours.hidden[0].linear.weight.detach(), ref.hidden[0].linear.weight.detach()


def groups(model, decay):
    weights = [p for p in model.parameters() if p.ndim == 2]
    return [{"params": weights, "weight_decay": decay}, {"params": [p for p in model.parameters() if p.ndim != 2], "weight_decay": 0.0}]


def test_l2_in_the_loss_equals_weight_decay_for_sgd():
    ours, ref = step_with("sgd", 0.1, lambda m: torch.optim.SGD(groups(m, 0.1), 0.05))
    assert torch.allclose(ours, ref, atol=1e-6)  # autograd of (λ/2)Σw² is λw: exactly SGD's weight decay


def test_l2_in_the_loss_is_adams_coupled_decay_not_adamw():
    ours, ref = step_with("adam", 0.1, lambda m: torch.optim.Adam(groups(m, 0.1), 0.05))
    assert torch.allclose(ours, ref, atol=1e-5)
    _, adamw = step_with("adam", 0.1, lambda m: torch.optim.AdamW(groups(m, 0.1), 0.05))
    assert (ours - adamw).abs().max() > 1e-3  # the same λ as decoupled decay is a different update


def test_our_adamw_is_torchs_adamw_with_decay_on_weights_only():
    ours, ref = step_with("adamw", 0.1, lambda m: torch.optim.AdamW(groups(m, 0.1), 0.05))
    assert torch.allclose(ours, ref, atol=1e-5)


def test_inverted_dropout_scales_survivors_in_training_and_is_the_identity_in_evaluation():
    layer = pg.InvertedDropout(0.3)
    layer.generator = torch.Generator().manual_seed(0)
    x = torch.rand(200_000) + 0.5
    out = layer(x)
    kept = out != 0
    assert torch.allclose(out[kept], x[kept] / 0.7)  # survivors × 1/(1 − p)
    assert abs(1 - kept.float().mean().item() - 0.3) < 0.005  # ~p dropped (binomial sd 0.001)
    assert abs(out.mean().item() - x.mean().item()) < 0.01  # the expectation is unchanged
    reference = torch.nn.Dropout(0.3)(x)  # torch's own dropout scales the same way
    assert torch.allclose(reference[reference != 0], x[reference != 0] / 0.7)
    layer.eval()
    assert torch.equal(layer(x), x)


def test_early_stopping_restores_the_best_validation_epoch():
    config = pg.Config(dataset="moons", n_points=60, noise=0.6, train_share=0.5, layers=4, width=16, activation="relu",
                       lr=0.03, epochs=400, patience=15, n_frames=20)
    data = pg.load_data(config)
    rec = pg.train(config, data)
    val = rec.curves["val_loss"]
    best = int(np.argmin(val)) + 1
    assert rec.meta["early_stopped"] and rec.meta["restored"] and rec.meta["best_epoch"] == best
    assert len(val) == best + config.patience  # stopped `patience` epochs after the best
    assert rec.steps[-1] == best and rec.steps[-2] == len(val)  # the extra frame shows the restored weights
    assert rec.meta["final"]["val_loss"] == pytest.approx(val[best - 1], rel=1e-5)
    assert "restored those weights" in pg.summary(rec, config)


def test_a_recording_is_deterministic_under_its_seed(small):
    data, rec = small
    again = pg.train(SMALL, pg.load_data(SMALL))
    for k in rec.frames:
        assert np.array_equal(rec.frames[k], again.frames[k])
    for k in rec.curves:
        assert np.array_equal(rec.curves[k], again.curves[k])
    other = pg.train(pg.replace(SMALL, seed=1))
    assert not np.array_equal(rec.curves["train_loss"], other.curves["train_loss"])


def test_recording_shapes_and_sizes(small):
    data, rec = small
    assert rec.frames["p"].shape == (6, 60, 60) and rec.frames["p"].dtype == np.uint8 and rec.frames["p"].max() <= 100
    assert rec.frames["neurons"].shape == (6, 8 * 21, 3 * 21)  # 8 neurons × 3 layers of 20 × 20 tiles + gaps
    assert len(rec.curves["val_loss"]) == 25 and rec.meta["n_train"] + rec.meta["n_val"] == 120
    fig = pgf.hero_figure(rec, data)
    assert len(fig.frames) == 6 and fig.layout.sliders[0].active == 5


@pytest.mark.parametrize("name", pg.POINT_SETS)
def test_every_point_set_is_labelled_balanced_and_in_the_box(name):
    x, y = pg.make_points(name, 200, 0.3, 0)
    assert x.shape == (200, 2) and np.abs(x).max() <= pg.DOMAIN and set(np.unique(y)) == {0.0, 1.0}
    assert 0.25 < y.mean() < 0.75
    assert np.array_equal(x, pg.make_points(name, 200, 0.3, 0)[0])
    data = pg.split(x, y, 0.1, 0)  # even a small training share keeps both classes on both sides
    assert set(data.y_train.tolist()) == {0.0, 1.0} == set(data.y_val.tolist())


def test_digits_train_on_fit_digits_and_validate_on_the_validation_split(mnist):
    from models.data import validation_split

    fit_x, _, val_x, _ = validation_split()
    data = pg.digits_data(300, 0)
    assert len(data.y_train) == 300 and np.bincount(data.y_train.numpy()).tolist() == [30] * 10
    fit = {tuple(r) for r in fit_x.flatten(1)[:, ::7].numpy().round(4).tolist()}
    assert all(tuple(r) in fit for r in data.x_train[:, ::7].numpy().round(4).tolist())  # drawn from the fit digits
    assert torch.equal(data.x_val, val_x.flatten(1))
    assert torch.equal(data.x_test, mnist.test_images.flatten(1))  # only for the final number


# ---------------------------------------------------------------- the CSV gate
BAD_CSV = {
    "empty": b"", "blank lines": b"\n\n  \n", "header only": b"x1,x2,label\n", "one row": b"1,2,0\n",
    "one class": b"0,0,1\n1,1,1\n2,2,1\n3,3,1\n", "three classes": b"0,0,a\n1,1,b\n2,2,c\n3,3,a\n",
    "nan": b"0,0,0\nnan,1,1\n2,2,0\n3,3,1\n", "inf": b"0,0,0\ninf,1,1\n2,2,0\n3,3,1\n",
    "huge": b"0,0,0\n1e300,1,1\n2,2,0\n3,3,1\n", "missing label": b"0,0,0\n1,1,\n2,2,0\n3,3,1\n",
    "nan label": b"0,0,0\n1,1,NaN\n2,2,0\n3,3,1\n",
    "prose": "The quick brown fox jumps over the lazy dog.\nIt was not a CSV.\n".encode() * 3,
    "three columns of strings": b"a,b,c\nd,e,f\ng,h,i\nj,k,l\nm,n,o\n",
    "two columns": b"0,0\n1,1\n2,2\n3,3\n", "four columns": b"0,0,0,1\n1,1,1,1\n2,2,0,1\n3,3,1,1\n",
    "ragged": b"0,0,0\n1,1\n2,2,0\n3,3,1\n",
    "a million rows": b"0,0,0\n" * 1_000_000, "30,000 rows": b"0,1,0\n1,0,1\n" * 15_000,
    "binary": bytes(range(256)) * 8, "latin-1": "0,0,caf\xe9\n1,1,th\xe9\n2,2,caf\xe9\n3,3,th\xe9\n".encode("latin-1"),
    "one of a class": b"0,0,0\n1,1,0\n2,2,0\n3,3,1\n", "same x1": b"1,0,0\n1,1,1\n1,2,0\n1,3,1\n",
    "html": b"<html><script>alert(1)</script></html>\n<p>1,2,3</p>\n",
    "json": b'{"x1": [0, 1], "x2": [0, 1], "label": [0, 1]}',
}
GOOD_CSV = {  # odd but usable: (bytes, label names)
    "unicode header": ("x₁,x₂,étiquette 🏷️\n0,0,0\n1,1,1\n2,0,0\n0,2,1\n".encode(), ("0.0", "1.0")),
    "bom + crlf": (b"\xef\xbb\xbfx1,x2,y\r\n0,0,0\r\n1,1,1\r\n2,0,0\r\n0,2,1\r\n", ("0.0", "1.0")),
    "semicolons": (b"0;0;-1\n1;1;1\n2;0;-1\n0;2;1\n", ("-1.0", "1.0")),
    "tabs": (b"0\t0\tcat\n1\t1\tdog\n2\t0\tcat\n0\t2\tdog\n", ("cat", "dog")),
    "spaces": (b"0 0 0\n1 1 1\n2 0 0\n0 2 1\n\n\n", ("0.0", "1.0")),
    "scientific": (b"1e-3,2E2,0\n-4.5e1,3,1\n2,0,0\n0,2,1\n", ("0.0", "1.0")),
    "quoted": (b'"0","0","a"\n"1","1","b"\n"2","0","a"\n"0","2","b"\n', ("a", "b")),
}


@pytest.mark.parametrize("name", list(BAD_CSV))
def test_the_csv_gate_refuses_every_bad_file_with_a_clear_message(name):
    with pytest.raises(pg.CsvError) as err:
        pg.parse_csv(BAD_CSV[name])
    message = str(err.value)
    assert 10 < len(message) < 200 and "Traceback" not in message


@pytest.mark.parametrize("name", list(GOOD_CSV))
def test_odd_but_valid_csv_files_are_accepted(name):
    raw, names = GOOD_CSV[name]
    x, y, found = pg.parse_csv(raw)
    assert x.shape == (4, 2) and y.tolist() == [0, 1, 0, 1] and found == names
    data = pg.csv_data(x, y, found, 0.5, 0)
    assert data.lo[0] < x[:, 0].min() and data.hi[1] > x[:, 1].max()


def test_an_uploaded_set_trains_and_its_export_predicts_in_its_own_units():
    rng = np.random.default_rng(0)
    x = rng.uniform([100, -0.01], [300, 0.01], (80, 2))  # units far from the [-3, 3] box
    raw = "".join(f"{a},{b},{'yes' if a > 200 else 'no'}\n" for a, b in x).encode()
    data = pg.csv_data(*pg.parse_csv(raw), 0.5, 0)
    config = pg.replace(SMALL, dataset="upload", epochs=60, lr=0.03)
    rec = pg.train(config, data)
    assert rec.meta["final"]["val_acc"] >= 0.9
    ns = {}
    exec(nx.export_script(config, rec.meta["state"], 2, 1, data.lo, data.hi), ns)
    assert ns["predict"](torch.tensor([[120.0, 0.0], [290.0, 0.0]])).round().tolist() == [0.0, 1.0]


# ---------------------------------------------------------------- export
@pytest.mark.parametrize("extras", [{}, {"batch_norm": True, "residual": True, "activation": "gelu",
                                         "features": ("x1", "x2", "x1sq", "sin2")}, {"layers": 0}])
def test_the_exported_script_rebuilds_the_trained_network(extras):
    config = pg.replace(SMALL, epochs=3, **extras)
    data = pg.load_data(config)
    rec = pg.train(config, data)
    ns = {}
    exec(nx.export_script(config, rec.meta["state"], len(config.features), 1, data.lo, data.hi), ns)
    model = pg.build(config, data)
    model.load_state_dict(rec.meta["state"])
    model.eval()
    with torch.no_grad():
        ours = torch.sigmoid(model(pg.features(data.x_val, config.features, data.lo, data.hi))[0][:, 0])
    assert torch.allclose(ns["predict"](data.x_val), ours, atol=1e-5)


def test_a_big_network_exports_its_weights_as_safetensors(tmp_path, monkeypatch):
    config = pg.Config(dataset="digits", n_points=100, layers=1, width=16, epochs=2, n_frames=2)
    data = pg.load_data(config)
    rec = pg.train(config, data)
    script = nx.export_script(config, rec.meta["state"], 784, 10)
    assert "load_file" in script and rec.meta["n_params"] > nx.LITERAL_LIMIT
    (tmp_path / "playground.safetensors").write_bytes(nx.safetensors_bytes(config, rec.meta["state"]))
    monkeypatch.chdir(tmp_path)
    ns = {}
    exec(script, ns)
    model = pg.build(config, data)
    model.load_state_dict(rec.meta["state"])
    model.eval()
    with torch.no_grad():
        assert torch.allclose(ns["predict"](data.x_val[:5].view(-1, 1, 28, 28)), model(data.x_val[:5])[0].softmax(1), atol=1e-6)


def test_a_run_is_capped_at_the_step_budget():
    config = pg.Config(batch_size=1, epochs=1000)
    assert pg.within_budget(config, 600).epochs == pg.MAX_STEPS // 600
    assert pg.within_budget(pg.Config(), 300).epochs == 300  # the default run is far inside it
    assert pg.within_budget(pg.Config(batch_size=0, epochs=1000), 300).epochs == 1000
    assert pg.within_budget(pg.Config(n_points=1000, batch_size=1, epochs=1000), 600).epochs == 50


def test_curves_csv(small):
    _, rec = small
    lines = nx.curves_csv(rec).splitlines()
    assert lines[0] == "epoch,train_loss,val_loss,train_acc,val_acc" and len(lines) == 26
    assert float(lines[-1].split(",")[2]) == pytest.approx(rec.curves["val_loss"][-1], rel=1e-5)


# ---------------------------------------------------------------- the page
FAST = dict(points="100", epochs="20")


def numbers(text):
    return [float(v) for v in re.findall(r"(?<![\w.])\d+\.\d+", text)]


def test_page_trains_shows_the_replay_and_captions_the_same_numbers():
    at = open_page(PAGE, timeout=240, **FAST)
    assert not at.exception and not at.warning
    config = pg.Config(n_points=100, epochs=20)
    rec = pg.train(config)
    caption = captions(at)[0]
    m = rec.meta["final"]
    assert f"train loss {m['train_loss']:.3f}, validation loss {m['val_loss']:.3f}" in caption
    assert f"lowest at epoch {rec.meta['best_epoch']}" in caption
    spec = plotly_specs(at)[0]
    assert len(spec["frames"]) == rec.n_frames and spec["layout"]["sliders"][0]["active"] == rec.n_frames - 1
    # now without an activation: the caption measures a straight boundary
    at.selectbox(key="act").set_value("none").run()
    assert not at.exception
    assert any("No activation" in c and "straight line" in c for c in captions(at))
    # and with no hidden layer
    at.slider(key="layers").set_value(0).run()
    assert any("No hidden layer" in c for c in captions(at))


def test_page_compares_with_and_without_a_regulariser():
    at = open_page(PAGE, timeout=240, view="With vs without", cmp="l2", cmp_l2="0.1", **FAST)
    assert not at.exception
    config = pg.Config(n_points=100, epochs=20)
    a, b = pg.train(config), pg.train(pg.with_regulariser(config, "l2", 0.1))
    assert pg.compare_summary(a, b, "L2 (λ₂ = 0.1)") in captions(at)
    spec = plotly_specs(at)[1]
    assert len(spec["frames"]) == a.n_frames
    next(b for b in at.button if b.label.startswith("Try it")).click().run()  # the preset: noisy XOR, a 4 × 16 ReLU net, 300 epochs
    assert not at.exception and at.selectbox(key="data").value == "xor"
    preset = pg.Config(dataset="xor", noise=0.8, n_points=80, train_share=0.5, layers=4, width=16, activation="relu",
                       lr=0.01, batch_size=10, epochs=300)
    a, b = pg.train(preset), pg.train(pg.with_regulariser(preset, "l2", 0.1))
    assert a.meta["final"]["val_loss"] > 2 * a.meta["best_val_loss"]  # it overfits
    assert pg.compare_summary(a, b, "L2 (λ₂ = 0.1)") in captions(at)


def test_page_dropout_and_batch_norm_tab_follows_its_sliders():
    at = open_page(PAGE, timeout=240, **FAST)
    at.slider(key="demo_p").set_value(0.2).run()
    assert any("1/(1 − p) = 1.25" in c for c in captions(at))
    at.slider(key="demo_batch").set_value(1).run()
    assert not at.exception and any("A batch of one" in c for c in captions(at))


def test_page_perceptron_steps_and_explains_xor():
    at = open_page(PAGE, timeout=120, mode="perceptron", pdata="xor")
    assert not at.exception
    assert any("Never converges" in c for c in captions(at))
    assert "Before any step" in at.info[0].value
    next(b for b in at.button if b.label == "Step ▶").click().run()
    assert at.slider(key="pstep").value == 1 and at.info[0].value.startswith("Step 1 (epoch 1)")
    at.selectbox(key="pdata").set_value("blobs").run()
    assert any("Converged" in c and "Novikoff" in c for c in captions(at))


def test_page_digits_report_the_held_out_digits_once():
    at = open_page(PAGE, timeout=240, data="digits", digits_n="100", dwidth="16", depochs="10", layers="1")
    assert not at.exception
    rec = pg.train(pg.Config(dataset="digits", n_points=100, width=16, layers=1, epochs=10, noise=0.0, train_share=1.0))
    assert f"held-out test digits, looked at once after training and never used to choose anything: {rec.meta['test_acc']:.1%}" in captions(at)[0]


def test_page_export_and_upload_views_keep_working():
    at = open_page(PAGE, timeout=240, view="Export", **FAST)
    assert not at.exception
    assert any("model = nn.Sequential(" in c.value for c in at.code)
    at = open_page(PAGE, timeout=60, data="upload")
    assert not at.exception and any("Upload a CSV" in i.value for i in at.info)


def test_page_asks_for_a_feature_when_none_is_on():
    at = open_page(PAGE, timeout=60, f_x1="0", f_x2="0")
    assert not at.exception and any("at least one input feature" in w.value for w in at.warning)
