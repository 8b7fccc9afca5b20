"""demos/recurrent/lesson.py: the gradient at the symbol against the page's own bound."""
from demos.recurrent import lesson


def test_the_vanilla_rnns_gradient_never_exceeds_rho_to_the_k():
    for rho in ("0.8", "1.0"):
        g = lesson.gradients_at_symbol({"rho": rho, "lag": "20"})
        assert g["rnn"] <= float(rho) ** 21 * 1.0001  # k = lag + 1 = 21 steps back; tanh' ≤ 1


def test_answers_read_the_same_numbers():
    g = lesson.gradients_at_symbol({"rho": "0.8"})
    assert lesson.rnn_below_1e3({"rho": "0.8"}) == ("Yes" if g["rnn"] < 1e-3 else "No")
    assert lesson.largest_at_symbol({"rho": "0.8"}) == lesson.NAMES[max(g, key=g.get)]
