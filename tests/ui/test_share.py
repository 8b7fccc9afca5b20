"""ui.share: manifests are validated before use; hostile files are refused with a reason."""
import json

import pytest


def manifest(**params):
    return json.dumps({"page": "model_zoo", "params": params}).encode()


HOSTILE = {
    "not json": b"{nope",
    "not utf-8": b"\xff\xfe\x00{",
    "empty": b"",
    "a list": b"[1, 2, 3]",
    "no params": json.dumps({"page": "model_zoo"}).encode(),
    "params not a dict": json.dumps({"page": "model_zoo", "params": [1]}).encode(),
    "page not a string": json.dumps({"page": 7, "params": {}}).encode(),
    "another page": json.dumps({"page": "attention", "params": {"layer": "2"}}).encode(),
    "unknown page": json.dumps({"page": "../../etc", "params": {}}).encode(),
    "deep nesting": b'{"page": "model_zoo", "params": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "huge": manifest(digit="1" * 70_000),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_manifests_are_refused_with_a_reason(name):
    from ui.share import validate_manifest
    with pytest.raises(ValueError) as err:
        validate_manifest(HOSTILE[name], "model_zoo")
    assert str(err.value) and "Traceback" not in str(err.value)


def test_manifest_keys_that_are_not_this_pages_parameters_are_ignored_and_named():
    from ui.share import validate_manifest
    params, ignored = validate_manifest(manifest(digit="4", embed="true", EMBED_OPTIONS="x", **{"": "1"},
                                                 bogus="1", index=["list"], model=True), "model_zoo")
    assert params == {"digit": "4"}
    text = " ".join(ignored)
    for key in ("embed", "EMBED\\_OPTIONS", "(empty name)", "bogus", "index", "model"):  # quoted: _ escaped
        assert f"“{key}”" in text


def test_a_manifest_saved_with_a_byte_order_mark_is_read():
    from ui.share import validate_manifest
    params, ignored = validate_manifest(b"\xef\xbb\xbf" + manifest(digit="4"), "model_zoo")
    assert params == {"digit": "4"} and ignored == []
