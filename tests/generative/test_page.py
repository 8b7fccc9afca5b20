"""The generative page in AppTest: what only the page can show. The preset buttons set every control, the
default run covers the ring, each tab shows what its demo functions compute for the same controls (read
from the URL, then moved), and hostile URL values fall back with a notice. The views share one open
page (a tab is opened by setting `view` as its click does); hostile URLs take two more."""
import re

import numpy as np
import pytest

from demos.text import literal

from demos.generative import committed, digit_gan, gan_2d, latent_space, optimal_discriminator, saturation
from models import metadata
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/11_generative.py"


@pytest.fixture(scope="module")
def at():
    return open_page(PAGE, timeout=300, iters="500")


def shown(at) -> str:
    return " ".join(captions(at))


def test_a_preset_button_sets_every_control_and_the_default_run_covers_the_ring(at):
    assert not at.exception
    assert [b.label for b in at.button if b.key.startswith("preset_")] == list(gan_2d.PRESETS)
    assert list(gan_2d.PRESETS) == ["Healthy", "Mode collapse", "Cure: D keeps up"]  # what the visitor reads
    assert "Preset “" not in shown(at)  # 500 steps: no preset has these settings
    at.button(key="preset_Healthy").click().run()  # back to the defaults
    assert at.slider(key="iters").value == 2000  # a preset sets every control
    assert "iters" not in at.query_params  # ... and the URL follows (a default is left out)
    text = shown(at)
    assert "Preset “Healthy”" in text
    regions, quality = re.search(r"cover (\d) of the 8 regions.*?(\d+)% of them lie within 3σ", text).groups()
    assert int(regions) >= 7 and int(quality) > 60  # reached here: 8 of 8 (seeds 0, 1, 2), about 80%
    spec = plotly_specs(at)[0]
    assert len(spec["frames"]) == 60 and spec["layout"]["sliders"][0]["steps"][-1]["label"] == "2000"


def no_training(monkeypatch) -> list:
    """Make any training on the page fail loudly, and list the calls (each would start a job)."""
    calls = []

    def refuse(name):
        def fn(*args, **kwargs):
            calls.append((name, args))
            raise AssertionError(f"{name} trained live")
        return fn
    monkeypatch.setattr(gan_2d, "train_gan_2d", refuse("train_gan_2d"))
    monkeypatch.setattr(saturation, "saturation_experiment", refuse("saturation_experiment"))
    return calls


def test_the_default_view_and_each_preset_open_committed_runs_without_training(monkeypatch):
    calls = no_training(monkeypatch)
    at = open_page(PAGE, timeout=120)  # the default settings are the "Healthy" preset, the tab is Saturation
    for name in gan_2d.PRESETS:
        if name != "Healthy":
            at.button(key=f"preset_{name}").click().run()
        assert not at.exception, name
        rec = committed.committed_run(*committed.preset_args(gan_2d.PRESETS[name]))
        assert gan_2d.gan_2d_caption(rec, name) in captions(at)  # the committed run's numbers, "ahead of time"
        assert "Recorded once ahead of time in" in gan_2d.gan_2d_caption(rec, name)
        assert len(plotly_specs(at)[0]["frames"]) == 60
        sat = saturation.saturation_experiment_caption(committed.committed_saturation("ring", 0))
        assert sat in captions(at)
        notes = [c for c in captions(at) if c == f"Precomputed by `{committed.COMMAND}`, from the same code and seed as a live run."]
        assert len(notes) == 2  # the hero's and the Saturation tab's
    assert calls == []


def test_switching_the_target_or_the_sigmoid_loss_replays_without_training(monkeypatch):
    # the default's neighbours are committed: the hero's first two controls answer without a GAN run
    calls = no_training(monkeypatch)
    at = open_page(PAGE, timeout=120)
    at.selectbox(key="target").set_value("moons").run()
    at.selectbox(key="loss").set_value("minimax").run()
    assert not at.exception and calls == []
    rec = committed.committed_run(*committed.preset_args(gan_2d.DEFAULTS | {"target": "moons", "loss": "minimax"}))
    assert gan_2d.gan_2d_caption(rec) in captions(at)


LIVE, SATURATION_EXPERIMENT = [], saturation.saturation_experiment  # globals: a job's function closes over nothing


def counted_saturation_experiment(*args, **kwargs):
    LIVE.append(args)
    return SATURATION_EXPERIMENT(*args, **kwargs)


