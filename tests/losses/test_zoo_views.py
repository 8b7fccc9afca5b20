"""The zoo's figures and captions read the recording: the committed runs' rankings are computed from it."""
import numpy as np

from demos.losses import zoo, zoo_views


def test_captions_rank_the_losses_the_numbers_rank():
    rec = zoo.committed(zoo.DEFAULT_GAMMA, zoo.DEFAULT_EPS)
    s = zoo_views.summary(rec)
    best = max(s, key=lambda k: s[k]["accuracy"])
    text = zoo_views.per_class_caption(rec)
    assert f"Best held-out accuracy: {best} ({s[best]['accuracy']:.1%}" in text and "mean of 3 seed(s)" in text
    acc = np.mean([r["accuracy"] for r in rec["runs"]["cross-entropy"]])
    assert f"cross-entropy {acc:.1%}" in text
    low = min(s, key=lambda k: s[k]["ece"])
    assert f"{low} has the lowest ECE" in zoo_views.confidence_caption(rec)
    assert "Mean margin" in zoo_views.margins_caption(rec) and "highest:" in zoo_views.curves_caption(rec)
    fig = zoo_views.per_class_figure(rec)
    assert len(fig.data) == 5 and fig.data[0].x[9] == "9 (6)"  # the nines: 6 training digits


def test_a_partial_recording_draws_and_says_what_it_has():
    partial = {"settings": {"epochs": 15}, "counts": zoo.imbalanced_counts(),
               "runs": {k: [] for k in zoo.LOSSES}, "live": {"cross-entropy": [[0.3, 0.5], [0.5, 0.7]]}}
    assert zoo_views.per_class_caption(partial) == "No run has finished yet."
    fig = zoo_views.curves_figure(partial)
    assert len(fig.data) == 1 and list(fig.data[0].y) == [0.4, 0.6]  # the mean over the seeds' curves
    assert zoo_views.histogram_figure(partial, "margins").data == ()
