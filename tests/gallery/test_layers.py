"""The layer rule, read from the import graph (every `import`, lazy ones inside functions included):

    pages/ + streamlit_app.py  →  ui/  →  demos/  →  models/

- a file imports only its own layer or those below it; page scripts never import each other;
- streamlit is imported only by pages/, streamlit_app.py and ui/;
- in demos/, a page's package (`demos/<slug>/`, or `demos/<slug>.py`) imports only the shared kit
  (the other top-level modules of demos/), its own package and models/; the kit never imports a page's
  package; a page script imports only its own package from demos/ (plus the kit).
train/, bench/, scripts/ and tests/ sit beside the layers and may use any of them."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.support import ROOT
from ui.catalogue import PAGES

LAYERS = {"models": 0, "demos": 1, "ui": 2, "pages": 3}
OUTSIDE = ("train", "bench", "scripts", "tests")  # may import anything, are imported by no layer


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file; `from a import b` gives 'a.b' (b may be a
    module of package a), relative imports are resolved against the file's package."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + ((node.module,) if node.module else ())) \
                if node.level else node.module
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def owner(module: str, slugs: set[str]) -> tuple[str, str | None]:
    """(layer or top-level name, page slug inside demos/ or None) of a module name."""
    parts = module.split(".")
    if parts[0] == "streamlit_app":
        return "pages", None
    slug = parts[1] if parts[0] == "demos" and len(parts) > 1 and parts[1] in slugs else None
    return parts[0], slug


def violations(root: Path, slugs: set[str]) -> list[str]:
    """Every import in the four layers that breaks the rule, as 'file:line: what'."""
    problems = []
    files = [root / "streamlit_app.py"] + [p for layer in LAYERS for p in sorted((root / layer).rglob("*.py"))]
    for path in (p for p in files if p.is_file()):
        where = path.relative_to(root)
        layer, slug = owner(".".join(where.with_suffix("").parts), slugs)
        page_slug = where.stem.split("_", 1)[-1] if layer == "pages" and where.parts[0] == "pages" else None
        for line, module in imported_modules(path, root):
            target, target_slug = owner(module, slugs)
            at = f"{where}:{line}: {module}"
            if target == "streamlit" and layer not in ("pages", "ui"):
                problems.append(f"{at} (streamlit below ui/)")
            if target in OUTSIDE or (target in LAYERS and LAYERS[target] > LAYERS[layer]):
                problems.append(f"{at} (upward: {layer}/ may not import {target}/)")
            elif target == "pages" and layer == "pages":
                problems.append(f"{at} (a page script imports another page)")
            elif target == "demos" and target_slug is not None:
                if layer == "demos" and slug is None:
                    problems.append(f"{at} (the shared kit imports a page's package)")
                elif layer == "demos" and slug != target_slug:
                    problems.append(f"{at} (a sibling page's package)")
                elif layer == "pages" and page_slug != target_slug:
                    problems.append(f"{at} (another page's demos)")
    return problems


def test_the_gallery_keeps_its_layers():
    assert violations(ROOT, {p.slug for p in PAGES}) == []


def test_the_rule_catches_each_kind_of_break(tmp_path):
    tree = {
        "streamlit_app.py": "import ui\n",
        "pages/01_alpha.py": "import ui\nfrom demos import alpha, plots\nfrom demos.beta import walk\nimport pages\n",
        "ui/__init__.py": "import streamlit as st\nfrom demos import plots\nfrom train import common\n",
        "demos/__init__.py": "",
        "demos/plots.py": "from models import registry\nfrom demos.alpha import steps\n",
        "demos/alpha/__init__.py": "",
        "demos/alpha/steps.py": "from . import figures\nfrom demos import plots\nfrom demos.beta import walk\n",
        "demos/alpha/figures.py": "def draw():\n    import streamlit\n    import ui\n",
        "demos/beta.py": "from models import registry\n",
        "models/__init__.py": "",
        "models/registry.py": "from demos import plots\n",
    }
    for name, text in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = violations(tmp_path, {"alpha", "beta"})
    expected = [
        "pages/01_alpha.py:3: demos.beta.walk (another page's demos)",
        "pages/01_alpha.py:4: pages (a page script imports another page)",
        "ui/__init__.py:3: train.common (upward: ui/ may not import train/)",
        "demos/plots.py:2: demos.alpha.steps (the shared kit imports a page's package)",
        "demos/alpha/figures.py:2: streamlit (streamlit below ui/)",
        "demos/alpha/figures.py:3: ui (upward: demos/ may not import ui/)",
        "demos/alpha/steps.py:3: demos.beta.walk (a sibling page's package)",
        "models/registry.py:1: demos.plots (upward: models/ may not import demos/)",
    ]
    assert sorted(found) == sorted(expected)
