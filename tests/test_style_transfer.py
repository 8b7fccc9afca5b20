"""Style transfer: Gram matrix by hand, loss invariants, optimisation progress, determinism, colour
preservation, the fast network (and its checksum), the stop mechanism, and the page."""
import json

import pytest
import torch

from conftest import captions, open_page
from demos import style_transfer as nst
from demos.images import photo, to_tensor
from models import ChecksumError, load_pretrained

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/04_style_transfer.py"


@pytest.fixture(scope="module")
def pair():
    content = nst.resize_longer(to_tensor(photo("astronaut")), 64)
    return content, nst.pattern("mosaic", 64)


def run(effnet, content, style, **kw):
    snaps = list(nst.stylize(effnet, content, [style], **kw))
    return snaps[-1], snaps


def test_gram_matrix_by_hand():
    f = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 1, 2)  # C=2 channels, H=1, W=2
    expected = torch.tensor([[1 + 4, 3 + 8], [3 + 8, 9 + 16]]) / (2 * 1 * 2)
    assert torch.allclose(nst.gram_matrix(f)[0], expected)


def test_gram_matrix_is_symmetric_psd_and_blind_to_layout():
    f = torch.randn(2, 8, 5, 7, generator=torch.Generator().manual_seed(0))
    g = nst.gram_matrix(f)
    assert g.shape == (2, 8, 8) and torch.allclose(g, g.transpose(1, 2))
    assert torch.linalg.eigvalsh(g).min() > -1e-6
    shuffled = f.flatten(2)[..., torch.randperm(35)].reshape(f.shape)  # same pixels, new layout
    assert torch.allclose(nst.gram_matrix(shuffled), g, atol=1e-6)


def test_loss_invariants(effnet, pair):
    content, _ = pair
    feats = effnet.block_outputs(content, (nst.CONTENT_LAYER,))[nst.CONTENT_LAYER]
    assert nst.content_loss(feats, feats).item() == 0.0
    assert nst.tv_loss(torch.full((1, 3, 16, 16), 0.3)).item() == 0.0
    ramp = torch.arange(4.0).repeat(4, 1)[None, None] / 3  # steps of 1/3 along x only
    assert nst.tv_loss(ramp).item() == pytest.approx(1 / 3)
    g = {k: nst.gram_matrix(f) for k, f in effnet.block_outputs(content, nst.STYLE_LAYERS).items()}
    assert nst.style_loss(effnet.block_outputs(content, nst.STYLE_LAYERS), g).item() == pytest.approx(0, abs=1e-9)


def test_ten_steps_lower_the_total_loss(effnet, pair):
    last, snaps = run(effnet, *pair, steps=10, every=1)
    assert snaps[0].step == 0 and last.step == 10 and len(last.history) == 11
    assert last.losses["total"] < snaps[0].losses["total"] * 0.8
    assert last.image.shape == pair[0].shape and 0 <= last.image.min() and last.image.max() <= 1


def test_first_snapshot_comes_before_any_optimisation(effnet, pair):
    first = next(iter(nst.stylize(effnet, *pair[:1], [pair[1]], steps=500)))
    assert first.step == 0 and torch.equal(first.image, pair[0])


def test_noise_start_is_deterministic_under_a_seed(effnet, pair):
    a, _ = run(effnet, *pair, steps=3, init="noise", seed=1)
    b, _ = run(effnet, *pair, steps=3, init="noise", seed=1)
    c, _ = run(effnet, *pair, steps=3, init="noise", seed=2)
    assert torch.equal(a.image, b.image) and not torch.equal(a.image, c.image)


def test_mixing_weights_interpolate_style_targets(effnet, pair):
    content, style = pair
    other = nst.pattern("stripes", 64)
    only_first = list(nst.stylize(effnet, content, [style, other], mix=(1.0, 0.0), steps=3))[-1]
    single = list(nst.stylize(effnet, content, [style], steps=3))[-1]
    assert torch.allclose(only_first.image, single.image, atol=1e-6)


def test_best_image_has_the_lowest_loss_seen(effnet, pair):
    last, _ = run(effnet, *pair, steps=8, every=1, lr=0.5)  # a large step makes the loss bounce
    assert min(h["total"] for h in last.history) <= last.losses["total"]
    assert last.best.shape == last.image.shape


def test_preserve_colour_keeps_luminance_of_result_and_colour_of_content():
    g = torch.Generator().manual_seed(0)
    result, content = torch.rand(1, 3, 8, 8, generator=g) * 0.5 + 0.25, torch.rand(1, 3, 8, 8, generator=g) * 0.5 + 0.25
    out = nst.preserve_colour(result, content)
    luma = lambda x: 0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]
    assert torch.allclose(luma(out), luma(result), atol=1e-5)
    assert torch.allclose(out[:, 2] - luma(out), content[:, 2] - luma(content), atol=1e-5)


@pytest.mark.parametrize("name", nst.PATTERNS)
def test_patterns_are_valid_and_seeded(name):
    p = nst.pattern(name, 64, seed=3)
    assert p.shape == (1, 3, 64, 64) and 0 <= p.min() and p.max() <= 1 and p.std() > 0.05
    assert torch.equal(p, nst.pattern(name, 64, seed=3))


