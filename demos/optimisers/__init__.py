"""Gradient descent and its optimisers (pages/07_optimisers.py), one module per view:

- `surfaces`         the 2-D loss surfaces, their start points and settings, the noisy quadratic's data
- `rules`            the update rules by hand and the real torch.optim classes stepped on a surface
- `race`             the race, recorded and replayed; its results, figure and caption
- `theory`           the quadratic's rates, stability limits and best settings vs the race; why a run diverged
- `sensitivity`      each optimiser over a grid of learning rates
- `bias_correction`  Adam's first steps with and without bias correction
- `batch_size`       batch sizes 1, 32 and 3,500 on digits: iterations per epoch, equal epochs vs equal time
- `gradient_noise`   a mini-batch gradient's error vs batch size, measured and by formula
- `scaling`          feature scaling: raw vs standardised feature in a linear fit
- `schedules`        learning-rate schedules (torch.optim.lr_scheduler) and one run under each
- `range_test`       the LR range test (Smith 2017)
- `saddles`          why critical points in high dimensions are mostly saddles
- `committed`        the digit experiments' default runs, committed (train/precompute_optimisers.py)
"""
