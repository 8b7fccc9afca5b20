"""Backpropagation and gradient flow (pages/08_backprop.py), one module per view:

- `engine`       the scalar graph engine: forward, backward (+=), one gradient step, the three-way check
- `network`      a tiny 2-input network written as a graph
- `expressions`  user-typed expressions read through a whitelist over Python's AST (never evaluated)
- `walkthrough`  the passes frame by frame, the graph player and its caption (the hero)
- `activations`  activations and their derivatives through depth; the dead ReLUs of a trained MLP
- `flow`         deep MLPs at initialisation: init schemes, per-layer gradients and activations, presets
- `training`     the same MLPs trained with plain SGD, replayed in the browser
- `clipping`     a loss with a cliff: no clipping, clipping by norm, clipping by value
"""
