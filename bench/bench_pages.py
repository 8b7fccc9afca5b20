"""Every page in the catalogue: first render and the rerun after its main control changes (server
time: AppTest runs the script in this process as the server would)."""
from __future__ import annotations

from bench.common import Row, page_rerun
from ui.catalogue import PAGES

# slug -> (URL parameters, (widget kind, key, new value)) for the page's main control
MAIN_CONTROL = {
    "model_zoo": ({}, ("slider", "digit", 3)),
    "adversarial_attacks": ({"attack": "fgsm"}, ("slider", "eps", 0.2)),
    "anomaly_detection": ({}, ("slider", "q", 80.0)),
    "style_transfer": ({"size": "128", "steps": "20"}, ("slider", "style_w", 3.0)),
    "attention": ({}, ("slider", "head", 4)),
}


def run() -> list[Row]:
    rows = []
    for page in PAGES:
        params, change = MAIN_CONTROL.get(page.slug, ({}, None))
        if change is None:
            continue
        first, rerun = page_rerun(page.file, params, change)
        rows.append(Row(page.slug, "first render (server; models already loaded by earlier rows)", first))
        rows.append(Row(page.slug, f"rerun after `{change[1]}` changes", rerun, target="< 250 ms"))
    return rows
