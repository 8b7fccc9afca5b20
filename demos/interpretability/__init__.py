"""Interpretability (pages/16_interpretability.py), one module per view or sub-concept:

- `methods`       six attribution methods in plain torch: gradient, gradient × input, SmoothGrad,
                  Integrated Gradients (+ baselines, completeness), Grad-CAM (a hook that lives in a
                  `with` block), occlusion
- `similarity`    how alike two maps are: Spearman rank correlation of |maps|, SSIM
- `hero`          the six maps of one input side by side, IG's completeness in words, which methods agree
- `sanity`        Adebayo et al.'s checks: cascading layer randomisation, the shuffled-label twin, an
                  edge detector as the baseline to beat
- `committed`     the Sanity-checks tab's default view, stored by `python -m train.interpretability_sanity`
                  and served only for that digit, class, settings and weights
- `faithfulness`  deletion and insertion curves and their areas, against a random order
- `adversarial`   an FGSM example (re-derived here) and how far each map moves on it
- `lesson`        the lesson's answers, computed from the page's own functions
"""
