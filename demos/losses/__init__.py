"""The softmax, losses and calibration page's logic, one module per view (pages/23_losses.py):

- `softmax`       the hero's logit playground: stable and naive softmax, cross-entropy and MSE with their logit gradients
- `objectives`    the loss zoo's losses on a batch (CE, MSE, focal, label smoothing, class weights)
- `zoo`           the small MLP trained on imbalanced digits with each loss, seeded and recorded; the committed runs
- `zoo_views`     the zoo's figures (per-class accuracy, confidence, margins, curves) and captions
- `calibration`   reliability diagram, ECE, temperature scaling on validation, shifted digits
- `regression`    MSE, MAE and Huber lines through data with outliers (least squares and IRLS)
- `information`   entropy, cross-entropy and KL as Colah's areas; forward vs reverse KL on two bumps
- `lesson`        the lesson's answers, computed
"""
