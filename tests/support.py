"""Plain helpers every test may import (`from tests.support import open_page, captions`): where the
repository is, how a page is opened with AppTest, and how to read what it shows. Fixtures live in
conftest.py; real-browser helpers in tests/browser_support.py."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_DIR = Path(__file__).resolve().parent / "offline"
ARTIFACTS = ROOT / "test-artifacts"


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
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def plotly_array(value) -> np.ndarray:
    """A data array from a Plotly figure's JSON (plain list or base64 typed array)."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return data.reshape(shape) if shape else data
    return np.array(value, dtype=float)


def show(at, view: str | None = None, url: dict[str, str] | None = None, timeout: float | None = None,
         **controls):
    """On an open page, as a visitor would: set controls (key -> value), put `url` values in the query
    string (read by controls a tab draws for the first time), open `view`, then rerun. Fails on an
    exception; returns the AppTest."""
    for key, value in controls.items():
        at.session_state[key] = value
    if url:
        at.query_params.update(url)
    if view:
        at.session_state["view"] = view
    at.run(timeout=timeout)
    assert not at.exception, at.exception
    return at


def digit_png() -> bytes:
    """A hand-drawn '1'-like stroke, dark ink on white paper as a photo of a note would be: an upload
    that the image gate accepts and the digit pages invert and centre (PNG bytes)."""
    import io

    from PIL import Image, ImageDraw
    picture = Image.new("L", (120, 160), 255)
    ImageDraw.Draw(picture).line([(60, 20), (60, 140)], fill=0, width=14)
    buf = io.BytesIO()
    picture.save(buf, "PNG")
    return buf.getvalue()
