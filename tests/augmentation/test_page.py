"""The augmentation page (AppTest): the hero's caption is the grid's own (seed, chain, digit, photo),
the exported code is the chain's, and every tab shows what its demo functions compute, the committed
runs without training anything. Two page opens: the hero, then one session that walks the tabs."""
import pytest

from demos.augmentation import chain, grid_view, helps, helps_view, mixing, ssl_view, transforms
from demos.augmentation.transforms import Step
from tests.support import captions, open_page, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/17_augmentation.py"
DEFAULT = chain.read_chain(list(chain.DEFAULT_STEPS))


def expected_caption(mnist, model, digit, pipeline, seed, index=0):
    row = int((mnist.test_labels == digit).nonzero()[index])
    rows = transforms.grid(mnist.test_images[row], pipeline, seed)
    return grid_view.grid_caption(pipeline, grid_view.meter(model, rows), digit, seed)


@pytest.fixture(scope="module")
def hero():
    at = open_page(PAGE, timeout=120)
    assert not at.exception, at.exception
    return at


def test_hero_caption_is_the_grids_own_at_every_seed_and_chain(hero, mnist, mnist_cnn):
    assert expected_caption(mnist, mnist_cnn, 7, DEFAULT, 0) in captions(hero)
    assert transforms.pipeline_code(DEFAULT, 28, True).strip() in [c.value.strip() for c in hero.code]
    show(hero, seed=42)
    assert expected_caption(mnist, mnist_cnn, 7, DEFAULT, 42) in captions(hero)
    show(hero, t2="off", t3="off", m1=1.0)
    assert expected_caption(mnist, mnist_cnn, 7, (Step("rotate", 1.0, 1.0),), 42) in captions(hero)


def test_the_six_becomes_nine_preset_sets_the_chain_and_digit(hero, mnist, mnist_cnn):
    next(b for b in hero.button if b.label == "6 becomes 9").click().run()
    assert not hero.exception, hero.exception
    assert hero.session_state["digit"] == 6 and hero.session_state["t2"] == chain.OFF
    shown = captions(hero)
    assert expected_caption(mnist, mnist_cnn, 6, (Step("turn", 0.5, 0.0),), hero.session_state["seed"]) in shown
    assert any("move with the half turn" in c for c in shown)


def test_a_photo_has_boxes_and_masks_but_no_meter(hero):
    show(hero, kind="photo")
    assert any(c.endswith("(the meter reads held-out digits, whose labels are known).") for c in captions(hero))
    show(hero, kind="digit")


def never(*args, **kwargs):
    raise AssertionError("trained live, though committed runs apply")


@pytest.fixture(scope="module")
def tabs():
    return open_page(PAGE, timeout=180, view="Mixup and CutMix", alpha="0.5", other="3")


def test_mixup_tab_states_the_drawn_mix(tabs, mnist):
    assert not tabs.exception, tabs.exception
    row = int((mnist.test_labels == 7).nonzero()[0])
    a, b = mixing.pair(mnist.test_images[row:row + 1], 3, True)
    mixed = mixing.mix_pair(a, b, 7, 3, 0.5, 0)
    assert mixing.mix_caption(mixed, ("a 7", "a 3"), (28, 28)) in captions(tabs)


def test_does_it_help_replays_the_committed_runs(tabs, monkeypatch):
    monkeypatch.setattr(helps, "training_run", never)
    show(tabs, view="Does it help?", url={"per_class": "20", "arm": "standard"})
    runs = helps.stored(20, "standard")
    shown = captions(tabs)
    assert helps_view.curves_caption(runs, 20, "standard") in shown
    table = helps.committed_table()
    assert helps_view.gap_caption(helps.gap_table(table)) in shown
    assert helps_view.effects_caption(helps.transform_effects(table)) in shown


def test_self_supervised_tab_moves_the_loss_with_the_temperature(tabs, pretrained):
    show(tabs, view="Self-supervised")
    batch = ssl_view.batch_views(pretrained("ssl_digits"), 6, True, 0)
    assert ssl_view.similarity_caption(batch, 0.5) in captions(tabs)
    assert ssl_view.probe_caption(ssl_view.probe_results()) in captions(tabs)
    show(tabs, tau=0.1)
    assert ssl_view.similarity_caption(batch, 0.1) in captions(tabs)
