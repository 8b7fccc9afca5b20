"""demos/vision_tasks/lesson.py: the lesson's answers against what the page's functions compute."""
from demos.vision_tasks import lesson, nms_view


def test_half_a_box_shifted_gives_an_iou_of_one_third():
    # A and B are 40 x 40; shifted 20 px they share 20 x 40 = 800 of 1600 + 1600 − 800 = 2400: IoU 1/3
    params = {"bx": "45", "by": "30", "bw": "40", "bh": "40"}
    assert abs(nms_view.iou_parts(nms_view.BOX_A, (45, 30, 85, 70))["iou"] - 1 / 3) < 1e-6
    assert lesson.iou_band(params) == "Between 0.3 and 0.5"
    assert lesson.iou_band({"bx": "25", "by": "30"}) == "Above 0.5"  # on top of A (40 x 40 default size)
    assert lesson.iou_band({"bx": "80", "by": "0"}) == "Below 0.3"


def test_the_lenient_nms_answer_compares_the_kept_counts_of_the_two_thresholds():
    strict, lenient = (lesson.nms_kept({"nms_score": "0.05", "nms": t}) for t in ("0.5", "0.9"))
    want = "More" if lenient > strict else "Fewer" if lenient < strict else "The same"
    assert lesson.nms_kept_vs_default({"nms_score": "0.05", "nms": "0.9"}) == want
    assert lesson.nms_kept_vs_default({"nms_score": "0.05", "nms": "0.5"}) == "The same"
    # an IoU threshold of 1 removes nothing: every box above the score threshold is kept
    d, _ = nms_view.stepping(lesson._result({}).raw, 0.05, 1.0)
    assert lesson.nms_kept({"nms_score": "0.05", "nms": "1.0"}) == len(d.scores)


def test_one_anchor_fits_the_boxes_worse_than_two():
    assert lesson.anchor_fit(1) < lesson.anchor_fit(2)
    assert lesson.anchor_fit_vs_two({"k": "1"}) == "Lower" and lesson.anchor_fit_vs_two({}) == "The same"


def test_boxes_kept_counts_the_hero_detections():
    assert int(lesson.boxes_kept({"scene": "3"})) == len(lesson._result({"scene": "3"}).detections.scores)
    # a stricter score threshold never keeps more boxes
    assert int(lesson.boxes_kept({"scene": "3", "score": "0.95"})) <= int(lesson.boxes_kept({"scene": "3"}))


def test_the_more_accurate_digit_model_is_read_from_the_two_cards():
    from models import metadata
    vit, cnn = (metadata(n)["metrics"]["test_accuracy"] for n in ("digit_vit", "digit_cnn_small"))
    assert lesson.more_accurate_digit_model({}) == ("ViT" if vit > cnn else "CNN")


def test_the_numbers_in_the_beats_are_the_views_own():
    from ui import lesson_data as ld
    beats = ld.page_lesson("vision_tasks")
    q = lambda n: lesson.DEFAULTS | beats[n - 1].query  # noqa: E731
    assert f"scene {q(1)['scene']}" in beats[0].predict and f"score ≥ {float(q(1)['score']):g}" in beats[0].predict
    assert float(q(2)["bx"]) - 25 == float(q(2)["bw"]) / 2  # "shifted right by half its width" (A starts at x 25)
    assert (q(2)["bw"], q(2)["bh"]) == ("40", "40") and q(2)["by"] == "30"  # "box A's size", same row
    assert f"more than {float(q(3)['nms']):g}" in beats[2].say and f"threshold of {lesson.DEFAULTS['nms']}" in beats[2].predict
    assert "single cluster" in beats[3].say and q(4)["k"] == "1"
