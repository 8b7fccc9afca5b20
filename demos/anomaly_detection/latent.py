"""What the autoencoder keeps: each test image's 16-number code, projected onto its first two
principal components (PCA by SVD), coloured by group."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from demos import plots


def pca_2d(codes: np.ndarray) -> np.ndarray:
    """Project latent codes (N, D) onto their first two principal components, (N, 2)."""
    centred = codes - codes.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


def latent_figure(codes: np.ndarray, groups: list[str]) -> go.Figure:
    return plots.scatter_groups(pca_2d(codes), groups, "Latent codes, first two principal components",
                                x_title="PC 1", y_title="PC 2")


def latent_caption(codes: np.ndarray) -> str:
    return (f"Each point is one test image's {codes.shape[1]}-number code, projected to 2-D and coloured by "
            "group. Where the groups overlap the code alone cannot separate them; the decision rule here is "
            "the reconstruction error, not the code.")
