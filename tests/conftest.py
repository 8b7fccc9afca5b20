"""Shared fixtures, once for the whole suite. The suite runs with the network cut off (loopback
only) and single-threaded, as the gallery runs (ui/cache.py, scripts/run.sh). Plain helpers are in
tests/support.py; real-browser fixtures (`browser`, `server`) in tests/browser_support.py."""
from __future__ import annotations

import importlib.util
import os

import pytest

from tests.support import OFFLINE_DIR

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GALLERY_WARMUP", "0")  # each test loads what it needs; ui.warmup is tested on its own


BROWSER_FILES = "test_browser"  # every real-browser test lives in a tests/**/test_browser*.py file


def gallery_browser_file(nodeid: str) -> bool:
    """tests/gallery/test_browser*.py: the gallery-wide browser tests (every page, the home, lessons,
    concurrency, hostile input), the suite's longest unit of work."""
    return nodeid.startswith("tests/gallery/" + BROWSER_FILES)


def pytest_collection_modifyitems(items):
    """Browser tests run first, the gallery-wide ones before the pages' own (see
    pytest_xdist_make_scheduler), and only where their file name says."""
    for item in items:
        if item.get_closest_marker("browser") and not item.path.name.startswith(BROWSER_FILES):
            raise pytest.UsageError(f"{item.nodeid}: browser tests live in test_browser*.py files")
    items.sort(key=lambda item: (not gallery_browser_file(item.nodeid),  # stable: file order kept
                                 not item.path.name.startswith(BROWSER_FILES)))


if importlib.util.find_spec("xdist"):
    def pytest_xdist_make_scheduler(config, log):
        """`-n 2 --dist loadscope --no-loadscope-reorder` (scripts/test.sh): the gallery-wide browser
        files are one work unit, started first, so one worker takes them all in order with one Chromium
        and one server (their cold-render and concurrency readings see one server at a time). The other
        worker starts on the pages' own browser files, a module at a time, then the unit and AppTest
        files, which both workers share as they come free. At 17 pages one unit of every browser test
        made that worker the suite's tail (1,536 s against 1,008 s, test-artifacts/junit.xml). (xdist's
        own `loadgroup` marks do not take under pytest 9.)"""
        if config.getvalue("dist") != "loadscope":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class GalleryBrowserTestsOnOneWorker(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return "browser" if gallery_browser_file(nodeid) else super()._split_scope(nodeid)

        return GalleryBrowserTestsOnOneWorker(config, log)


@pytest.fixture(scope="session", autouse=True)
def no_network():
    """Any non-loopback connection or DNS lookup raises for the whole session."""
    import socket

    saved = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    spec = importlib.util.spec_from_file_location("offline_guard", OFFLINE_DIR / "sitecustomize.py")
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # patches socket
    yield
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = saved


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    """One thread per op, as the server runs: tiny networks are faster so, and results match the page."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def pretrained():
    """`pretrained(name)`: a registry model, loaded once for the whole suite (read-only, like the
    server's shared models: a test that needs to change one makes a copy)."""
    import functools

    from models import load_pretrained

    return functools.lru_cache(maxsize=None)(load_pretrained)


@pytest.fixture(scope="session")
def mnist():
    from models.data import mnist_split

    return mnist_split()


@pytest.fixture(scope="session")
def mnist_cnn(pretrained):
    return pretrained("mnist_cnn")


@pytest.fixture(scope="session")
def effnet(pretrained):
    return pretrained("efficientnet_lite0")


@pytest.fixture(scope="session")
def minilm(pretrained):
    return pretrained("minilm_l6")


from tests.browser_support import browser, server  # noqa: E402,F401  (session fixtures for every browser test)
