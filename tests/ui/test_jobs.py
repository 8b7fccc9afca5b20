"""ui.jobs: long computations as shared background jobs (once for concurrent callers, Stop keeps a
partial result to its session, abandoned once nobody waits, a fresh ask restarts)."""
import threading
import time

import pytest

from ui.cache import cache_key
from ui.jobs import Jobs, Stopped

pytestmark = pytest.mark.filterwarnings("ignore")


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
    from ui import jobs as job_pool
    monkeypatch.setattr(job_pool, "ABANDON_AFTER", 0.3)
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
    from ui import jobs as job_pool
    monkeypatch.setattr(job_pool, "ABANDON_AFTER", 0.2)
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


def test_a_stopped_run_keeps_its_partial_result_and_can_run_to_the_end():
    """ui.computed with stoppable=True, as the style-transfer page's optimisation uses it: a session that
    pressed Stop keeps its partial result, and "Run to the end" computes the rest."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        from ui import cache, jobs

        def work(n, on_progress):
            for i in range(n):
                on_progress((i + 1) / n, f"step {i + 1}")
            return f"step {n}"

        ident = cache.cache_key(work, (3,))
        if "armed" not in st.session_state:  # as if Stop had been pressed after step 2
            st.session_state["armed"] = True
            st.session_state.setdefault(jobs._STOPPED, {})[ident] = "step 2"
        st.write(f"result={ui.computed('Demo', work, 3, stoppable=True)}")

    at = AppTest.from_function(script, default_timeout=30).run()
    assert "result=step 2" in [m.value for m in at.markdown]
    next(b for b in at.button if b.label == "▶ Run to the end").click().run()
    assert "result=step 3" in [m.value for m in at.markdown]


def test_a_job_has_an_estimate_before_its_first_progress_once_its_function_has_run():
    jobs = Jobs(workers=1)

    def quiet(n, on_progress):  # reports no progress until it ends
        time.sleep(0.2)
        return n

    first = jobs.submit(cache_key(quiet, (1,)), "quiet", quiet, (1,))
    assert first.eta() is None  # never ran: nothing to go by
    first.future.result(5)
    second = jobs.submit(cache_key(quiet, (2,)), "quiet", quiet, (2,))  # other arguments, same function
    # its estimate is the first run's duration (≥ the 0.2 s it slept) minus the time spent so far
    assert second.expected >= 0.2 and 0 <= second.eta() <= second.expected
    second.future.result(5)
    other = jobs.submit(cache_key(test_jobs_run_once_for_concurrent_callers_and_keep_the_result, ()), "o",
                        lambda on_progress: None, ())
    assert other.expected is None  # another function's runs say nothing about this one
