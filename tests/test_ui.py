"""The shared UI layer: computation keys, background jobs, URL parameters read from page sources,
page text files, the home page's search, and manifest validation against hostile files."""
import json
import re
import threading
import time

import pytest

from conftest import ROOT
from ui.catalogue import PAGES, page_params
from ui.compute import Jobs, Stopped, cache_key
from ui.texts import page_text, parse, search

pytestmark = pytest.mark.filterwarnings("ignore")


# ---------------------------------------------------------------- computation keys and jobs
def test_two_different_lambdas_with_equal_arguments_get_their_own_keys():
    first, second = (lambda n, on_progress: n + 1), (lambda n, on_progress: n * 10)
    assert cache_key(first, (3,)) != cache_key(second, (3,))
    assert cache_key(first, (3,)) == cache_key(first, (3,)) and cache_key(first, (3,)) != cache_key(first, (4,))


def test_same_named_functions_of_two_scripts_run_as_main_get_their_own_keys():
    """Both page scripts run as __main__: the old key (module, qualname, args) collided."""
    code = "def work(n, on_progress):\n    return n {} 1\n"
    spaces = [{"__name__": "__main__"}, {"__name__": "__main__"}]
    exec(compile(code.format("+"), str(ROOT / "pages/a.py"), "exec"), spaces[0])
    exec(compile(code.format("-"), str(ROOT / "pages/b.py"), "exec"), spaces[1])
    a, b = spaces[0]["work"], spaces[1]["work"]
    assert (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)  # what used to collide
    assert cache_key(a, (5,)) != cache_key(b, (5,))


def test_a_rerun_of_the_same_source_gets_the_same_key():
    """Streamlit recompiles a page on every rerun: a new code object must still hit the cache."""
    code = "f = lambda n, on_progress: n * 2\n"
    keys = []
    for _ in range(2):
        space = {}
        exec(compile(code, str(ROOT / "pages/x.py"), "exec"), space)
        keys.append(cache_key(space["f"], (1,)))
    assert keys[0] == keys[1]


def test_closures_are_part_of_the_key_and_unhashable_ones_are_refused():
    make = lambda k: (lambda on_progress: k)  # noqa: E731
    assert cache_key(make(1), ()) != cache_key(make(2), ())
    with pytest.raises(TypeError, match="hashable"):
        cache_key(make([1]), ())


def test_two_different_lambdas_through_computed_on_one_page_get_their_own_results():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        st.write(str(ui.computed("one", lambda n, on_progress: n + 1, 41)))
        st.write(str(ui.computed("two", lambda n, on_progress: n * 10, 41)))

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["42", "410"]


@pytest.mark.parametrize("widget", ["segmented", "selectbox", "radio"])
def test_a_choice_whose_state_was_emptied_falls_back_to_its_default(widget):
    """An interrupted rerun can leave a segmented control empty (None); the page must get a valid
    option (the adversarial page once did int(None)), and the URL must not learn `n=None`."""
    from streamlit.testing.v1 import AppTest

    def script(widget):
        import streamlit as st

        import ui
        st.write("n = " + ui.select("Digits", "n", ["200", "1000"], widget=widget))

    at = AppTest.from_function(script, default_timeout=30, kwargs={"widget": widget})
    at.session_state["n"] = None
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "n = 200" and "n" not in at.query_params


def test_jobs_run_once_for_concurrent_callers_and_keep_the_result():
    jobs, calls = Jobs(workers=2), []

    def slow(n, on_progress):
        calls.append(n)
        for i in range(5):
            time.sleep(0.02)
            on_progress((i + 1) / 5)
        return n * 2

    key = ("slow", 21)  # (this test's function closes over a list, so it names its own key)
    a, b = jobs.submit(key, "x", slow, (21,)), jobs.submit(key, "x", slow, (21,))
    assert a is b and a.future.result(5) == 42 and calls == [21]
    assert jobs.get(key) == (True, 42)


def test_a_stopped_job_keeps_its_partial_result_away_from_everyone_else():
    jobs, started = Jobs(workers=1), threading.Event()

    def long(on_progress):
        for i in range(1000):
            started.set()
            time.sleep(0.01)
            on_progress(i / 1000, partial=i)
        return "finished"

    key = cache_key(long, ())
    job = jobs.submit(key, "long", long, ())
    started.wait(5)
    job.stop.set()
    with pytest.raises(Stopped):
        job.future.result(5)
    assert isinstance(job.partial, int) and job.partial < 999
    assert jobs.get(key) == (False, None), "a stopped run is not cached for other sessions"


def test_a_job_nobody_waits_for_stops_and_frees_the_pool(monkeypatch):
    from ui import compute
    monkeypatch.setattr(compute, "ABANDON_AFTER", 0.3)
    jobs, progressed = Jobs(workers=1), []

    def long(tag, on_progress):
        for i in range(500):  # 5 s if it ran to the end
            time.sleep(0.01)
            progressed.append(tag)
            on_progress(i / 500)
        return tag

    left = jobs.submit(("long", "left"), "left", long, ("left",))  # asked for, then never waited on
    queued = jobs.submit(("long", "queued"), "queued", long, ("queued",))  # behind it, also left
    queued.seen -= 1.0  # (asked for a second ago: past the grace when its turn comes, whatever the timing)
    time.sleep(0.5)
    wanted = jobs.submit(("long", "wanted"), "wanted", long, ("wanted",))
    t0 = time.time()
    with pytest.raises(Stopped):
        left.future.result(5)
    assert time.time() - t0 < 1.0, "the abandoned run stops at its next progress report"
    with pytest.raises(Stopped):
        queued.future.result(5)
    assert "queued" not in progressed, "a queued run whose askers have gone never starts"
    while not wanted.future.done():  # a waiting session keeps its job alive (ui.computed does this)
        wanted.seen = time.time()
        time.sleep(0.05)
    assert wanted.future.result() == "wanted" and jobs.get(("long", "wanted")) == (True, "wanted")
    assert jobs.get(("long", "left")) == (False, None), "an abandoned partial run is nobody's answer"
    # 0.5 s of 'left' before it was abandoned (0.3 s grace + one report), all 500 steps of 'wanted'
    assert progressed.count("left") < 100 and progressed.count("wanted") == 500


