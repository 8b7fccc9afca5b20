"""The Q-network of the reinforcement-learning page's DQN agent on CartPole: a small MLP from the
4 numbers of a CartPole state (x, ẋ, θ, θ̇) to one value per action, Q(s, push left), Q(s, push right)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class CartPoleDqnConfig:
    observations: int = 4  # x, ẋ, θ, θ̇ as the environment gives them (no scaling)
    hidden: int = 64  # units in each of the two hidden layers
    actions: int = 2  # push left, push right


class QNetwork(nn.Module):
    """state (B, 4) -> action values (B, 2): Linear-ReLU-Linear-ReLU-Linear (4·64+64 + 64·64+64 + 64·2+2
    = 4,610 parameters)."""

    def __init__(self, config: CartPoleDqnConfig = CartPoleDqnConfig()):
        super().__init__()
        self.config = config
        h = config.hidden
        self.net = nn.Sequential(nn.Linear(config.observations, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(),
                                 nn.Linear(h, config.actions))

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return self.net(states)
