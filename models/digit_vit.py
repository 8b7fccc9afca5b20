"""A tiny Vision Transformer for 28 × 28 digits (Dosovitskiy et al. 2021): the digit is cut into 7 × 7
patches, each flattened and projected to a token, a learned CLS token is prepended, learned position
embeddings are added, and pre-norm Transformer blocks mix the tokens; the CLS token's final state is
classified. Attention is written out so `forward` can return every layer's weights. A CNN with a
similar number of weights (`DigitCnnSmall`) is the comparison."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from models.mnist_cnn import normalise


@dataclass(frozen=True)
class DigitVitConfig:
    patch: int = 7  # px; 28 / 7 = 4 -> a 4 x 4 grid of 16 patches
    dim: int = 32  # token width
    heads: int = 2  # attention heads per layer (dim / heads each)
    layers: int = 3  # Transformer blocks
    mlp: int = 64  # hidden width of each block's MLP
    num_classes: int = 10


def patchify(images: torch.Tensor, patch: int) -> torch.Tensor:
    """(B, C, H, W) -> (B, N, C·p·p) patches in row-major order (N = (H/p)·(W/p))."""
    b, c, h, w = images.shape
    x = images.reshape(b, c, h // patch, patch, w // patch, patch)  # (B, C, gh, p, gw, p)
    return x.permute(0, 2, 4, 1, 3, 5).reshape(b, (h // patch) * (w // patch), c * patch * patch)


def unpatchify(patches: torch.Tensor, patch: int, channels: int, side: int) -> torch.Tensor:
    """The inverse of `patchify`: (B, N, C·p·p) -> (B, C, side, side)."""
    b, g = patches.shape[0], side // patch
    x = patches.reshape(b, g, g, channels, patch, patch).permute(0, 3, 1, 4, 2, 5)
    return x.reshape(b, channels, side, side)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads, self.qkv, self.proj = heads, nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # (B, H, T, d/H)
        weights = torch.softmax(q @ k.transpose(-2, -1) / (d // self.heads) ** 0.5, dim=-1)  # (B, H, T, T)
        return self.proj((weights @ v).transpose(1, 2).reshape(b, t, d)), weights


class Block(nn.Module):
    def __init__(self, c: DigitVitConfig):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(c.dim), Attention(c.dim, c.heads)
        self.norm2 = nn.LayerNorm(c.dim)
        self.mlp = nn.Sequential(nn.Linear(c.dim, c.mlp), nn.GELU(), nn.Linear(c.mlp, c.dim))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a, weights = self.attn(self.norm1(x))
        x = x + a
        return x + self.mlp(self.norm2(x)), weights


class DigitVit(nn.Module):
    def __init__(self, config: DigitVitConfig = DigitVitConfig()):
        super().__init__()
        self.config = config
        c, n = config, (28 // config.patch) ** 2
        self.embed = nn.Linear(c.patch * c.patch, c.dim)
        self.cls = nn.Parameter(torch.zeros(1, 1, c.dim))
        self.position = nn.Parameter(torch.randn(1, n + 1, c.dim) * 0.02)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.layers))
        self.norm, self.head = nn.LayerNorm(c.dim), nn.Linear(c.dim, c.num_classes)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """images (B, 1, 28, 28) in [0, 1] -> logits (B, 10) and attention (layers, B, heads, 17, 17);
        token 0 is CLS, tokens 1..16 the patches in row-major order."""
        x = self.embed(patchify(normalise(images), self.config.patch))  # (B, 16, dim)
        x = torch.cat([self.cls.expand(len(x), -1, -1), x], 1) + self.position  # (B, 17, dim)
        maps = []
        for block in self.blocks:
            x, w = block(x)
            maps.append(w)
        return self.head(self.norm(x[:, 0])), torch.stack(maps)


class DigitCnnSmall(nn.Module):
    """Three 3 × 3 conv layers, global average pooling and a linear layer: about the ViT's size."""

    def __init__(self, config: DigitVitConfig = DigitVitConfig()):
        super().__init__()
        self.config = config
        self.features = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, 16, 14, 14)
                                      nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, 32, 7, 7)
                                      nn.Conv2d(32, 64, 3, padding=1), nn.ReLU())  # (B, 64, 7, 7)
        self.head = nn.Linear(64, config.num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(normalise(images)).mean((2, 3)))
