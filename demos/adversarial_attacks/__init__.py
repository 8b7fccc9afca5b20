"""Adversarial attacks (pages/02_adversarial_attacks.py), one module per view or sub-concept:

- `attacks`         FGSM, BIM, PGD, MI-FGSM on one image or a batch; what the attack aims at; the flip in words
- `perceptibility`  how visible the change is: the perturbation drawn, L∞, L2, SSIM
- `robustness`      accuracy under PGD-10 vs ε for every digit model; one digit at every budget
- `transfer`        examples crafted on one model, tested on every model, per attack family
- `defences`        bit-depth squeezing vs the naive attack and BPDA, beside adversarial training
"""
