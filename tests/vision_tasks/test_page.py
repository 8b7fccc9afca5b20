"""The vision-tasks page driven by AppTest: the hero's caption is what the demo functions compute for the
same controls and moves with them; each tab's captions equal their demo functions'. One page open."""
import pytest

from demos.vision_tasks import detector_view, nms_view, scenes, tasks, unet_view, vit_view
from models import load_pretrained, metadata
from models.data import mnist_split
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/15_vision_tasks.py"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


@pytest.fixture(scope="module")
def nets():
    return {n: load_pretrained(n) for n in ("shape_detector", "shape_unet", "shape_unet_noskip", "shape_unet_dice")}


def expected(nets, index=0, score=tasks.SCORE_DEFAULT, nms=tasks.NMS_DEFAULT):
    s = scenes.scene(scenes.split_seed("test", index))
    return s, tasks.run_tasks(nets["shape_detector"], nets["shape_unet"], s.image, score, nms, s)


def test_the_hero_shows_three_tasks_and_its_caption_follows_the_controls(page, nets):
    assert not page.exception
    _, r = expected(nets)
    assert captions(page)[0] == tasks.tasks_caption(r, tasks.SCORE_DEFAULT)
    assert [a["text"] for a in plotly_specs(page)[0]["layout"]["annotations"][:3]] == [
        "Classification: what is in it", "Detection: where, what, how sure", "Segmentation: a class per pixel"]
    show(page, scene=7, score=0.2)
    _, r = expected(nets, 7, 0.2)
    assert captions(page)[0] == tasks.tasks_caption(r, 0.2)
    assert page.query_params["scene"] in (["7"], "7")


def test_each_tab_draws_what_its_demo_functions_compute(page, nets):
    s, r = expected(nets, 7, 0.2)
    show(page, view="IoU and NMS")
    d, steps = nms_view.stepping(r.raw, nms_view.NMS_SCORE_DEFAULT, tasks.NMS_DEFAULT)
    assert nms_view.iou_caption(nms_view.iou_parts(nms_view.BOX_A, (45.0, 40.0, 85.0, 80.0))) in captions(page)
    assert nms_view.nms_caption(r.raw, d, steps, nms_view.NMS_SCORE_DEFAULT, tasks.NMS_DEFAULT) in captions(page)
    assert len(plotly_specs(page)[-1]["frames"]) == len(steps) + 1  # raw boxes, then one frame per kept box
    show(page, bx=60)
    assert nms_view.iou_caption(nms_view.iou_parts(nms_view.BOX_A, (60.0, 40.0, 100.0, 80.0))) in captions(page)
    show(page, view="One-stage detector", k=3)
    anchors, targets, obj = detector_view.grid_parts(s, nets["shape_detector"], r.grid_out)
    assert detector_view.grid_caption(s, targets, obj, anchors) in captions(page)
    wh = detector_view.training_boxes()
    assert detector_view.anchors_caption(wh, detector_view.g.kmeans_anchors(wh, 3)[0]) in captions(page)
    m, curves = detector_view.held_out_pr(nets["shape_detector"], tasks.NMS_DEFAULT)
    assert detector_view.pr_caption(m, curves, 0.2) in captions(page)
    show(page, view="U-Net")
    scores = unet_view.held_out_scores({"unet": nets["shape_unet"], "noskip": nets["shape_unet_noskip"],
                                        "dice": nets["shape_unet_dice"]})
    assert unet_view.scores_caption(scores) in captions(page)
    assert unet_view.masks_caption(s.mask, r.mask) in captions(page)
    show(page, view="Vision transformer", digit=500)
    vit = load_pretrained("digit_vit")
    logits, maps = vit_view.attention(vit, mnist_split().test_images[500])
    assert vit_view.cls_caption(logits, maps) in captions(page)
    assert vit_view.position_caption(vit_view.position_similarity(vit), 4) in captions(page)
    cards = {"ViT": metadata("digit_vit"), "CNN": metadata("digit_cnn_small")}
    assert vit_view.comparison_caption(cards) in captions(page)


def test_choosing_your_own_picture_without_one_asks_for_it_and_keeps_the_scene(page):
    show(page, view="IoU and NMS", source="upload", scene=0, score=tasks.SCORE_DEFAULT)
    assert any("Upload a picture" in i.value for i in page.info)
    assert page.get("file_uploader")  # the kit's one upload gate
    show(page, source="scene")
