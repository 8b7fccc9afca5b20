"""Data augmentation and self-supervised learning (page 17), one module per view or sub-concept:

- `transforms`  torchvision v2 transforms with one magnitude knob, chained, applied to an image with its
                box and mask (`tv_tensors`), the seed-locked grid, the pipeline exported as code
- `chain`       the chain builder's controls as data: default steps, presets, reading them into a chain
- `grid_view`   the hero's mosaic, boxes, masks and the digit CNN's "still the same label?" meter
- `mixing`      Mixup and CutMix with their soft labels, written out (draws in torchvision v2's order)
- `batch`       per-digit augmentation of whole batches (training runs, contrastive views)
- `helps`       the "Does it help?" runs: the digit CNN on 20-200 digits per class, with and without
- `helps_view`  their curves (replayed), the generalisation gap, which transforms help or hurt
- `contrastive` NT-Xent and the 2N × 2N similarity matrix, written out
- `probe`       the linear probe, label subsets, the supervised baseline
- `ssl_view`    the Self-supervised tab's figures and the committed probe results
- `tta`         test-time augmentation
- `lesson`      the lesson's answers
"""
