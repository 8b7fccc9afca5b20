"""demos.precomputed: results committed beside the weights are found by the functions that made them,
wherever those functions live in their page's package (a moved module must not fall back to minutes of
live computation without anyone noticing)."""
import ast
import importlib
import json

import pytest

from demos import precomputed
from ui.catalogue import PAGES

STORES = sorted(p for p in precomputed.RESULTS_DIR.glob("*.json") if "entries" in json.loads(p.read_text()))


def page_function(slug: str, name: str):
    """The function called `name` in the page's demos (its package's modules, or its one module)."""
    page = next(p for p in PAGES if p.slug == slug)
    for path in page.demo_modules:
        module = importlib.import_module(".".join(path.relative_to(page.demos.parents[1]).with_suffix("").parts))
        fn = getattr(module, name, None)
        if callable(fn) and fn.__module__ == module.__name__:
            return fn
    raise LookupError(f"no function {name} in {page.demos}")


def test_there_are_stores_and_each_is_named_after_a_page():
    assert [p.stem for p in STORES] == ["adversarial_attacks", "attention", "optimisers", "recurrent"]
    for path in STORES:
        assert json.loads(path.read_text())["module"] == f"demos.{path.stem}"


@pytest.mark.parametrize("path", STORES, ids=lambda p: p.stem)
def test_every_stored_entry_is_found_by_its_function(path):
    store = json.loads(path.read_text())
    assert store["entries"]
    for key in store["entries"]:
        name, args = key.split("(", 1)
        fn = page_function(path.stem, name)
        args = ast.literal_eval(f"({args[:-1]},)") if args[:-1] else ()
        assert precomputed.store_name(fn) == path.stem
        assert precomputed.entry_key(fn, args) == key
        assert precomputed.lookup(fn, args) is not None, f"{key} would be computed live"


def test_a_function_outside_a_page_has_no_store():
    with pytest.raises(ValueError, match="not a page's demo function"):
        precomputed.store_name(json.dumps)
