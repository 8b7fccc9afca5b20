"""The project's hostile-input corpus, one place for every input of every page (issue #29, item 6).

Each corpus is fed through the real widget by a test; the table says which. A page that adds an input
adds a row here and a case to the test that reads it.

| input (page: widget, key)                              | corpus                    | size | test (through the real widget)                         |
|--------------------------------------------------------|---------------------------|------|--------------------------------------------------------|
| every URL-bound control of every page (URL value)      | PARAMS + MARKUP + NUMBERS | 27   | gallery/test_bad_input (PARAMS), gallery/test_hostile_corpus (all) |
| unknown URL parameter, any page                         | MARKUP                    | 7    | gallery/test_browser_hostile (rendered)                |
| backprop: text_area `expr`                              | TEXTS                     | 20   | gallery/test_hostile_corpus                            |
| backprop: text_area `values`                            | TEXTS                     | 20   | gallery/test_hostile_corpus, test_browser_hostile      |
| convolutions: text_area `grid` (typed=1)                | TEXTS                     | 20   | gallery/test_hostile_corpus, test_browser_hostile      |
| convolutions: text_area `weights` (kernel=custom)       | TEXTS                     | 20   | gallery/test_hostile_corpus                            |
| attention: text_area `text`                             | TEXTS                     | 20   | gallery/test_hostile_corpus (+ test_bad_input TEXTS)   |
| recurrent: text_area `prompt` (Text generation)         | TEXTS                     | 20   | gallery/test_hostile_corpus                            |
| recurrent: text_area `texts` (Padding and masking)      | TEXTS                     | 20   | gallery/test_hostile_corpus                            |
| transfer learning: text_area `sentences` (Zero-shot)    | TEXTS                     | 20   | gallery/test_hostile_corpus                            |
| transfer learning: text_area `labels` (Zero-shot)       | TEXTS                     | 20   | gallery/test_hostile_corpus                            |
| image uploaders (model zoo, adversarial, anomaly, style) | test_bad_input BAD + GOOD | 51 (34 in the browser) | gallery/test_bad_input, test_browser_hostile |
| playground: CSV uploader                                | CSV (BAD + HOSTILE + GOOD) | 40   | playground/test_datasets; 19 in playground/test_browser |
| Share menu: manifest restore                            | ui/test_share HOSTILE + MARKUP | 12 + 14 | ui/test_share, test_browser_hostile (4 + 14)   |
| file names of every upload                              | MARKUP                    | 7    | test_browser_hostile (rendered)                        |

Not yet reachable: the attention page's dates box (`st.text_input` without a key, not URL-bound)
goes through the seq2seq models' own character filter; teach-it-yourself uploads share the image gate.
"""
from __future__ import annotations

MARKUP = {  # strings Streamlit's Markdown would turn into markup if they were not escaped
    "image": "![](//example.org/p.png)",  # an <img>: the viewer's browser fetches the URL
    "link": "[click](//example.org)",
    "autolink": "www.example.org",
    "html": "<img src=//example.org/q.png>",
    "latex": "$\\frac{1}{2}$",
    "colour": ":red[red] :material/home:",
    "emphasis": "*em* _it_ `code`",
}
NUMBERS = {  # digits Python's float() reads but people do not type as numbers here
    "underscore": "1_0", "arabic-indic": "\u0661\u0660", "full-width": "\uff17", "mathematical": "\U0001d7d3",
    "padded": " 5 ", "hex": "0x10", "infinity": "Infinity", "exponent overflow": "1e309",
}
TEXTS = {  # what anyone can type into a text box
    **MARKUP,
    "heading and list": "# title\n- item\n1. first",
    "backslashes": "\\\\ \\n \\x00",
    "bidi override": "abc\u202edef",
    "zero-width and no-break spaces": "\u200b\u00a0\u3000\ufeff",
    "control characters": "\x00\x01\x1b[31m",
    "only spaces": "   \n\t ",
    "empty": "",
    "emoji and scripts": "🙂 猫 été \u0661\u0660",
    "very long": "9 " * 3000,  # over every max_chars: the widget itself cuts it
    "line separators": "1\u20282\u20293\r4\x855",
    "python": "__import__('os').system('id')",
    "sql": "1' OR '1'='1",
    "script": "<script>alert(1)</script>",
}
