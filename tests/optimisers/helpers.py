"""Settings shared by the rule, race and sweep tests: each optimiser away from torch's defaults, so
every term of its update matters."""
NON_DEFAULT = {
    "sgd": {"lr": 1e-3},
    "momentum": {"lr": 7e-4, "momentum": 0.8},
    "nesterov": {"lr": 5e-4, "momentum": 0.95, "nesterov": True},
    "adagrad": {"lr": 0.3},
    "rmsprop": {"lr": 0.01, "alpha": 0.9},
    "adam": {"lr": 0.05, "betas": (0.8, 0.99)},
    "adamw": {"lr": 0.05, "betas": (0.85, 0.995), "weight_decay": 0.3},
}


def runners_for(names, **overrides):
    """Race entrants (name, sorted torch kwargs) with the NON_DEFAULT settings, some overridden."""
    return tuple((n, tuple(sorted((NON_DEFAULT[n] | overrides.get(n, {})).items()))) for n in names)
