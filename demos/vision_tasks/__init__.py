"""Vision tasks beyond a label (pages/15_vision_tasks.py), one module per view:

- `scenes`         the seeded 64 px shape scenes: image, boxes, labels, per-pixel mask; splits by seed
- `boxes`          IoU and greedy NMS written out, stepped one suppression at a time
- `grid`           the one-stage detector's maths: k-means anchors, target assignment, loss, decoding
- `metrics`        AP / mAP@0.5 and PR curves; IoU and Dice per class; the soft Dice loss
- `tasks`          the hero: classification, detection and segmentation of one scene, drawn side by side
- `nms_view`       the IoU and NMS tab (IoU playground; NMS replayed in the browser)
- `detector_view`  the one-stage detector tab (grid and ownership, objectness, anchors, PR, training replay)
- `unet_view`      the U-Net tab (errors, IoU/Dice per class, skips zeroed or never trained, Dice vs CE)
- `lesson`         the lesson's answers, computed from the page's models
"""