def test_asking_again_after_abandoning_starts_a_fresh_run(monkeypatch):
    from ui import compute
    monkeypatch.setattr(compute, "ABANDON_AFTER", 0.2)
    jobs, runs = Jobs(workers=1), []

    def count(on_progress):
        runs.append(1)
        for i in range(40):
            time.sleep(0.01)
            on_progress(i / 40)
        return len(runs)

    key = ("count",)  # (the function closes over a list, so it names its own key)
    first = jobs.submit(key, "count", count, ())
    time.sleep(0.3)  # nobody waits: abandoned at the next report
    again = jobs.submit(key, "count", count, ())
    assert again is not first, "an abandoned run winding down is not re-attached to"
    while not again.future.done():
        again.seen = time.time()
        time.sleep(0.05)
    assert again.future.result() == 2 and jobs.get(key) == (True, 2)
    assert key not in jobs.running, "the old run's clean-up does not remove the new one"


# ---------------------------------------------------------------- URL parameters from page sources
def test_every_page_declares_literal_keys_and_the_readme_lists_them_all():
    readme = (ROOT / "README.md").read_text()
    table = dict(re.findall(r"^\| (\w+) \| (.+) \|$", readme.split("| page | URL parameters |")[1], re.M))
    for page in PAGES:
        listed = set(re.findall(r"`(\w+)`(?: \(|,|$| )", table[page.slug] + " "))
        assert listed == set(page.params), (page.slug, listed ^ set(page.params))


def test_a_computed_key_is_refused(tmp_path):
    bad = tmp_path / "page.py"
    bad.write_text("import ui\nname = 'k'\nui.slider('x', f'{name}_1', 0, 1, 0)\n")
    with pytest.raises(ValueError, match="literal string"):
        page_params(bad)


# ---------------------------------------------------------------- page text files and search
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_page_has_its_teaching_text(page):
    text = page_text(page.text_file)
    for section in ("Intro", "Formula", "Takeaways", "Questions", "Corrections"):
        assert text.sections.get(section), f"{page.text_file.name} lacks ## {section}"
    assert len(text.questions) >= 2 and all(q.endswith(("?", ")")) or q for q in text.questions)
    assert all(claim and fix for claim, fix in text.corrections), "corrections are `claim => fix`"


def test_text_parser_reads_sections_bullets_and_corrections():
    text = parse("## Intro\nHello.\n\n## Formula\na = b\n\nc = d\n## Questions\n- One?\n- Two\n  continued?\n"
                 "## Corrections\n- wrong => right\n")
    assert text.get("Intro") == "Hello." and text.formulas == ["a = b", "c = d"]
    assert text.questions == ["One?", "Two continued?"] and text.corrections == [("wrong", "right")]
    with pytest.raises(KeyError, match="Intro"):
        text.get("Missing")


@pytest.mark.parametrize("query, slug", [("explain FGSM and PGD", "adversarial_attacks"),
                                         ("what is a Gram matrix?", "style_transfer"),
                                         ("multi-head self-attention", "attention"),
                                         ("autoencoder anomaly threshold", "anomaly_detection")])
def test_search_finds_the_page_that_answers_a_question(query, slug):
    assert search(query, PAGES)[0][0].slug == slug


def test_search_of_nothing_lists_every_page_and_nonsense_finds_none():
    assert len(search("  ", PAGES)) == len(PAGES)
    assert search("zzqx flurble", PAGES) == []


# ---------------------------------------------------------------- manifests: validated before use
def manifest(**params):
    return json.dumps({"page": "model_zoo", "params": params}).encode()


HOSTILE = {
    "not json": b"{nope",
    "not utf-8": b"\xff\xfe\x00{",
    "empty": b"",
    "a list": b"[1, 2, 3]",
    "no params": json.dumps({"page": "model_zoo"}).encode(),
    "params not a dict": json.dumps({"page": "model_zoo", "params": [1]}).encode(),
    "page not a string": json.dumps({"page": 7, "params": {}}).encode(),
    "another page": json.dumps({"page": "attention", "params": {"layer": "2"}}).encode(),
    "unknown page": json.dumps({"page": "../../etc", "params": {}}).encode(),
    "deep nesting": b'{"page": "model_zoo", "params": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "huge": manifest(digit="1" * 70_000),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_manifests_are_refused_with_a_reason(name):
    from ui.share import validate_manifest
    with pytest.raises(ValueError) as err:
        validate_manifest(HOSTILE[name], "model_zoo")
    assert str(err.value) and "Traceback" not in str(err.value)


def test_manifest_keys_that_are_not_this_pages_parameters_are_ignored_and_named():
    from ui.share import validate_manifest
    params, ignored = validate_manifest(manifest(digit="4", embed="true", EMBED_OPTIONS="x", **{"": "1"},
                                                 bogus="1", index=["list"], model=True), "model_zoo")
    assert params == {"digit": "4"}
    text = " ".join(ignored)
    for key in ("embed", "EMBED_OPTIONS", "(empty name)", "bogus", "index", "model"):
        assert f"`{key}`" in text
