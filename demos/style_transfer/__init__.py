"""Neural style transfer (pages/04_style_transfer.py), one module per sub-concept:

- `inputs`        content and style sources (photos, procedural patterns, uploads), working size, two-style mix
- `optimisation`  Gatys et al.: content, style and TV losses, the optimiser's snapshots, its estimate and live view
- `gram`          the Gram matrix, style as numbers, for the style image and the result
- `fast`          the one-pass network (Magenta, Ghiasi et al. 2017)
- `colour`        keeping the photo's colours (luminance-only transfer, Gatys et al. 2016)
"""
