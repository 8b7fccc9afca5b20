"""demos/augmentation/helps_view.py: captions state the runs' own numbers; the player reveals them."""
import numpy as np

from demos.augmentation import helps, helps_view


def test_curves_caption_and_player_are_the_runs():
    runs = helps.stored(20, "standard")
    v0 = np.mean([r["val_acc"][-1] for r in runs["none"]])
    v1 = np.mean([r["val_acc"][-1] for r in runs["standard"]])
    text = helps_view.curves_caption(runs, 20, "standard")
    assert f"without augmentation {v0:.1%}" in text and f"{v1:.1%}" in text
    assert ("raises" if v1 > v0 else "lowers") in text
    fig = helps_view.curves_figure(runs, 20, "standard")
    assert len(fig.frames) == len(runs["none"][0]["steps"]) and len(fig.data) == 4
    assert list(fig.frames[0].data[0].x) == [0]  # the first frame shows the evaluation before training


def test_gap_and_effects_captions_count_what_the_table_holds():
    table = helps.committed_table()
    gaps = helps.gap_table(table)
    smaller = sum(gaps["standard"][k].mean() < gaps["none"][k].mean() for k in helps.PER_CLASS)
    assert f"smaller at {smaller} of {len(helps.PER_CLASS)} sizes" in helps_view.gap_caption(gaps)
    effects = helps.transform_effects(table)
    hurt = sum(v < 0 for v in effects.values())
    assert f"{hurt} of {len(effects)} lower" in helps_view.effects_caption(effects)
    assert helps_view.effects_caption({}).startswith("The committed runs are missing")
