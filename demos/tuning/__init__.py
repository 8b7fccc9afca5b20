"""The tuning page's logic, one module per view (pages/20_tuning.py):

- `trial`    one trial: three noisy spirals, the MLP, epoch-by-epoch Adam training; the search space;
             the committed table of learning curves and a live source that trains on demand
- `search`   grid, random, successive halving, Hyperband, TPE (Optuna) under one budget of epochs;
             Optuna's asynchronous pruning rule written out; a live search
- `hero`     the best-so-far band over seeds, hyperparameter importance, the hero's figures (search space,
             learning curves by stopping rung, band) and captions
- `clinic`   eight broken MNIST-5k trainings and the healthy one: symptoms, the reveal
- `checks`   the standard checks on a set-up: loss at init vs ln C, overfitting one batch, gradient norms
- `nas`      random architecture search over depth × width × activation; the Pareto front
- `lesson`   the lesson's answers, computed
"""
