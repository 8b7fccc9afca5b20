"""Neural-network playground (pages/06_playground.py): an MLP trained live on 2-D data, digits or your
CSV, recorded once and replayed in the browser; the perceptron stepped by hand. Modules:

- `datasets`        the 2-D sets, the digits split, the CSV gate, the input features, the plotting grid
- `network`         the run's `Config`, the MLP (batch norm, inverted dropout, residual), optimisers, L1/L2
- `training`        the recorded training (snapshots, early stopping, step budget, linearity measure)
- `figures`         the hero player (boundary, neurons, loss, weights) and its captions; class colours
- `regularisation`  the "Dropout & batch norm" tab: both mechanisms up close, figures, captions
- `compare`         the "With vs without" tab: one regulariser on and off, figure, caption, overfit preset
- `export`          the "Export" tab: a runnable PyTorch script, safetensors, curves as CSV
- `stored`          the first visit's runs, committed (models/results/playground.json) so the page opens at once
- `perceptron`      the perceptron mode: Rosenblatt's rule, Novikoff's bound, the step player
"""
