"""demos/compression/lesson.py: every answer is one of its beat's choices and restates the hero's numbers."""
from demos.compression import frontier, lesson, results
from ui.lesson_data import page_lesson


def test_every_answer_is_among_its_beats_choices():
    beats = page_lesson("compression")
    assert 4 <= len(beats) <= 8
    for beat in beats:
        assert getattr(lesson, beat.answer)(beat.query) in beat.choices, beat.title


def test_answers_agree_with_the_committed_measurements():
    p = results.load_json(results.FRONTIER)["points"]
    assert lesson.pruned_smaller({}) == ("Yes" if p["pruned 80%"]["bytes"] < 0.95 * p["teacher"]["bytes"] else "No")
    assert lesson.smallest_close({}) == frontier.smallest_close(results.load_json(results.FRONTIER))
