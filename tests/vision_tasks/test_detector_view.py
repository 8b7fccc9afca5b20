"""demos/vision_tasks/detector_view.py: the grid, anchors, PR and training views on hand-made inputs; each
caption's numbers are recomputed from the same data, and moving a parameter changes the sentence truthfully."""
import numpy as np
import pytest
import torch

from demos.vision_tasks import detector_view as dv, grid as g, scenes as sc
from demos.vision_tasks.metrics import PrCurve

ANCHORS = torch.tensor([[12.0, 12.0], [20.0, 20.0]])


def hand_scene() -> sc.Scene:
    # a 12 x 12 circle centred at (14, 6) -> cell (row 0, column 1) of an 8 x 8 grid on 64 px, anchor 1 (12 x 12);
    # a 20 x 24 rectangle centred at (50, 42) -> cell (5, 6), anchor 2 (20 x 20 fits it better)
    return sc.Scene(np.full((64, 64, 3), 0.8, np.float32), np.zeros((64, 64), np.int64),
                    np.array([[8, 0, 20, 12], [40, 30, 60, 54]], np.float32), np.array([0, 1]))


def test_the_grid_view_shades_each_owning_cell_and_its_caption_names_cell_and_anchor():
    s = hand_scene()
    t = dv.assignment(s, ANCHORS, 8)
    assert t.owner == [(0, 0, 1), (1, 5, 6)]
    obj = np.zeros((8, 8))
    obj[0, 1], obj[3, 3] = 0.9, 0.7  # one hot cell owns a box, one does not
    fig = dv.grid_figure(s, t, obj)
    shaded = [sh for sh in fig.layout.shapes if sh.type == "rect"]
    assert [(sh.x0 + 0.5, sh.y0 + 0.5) for sh in shaded] == [(8.0, 0.0), (48.0, 40.0)]  # column·8, row·8
    assert sum(sh.type == "line" for sh in fig.layout.shapes) == 2 * 9  # 9 vertical and 9 horizontal lines
    assert np.array_equal(fig.data[-1].z, obj)
    text = dv.grid_caption(s, t, obj, ANCHORS)
    assert text.startswith("The circle (12×12 px) → cell (row 0, column 1), anchor 1 (12×12); "
                           "the rectangle (20×24 px) → cell (row 5, column 6), anchor 2 (20×20).")
    assert text.endswith("Cells with objectness ≥ 0.5: 2, of which 1 own a true box (of 2 owning cells).")
    obj[5, 6] = 0.6  # the rectangle's cell lights up too
    assert "objectness ≥ 0.5: 3, of which 2 own" in dv.grid_caption(s, t, obj, ANCHORS)


def test_the_anchor_caption_reports_the_best_anchor_iou_and_more_anchors_fit_better():
    wh = np.array([[10.0, 10.0], [10.0, 10.0], [20.0, 10.0], [20.0, 10.0]])
    one, own1 = g.kmeans_anchors(wh, 1)
    two, own2 = g.kmeans_anchors(wh, 2)
    fig = dv.anchors_figure(wh, two, own2)
    assert [t.name for t in fig.data] == ["anchor 1's boxes", "anchor 2's boxes", "anchors (cluster centres)"]
    assert sum(len(t.x) for t in fig.data[:2]) == 4 and len(fig.data[-1].x) == 2
    # two anchors sit on the two sizes exactly: every box overlaps its anchor with IoU 1
    assert dv.anchors_caption(wh, two).endswith("IoU 1.00 on average (worst 1.00).")
    best = g.size_iou(wh, one).max(1)
    text = dv.anchors_caption(wh, one)
    assert "on 4 training boxes gives 1 anchor (" in text and f"IoU {best.mean():.2f} on average" in text
    assert best.mean() < 1


def curve(precision, recall, scores, ap) -> PrCurve:
    return PrCurve(np.array(precision), np.array(recall), np.array(scores), ap, 2)


def test_the_pr_view_marks_where_the_score_threshold_cuts_each_curve():
    curves = [curve([1.0, 1.0, 0.67], [0.5, 1.0, 1.0], [0.9, 0.6, 0.2], 1.0),
              curve([1.0, 0.5], [0.5, 0.5], [0.8, 0.4], 0.5), curve([0.0], [0.0], [0.1], 0.0)]
    fig = dv.pr_figure(curves, 0.5)
    assert [t.name for t in fig.data if t.name] == ["circle: AP 1.000", "rectangle: AP 0.500", "triangle: AP 0.000"]
    dots = [t for t in fig.data if t.mode == "markers"]
    assert [(d.x[0], d.y[0]) for d in dots] == [(1.0, 1.0), (0.5, 1.0)]  # triangle's only box is below 0.5
    text = dv.pr_caption(0.5, curves, 0.5, n=7)
    assert text == ("mAP@0.5 on 7 held-out scenes = 0.500 (the mean of the three areas under the curves); at score ≥ "
                    "0.50: circle P 1.00/R 1.00, rectangle P 1.00/R 0.50, triangle no box.")
    assert "circle P 0.67/R 1.00, rectangle P 0.50/R 0.50, triangle P 0.00/R 0.00" in dv.pr_caption(0.5, curves, 0.05)


def test_the_training_caption_reads_the_card_history():
    card = {"history": [{"epoch": 1, "val_map50": 0.3}, {"epoch": 2, "val_map50": 0.92}, {"epoch": 3, "val_map50": 0.95}]}
    assert dv.training_caption(card) == ("Recorded while training: validation mAP@0.5 goes from 0.30 after epoch 1 "
                                         "to 0.95 after epoch 3, passing 0.9 at epoch 2.")
    assert dv.training_caption({"history": card["history"][:1]}).endswith("after epoch 1.")


@pytest.mark.skipif(not dv.REPLAY.exists(), reason="the recorded training is committed with the weights")
def test_the_training_replay_has_one_frame_per_recorded_epoch():
    from models import metadata
    card, replay = metadata("shape_detector"), dv.load_replay()
    fig = dv.training_figure(card, replay, 0, 0.3, 0.5)
    assert len(fig.frames) == len(replay["objectness"]) == len(card["history"]) + 1  # epoch 0 (untrained) + each epoch
    last = fig.frames[-1].data
    assert np.array_equal(np.asarray(last[0].z), replay["objectness"][-1][0])
    assert len(last[2].x) == len(card["history"]) + 1  # the mAP line drawn up to the last epoch
