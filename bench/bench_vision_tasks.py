"""Vision tasks: detection + segmentation of one 64 px scene, NMS stepping and its in-browser replay
figure, the held-out PR curves and U-Net scores, and the page's first view and reruns."""
from __future__ import annotations

import torch

from bench.common import Row, best_of, once, page_rerun
from demos.vision_tasks import detector_view, nms_view, scenes, tasks, unet_view
from models import load_pretrained

PAGE = "pages/15_vision_tasks.py"
TORCH_THREADS = 1  # ui.cache.TORCH_THREADS (not imported: it would import streamlit's cache here)


def run() -> list[Row]:
    threads = torch.get_num_threads()
    torch.set_num_threads(TORCH_THREADS)  # as the server computes (ui.cache)
    try:
        return _rows()
    finally:
        torch.set_num_threads(threads)


def _rows() -> list[Row]:
    rows: list[Row] = []
    det, unet = load_pretrained("shape_detector"), load_pretrained("shape_unet")
    s = scenes.scene(scenes.split_seed("test", 0))
    t = best_of(lambda: tasks.run_tasks(det, unet, s.image, 0.3, 0.5, s), repeat=9)
    rows.append(Row("vision_tasks", "hero: classification + detection (with NMS) + segmentation of one 64 px scene",
                    t, target="≤ 50 ms"))
    result = tasks.run_tasks(det, unet, s.image, 0.3, 0.5, s)
    rows.append(Row("vision_tasks", "hero figure built (three panels)", best_of(lambda: tasks.tasks_figure(result))))
    d, steps = nms_view.stepping(result.raw, 0.05, 0.5)
    rows.append(Row("vision_tasks", f"NMS steps + replay figure ({len(d.scores)} boxes, {len(steps)} steps; "
                    "every step then plays in the browser)",
                    best_of(lambda: nms_view.nms_figure(s.image, *nms_view.stepping(result.raw, 0.05, 0.5), 0.5)),
                    target="instant (no rerun per step)"))
    rows.append(Row("vision_tasks", f"held-out PR curves + mAP@0.5 ({detector_view.PR_SCENES} scenes, cached)",
                    once(lambda: detector_view.held_out_pr(det, 0.5))))
    nets = {"unet": unet, "noskip": load_pretrained("shape_unet_noskip"), "dice": load_pretrained("shape_unet_dice")}
    rows.append(Row("vision_tasks", f"U-Net tab: 4 variants scored on {unet_view.HELD_OUT} held-out scenes (cached)",
                    once(lambda: unet_view.held_out_scores(nets))))
    cold, rerun = page_rerun(PAGE, {}, ("slider", "score", 0.5))
    rows.append(Row("vision_tasks", "page first view, cold (server; loads its 2 models, checks their sha256)", cold))
    rows.append(Row("vision_tasks", "page rerun after a score-threshold change", rerun, target="< 1 s"))
    warm, rerun = page_rerun(PAGE, {}, ("number_input", "scene", 5))
    rows.append(Row("vision_tasks", "page first view, warm server (models loaded, as after the warm-up)", warm,
                    target="≤ 2 s"))
    rows.append(Row("vision_tasks", "page rerun after a new scene", rerun, target="< 1 s"))
    return rows
