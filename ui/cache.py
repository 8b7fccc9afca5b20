"""What every session of the server shares without recomputing: the models and data (loaded once,
read-only: no hooks, no `.train()`, no `requires_grad_` flips) and `cached`, quick results kept for
everyone under one key (`cache_key`: the function's identity and its arguments). Long computations are
jobs (`ui.jobs`), keyed the same way.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle OpenMP threads sleep instead of spinning

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

import streamlit as st
import torch
from PIL import Image

from demos import images

TORCH_THREADS = 1  # per op: every session is a thread of one process; see BENCHMARKS.md (concurrency)
torch.set_num_threads(TORCH_THREADS)


# ---------------------------------------------------------------- models and data (read-only!)
@st.cache_resource(show_spinner="Loading model…", max_entries=16)
def _load(name: str):
    from models import load_pretrained

    return load_pretrained(name)


def load_shared(name: str):
    """The shared copy of registry model `name`, loaded now if it is not yet (raises on a bad file:
    for the warm-up, which leaves the message to the page)."""
    return _load(name)


def model(name: str):
    """A registry model shared by every session: never mutate it. A weights file that fails its
    checksum stops this page with a message naming the file and how to restore it."""
    from models.registry import ChecksumError, title

    try:
        return _load(name)
    except (ChecksumError, FileNotFoundError) as err:
        st.error(f"**{title(name)}** cannot be loaded, so this view cannot run: {err}. The other pages "
                 "keep working.", icon="🧱")
        st.stop()


@st.cache_resource(show_spinner="Loading digits…")
def mnist():
    from models.data import mnist_split

    return mnist_split()


@st.cache_resource(show_spinner=False)
def photo(name: str) -> Image.Image:
    return images.photo(name)


# ---------------------------------------------------------------- identity of a computation
def cache_key(fn: Callable, args: tuple) -> tuple:
    """Identity of a computation: where `fn` is written (file, line, name), its bytecode and
    constants, the values it closes over, and the arguments. Two different lambdas never share a key
    (even on different pages that both run as __main__); the same one rerun always does."""
    code = fn.__code__
    closure = tuple(c.cell_contents for c in fn.__closure__ or ())
    key = (code.co_filename, code.co_firstlineno, code.co_qualname, code.co_code, repr(code.co_consts),
           fn.__defaults__, closure, args)
    try:
        hash(key)
    except TypeError as err:
        raise TypeError(f"{code.co_qualname}: arguments, defaults and closed-over values must be "
                        "hashable plain values; pass `key=` for the rest") from err
    return key


# ---------------------------------------------------------------- quick results, kept for everyone
@dataclass
class Memo:
    """Finished results of `cached`, per function (least recently used dropped first)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_function: dict[Hashable, OrderedDict] = field(default_factory=dict)


@st.cache_resource(show_spinner=False)
def memo() -> Memo:
    return Memo()


def cached(fn: Callable[..., Any], *args: Any, key: Hashable | None = None, max_entries: int = 32,
           spinner: str | None = None) -> Any:
    """`fn(*args)` computed once for every session and kept (the `max_entries` most recent calls of
    each function): the one cache for work that takes well under a second or two (slower work is a
    `computed` job). Results are shared by every visitor: read-only. `args` must be hashable plain
    values, or pass `key=` (plain values that identify them): tensors and recordings go as they are,
    no round trips through numpy. `spinner` shows a message while it computes."""
    ident = cache_key(fn, args if key is None else (key,))
    where, store = ident[:3], memo()
    with store.lock:
        results = store.by_function.setdefault(where, OrderedDict())
        if ident in results:
            results.move_to_end(ident)
            return results[ident]
    if spinner:
        with st.spinner(spinner):
            result = fn(*args)
    else:
        result = fn(*args)
    with store.lock:
        results[ident] = result
        while len(results) > max_entries:
            results.popitem(last=False)
    return result


# ---------------------------------------------------------------- jobs
