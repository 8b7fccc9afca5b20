"""demos.text: the one safe-text helper and the number formats captions share."""
import math
import string

import pytest

from demos.text import WORD_JOINER, ascii_number, chart_text, literal, num, pow10, quote, shorten, signed


def test_shorten_cuts_and_escapes_what_does_not_print():
    assert shorten("short") == "short"
    assert shorten("x" * 50) == "x" * 40 + "…"  # cut to 40, then an ellipsis
    assert shorten("été 猫 🙂") == "été 猫 🙂"  # printable letters of any script stay
    assert shorten("a\x00b\u202ec\u200bd\u00a0e\n") == "a\\x00b\\u202ec\\u200bd\\xa0e\\n"  # controls, bidi, zero-width, nbsp
    assert shorten("abcdef", limit=3) == "abc…" and shorten("abc", limit=3) == "abc"
    assert shorten("<b>[x](y)") == "<b>[x](y)"  # plain text: no Markdown escaping


def test_quote_is_shorten_with_every_ascii_punctuation_backslashed():
    assert quote("short") == "short" and quote("x" * 50) == "x" * 40 + "…"
    assert quote("été 猫 🙂") == "été 猫 🙂"
    # each of the 32 ASCII punctuation characters gets one backslash; letters, digits, spaces none
    # (and "@" a word joiner after it, see below)
    assert quote(string.punctuation, limit=99) == "".join("\\" + c + WORD_JOINER * (c == "@") for c in string.punctuation)
    assert quote("![](//e.org/p)") == "\\!\\[\\]\\(\\/\\/e\\.org\\/p\\)"
    assert quote(":red[x] $y$") == "\\:red\\[x\\] \\$y\\$"
    assert quote("a\nb") == "a\\\\nb"  # the newline is first written \n, then its backslash escaped
    assert quote("a`b") == "a\\`b"  # a backtick is escaped, so it cannot open a code span


def test_literal_splits_bare_addresses_with_an_invisible_word_joiner():
    # GFM links www.x, http://x and a@b.c after reading escapes; U+2060 after www, "://"'s colon and @
    assert literal("www.e.org") == "www" + WORD_JOINER + "\\.e\\.org"
    assert literal("http://e") == "http\\:" + WORD_JOINER + "\\/\\/e"
    assert literal("a@b.c") == "a\\@" + WORD_JOINER + "b\\.c"
    assert literal("x: y") == "x\\: y"  # a colon not followed by // gets no joiner


def test_literal_removes_line_breaks_and_keeps_length_otherwise():
    assert literal("# h\n- item\r\n1. x") == "\\# h \\- item 1\\. x"  # no heading, list or numbered list
    assert literal("x" * 100) == "x" * 100  # no cut


def test_chart_text_writes_plotly_markup_characters_as_references():
    assert chart_text('<a href="//e.org">x</a> 5% & %{z}') == \
        '&#60;a href="//e.org"&#62;x&#60;/a&#62; 5&#37; &#38; &#37;{z}'
    assert chart_text("été [x](y)") == "été [x](y)"


def test_numbers_for_people_use_a_real_minus_and_three_significant_digits():
    assert num(-0.012345) == "−0.0123" and num(1234.5) == "1.23e+03" and num(0) == "0"
    assert num(2e-5) == "2.00e−05" and num(math.inf) == "—" and num(math.nan) == "—"
    assert signed(-0.25) == "−0.25" and signed(-0.001) == "0.00" and signed(1.5, ".1f") == "1.5"
    assert pow10(1e-6) == "10⁻⁶" and pow10(100) == "10²" and pow10(1) == "10⁰"


def test_ascii_number_takes_what_people_type_and_nothing_python_adds():
    assert [ascii_number(s) for s in ("1", "-2.5", ".5", "3e-4", "+1.", "1e309")] == [1, -2.5, 0.5, 3e-4, 1, math.inf]
    for raw in ("1_0", "\u0661\u0660", "\uff17", "\U0001d7d3", " 5", "5 ", "nan", "inf", "0x10", ""):
        with pytest.raises(ValueError):
            ascii_number(raw)  # float() takes the first eight of these
