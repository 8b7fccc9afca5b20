"""demos.style_transfer.optimisation: loss invariants, optimisation progress, determinism, the style
mix, the best image, the shared network untouched, the time estimate, and the live view's words."""
import pytest
import torch

from tests.support import plotly_array
from demos.style_transfer import gram, inputs, optimisation
from models import load_pretrained


def run(effnet, content, style, **kw):
    snaps = list(optimisation.stylize(effnet, content, [style], **kw))
    return snaps[-1], snaps


def test_loss_invariants(effnet, pair):
    content, _ = pair
    feats = effnet.block_outputs(content, (optimisation.CONTENT_LAYER,))[optimisation.CONTENT_LAYER]
    assert optimisation.content_loss(feats, feats).item() == 0.0
    assert optimisation.tv_loss(torch.full((1, 3, 16, 16), 0.3)).item() == 0.0
    ramp = torch.arange(4.0).repeat(4, 1)[None, None] / 3  # steps of 1/3 along x only
    assert optimisation.tv_loss(ramp).item() == pytest.approx(1 / 3)
    g = {k: gram.gram_matrix(f) for k, f in effnet.block_outputs(content, optimisation.STYLE_LAYERS).items()}
    assert optimisation.style_loss(effnet.block_outputs(content, optimisation.STYLE_LAYERS), g).item() == \
        pytest.approx(0, abs=1e-9)


def test_ten_steps_lower_the_total_loss(effnet, pair):
    last, snaps = run(effnet, *pair, steps=10, every=1)
    assert snaps[0].step == 0 and last.step == 10 and len(last.history) == 11
    assert last.losses["total"] < snaps[0].losses["total"] * 0.8
    assert last.image.shape == pair[0].shape and 0 <= last.image.min() and last.image.max() <= 1


def test_first_snapshot_comes_before_any_optimisation(effnet, pair):
    first = next(iter(optimisation.stylize(effnet, *pair[:1], [pair[1]], steps=500)))
    assert first.step == 0 and torch.equal(first.image, pair[0])


def test_noise_start_is_deterministic_under_a_seed(effnet, pair):
    a, _ = run(effnet, *pair, steps=3, init="noise", seed=1)
    b, _ = run(effnet, *pair, steps=3, init="noise", seed=1)
    c, _ = run(effnet, *pair, steps=3, init="noise", seed=2)
    assert torch.equal(a.image, b.image) and not torch.equal(a.image, c.image)


def test_mixing_weights_interpolate_style_targets(effnet, pair):
    content, style = pair
    other = inputs.pattern("stripes", 64)
    only_first = list(optimisation.stylize(effnet, content, [style, other], mix=(1.0, 0.0), steps=3))[-1]
    single = list(optimisation.stylize(effnet, content, [style], steps=3))[-1]
    assert torch.allclose(only_first.image, single.image, atol=1e-6)


def test_best_image_has_the_lowest_loss_seen(effnet, pair):
    last, _ = run(effnet, *pair, steps=8, every=1, lr=0.5)  # a large step makes the loss bounce
    assert min(h["total"] for h in last.history) <= last.losses["total"]
    assert last.best.shape == last.image.shape


def test_optimise_runs_stylize_to_the_end_reporting_every_step(effnet, pair):
    seen = []
    last = optimisation.optimise(effnet, *pair[:1], [pair[1]], (1.0,), 1.0, 1e3, 1.0, 5, optimisation.STYLE_LAYERS,
                                 "content", 0, on_progress=lambda f, s: seen.append((f, s.step)))
    assert last.step == 5 and seen[0] == (0.0, 0) and seen[-1] == (1.0, 5)
    assert torch.equal(last.image, run(effnet, *pair, steps=5)[0].image)


def test_stylize_leaves_the_shared_network_untouched(pair):
    net = load_pretrained("efficientnet_lite0")
    before = {k: v.clone() for k, v in net.state_dict().items()}
    list(optimisation.stylize(net, *pair[:1], [pair[1]], steps=2))
    assert not net.training and all(p.grad is None for p in net.parameters())
    assert all(torch.equal(v, net.state_dict()[k]) for k, v in before.items())


def test_step_time_is_measured_and_grows_with_pixels():
    small, large = optimisation.seconds_per_step(128, repeat=2), optimisation.seconds_per_step(320, repeat=2)
    assert 0 < small < large  # 6.25x the pixels: a slower step (measured, so no exact ratio)


# ---- the page's words, before, during and after a run
def snapshot(step, seconds, history=None):
    losses = {"content": 1.25, "style": 0.0123456, "tv": 40.0, "total": 41.2623456}
    image = torch.zeros(1, 3, 8, 8)
    return optimisation.Snapshot(image, image + 1, step, seconds, losses, history or [losses] * (step + 1))


def test_layers_label():
    assert optimisation.layers_label("shallow") == "shallow (0, 2, 4)"
    assert optimisation.layers_label("all") == f"all {optimisation.STYLE_LAYERS}"


def test_run_label_and_estimate_caption():
    assert optimisation.run_label(100, 0.123) == "▶ Run the optimisation: 100 steps, about 12 s here"
    content = torch.zeros(1, 3, 144, 192)
    assert optimisation.estimate_caption(content, 0.0456) == \
        "192×144 px; 46 ms per step measured on this server just now."


def test_progress_caption_estimates_the_time_left_only_while_running():
    # 5 s for 20 steps: 0.25 s a step, 80 steps to go -> about 20 s left
    assert optimisation.progress_caption(snapshot(20, 5.0), 100) == \
        "Optimisation (Gatys): step 20/100, 5.0 s, about 20 s left"
    assert optimisation.progress_caption(snapshot(0, 0.3), 100) == "Optimisation (Gatys): step 0/100, 0.3 s"
    assert optimisation.progress_caption(snapshot(100, 25.04), 100) == "Optimisation (Gatys): step 100/100, 25.0 s"


def test_losses_figure_and_caption():
    history = [{"content": 1.0 + i, "style": 10.0 / (i + 1), "tv": 0.5, "total": 0.0} for i in range(4)]
    fig = optimisation.losses_figure(history).to_plotly_json()
    assert [t["name"] for t in fig["data"]] == ["content", "style", "tv"]
    assert plotly_array(fig["data"][1]["y"]).tolist() == [10.0, 5.0, 10 / 3, 2.5]
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert optimisation.losses_caption(snapshot(3, 1.0, history)) == \
        "After 3 steps: content 1.25, style 0.0123, TV 40 (log scale)."


def test_stopped_note_and_the_result_shown():
    assert optimisation.stopped_note(snapshot(40, 2.0), 100) == "Stopped at step 40: showing the best image so far."
    assert optimisation.stopped_note(snapshot(100, 2.0), 100) is None
    fast = torch.full((1, 3, 8, 8), 0.5)
    image, which = optimisation.shown_result(snapshot(40, 2.0), fast)
    assert which == "optimised result" and torch.equal(image, torch.ones(1, 3, 8, 8))  # the best, not the last
    assert optimisation.shown_result(None, fast) == (fast, "fast network's result")
