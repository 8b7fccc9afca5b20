"""Prediction vs shift on the trained digit CNN, and the chart's series and caption."""
import pytest

from demos.convolutions import shifts

pytestmark = pytest.mark.filterwarnings("ignore")


def test_prediction_vs_shift(mnist, mnist_cnn):
    x, y = mnist.balanced_test(50)
    sweep = shifts.prediction_vs_shift(mnist_cnn, x, y, [-6, 0, 6])
    assert sweep["accuracy"][1] >= 0.95 and min(sweep["accuracy"][0], sweep["accuracy"][2]) < sweep["accuracy"][1]
    assert shifts.prediction_vs_shift(mnist_cnn, x, None, [0])["accuracy"] == [1.0]  # its own unshifted answers
    seen = []
    shifts.prediction_vs_shift(mnist_cnn, x[:10], None, [-1, 0, 1], on_progress=seen.append)
    assert seen == pytest.approx([1 / 3, 2 / 3, 1])


def test_shift_chart_and_caption():
    moves = shifts.SHIFTS["digits"]  # -6 … 6: index 6 is unshifted, index 1 is 5 px left, -2 is 5 px right
    assert moves[len(moves) // 2] == 0 and (moves[1], moves[-2]) == (-5, 5)
    sweep = {"accuracy": [i / 12 for i in range(13)]}
    mine = {"probability of the label": [0.9] * 5 + [0.2] * 8}
    text = shifts.shift_caption(moves, sweep, mine, "7")
    # 6/12 = 50%, 11/12 = 92%, 1/12 = 8%; 5 shifts above 50%
    assert text == ("Unshifted: 50%; shifted 5 px right: 92%, 5 px left: 8%. Your image keeps “7” as the answer "
                    "at 5 of 13 shifts (probability above 50%).")
    assert shifts.set_name(True, 100) == "100 held-out digits" and shifts.set_name(False, 6) == "6 bundled photos"
    fig = shifts.shift_figure(moves, sweep, mine, "7", "100 held-out digits", True, "Digit CNN")
    assert [t.name for t in fig.data] == ["accuracy, 100 held-out digits", "your image: probability of “7”"]
    photo = shifts.shift_figure(shifts.SHIFTS["photos"], sweep, mine, "espresso", "6 bundled photos", False, "E")
    assert photo.data[0].name == "agreement with the unshifted answer, 6 bundled photos"
    assert list(photo.data[0].x) == list(range(-48, 49, 8))
