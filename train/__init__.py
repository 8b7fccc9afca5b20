"""Training scripts: `python -m train.<name>` rebuilds models/weights/<name>.safetensors + its card."""
