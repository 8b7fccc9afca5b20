"""Security properties, checked on the code and the config rather than assumed."""
import re
import tomllib

from tests.support import ROOT

SOURCES = [p for d in ("pages", "demos", "models", "ui", "bench", "scripts") for p in (ROOT / d).rglob("*.py")]
SOURCES.append(ROOT / "streamlit_app.py")


def test_no_pickle_anywhere():
    for path in SOURCES:
        text = path.read_text()
        assert not re.search(r"^\s*import pickle|pickle\.load", text, re.M), path
        for call in re.findall(r"torch\.load\([^)]*\)", text):
            assert "weights_only=True" in call, f"{path}: {call}"


def test_html_is_never_built_from_user_content():
    for path in SOURCES:
        text = path.read_text()
        assert "unsafe_allow_html" not in text, path
        for call in re.findall(r"st\.html\(([^)]*)\)", text):
            # our own constants only: CSS, or (ui/lessons.py's arrow keys) a constant script
            assert re.fullmatch(r"_[A-Z_]+_CSS|_[A-Z_]+_JS, unsafe_allow_javascript=True", call.strip()), \
                f"{path}: st.html({call}) must be a constant"


def test_server_config_caps_uploads_and_keeps_xsrf():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert 0 < config["server"]["maxUploadSize"] <= 50
    from demos.images import MAX_UPLOAD_MB
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert config["server"]["fileWatcherType"] == "none"


def test_nothing_downloads_at_run_time():
    for path in SOURCES:
        text = path.read_text()
        for pattern in (r"urlopen\(", r"requests\.(get|post)", r"hf_hub_download", r"torch\.hub", r"download=True"):
            assert not re.search(pattern, text), f"{path} matches {pattern}"


def test_weights_are_safetensors_or_wheels():
    weights = ROOT / "models" / "weights"
    assert not list(weights.glob("*.pt")) and not list(weights.glob("*.pth")) and not list(weights.glob("*.pkl"))
    for meta in weights.glob("*.json"):
        stem = meta.stem
        assert (weights / f"{stem}.safetensors").exists() or "weights_source" in meta.read_text(), stem
