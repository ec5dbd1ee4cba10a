"""The look shared by every figure: font sizes for print, colours of methods, clusters and noise, and scale-bar lengths."""

from __future__ import annotations

import math

import matplotlib as mpl
import numpy as np

__all__ = ["PAPER_RC", "METRIC_AXIS_LABELS", "NOISE_COLOR", "METHOD_PALETTE", "cluster_colors"]

#: Axis labels (matplotlib mathtext) of every metric id.
METRIC_AXIS_LABELS: dict[str, str] = {
    "ARI_dagger": r"ARI$^{\dagger}$",
    "IoU": "IoU",
    "JIc": r"JI$_{c}$",
    "RMSRE_N": r"RMSRE$_{N}$",
    "RMSE_xy": r"RMSE$_{x,y}$ (nm)",
    "AMI": "AMI",
    "ARI_c": r"ARI$_{c}$",
    "ARI": "ARI",
}

#: Font sizes for a two-column journal figure (~180 mm wide) read at print size.
PAPER_RC: dict[str, object] = {
    "font.size": 7,
    "axes.titlesize": 8,
    "axes.labelsize": 7,
    "xtick.labelsize": 6.5,
    "ytick.labelsize": 6.5,
    "legend.fontsize": 6.5,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "lines.linewidth": 0.8,
    "svg.fonttype": "none",  # keep text editable in SVG
}

NOISE_COLOR = "#bdbdbd"

#: Colours of the method boxes, in order (DBSCAN, MIRO + DBSCAN, ...).
METHOD_PALETTE: tuple[str, ...] = ("#8c8c8c", "#1f77b4", "#d62728", "#2ca02c")

# tab20 without its two greys, which would read as noise.
_CLUSTER_PALETTE = [c for i, c in enumerate(mpl.colormaps["tab20"].colors) if i not in (14, 15)]


def cluster_colors(labels, noise_label: int = 0, seed: int = 0) -> np.ndarray:
    """RGBA colour of every localization from its cluster label.

    Parameters
    ----------
    labels : array-like of int, shape (n,)
        Cluster label per localization; ``noise_label`` marks background.
    noise_label : int, default 0
        Label of non-clustered localizations (0, the benchmark convention), drawn grey.
    seed : int, default 0
        Seed of the shuffle that spreads the 18 qualitative colours over
        labels, so that clusters with consecutive ids rarely share a colour.

    Returns
    -------
    ndarray of shape (n, 4)
    """
    labels = np.asarray(labels)
    colors = np.empty((labels.size, 4))
    colors[:] = mpl.colors.to_rgba(NOISE_COLOR)
    clusters = np.unique(labels[labels != noise_label])
    if clusters.size:
        order = np.random.default_rng(seed).permutation(clusters.size)
        palette = np.array([mpl.colors.to_rgba(c) for c in _CLUSTER_PALETTE])
        lookup = palette[order % len(palette)]
        idx = np.searchsorted(clusters, labels)
        is_cluster = labels != noise_label
        colors[is_cluster] = lookup[idx[is_cluster]]
    return colors


def _nice_length(span: float) -> float:
    """Largest 1-2-5 × 10^k not above a fifth of ``span``."""
    target = span / 5.0
    if target <= 0 or not math.isfinite(target):
        return 1.0
    k = math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * 10**k <= target:
            return m * 10**k
    return 10**k


def _length_label(nm: float) -> str:
    return f"{nm / 1000:g} µm" if nm >= 1000 else f"{nm:g} nm"
