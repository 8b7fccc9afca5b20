"""Generative models (pages/11_generative.py): a GAN trained live in 2-D and replayed, the optimal
discriminator, a conditional digit GAN, and a VAE beside a plain autoencoder.

- targets.py                the 2-D distributions to learn and coverage (regions captured, quality)
- losses.py                 the two MLP players and their losses: minimax, non-saturating, WGAN-GP, hinge
- gan_2d.py                 the hero: training recorded, its replay figure and caption, the presets
- committed.py              the presets' runs and the Saturation default, trained ahead of time (models/results/)
- saturation.py             the minimax loss's vanishing gradient, measured ("Saturation")
- optimal_discriminator.py  D* = p_data / (p_data + p_g) against a trained D in 1-D ("Optimal discriminator")
- digits.py                 digits tiled, nearest neighbours, Fréchet distance in the digit CNN's features
- digit_gan.py              the conditional DCGAN's samples, copies?, slerp and history ("Digits GAN")
- vae.py                    reparameterisation, KL, ELBO terms, encode/decode, what β trades ("VAE vs autoencoder")
- latent_space.py           the AE's and the VAE's 2-D maps: holes, decoded points, interpolation
"""
