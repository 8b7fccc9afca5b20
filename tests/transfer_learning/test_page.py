"""The transfer-learning page (AppTest): the committed sweep shown at once with the captions the demo
functions compute, committed runs reused and only the missing ones computed, and every tab's wiring.
Two page opens: the hero, then one session that walks the tabs (opened on Few-shot by its URL)."""
from pathlib import Path

import pytest

from demos.transfer_learning import few_shot, forgetting, imagenet, layers, results, siamese, sweep, teach, zero_shot
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/12_transfer_learning.py"


@pytest.fixture(scope="module")
def hero():
    at = open_page(PAGE, timeout=120)
    assert not at.exception, at.exception
    return at


def never(*args, **kwargs):
    raise AssertionError("computed live, though a committed result applies")


@pytest.fixture(scope="module")
def tabs():
    with pytest.MonkeyPatch.context() as mp:  # the few-shot view's curve is committed: no episodes, no EfficientNet
        mp.setattr(few_shot, "few_shot_curve", never)
        mp.setattr(imagenet, "digit_imagenet_features", never)
        at = open_page(PAGE, view="Few-shot", way="3", shot="5", timeout=180)
        assert not at.exception, at.exception
    return at


def test_page_default_view_states_the_committed_numbers(hero):
    summary = sweep.sweep_summary(results.precomputed("sweep", 1e-3, 3))
    old = sweep.old_task_before(summary)
    shown = captions(hero)
    assert sweep.sweep_caption(summary, 0.9) in shown
    assert sweep.at_k_caption(summary, 5, 1e-3, old) in shown
    assert results.budget_text(results.precomputed("sweep", 1e-3, 3)) in shown  # nothing computed live
    forget = results.precomputed("forgetting")  # the first tab, committed too
    assert forgetting.old_task_caption(forget) in shown and forgetting.new_task_caption(forget) in shown
    hero.slider(key="target").set_value(0.8).run()
    assert sweep.sweep_caption(summary, 0.8) in captions(hero)
    hero.segmented_control(key="k").set_value("20").run()
    assert sweep.at_k_caption(summary, 20, 1e-3, old) in captions(hero)
    spec = plotly_specs(hero)[0]
    assert {t["name"] for t in spec["data"] if t.get("mode")} >= set(sweep.STRATEGIES.values())
    assert hero.query_params["target"] == "0.8" and hero.query_params["k"] == "20"


def test_page_reuses_committed_runs_and_computes_only_the_missing_ones(hero):
    for seeds in (2, 4, 5):  # seeds 0-4 are committed at the default rate: nothing to compute
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sweep, "label_sweep", never)
            hero.slider(key="seeds").set_value(seeds).run()
        assert not hero.exception, hero.exception
        assert results.budget_text(results.precomputed("sweep", 1e-3, seeds)) in captions(hero)
        assert not any(c.startswith("This setting is not precomputed") for c in captions(hero))
    from ui.cache import cache_key
    from ui.jobs import jobs
    # (another test of this process, e.g. the view-switch one, may have finished this very run: forget it)
    jobs().results.pop(cache_key(sweep.label_sweep, (("tuned", 0.003, 0),)), None)
    hero.slider(key="seeds").set_value(1)
    hero.selectbox(key="lr").set_value("0.003").run(timeout=240)  # a new rate: only the fine-tuning runs are live
    assert not hero.exception, hero.exception
    assert any(c.startswith(f"{5 * len(sweep.K_VALUES)} runs (14 computed on this server") for c in captions(hero))
    # said before the run started (the caption stays for that run): one job, seed 1, its committed timing
    assert results.live_text(results.live_runs(results.precomputed("sweep", 3e-3, 1), 3e-3, 1)) in captions(hero)


def test_presenter_mode_marks_the_rate_as_retraining(hero):
    hero.query_params["present"] = "1"
    hero.run()
    assert not hero.exception, hero.exception
    per_seed = results.seconds_per_seed(("last", "full"))
    seeds = hero.slider(key="seeds").value
    assert hero.selectbox(key="lr").label == f"Fine-tuning rate (others retrain, ~{results.duration(per_seed * seeds)})"
    assert hero.selectbox(key="lr").value == "0.003"  # the new label keeps the chosen rate


def test_page_few_shot_view_from_its_url(tabs, backbone, data):
    shown = captions(tabs)
    assert any(c.startswith("3-way 5-shot:") and "exact decision regions" in c for c in shown)
    emb = few_shot.digit_embeddings(backbone)["cnn04"]  # the default embedding, episode 0
    assert few_shot.episode_view(emb, data["test_y"], 3, 5, 0)[1] in shown
    assert few_shot.curve_caption(results.precomputed_curve(3), 3) in shown and results.PRECOMPUTED_NOTE in shown


def test_page_siamese_view(tabs, backbone, data):
    show(tabs, "Siamese", timeout=120)
    tabs.slider(key="threshold").set_value(0.5).run()
    assert not tabs.exception, tabs.exception
    assert any(c.startswith("At distance threshold 0.50:") for c in captions(tabs))
    same, different = siamese.pair_distances(few_shot.digit_embeddings(backbone)["cnn04"], data["test_y"])
    assert siamese.histogram_caption(same, different, 0.5) in captions(tabs)
    assert siamese.roc_caption(same, different, 0.5) in captions(tabs)


