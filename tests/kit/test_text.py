"""demos.text: the one safe-text helper and the number formats captions share."""
import math

from demos.text import num, pow10, quote, signed


def test_quote_cuts_escapes_what_does_not_print_and_disarms_backticks():
    assert quote("short") == "short"
    assert quote("x" * 50) == "x" * 40 + "…"  # cut to 40, then an ellipsis
    assert quote("a`b") == "a'b"  # a backtick would close the message's code span
    assert quote("été 猫 🙂") == "été 猫 🙂"  # printable letters of any script stay
    assert quote("a\x00b\u202ec\u200bd\u00a0e\n") == "a\\x00b\\u202ec\\u200bd\\xa0e\\n"  # controls, bidi, zero-width, nbsp
    assert quote("abcdef", limit=3) == "abc…" and quote("abc", limit=3) == "abc"


def test_numbers_for_people_use_a_real_minus_and_three_significant_digits():
    assert num(-0.012345) == "−0.0123" and num(1234.5) == "1.23e+03" and num(0) == "0"
    assert num(2e-5) == "2.00e−05" and num(math.inf) == "—" and num(math.nan) == "—"
    assert signed(-0.25) == "−0.25" and signed(-0.001) == "0.00" and signed(1.5, ".1f") == "1.5"
    assert pow10(1e-6) == "10⁻⁶" and pow10(100) == "10²" and pow10(1) == "10⁰"
