"""demos/vision_tasks/lesson.py: the lesson's answers against what the hero computes, and every number and
claim in the beats' sentences against the view each beat opens."""
import numpy as np
import torch

from demos.vision_tasks import boxes, lesson, scenes, tasks
from ui import lesson_data as ld

BEATS = ld.page_lesson("vision_tasks")


def q(n: int) -> dict[str, str]:
    """Beat n's view: the page's defaults with the beat's own parameters on top."""
    return lesson.DEFAULTS | BEATS[n - 1].query


def test_every_beat_opens_the_hero_with_only_its_controls():
    hero = {"source", "scene", "score", "truth", "nms"}
    assert all(set(b.query) <= hero for b in BEATS) and 4 <= len(BEATS) <= 8
    assert sum(bool(b.predict) for b in BEATS) >= 3


def test_boxes_kept_counts_the_hero_detections_and_a_stricter_score_never_keeps_more():
    assert int(lesson.boxes_kept({"scene": "3"})) == len(lesson._result({"scene": "3"}).detections.scores)
    for s in ("5", "3", "18"):
        counts = [lesson.kept({"scene": s, "score": t}) for t in ("0.05", "0.3", "0.9")]
        assert counts == sorted(counts, reverse=True), (s, counts)


def test_a_lenient_nms_never_keeps_fewer_boxes_and_the_answer_compares_the_two_counts():
    base = {"scene": "10", "score": "0.05"}
    lenient, default = lesson.kept({**base, "nms": "0.9"}), lesson.kept({**base, "nms": "0.5"})
    assert lenient >= default  # a higher IoU threshold removes a subset of what a lower one removes
    assert lesson.kept_vs_default_nms({**base, "nms": "0.9"}) == ("More" if lenient > default else "The same")
    assert lesson.kept_vs_default_nms({**base, "nms": "0.5"}) == "The same"


def test_boxes_vs_shapes_compares_the_box_count_with_the_true_shapes():
    # scene 5 at score 0.9 keeps fewer boxes than its shapes; scene 10 at 0.05 with a lenient NMS keeps more
    for params in ({"scene": "5", "score": "0.9"}, {"scene": "10", "score": "0.05", "nms": "0.9"}, q(4)):
        n, truth = lesson.kept(params), lesson.shapes(params)
        want = "More boxes than shapes" if n > truth else "Fewer boxes than shapes" if n < truth else "As many boxes as shapes"
        assert lesson.boxes_vs_shapes(params) == want


def test_beat_1_names_its_scene_and_score():
    assert f"scene {q(1)['scene']}" in BEATS[0].predict and f"score ≥ {float(q(1)['score']):g}" in BEATS[0].predict


def test_beat_2_states_the_scenes_shape_count_and_its_score():
    words = {1: "one", 2: "two", 3: "three", 4: "four"}
    assert f"scene {q(2)['scene']} holds {words[lesson.shapes(q(2))]} shapes" in BEATS[1].say
    assert f"scores {float(q(2)['score']):g} or more" in BEATS[1].say
    assert f"score ≥ {float(q(2)['score']):g}" in BEATS[1].predict and q(2)["truth"] == "1"  # "dotted true boxes still"
    assert lesson.boxes_kept(q(2)) != lesson.boxes_kept(q(2) | {"score": lesson.DEFAULTS["score"]})  # the score matters


def test_beats_3_and_4_name_their_nms_thresholds_on_the_same_scene():
    assert f"scene {q(3)['scene']}" in BEATS[2].say and f"scored {float(q(3)['score']):g} or more" in BEATS[2].say
    assert f"by more than {float(q(3)['nms']):g}" in BEATS[2].say
    assert f"default threshold of {tasks.NMS_DEFAULT:g}" in BEATS[2].predict
    assert (q(4)["scene"], q(4)["score"]) == (q(3)["scene"], q(3)["score"])  # "The same scene and scores"
    assert f"above {float(q(4)['nms']):g}" in BEATS[3].say


def test_beat_5_shows_three_triangles_one_colour_and_one_box_each():
    r = lesson._result(q(5))
    s = r.truth
    assert f"scene {q(5)['scene']} holds three triangles" in BEATS[4].say and q(5)["truth"] == "0"
    assert [scenes.CLASSES[int(x)] for x in s.labels] == ["triangle"] * 3
    tri = 1 + scenes.CLASSES.index("triangle")
    assert set(np.unique(r.mask)) == {0, tri}  # one colour: every shape pixel is labelled triangle
    assert (r.mask[s.mask == tri] == tri).mean() > 0.95
    # one box per triangle: each true box is matched by a different detected triangle box (IoU ≥ 0.5)
    assert [scenes.CLASSES[int(x)] for x in r.detections.labels] == ["triangle"] * 3
    iou = boxes.iou(torch.as_tensor(s.boxes, dtype=torch.float32), r.detections.boxes.float())
    best = iou.argmax(1)
    assert len(set(best.tolist())) == 3 and (iou.max(1).values >= 0.5).all()
