"""demos.transfer_learning.few_shot: prototypes against nearest class means by hand, episodes,
the plane's exact decision regions, pretrained embeddings against pixels, the captions."""
import numpy as np
import pytest
import torch

from demos.transfer_learning import few_shot, results

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def embeddings(backbone):
    return few_shot.digit_embeddings(backbone)


def test_prototypes_equal_nearest_class_mean_by_hand():
    # Support: class 0 at (0,0) and (2,0) -> mean (1,0); class 1 at (0,4) and (0,6) -> mean (0,5).
    # Query (1,1): squared distances 0+1 = 1 to (1,0) and 1+16 = 17 to (0,5) -> class 0.
    # Query (0,3.5): 1+12.25 = 13.25 vs 0+2.25 = 2.25 -> class 1.
    support = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0], [0.0, 6.0]])
    protos = few_shot.prototypes(support, torch.tensor([0, 0, 1, 1]), 2)
    assert protos.tolist() == [[1.0, 0.0], [0.0, 5.0]]
    pred, d = few_shot.nearest_prototype(torch.tensor([[1.0, 1.0], [0.0, 3.5]]), protos)
    assert pred.tolist() == [0, 1] and d.tolist() == [[1.0, 17.0], [13.25, 2.25]]


def test_episodes_are_disjoint_balanced_and_seeded(data):
    y = data["test_y"]
    ep = few_shot.episode(y, 3, 5, 15, seed=4)
    assert len(set(ep.support.tolist()) & set(ep.query.tolist())) == 0
    assert torch.bincount(ep.support_labels).tolist() == [5, 5, 5] and len(ep.query) == 45
    assert all(y[i] == ep.classes[c] for i, c in zip(ep.support.tolist(), ep.support_labels.tolist()))
    again = few_shot.episode(y, 3, 5, 15, seed=4)
    assert torch.equal(again.support, ep.support) and torch.equal(again.query, ep.query)
    assert not torch.equal(few_shot.episode(y, 3, 5, 15, seed=5).support, ep.support)


@pytest.mark.parametrize("n_way", [2, 3, 5])
def test_the_drawn_regions_are_the_nearest_prototype_in_the_full_space(n_way):
    # the regions are computed in 2-D; lifting every grid point back into the 40-D space and asking
    # nearest_prototype there must give the same labels
    gen = torch.Generator().manual_seed(10 + n_way)
    protos, points = torch.randn(n_way, 40, generator=gen), torch.randn(100, 40, generator=gen)
    plane = few_shot.prototype_plane(protos, points)
    xs, ys, regions = few_shot.plane_regions(plane, protos, np.array([-3.0, 3.0, -2.0, 2.0]), size=30)
    grid = torch.from_numpy(np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2))
    lifted, _ = few_shot.nearest_prototype(plane.origin + grid @ plane.basis, protos)
    assert regions.shape == (30, 30) and (regions.reshape(-1) == lifted.numpy()).all()
    assert len(np.unique(regions)) > 1  # the window crosses a boundary: not a trivially constant map


@pytest.mark.parametrize("n_way", [2, 3, 5])
def test_the_plane_shows_the_exact_decision_regions_up_to_three_prototypes(n_way):
    gen = torch.Generator().manual_seed(n_way)
    protos, queries = torch.randn(n_way, 40, generator=gen), torch.randn(200, 40, generator=gen) * 1.5
    plane = few_shot.prototype_plane(protos, queries)
    assert torch.allclose(plane.basis @ plane.basis.T, torch.eye(2, dtype=torch.float64), atol=1e-9)
    pred, _ = few_shot.nearest_prototype(queries, protos)
    lifted = plane.origin + torch.from_numpy(plane.coords(queries)) @ plane.basis
    in_region, _ = few_shot.nearest_prototype(lifted, protos)
    if n_way <= 3:
        assert plane.exact and torch.equal(in_region, pred)
        assert few_shot.episode_caption(plane, protos, queries, pred, n_way, 1).endswith("the exact decision regions.")
    else:
        assert not plane.exact and (in_region != pred).any()  # why the caption counts them
        text = few_shot.episode_caption(plane, protos, queries, pred, n_way, 1)
        assert f"{int((in_region != pred).sum())} query point(s)" in text


