"""A teacher's lesson through its link and its file (ui/lesson_files.py), and a corpus of broken or
hostile lessons that must give clear messages, never a traceback."""
from __future__ import annotations

import base64
import json
import zlib

import pytest

from demos.text import json_depth
from ui import lesson_data as ld
from ui import lesson_files as lf


def mixed() -> list[ld.Beat]:
    return [ld.Beat("optimisers", (("surface", "saddle"),), "A saddle: <b>look</b> [here](http://x)"),
            ld.Beat("convolutions", (("stride", "2"),), "Stride two, $x^2$"),
            ld.Beat("model_zoo", (), "")]


def test_a_teachers_lesson_round_trips_through_its_link_and_its_file():
    beats = mixed()
    token = lf.encode(beats)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), "URL-safe"
    assert lf.decode(token) == (beats, [])
    assert lf.from_json(lf.to_json(beats)) == (beats, [])
    assert lf.link_problem(token) is None


def test_a_lesson_too_long_for_a_link_says_so_and_its_file_still_works():
    import random
    rng = random.Random(0)  # random text does not compress, so the token grows with it
    beats = [ld.Beat("optimisers", (), "".join(rng.choice("abcdefghij klmnop") for _ in range(ld.MAX_SAY)))
             for _ in range(lf.MAX_BEATS)]
    token = lf.encode(beats)
    assert len(token) > lf.MAX_LINK_CHARS
    assert "share its JSON file instead" in lf.link_problem(token)
    assert lf.from_json(lf.to_json(beats))[0] == beats


def pack(obj) -> str:
    raw = obj if isinstance(obj, bytes) else (obj if isinstance(obj, str) else json.dumps(obj)).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


BROKEN_LINKS = {
    "not base64": ("%%%not*base64", "not base64url"),
    "not compressed": (base64.urlsafe_b64encode(b"plain text").decode().rstrip("="), "not compressed"),
    "bad JSON": (pack("{beats: ["), "not valid JSON"),
    "not a lesson": (pack({"page": "optimisers"}), "no list of “beats”"),
    "no beats": (pack({"beats": []}), "no beats"),
    "10,000 beats": (pack('{"beats":[' + ",".join(['{"page":"optimisers"}'] * 10_000) + "]}"), "10,000 beats"),
    "deep JSON": (pack("[" * 5000 + "]" * 5000), "nests deeper"),
    "zip bomb": (pack(b" " * 2_000_000), "unpacks to more than"),  # a ~2 kB link that inflates to 2 MB
    "not UTF-8": (pack(b"\xff\xfe{}"), "not UTF-8"),
    "unknown page only": (pack({"beats": [{"page": "../../etc/passwd", "params": {}}]}), "no page"),
    "cut short": (pack({"beats": [{"page": "optimisers"}]})[:-6], "cut short"),
    "empty": ("", "not base64url"),
    "huge token": ("A" * (lf.MAX_LINK_CHARS * 3), "characters long"),
}


@pytest.mark.parametrize("name", BROKEN_LINKS)
def test_a_broken_or_hostile_link_gets_a_clear_message(name):
    token, words = BROKEN_LINKS[name]
    with pytest.raises(ValueError) as err:
        lf.decode(token)
    assert words in str(err.value)


def test_a_file_of_10000_beats_is_refused_with_the_cap_named():
    with pytest.raises(ValueError, match=f"10,000 beats; a lesson has at most {lf.MAX_BEATS}"):
        lf.from_json(json.dumps({"beats": [{"page": "optimisers"}] * 10_000}))


def test_usable_beats_are_kept_and_every_bad_part_is_named():
    doc = {"beats": [
        {"page": "optimisers", "params": {"surface": "saddle", "bogus": "1", "present": "1", "kappa": [1]},
         "say": "x" * (ld.MAX_SAY + 5)},
        {"page": "no_such_page", "params": {}},
        "not a beat",
        {"page": "convolutions", "params": "stride=2", "say": 3},
        {"page": "attention", "params": {"text": "y" * (lf.MAX_VALUE_CHARS + 1)}},
    ]}
    beats, ignored = lf.from_json(json.dumps(doc))
    assert [b.page for b in beats] == ["optimisers", "convolutions", "attention"]
    assert beats[0].params == (("surface", "saddle"),) and len(beats[0].say) == ld.MAX_SAY
    assert beats[1].params == () and beats[1].say == "" and beats[2].params == ()
    text = " | ".join(ignored)
    for words in ("“bogus” is not a parameter", "“present” is not a parameter", "“kappa” is not text or a number",
                  "cut to 400", r"no page “no\_such\_page”", "beat 3 (no page named)", "not a name → value map",
                  "not text", "“text” is longer than"):  # names are Markdown-escaped (\_) and shown in quotes
        assert words in text, words
    assert not any(b.predict for b in beats), "a teacher's beat never carries code to run"


def test_json_depth_counts_brackets_outside_strings_only():
    # {"a": [1, {"b": "[[[{{"}]} : the object, the list, the inner object = 3; the string's brackets do not count
    assert json_depth('{"a": [1, {"b": "[[[{{"}]}') == 3
    # ["\"[[[["] : one list holding one string; the escaped quote does not end the string, so its
    # four brackets are text; then "\\" is a string of one backslash, and the bracket after it counts
    assert json_depth('["\\"[[[["]') == 1
    assert json_depth('"\\\\"[') == 1
    assert json_depth("plain") == 0 and json_depth("[" * 5000) == 5000
