"""demos/graph_networks/hero.py: the replayed figure holds one frame per snapshot, its last frame is
the last prediction, and the captions state what the recording holds."""
import numpy as np

from demos.graph_networks import hero, karate, node_classification as nc


def test_the_replay_and_its_captions_follow_the_recording():
    rec = nc.record("one-hot", 60, 0.01, 0)
    fig = hero.hero_figure(rec)
    assert len(fig.frames) == rec.n_frames and fig.layout.sliders[0].steps[-1].label == "60"
    colours = [hero.COLOURS[int(p)] for p in rec.frame(-1)["pred"]]
    assert list(fig.data[1].marker.color) == colours and list(fig.frames[-1].data[0].marker.color) == colours
    assert np.allclose(fig.frames[0].data[1].x, rec.frames["embedding"][0][:, 0], atol=1e-4)
    acc = hero.unlabelled_accuracy(rec.frame(-1)["pred"], rec)
    assert np.isclose(acc, rec.curves["accuracy"][-1])
    assert f"puts {acc:.0%} of the 30 unlabelled" in hero.hero_caption(rec)
    # the baselines' accuracy on the same 30 members, read on a slide where their figure is not drawn
    assert (f"the MLP without edges gets {rec.meta['mlp_accuracy']:.0%} and label propagation "
            f"{rec.meta['lp_accuracy']:.0%}.") in hero.hero_caption(rec)
    assert f"the MLP {rec.meta['mlp_accuracy']:.0%}" in hero.baselines_caption(rec)
    assert len(hero.baselines_figure(rec).data) == 6
    curves = hero.curves_figure(rec)
    assert len(curves.data[0].y) == 60 and list(curves.data[1].y) == list(rec.meta["mlp_curve"])
    assert f"ends at {rec.curves['accuracy'][-1]:.0%}; the MLP" in hero.curves_caption(rec)


def test_the_features_caption_ranks_the_table():
    table = {"one-hot": {"GCN": 0.9, "MLP": 0.5}, "degree": {"GCN": 0.5, "MLP": 0.5}, "random": {"GCN": 0.7, "MLP": 0.4}}
    text = hero.features_caption(table, 0.97)
    assert "best with one-hot features (90%) and worst with degree (50%)" in text and "97%" in text
    assert len(hero.features_figure(table, 0.97).data) == 2 and karate.FEATURES == tuple(table)
