"""Every place a user-controlled string reaches a Markdown message, listed (issue #29, item 1): each is
fed the Markdown, LaTeX, HTML and :colour[] corpus and must hold it only escaped (demos.text.quote or
literal), so Streamlit shows it as its own characters. The browser test (test_browser_hostile) checks
the rendering of the same strings; test_hostile_corpus checks every widget's whole run.

Entry points: URL values and unknown URL parameters (ui.state), manifest page and keys (ui.share), file
names (ui.blocks, checked in the browser), typed expressions and values (backprop), typed grids
(convolutions), CSV cells and labels (playground), zero-shot labels and sentences, attention tokens."""
from __future__ import annotations

import json
import string

import numpy as np
import pytest

from demos.text import literal
from tests.hostile_corpus import MARKUP


def escaped_only(message: str, hostile: str) -> bool:
    """No piece of `hostile` with a Markdown character appears in `message` except escaped."""
    pieces = [p for p in hostile.split() if len(p) >= 2 and set(p) & set(string.punctuation)]
    return not [p for p in pieces if p in message.replace(literal(p), "")]


def messages(hostile: str) -> dict[str, str]:
    """entry point -> the message it makes of `hostile`."""
    from demos.attention.heads import Shown, head_caption
    from demos.backprop import expressions
    from demos.backprop.engine import GraphError
    from demos.convolutions import kernels
    from demos.playground import datasets
    from demos.transfer_learning import zero_shot
    from ui.share import validate_manifest

    out = {}

    def caught(name, fn, errors):
        try:
            fn()
        except errors as err:
            out[name] = str(err)

    caught("backprop values", lambda: expressions.parse_values(f"a = {hostile}"), GraphError)
    caught("backprop value name", lambda: expressions.parse_values(f"{hostile} = 1"), GraphError)
    caught("backprop expression", lambda: expressions.expression_graph(hostile, {}), GraphError)
    caught("convolution grid", lambda: kernels.parse_grid(f"1 {hostile}"), kernels.GridError)
    caught("CSV cells", lambda: datasets.parse_csv(f"0,0,a\n{hostile.replace(',', ' ')},1,b\n1,1,a\n2,2,b\n".encode()),
           datasets.CsvError)
    caught("CSV labels", lambda: datasets.parse_csv(f"0,0,{hostile}\n1,1,x{hostile}\n2,2,c\n3,3,c\n".encode()),
           datasets.CsvError)
    caught("manifest page", lambda: validate_manifest(json.dumps({"page": hostile, "params": {}}).encode(), "model_zoo"),
           ValueError)
    out["manifest key"] = " ".join(validate_manifest(json.dumps({"page": "model_zoo", "params": {hostile: "1"}}).encode(),
                                                     "model_zoo")[1])
    sim = np.array([[0.9, 0.1], [0.2, 0.8]])
    out["zero-shot caption"] = zero_shot.similarity_caption(sim, [hostile, "b"], [hostile, "other"])
    tokens = ["[CLS]", hostile, hostile, "[SEP]"]
    weights = np.full((1, 1, 4, 4), 0.05)
    weights[0, 0, 1, 2] = 0.85
    out["attention caption"] = head_caption(Shown(tokens, weights, None, None), 1, 1)
    return out


@pytest.mark.parametrize("name", list(MARKUP))
def test_each_entry_point_holds_the_string_only_escaped(name):
    hostile = MARKUP[name]
    made = messages(hostile)
    assert len(made) >= 9, made.keys()  # every entry point made a message (none silently accepted it)
    for entry, message in made.items():
        assert escaped_only(message, hostile), (entry, message)
