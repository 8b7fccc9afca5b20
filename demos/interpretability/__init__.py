"""Interpretability (pages/16_interpretability.py), one module per view:

- `methods`  six attribution methods in plain torch (gradient, gradient × input, SmoothGrad, IG, Grad-CAM, occlusion)
"""