def test_page_zero_shot_with_typed_and_hostile_text(tabs, minilm):
    show(tabs, "Zero-shot", timeout=120)
    tabs.text_area(key="sentences").set_value("Stir the soup.\nThe rocket launched.")
    tabs.text_area(key="labels").set_value("food\nspace travel").run()
    assert not tabs.exception, tabs.exception
    assert any("Sentences per label: food: 1, space travel: 1." in c for c in captions(tabs))
    typed = zero_shot.read_typed("Stir the soup.\nThe rocket launched.", "food\nspace travel", True)
    sim = zero_shot.zero_shot(minilm, typed.sentences, typed.prompts)
    assert zero_shot.similarity_caption(sim, typed.sentences, typed.names) in captions(tabs)
    tabs.text_area(key="labels").set_value("only one").run()
    assert not tabs.exception and any("two labels" in w.value for w in tabs.warning)
    tabs.text_area(key="labels").set_value("food\nspace travel")
    tabs.text_area(key="sentences").set_value("\n".join(["same"] * 50 + [f"s{i}" for i in range(60)])).run()
    assert not tabs.exception and any("first 30 lines" in i.value for i in tabs.info)


def test_page_teach_tab_and_missing_upload(tabs):
    show(tabs, "Teach it yourself", timeout=120)
    tabs.slider(key="classes").set_value(2)
    tabs.slider(key="shots").set_value(2).run(timeout=120)
    assert not tabs.exception, tabs.exception
    assert any("crops from the pictures' unseen right parts" in c for c in captions(tabs))
    assert teach.crops_caption(2) in captions(tabs)
    tabs.selectbox(key="class_b").set_value("upload").run()
    assert not tabs.exception and any("Upload a picture" in i.value for i in tabs.info)


def test_page_uses_the_shared_upload_gate_only():
    source = (Path(__file__).resolve().parents[2] / PAGE).read_text()
    assert "ui.image_uploads(" in source and "file_uploader" not in source and "Image.open" not in source


def test_page_which_layers_view_is_committed_at_every_k(tabs):
    with pytest.MonkeyPatch.context() as mp:  # the default rate: every k is committed, nothing trains
        mp.setattr(layers, "freeze_experiment", never)
        for k in ("5", "100"):
            show(tabs, "Which layers", layers_k=k, timeout=60)
            shown = captions(tabs)
            assert layers.freeze_caption(results.precomputed_layers(int(k), 1e-3), int(k), 1e-3) in shown
            assert results.PRECOMPUTED_NOTE in shown


def test_page_domain_adaptation_view_is_committed_and_follows_its_controls(tabs):
    from demos.transfer_learning import domain

    with pytest.MonkeyPatch.context() as mp:  # every default shift and λ = 0 are committed: nothing trains
        mp.setattr(domain, "compare", never)
        show(tabs, "Domain adaptation", timeout=60)
        res = domain.committed("rotated", 1.0)
        assert domain.accuracy_caption(res) in captions(tabs) and domain.features_caption(res) in captions(tabs)
        tabs.radio(key="shift").set_value("inverted").run(timeout=60)
        assert domain.accuracy_caption(domain.committed("inverted", 1.0)) in captions(tabs)
        tabs.segmented_control(key="mmd").set_value("0").run(timeout=60)
        assert not tabs.exception, tabs.exception
        assert domain.accuracy_caption(domain.committed("inverted", 0.0)) in captions(tabs)
    assert tabs.query_params["shift"] == "inverted" and tabs.query_params["mmd"] == "0"


LIVE_CALLS: list = []  # what the fake continual run below was asked for


def fake_continual_runs(lam, buffer, seeds=3, on_progress=None):  # a live run, without training
    from demos.transfer_learning import continual

    LIVE_CALLS.append((lam, buffer))
    return {**continual.stored(1e4, 100), "lambda": lam, "buffer": buffer}


def test_continual_tab_shows_the_recording_and_trains_other_settings_live():
    from demos.transfer_learning import continual

    recorded = continual.stored(float(continual.DEFAULT_LAMBDA), int(continual.DEFAULT_BUFFER))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(continual, "continual_runs", fake_continual_runs)
        at = open_page(PAGE, view="Continual learning", timeout=120)
        assert not at.exception, at.exception
        assert LIVE_CALLS == []  # the default settings come from the committed recording
        assert continual.matrix_caption(recorded) in captions(at)
        assert continual.fisher_caption(recorded) in captions(at)
        at.selectbox(key="ewc_lambda").set_value("100").run()
        assert not at.exception, at.exception
        assert LIVE_CALLS == [(100.0, 100)]  # λ = 100 trained live, the buffer unchanged
        assert continual.matrix_caption({**recorded, "lambda": 100.0}) in captions(at)
        assert at.query_params["ewc_lambda"] == "100"
