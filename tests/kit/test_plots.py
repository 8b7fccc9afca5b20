"""demos.plots: the figures two or more pages share."""
from demos.plots import figure_numbers, topk_bars


def test_figure_numbers_export_the_data():
    data = figure_numbers(topk_bars(["a", "b"], [0.7, 0.2], "t"))
    assert data["title"] == "t" and data["traces"][0]["x"] == [0.2, 0.7]
