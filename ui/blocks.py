"""Building blocks pages share: a chart with its caption, the prediction panel, the one image
picker (held-out digit, bundled photo or upload) and the safe uploader."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import plotly.graph_objects as go
import streamlit as st
import torch
from PIL import Image

from demos import images
from demos.text import quote
from ui import cache
from ui.controls import select, slider
from ui.state import is_presenting, run_state, stage_scale


def chart(fig: go.Figure, summary: str, key: str | None = None, export: str | None = None,
          on_click: Callable[[dict], None] | None = None) -> None:
    """A Plotly figure with its one-line text summary underneath (what a presenter would say).
    PNG export is in the chart's own toolbar; `export` (a file stem) adds its numbers as JSON.
    An animated figure (frames + play/slider, `demos.replay`) plays in the browser: no reruns.
    `on_click(point)` (needs `key`) is called with the point a click selects (x, y, curve_number)."""
    if key is None:  # identical figures (e.g. two equal top-5 charts) need distinct element ids
        run = run_state()
        run["charts"] = run.get("charts", 0) + 1
        key = f"chart_{run['charts']}"
    if is_presenting():
        fig = _on_stage(fig)
    config = {"displaylogo": False, "toImageButtonOptions": {"scale": 2}}
    if on_click is None:
        st.plotly_chart(fig, key=key, config=config)
    else:
        def clicked() -> None:
            points = st.session_state[key].selection.points
            if points:
                on_click(dict(points[0]))
        st.plotly_chart(fig, key=key, config=config, on_select=clicked, selection_mode="points")
    if not is_presenting():  # on a slide the presenter says it; the chart keeps its alt text
        st.caption(summary)
        if export:
            from demos.plots import figure_numbers

            st.download_button("⬇ Numbers (JSON)", json.dumps(figure_numbers(fig)), f"{export}.json",
                               "application/json", key=f"{key}_export", type="tertiary")


STAGE_FONT = 16  # px: a chart's base type on a slide, read from the back of a room (Plotly's default: 12)
STAGE_MIN_FONT = 14  # px: no text on a slide is smaller (a figure's own smaller sizes are raised to it)


def _at_least(size, floor: float):
    """A Plotly font size (one number, a list of them, or None for 'inherit') raised to `floor`."""
    if size is None:
        return None
    if isinstance(size, (int, float)):
        return max(size, floor)
    return [max(v, floor) for v in size]


def _on_stage(fig: go.Figure) -> go.Figure:
    """The figure for a slide: base type STAGE_FONT px and no text under STAGE_MIN_FONT (trace text,
    frames' text, legends, annotations). A new figure built from the original's parts (copied: ~45 ms
    for a 60-frame replay); the original, maybe cached and shared with other sessions, is untouched."""
    stage = go.Figure(data=fig.data, layout=fig.layout, frames=fig.frames)
    stage.update_layout(font_size=max(fig.layout.font.size or 0, STAGE_FONT))
    if stage_scale() < 1:  # a lesson's beat bar takes part of the slide: the chart gives it the room
        stage.layout.height = round((fig.layout.height or 450) * stage_scale())
    if stage.layout.legend.font.size:
        stage.layout.legend.font.size = _at_least(stage.layout.legend.font.size, STAGE_MIN_FONT)
    for note in stage.layout.annotations:
        note.font.size = _at_least(note.font.size, STAGE_MIN_FONT)
    for trace in (*stage.data, *(t for f in stage.frames for t in f.data)):
        if "textfont" in trace and trace.textfont.size is not None:
            trace.textfont.size = _at_least(trace.textfont.size, STAGE_MIN_FONT)
        elif trace.type == "heatmap" and trace.texttemplate:  # else Plotly shrinks cell labels to fit
            trace.textfont.size = STAGE_MIN_FONT
    if stage.layout.sliders:  # a replay's player (demos.replay) moves down as the tick labels and title grow
        grow = 2 * (STAGE_FONT - 12)
        for control in (*stage.layout.sliders, *stage.layout.updatemenus):
            control.pad.t = (control.pad.t or 0) + grow
        stage.layout.margin.b = (stage.layout.margin.b or 0) + grow
    return stage


def prediction_panel(title: str, image: torch.Tensor, top5: Sequence[tuple[str, float]],
                     truth: str | None = None, note: str = "", height: int = 260) -> None:
    """An image (tensor (1, C, H, W) in [0, 1]) above its top-5 bars, each with a summary line."""
    from demos import plots

    best, p = top5[0]
    if is_presenting():  # a slide: the two charts fill ~450 px below the key controls
        height = 250
    chart(plots.image_figure(images.to_image(image), title, height=height),
          f"{title}: the model says “{best}” ({p:.0%}){note}.")
    chart(plots.topk_bars([n for n, _ in top5], [q for _, q in top5], highlight=truth,
                          height=200 if is_presenting() else 220),
          f"Top-5 classes for the {title.lower()} image" + (f"; the true class (orange) is {truth}." if truth else "."))


@dataclass(frozen=True)
class Picked:
    x: torch.Tensor  # (1, C, H, W) in [0, 1]: (1, 1, 28, 28) for digits, (1, 3, 224, 224) for photos
    truth: str | None  # the true label of a held-out digit, else None
    name: str  # what it is, for captions and cache keys ("digit 7, example 0", "coffee", "upload 3fa2…")


def image_picker(digits: bool, slots: dict[str, Any] | None = None,
                 prompt: str = "Upload a picture to use it.", sample_label: str | None = None) -> Picked:
    """The one image picker: a held-out digit (digit + example sliders), a bundled photo, or an
    upload made into a 28×28 digit or a 224-px photo. Controls go to `slots` ("source", "digit",
    "index", "photo": containers; default: a row of three columns). Stops the page with `prompt`
    while an upload is missing or unusable. URL keys: source, digit, index, photo."""
    if slots is None:
        row = st.columns(3)
        slots = {"source": row[0], "digit": row[1], "photo": row[1], "index": row[2]}
    with slots["source"]:
        # the same two labels whatever the model takes: a radio whose labels change under it (a digit
        # model switched for a photo one) was drawn with neither option selected
        source = select("Image", "source", ["sample", "upload"], widget="radio",
                        format_func={"sample": sample_label or "Ours", "upload": "Upload your own"}.get)
    if source == "upload":
        picture, name = image_upload("Upload an image", "upload")
        if picture is None:
            st.info(prompt)
            st.stop()
        return Picked(images.digit_input(picture) if digits else images.photo_input(picture), None, name)
    if digits:
        with slots["digit"]:
            digit = slider("Digit", "digit", 0, 9, 7)
        with slots["index"]:
            index = slider("Example", "index", 0, 99, 0, help="Which of the 100 held-out examples of this digit")
        data = cache.mnist()
        row = int((data.test_labels == digit).nonzero()[index])
        return Picked(data.test_images[row:row + 1], str(digit), f"digit {digit}, example {index}")
    with slots["photo"]:
        name = select("Photo", "photo", list(images.PHOTOS), format_func=lambda p: images.PHOTOS[p].title)
    return Picked(images.photo_input(cache.photo(name)), None, name)


def image_upload(label: str, key: str, help: str | None = None) -> tuple[Image.Image | None, str]:
    """An image uploader that never raises: (image, id) or (None, "") with a clear message for a bad
    file. Every image goes through `demos.images.load_image` (size, format and pixel caps)."""
    import hashlib

    file = st.file_uploader(label, type=list(images.UPLOAD_TYPES), key=key,
                            help=help or f"Any image up to {images.MAX_UPLOAD_MB} MB and "
                                         f"{images.MAX_PIXELS / 1e6:.0f} megapixels.")
    if file is None:
        return None, ""
    data = file.getvalue()
    try:
        picture = images.load_image(data)
    except images.ImageError as err:
        st.error(f"Could not use **{quote(file.name)}**: {err}", icon="🚫")
        return None, ""
    return picture, "upload " + hashlib.sha256(data).hexdigest()[:12]


def image_uploads(key: str, limit: int) -> tuple[list[Image.Image], list[str]]:
    """Several pictures through the safe uploader: one uploader, and another once it holds a picture
    (at most `limit`). Returns (images, their ids) of the uploads that could be used so far."""
    pictures, ids = [], []
    for j in range(limit):
        picture, upload_id = image_upload("Picture" if j == 0 else "Another (optional)", f"{key}_{j}")
        if picture is None:
            break
        pictures.append(picture)
        ids.append(upload_id)
    return pictures, ids


def file_upload(label: str, key: str, types: Sequence[str], read: Callable[[bytes], Any], prompt: str,
                errors: type[Exception] | tuple[type[Exception], ...] = ValueError) -> tuple[Any, str]:
    """The one uploader for data files (images go through `image_upload`): the file's bytes are read
    by `read`, a demos function that raises `errors` with a message for anything it cannot use. No
    file yet stops the page with `prompt`; an unusable file stops it with a message naming the file.
    Returns (what `read` made, the file's id)."""
    file = st.file_uploader(label, type=list(types), key=key)
    if file is None:
        st.info(prompt, icon="📄")
        st.stop()
    try:
        value = read(file.getvalue())
    except errors as err:
        st.error(f"Could not use **{quote(file.name)}**: {err}", icon="🚫")
        st.stop()
    return value, file.file_id


def download_json(label: str, data: dict, file_name: str) -> None:
    st.download_button(label, json.dumps(data, indent=2), file_name=file_name, mime="application/json")
