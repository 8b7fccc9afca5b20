"""Long computations as jobs on a small worker pool, shared by every session of the server process.

A job is keyed like `cached` results (`ui.cache.cache_key`: the function's identity and its arguments).
A page waits for its job with a progress bar and a time estimate measured from the job's own progress;
a rerun (another control moved, another visitor asking the same thing) re-attaches to the running job
instead of starting again; finished results are kept for everyone; a job nobody waits for any more is
abandoned.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

import streamlit as st

from ui.cache import cache_key, cached
from ui.state import is_presenting

WORKERS = 2  # jobs that compute at once; more wait in a queue (2 cores: see BENCHMARKS.md)
KEEP_RESULTS = 48  # finished results kept for all sessions (oldest dropped first)
ABANDON_AFTER = 10.0  # s: a job nobody has waited on for this long is abandoned (left the page, moved a slider on)
_STOPPED = "_ui_stopped"  # job key -> partial result this session chose to keep


class Stopped(Exception):
    """Raised inside a job's `on_progress` once someone pressed its Stop button, or once nobody waits for
    the job any more."""


@dataclass
class Job:
    label: str
    started: float = field(default_factory=time.time)
    fraction: float = 0.0
    partial: Any = None  # latest snapshot reported by the job (optional)
    stop: threading.Event = field(default_factory=threading.Event)
    future: Future | None = None
    seen: float = field(default_factory=time.time)  # when a session last waited on it
    abandoned: bool = False
    expected: float | None = None  # s: how long the same function's last finished run took, if any

    def watched(self) -> bool:
        """Someone waited on this job within ABANDON_AFTER seconds. A visitor who moves a slider three
        times would otherwise leave two runs computing for nobody, and everyone queues behind them."""
        if not self.abandoned and time.time() - self.seen > ABANDON_AFTER:
            self.abandoned = True
        return not self.abandoned

    def on_progress(self, fraction: float, partial: Any = None) -> None:
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        if partial is not None:
            self.partial = partial
        if self.stop.is_set() or not self.watched():
            raise Stopped(self.label)

    def eta(self) -> float | None:
        """Seconds left: from the job's own progress once it has some, before that from how long the
        same function took last time (so a visitor sees an estimate from the start), else unknown."""
        spent = time.time() - self.started
        if self.fraction > 0.02:
            return spent / self.fraction - spent
        return max(self.expected - spent, 0.0) if self.expected is not None else None


class Jobs:
    def __init__(self, workers: int = WORKERS):
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="gallery-job")
        self.running: dict[Hashable, Job] = {}
        self.results: OrderedDict[Hashable, Any] = OrderedDict()
        self.durations: dict[Hashable, float] = {}  # function (where it is written) -> last full run, s

    def get(self, key: Hashable) -> tuple[bool, Any]:
        with self.lock:
            if key in self.results:
                self.results.move_to_end(key)
                return True, self.results[key]
        return False, None

    def submit(self, key: Hashable, label: str, fn: Callable, args: tuple) -> Job:
        with self.lock:
            job = self.running.get(key)
            if job is not None:
                job.seen = time.time()
            if job is None or (job.abandoned and not job.stop.is_set()):  # not re-attached to a run winding down
                job = self.running[key] = Job(label, expected=self.durations.get(key[:3]))
                job.future = self.pool.submit(self._run, key, job, fn, args)
            return job

    def _run(self, key: Hashable, job: Job, fn: Callable, args: tuple) -> Any:
        job.started = time.time()  # queueing time is not computing time
        try:
            if not job.watched():  # queued, and everyone who asked has gone
                raise Stopped(job.label)
            result = fn(*args, on_progress=job.on_progress)
            with self.lock:
                self.durations[key[:3]] = time.time() - job.started
                # a stopped or abandoned run's partial result is not everyone's answer
                if not job.stop.is_set() and not job.abandoned:
                    self.results[key] = result
                    while len(self.results) > KEEP_RESULTS:
                        self.results.popitem(last=False)
            return result
        finally:
            with self.lock:
                if self.running.get(key) is job:  # (a fresh run may have replaced an abandoned one)
                    self.running.pop(key)

    def queued_before(self, job: Job) -> int:
        with self.lock:
            return sum(1 for j in self.running.values()
                       if j is not job and j.started < job.started and j.fraction == 0 and not j.abandoned)


@st.cache_resource(show_spinner=False)
def jobs() -> Jobs:
    return Jobs()


def _keep_stopped(key: Hashable) -> None:
    job = jobs().running.get(key)
    if job is not None:
        job.stop.set()
    st.session_state.setdefault(_STOPPED, {})[key] = None  # filled once the job has wound down


def _forget_stopped(key: Hashable) -> None:
    st.session_state.get(_STOPPED, {}).pop(key, None)


def computed(label: str, fn: Callable[..., Any], *args: Any, key: Hashable | None = None,
             show: Callable[[Any], None] | None = None, stoppable: bool = False) -> Any:
    """`fn(*args, on_progress=...)` computed once for all sessions, as a background job: a progress
    bar with a time estimate while it runs, `show(partial)` on every new snapshot the job reports with
    `on_progress(fraction, partial)`, and with `stoppable` a Stop button. `args` must be hashable
    plain values, or pass `key=` (plain values) that identifies them.

    A stopped job raises `Stopped` inside `on_progress`; a function that catches it and returns what
    it has (e.g. `demos.replay.record`) gives that partial result to this session only, with a button
    to run to the end."""
    ident = cache_key(fn, args if key is None else (key,))
    pool = jobs()
    done, result = pool.get(ident)
    if done:
        return result
    stopped = st.session_state.get(_STOPPED, {})
    if ident in stopped and stopped[ident] is not None:
        st.button("▶ Run to the end", on_click=_forget_stopped, args=(ident,), key=f"resume_{hash(ident)}")
        return stopped[ident]
    job = pool.submit(ident, label, fn, args)
    stop_slot = st.empty()  # the Stop button lives only while the job runs
    if stoppable and not job.future.done():
        stop_slot.button(f"⏹ Stop: {label.lower()}", on_click=_keep_stopped, args=(ident,),
                         key=f"stop_{hash(ident)}", help="Stops the computation and keeps what it has so far")
    bar, last = st.progress(0.0, text=f"{label}…"), None
    while True:
        while not job.future.done():
            job.seen = time.time()
            waiting = pool.queued_before(job)
            eta = job.eta()
            text = (f"{label}: queued behind {waiting} other computation(s)…" if waiting and job.fraction == 0
                    else f"{label}: {job.fraction:.0%}" + (f" · about {eta:.0f} s left" if eta is not None else ""))
            bar.progress(job.fraction, text=text)
            if show is not None and job.partial is not last:
                last = job.partial
                show(last)
            time.sleep(0.1)
        if not job.abandoned or job.stop.is_set():
            break
        job = pool.submit(ident, label, fn, args)  # this session was starved past ABANDON_AFTER: again
    bar.empty()
    stop_slot.empty()
    try:
        result = job.future.result()
    except Stopped:
        result = job.partial
    if job.stop.is_set():
        st.session_state.setdefault(_STOPPED, {})[ident] = result
        if result is not None:
            st.button("▶ Run to the end", on_click=_forget_stopped, args=(ident,), key=f"resume_{hash(ident)}")
    return result


def experiment(label: str, fn: Callable[..., Any], *args: Any, stored: Callable[..., Any] | None = None,
               command: str = "", **options: Any) -> Any:
    """`fn(*args)` from the results committed with the code when there is one (instant), else computed
    live as a job (`options`: `computed`'s show / stoppable); a button recomputes it live anyway.
    Committed results come from `demos.precomputed` (JSON by page, checked against the weights' sha256),
    or from `stored(*args)`, a page's own loader (e.g. recordings in .npz) that returns the result or
    None and was made by `command`. Under a committed result a line says what made it (not on a slide)."""
    from demos import precomputed

    live_key = f"_live_{label}{args!r}"  # (what is asked for, whichever function object answers it)
    if st.session_state.get(live_key):
        found = None
    elif stored is not None:
        result = cached(stored, *args, max_entries=8)
        found = None if result is None else (result, command)
    else:
        found = precomputed.lookup(fn, args)
    if found is None:
        return computed(label, fn, *args, **options)
    result, made_by = found
    if not is_presenting():
        weights = stored is None and precomputed.weights_of(fn)
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.caption(f"Precomputed by `{made_by}`" + (" with these exact weights." if weights else
                                                      ", from the same code and seed as a live run."))
        right.button("↻ Recompute live", key=f"{live_key}_button", type="tertiary",
                     on_click=lambda: st.session_state.update({live_key: True}))
    return result


def is_done(fn: Callable[..., Any], key: Hashable) -> bool:
    """Whether `computed(..., fn, ..., key=key)` has a result to show without computing: finished for
    everyone, running now, or stopped by this session."""
    ident = cache_key(fn, (key,))
    pool = jobs()
    running = pool.running.get(ident)  # (one read: a finishing job leaves the dict from another thread)
    return (pool.get(ident)[0] or (running is not None and not running.abandoned)
            or st.session_state.get(_STOPPED, {}).get(ident) is not None)
