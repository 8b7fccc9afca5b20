"""The project's digit CNN (models/mnist_cnn.py) with its layers runnable in pieces, for transfer
learning: the frozen part (the trunk) runs once, the trainable rest runs at every step.

Same parameters and state-dict keys as `MnistCnn`; only three entry points are added. Layer indices
into `features` (width w):
    0 conv 1->w   1 conv w->w   2 max-pool   3 conv w->2w   4 conv 2w->2w   5 max-pool
so `stop=4` is "everything before the last conv layer" and `stop=6` is the whole convolutional part.
"""
from __future__ import annotations

import torch

from models.mnist_cnn import MnistCnn, MnistCnnConfig, normalise

__all__ = ["TransferCnn", "MnistCnnConfig", "CONV_LAYERS", "N_FEATURE_LAYERS"]

CONV_LAYERS = (0, 1, 3, 4)  # indices of the conv-BN-ReLU layers in `features`
N_FEATURE_LAYERS = 6  # len(features): stop=6 means the trunk is the whole convolutional part


class TransferCnn(MnistCnn):
    def trunk(self, images: torch.Tensor, stop: int) -> torch.Tensor:
        """images (B, 1, 28, 28) in [0, 1] -> the activations after features[:stop] (normalised
        first, as forward does): stop=0 gives the normalised images, stop=6 (B, 2w, 7, 7)."""
        return self.features[:stop](normalise(images))

    def rest(self, hidden: torch.Tensor, start: int) -> torch.Tensor:
        """What follows the trunk: features[start:] then the classifier -> logits (B, classes).
        rest(trunk(x, s), s) == forward(x) for every s."""
        return self.classifier(self.features[start:](hidden))

    def embed(self, images: torch.Tensor) -> torch.Tensor:
        """The penultimate representation the linear classifier reads: (B, 2w * 7 * 7)."""
        return self.trunk(images, N_FEATURE_LAYERS).flatten(1)
