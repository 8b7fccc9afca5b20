"""Shared fixtures. The whole suite runs with the network cut off (loopback only)."""
from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_DIR = Path(__file__).resolve().parent / "offline"
ARTIFACTS = ROOT / "test-artifacts"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")  # as the gallery runs (ui/compute.py, scripts/run.sh)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session", autouse=True)
def no_network():
    """Any non-loopback connection or DNS lookup raises for the whole session."""
    saved = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    spec = importlib.util.spec_from_file_location("offline_guard", OFFLINE_DIR / "sitecustomize.py")
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # patches socket
    yield
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = saved


@pytest.fixture(scope="session")
def mnist():
    from models.data import mnist_split
    return mnist_split()


@pytest.fixture(scope="session")
def mnist_cnn():
    from models import load_pretrained
    return load_pretrained("mnist_cnn")


@pytest.fixture(scope="session")
def effnet():
    from models import load_pretrained
    return load_pretrained("efficientnet_lite0")


def open_page(file: str, timeout: float = 60, **params: str):
    """Run a page the way a browser reaches it: through the entrypoint, then to the page, with the
    given URL query parameters. Returns the AppTest after the page's first run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=timeout).run()
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(file).run()


def captions(at) -> list[str]:
    """Captions of the page body (the sidebar's navigation labels are captions too)."""
    return [c.value for c in at.main.caption]


def plotly_specs(at) -> list[dict]:
    import json
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def plotly_array(value):
    """A data array from a Plotly figure's JSON (plain list or base64 typed array)."""
    import base64

    import numpy as np
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return data.reshape(shape) if shape else data
    return np.array(value, dtype=float)


from browser_support import browser, server  # noqa: E402,F401  (session fixtures for every browser test)
