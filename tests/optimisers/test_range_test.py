"""The LR range test (Smith 2017): a geometric learning-rate ramp, a suggestion inside it, and its
caption computed from the run."""
import math

import numpy as np

from demos.optimisers import range_test


def test_lr_range_test_grows_the_rate_and_suggests_one_inside_it():
    test = range_test.lr_range_test(0, steps=120)
    assert np.allclose(np.diff(np.log(test["lr"])), math.log(1e5) / 119)
    assert test["lr"][0] <= test["suggested"] <= test["min_loss_lr"]
    assert test["smooth"][np.searchsorted(test["lr"], test["min_loss_lr"])] < test["smooth"][0]
    text = range_test.range_caption(test)
    assert text.startswith(f"Over {len(test['lr'])} steps with a growing learning rate the smoothed loss fell fastest "
                           f"at η ≈ {test['suggested']:.2g} and was lowest at η ≈ {test['min_loss_lr']:.2g}")
    fig = range_test.range_figure(test)
    assert fig.layout.title.text == "LR range test (Smith 2017)"
    assert fig.layout.shapes[0].x0 == test["suggested"]
    # its label in log10 units, as Plotly places annotations on a log axis (add_vline put it at 10^η)
    assert fig.layout.annotations[0].x == math.log10(test["suggested"])