@pytest.mark.parametrize("shape", [(1, 1), (5, 2000), (300, 20), (4000, 4000)])
def test_resize_longer_handles_tiny_and_extreme_shapes(shape):
    out = nst.resize_longer(torch.rand(1, 3, *shape), 128)
    assert max(out.shape[-2:]) <= 136 and min(out.shape[-2:]) >= 32


def test_fast_network_output_and_speed():
    import time
    net = load_pretrained("magenta_arbitrary_style")
    content = nst.resize_longer(to_tensor(photo("coffee")), 200)
    start = time.perf_counter()
    out = nst.fast_stylize(net, content, nst.pattern("swirl", 256))
    assert time.perf_counter() - start < 5
    assert out.shape == content.shape and 0 <= out.min() and out.max() <= 1
    assert (out - content).abs().mean() > 0.05  # it really changed the picture


def test_fast_network_checksum_is_enforced(tmp_path):
    from models.registry import WEIGHTS_DIR
    NAME = "magenta_arbitrary_style"
    meta = json.loads((WEIGHTS_DIR / f"{NAME}.json").read_text())
    meta["files"]["transform"]["sha256"] = "0" * 64
    (tmp_path / f"{NAME}.json").write_text(json.dumps(meta))
    with pytest.raises(ChecksumError):
        load_pretrained(NAME, weights_dir=tmp_path)


def test_stylize_leaves_the_shared_network_untouched(pair):
    net = load_pretrained("efficientnet_lite0")
    before = {k: v.clone() for k, v in net.state_dict().items()}
    list(nst.stylize(net, *pair[:1], [pair[1]], steps=2))
    assert not net.training and all(p.grad is None for p in net.parameters())
    assert all(torch.equal(v, net.state_dict()[k]) for k, v in before.items())


def test_step_time_is_measured_and_grows_with_pixels():
    small, large = nst.seconds_per_step(128, repeat=2), nst.seconds_per_step(320, repeat=2)
    assert 0 < small < large  # 6.25x the pixels: a slower step (measured, so no exact ratio)


# ---- the page
def image_captions(at):
    return [e.proto.imgs[0].caption for e in at.get("image")]


def test_page_shows_the_fast_result_at_once_and_optimises_when_asked():
    at = open_page(PAGE, size="128", steps="20", timeout=180)
    assert not at.exception
    shown = image_captions(at)
    assert any(c.startswith("Fast network (Magenta)") for c in shown)
    assert not any("Optimisation (Gatys)" in c for c in shown), "nothing heavy runs on page load"
    run = next(b for b in at.button if b.label.startswith("▶ Run the optimisation: 20 steps"))
    assert "ms per step measured" in " ".join(captions(at))
    run.click().run()
    assert "Optimisation (Gatys): step 20/20" in " ".join(image_captions(at))
    assert "After 20 steps" in " ".join(captions(at))
    assert any(d.label.startswith("Download the optimised result") for d in at.get("download_button"))


def test_page_mixes_styles_and_preserves_colour():
    at = open_page(PAGE, size="128", steps="10", style="hubble", style2="pattern:swirl", mix="0.3",
                   colour="1", init="noise", timeout=180)
    assert not at.exception
    assert at.slider(key="mix").value == 0.3 and at.toggle(key="colour").value is True
    assert "Style (+ second, 70%)" in image_captions(at)


def test_page_waits_for_an_upload():
    at = open_page(PAGE, content="upload", size="128", steps="10")
    assert not at.exception and any("Upload an image" in i.value for i in at.info)


def test_a_stopped_run_keeps_its_partial_result_and_can_run_to_the_end():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        from ui import compute

        def work(n, on_progress):
            for i in range(n):
                on_progress((i + 1) / n, f"step {i + 1}")
            return f"step {n}"

        ident = compute.cache_key(work, (3,))
        if "armed" not in st.session_state:  # as if Stop had been pressed after step 2
            st.session_state["armed"] = True
            st.session_state.setdefault(compute._STOPPED, {})[ident] = "step 2"
        st.write(f"result={ui.computed('Demo', work, 3, stoppable=True)}")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert "result=step 2" in [m.value for m in at.markdown]
    next(b for b in at.button if b.label == "▶ Run to the end").click().run()
    assert "result=step 3" in [m.value for m in at.markdown]


@pytest.mark.parametrize("shape", [(1000, 40), (40, 1000), (1, 1), (5000, 200)])
def test_fast_network_takes_any_shape_the_upload_gate_lets_through(shape):
    """The gate refuses sides more than 25:1 apart; everything it accepts must stylise (a 1 x 20,000
    image used to crash reflect padding)."""
    net = load_pretrained("magenta_arbitrary_style")
    content = nst.resize_longer(torch.rand(1, 3, *shape), 128)
    out = nst.fast_stylize(net, content, torch.rand(1, 3, 256, 256))
    assert out.shape == content.shape and torch.isfinite(out).all()
