"""Anomaly detection with autoencoders trained on one digit class (pages/03_anomaly_detection.py).

- scoring.py      the test mixture (held-out normals, other digits, corrupted digits) and each image's
                  reconstruction error: the anomaly score
- thresholds.py   the threshold (percentile or μ + kσ of normal validation errors), the confusion
                  counts, precision/recall/F1 and false alarms: the hero
- curves.py       ROC and precision–recall curves, AUROC and average precision ("ROC & PR")
- examples.py     the most and least anomalous test images ("Examples") and one uploaded image
                  ("Your image")
- latent.py       the autoencoders' codes in two principal components ("Latent space")
- time_series.py  a dense denoising AE on windows of a synthetic ECG ("Time series")
- compress.py     error vs bottleneck size for PCA (SVD), a linear AE and a non-linear AE, and the
                  principal angles between the linear AE's and PCA's subspaces ("Compress and denoise")
- denoise.py      noisy held-out digits through the plain and the denoising AE, scored by PSNR
                  ("Compress and denoise")
"""