def test_pretrained_embeddings_beat_pixels_and_random_weights_at_few_shot(embeddings, data):
    y = data["test_y"]
    acc = {name: few_shot.few_shot_accuracy(e, y, 5, 5, episodes=30)[0] for name, e in embeddings.items()}
    # measured: cnn04 ~0.91, pixels ~0.74, random ~0.72 (5-way 5-shot on digits the CNN never saw)
    assert acc["cnn04"] > max(acc["pixels"], acc["random"]) + 0.1


@pytest.mark.parametrize("n_way, k_shot, seed", [(3, 5, 0), (2, 1, 7), (5, 20, 3)])
def test_the_episode_view_scores_the_episode_it_draws(embeddings, data, n_way, k_shot, seed):
    emb, y = embeddings["cnn04"], data["test_y"]
    fig, caption = few_shot.episode_view(emb, y, n_way, k_shot, seed)
    ep = few_shot.episode(y, n_way, k_shot, few_shot.N_QUERY, seed)
    protos = few_shot.prototypes(emb[ep.support], ep.support_labels, n_way)
    right = int((few_shot.nearest_prototype(emb[ep.query], protos)[0] == ep.query_labels).sum())
    assert caption.startswith(f"{n_way}-way {k_shot}-shot: {right} of {n_way * few_shot.N_QUERY} query digits ")
    stars = fig.data[-1]
    assert stars.name == "prototypes" and list(stars.text) == [f"<b>{5 + c}</b>" for c in ep.classes]
    assert ("exact decision regions" in caption) == (n_way <= 3)


def test_the_curve_caption_ranks_the_encoders_at_five_shots(embeddings, data):
    curve = few_shot.few_shot_curve(embeddings, data["test_y"], 3, k_values=(1, 5), episodes=20)
    at5 = curve[curve["k"] == 5].sort_values("accuracy", ascending=False)
    text = few_shot.curve_caption(curve, 3)
    assert text.startswith("5-shot 3-way: " + ", ".join(f"{few_shot.ENCODERS[e]} {a:.0%}"
                                                          for e, a in zip(at5["encoder"], at5["accuracy"])))
    assert f"at most ±{curve['ci'].max():.1%}" in text
    fig = few_shot.curve_figure(curve, 3)
    assert [t.name for t in fig.data] == [few_shot.ENCODERS[e] for e in embeddings]
    assert list(fig.data[0].x) == [1, 5] and fig.layout.title.text == "3-way accuracy vs K (200 episodes)"


def test_the_committed_curves_recompute(embeddings, data):
    # one K and two encoders of the committed 3-way curve (the full curves, every N, took 72 s when committed): the
    # episodes depend only on (seed, episode), not on K or the encoder, so the means are equal exactly
    committed = results.precomputed_curve(3)
    assert committed is not None and set(committed["encoder"]) == set(few_shot.ENCODERS)
    fresh = few_shot.few_shot_curve({e: embeddings[e] for e in ("cnn04", "pixels")}, data["test_y"], 3, k_values=(5,))
    old = committed[committed["k"] == 5].set_index("encoder")
    for _, row in fresh.iterrows():
        assert row["accuracy"] == pytest.approx(old.loc[row["encoder"], "accuracy"], abs=1e-6)  # 6 digits stored
        assert row["ci"] == pytest.approx(old.loc[row["encoder"], "ci"], abs=1e-6)
    assert all(results.precomputed_curve(n) is not None for n in few_shot.WAYS)  # every N the slider offers


def test_embeddings_are_computed_only_for_the_encoders_asked(backbone, embeddings, data):
    one = few_shot.digit_embeddings(backbone, encoders=("cnn04",))  # the page embeds only the chosen encoder
    assert list(one) == ["cnn04"] and torch.equal(one["cnn04"], embeddings["cnn04"])
    assert list(embeddings) == ["cnn04", "random", "pixels"]  # no ImageNet features given: no "imagenet"
    assert torch.equal(embeddings["pixels"], data["test_x"].flatten(1))