def test_recompute_live_trains_the_committed_setting_again(monkeypatch):
    at = open_page(PAGE, timeout=120)
    LIVE.clear()
    monkeypatch.setattr(saturation, "saturation_experiment", counted_saturation_experiment)
    buttons = [b for b in at.button if b.label == "↻ Recompute live"]
    assert len(buttons) == 2
    buttons[1].click().run()  # the Saturation tab's (below the hero's)
    assert not at.exception
    assert LIVE == [("ring", 0)]  # trained live, once
    notes = [c for c in captions(at) if c == f"Precomputed by `{committed.COMMAND}`, from the same code and seed as a live run."]
    assert len(notes) == 1  # the hero's is still committed
    r = committed.committed_saturation("ring", 0)  # the same numbers: the committed run is what training gives
    assert saturation.saturation_experiment_caption(r) in captions(at)


def test_saturation_tab(at):
    text = shown(show(at, "Saturation"))
    assert "as much). Moved by plain SGD" in text
    assert "Early in this run D(G(z)) averaged" in text  # the non-saturating hero run's own D(G(z))
    assert "Measured in this run (Non-saturating): over the first" in text


def test_optimal_discriminator_caption_matches_a_direct_call(at):
    text = shown(show(at, "Optimal discriminator", url=dict(fake_mean="3.0", fake_std="1.0")))
    r = optimal_discriminator.train_discriminator_1d(3.0, 1.0)
    assert "= −log 4 + 2·JSD" in text
    assert f"V(D*, G) = {r['v_star']:.3f}" in text
    assert optimal_discriminator.optimal_caption(r) in captions(at)  # the same seeded training, the same words


def test_digit_controls_drive_the_views(at, pretrained, mnist_cnn):
    text = shown(show(at, "Digits GAN", url=dict(gclass="5", gseed="11")))
    assert "the eight 5s above" in text and "Noise seed 11" in text and "Class 5, from seed 11" in text
    assert "as the class they were asked for" in text
    card = metadata("mnist_cgan")
    s = digit_gan.digit_gan_views(pretrained("mnist_cgan"), mnist_cnn, digit_gan.training_digits(), 11, 5, 1,
                                  card["metrics"]["nn_distance_heldout"])
    for caption in (s["grid_caption"], s["pairs_caption"], s["path_caption"], digit_gan.gan_history_caption(card)):
        assert caption in captions(at)


def test_vae_controls_drive_the_views(at, pretrained, mnist):
    text = shown(show(at, "VAE vs autoencoder", url=dict(beta="4", z1="1.5", z2="-0.5")))
    assert "VAE, β = 4 decodes z = (1.50, -0.50); the closest of the 1,000 held-out digits is a" in text
    assert "At β = 1 the sum is −ELBO" in text
    at.slider(key="z1").set_value(-2.0).run()
    assert "VAE, β = 4 decodes z = (-2.00, -0.50)" in shown(at)
    assert at.query_params["z1"] == "-2" and at.query_params["beta"] == "4"
    prior = {"centre": np.zeros(2), "spread": np.ones(2)}  # a VAE's map is read around its prior N(0, I)
    pool, labels = mnist.test_images.squeeze(1).numpy(), mnist.test_labels.numpy()
    point = latent_space.decoded_point(pretrained("mnist_vae_2d").member(4.0), prior, -2.0, -0.5, pool, labels,
                                       "VAE, β = 4")
    assert point["caption"] in captions(at)


BAD_URLS = [  # hostile or broken URL values, grouped by the view that draws their controls
    {"target": "donut", "loss": "kl", "lr_g": "1e9", "d_steps": "0", "iters": "99999999", "latent": "-3",
     "width": "nan", "seed": "1e400", "view": "<script>alert(1)</script>"},
    {"iters": "500", "view": "VAE vs autoencoder", "beta": "0", "z1": "inf", "z2": "-4.05", "from": "11",
     "to": "7.5", "eps_seed": "1" * 400, "d_steps": "1.5"},
    {"iters": "500", "view": "Digits GAN", "gseed": "-1", "gclass": "ten", "seed_b": "%00"},
    {"iters": "500", "view": "Optimal discriminator", "fake_std": "0", "fake_mean": "1e999"},
]


def assert_notices(at, params):
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    for key in params:
        if key not in ("iters", "view") or key == "view" and "script" in params[key] or key == "iters" and params[key] != "500":
            assert f"“{literal(key)}=" in notes, key
    assert plotly_specs(at), "the page keeps working"


def test_bad_url_values_fall_back_with_a_notice():
    """The hero's and the view's garbage on one open page; the tabs' own garbage waits in the URL until
    their tab draws its controls (the VAE's, with the hero's other bad `d_steps`, on a second page)."""
    hero, vae, digits, optimal = BAD_URLS
    tabs = {k: v for extra in (digits, optimal) for k, v in extra.items() if k not in ("iters", "view")}
    at = open_page(PAGE, timeout=300, **hero, **tabs)
    assert_notices(at, hero)
    assert "Preset “Healthy”" in shown(at)  # every hero control fell back to its default
    for params in (digits, optimal):
        assert_notices(show(at, params["view"]), params)
    assert_notices(open_page(PAGE, timeout=300, **vae), vae)
