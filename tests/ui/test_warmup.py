"""The server's background warm-up: what it loads, that it starts once, and that a model that fails
to load is recorded and left for its page (the loaders are stubs here: the real ones are the pages')."""
import threading

from ui import cache, warmup
from ui.catalogue import PAGES


def test_the_plan_covers_every_pages_models_and_demos_once():
    steps = warmup.plan()
    assert steps.index(("data", "mnist")) == len(PAGES)  # after the imports, before the models
    assert steps.index(("torch", "optimiser")) == len(PAGES) + 1  # before any model, so before any live run
    models = [name for kind, name in steps if kind == "model"]
    assert len(models) == len(set(models))  # a model two pages share loads once
    assert set(models) == {m for p in PAGES for m in p.models}
    assert [name for kind, name in steps if kind == "module"] == [f"demos.{p.slug}" for p in PAGES]


def test_it_starts_once_loads_the_plan_and_records_failures(monkeypatch):
    monkeypatch.setattr(warmup, "_STATUS", {"started": None, "finished": None, "loaded": [], "failed": []})
    monkeypatch.setenv("GALLERY_WARMUP", "1")
    asked = []
    monkeypatch.setattr(cache, "mnist", lambda: asked.append("mnist"))
    monkeypatch.setattr(warmup, "first_optimiser_step", lambda: asked.append("optimiser"))

    def load(name):
        asked.append(name)
        if name == "mnist_cnn_robust":
            raise FileNotFoundError(name)
    monkeypatch.setattr(cache, "load_shared", load)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name) or self.run())
    assert warmup.start() is True and warmup.start() is False  # the second call finds it started
    assert started == ["gallery-warm-up"]
    done = warmup.status()
    plan = warmup.plan()
    assert asked == ["mnist", "optimiser"] + [name for kind, name in plan if kind == "model"]
    assert done["failed"] == ["mnist_cnn_robust"] and len(done["loaded"]) == len(plan) - 1
    assert done["finished"] >= done["started"]


def test_it_is_off_where_the_environment_says_so(monkeypatch):
    monkeypatch.setattr(warmup, "_STATUS", {"started": None, "finished": None, "loaded": [], "failed": []})
    monkeypatch.setenv("GALLERY_WARMUP", "0")
    assert warmup.start() is False and warmup.status()["started"] is None


def test_the_optimiser_step_pays_what_a_first_optimiser_pays():
    """A fresh process: `import torch` leaves torch's compiler stack unloaded, the warm-up's step loads
    it (the seconds a page's first live training would otherwise spend before its first frame)."""
    import subprocess
    import sys

    code = ("import sys, torch; before = 'torch._dynamo' in sys.modules; from ui import warmup; "
            "warmup.first_optimiser_step(); print(before, 'torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
