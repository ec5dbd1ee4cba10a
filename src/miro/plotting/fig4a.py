"""Figure 4a: JIc of cluster pairs against their distance, one line per method, with an example pair."""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from miro.plotting.style import METHOD_PALETTE, METRIC_AXIS_LABELS, NOISE_COLOR, PAPER_RC

__all__ = ["figure4a"]


def _rank_colors(labels, noise_label: int = 0) -> np.ndarray:
    """Well-separated colours for the few clusters of one panel (tab10 by rank), grey for noise."""
    labels = np.asarray(labels)
    colours = np.tile(mpl.colors.to_rgba(NOISE_COLOR), (labels.size, 1))
    palette = mpl.colormaps["tab10"].colors
    for rank, value in enumerate(np.unique(labels[labels != noise_label])):
        colours[labels == value] = mpl.colors.to_rgba(palette[rank % len(palette)])
    return colours


def figure4a(
    summary: pd.DataFrame,
    example_xy,
    example_labels: Mapping[str, np.ndarray],
    example_distance: float,
    *,
    methods: Sequence[str] = ("DBSCAN", "MIRO+DBSCAN"),
    title: str | None = None,
) -> Figure:
    """Figure 4a: JIc of cluster pairs against their distance, one line per method.

    Parameters
    ----------
    summary : DataFrame
        Columns ``distance_sigma``, ``method``, ``mean``, ``sd`` (JIc over FOVs).
    example_xy : array-like of shape (n, 2)
        One example pair (nm), drawn below the curves.
    example_labels : mapping of str to array of shape (n,)
        Panel title → labels of the example (0 = not clustered), e.g. ground truth and each method.
    example_distance : float
        Distance of the example pair, in units of the cluster SD σ.
    methods : sequence of str
        Methods of ``summary`` to plot, in legend order.
    title : str, optional
        Title of the curve panel.
    """
    example_xy = np.asarray(example_xy, dtype=float)
    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=(7.0, 5.0), layout="constrained")
        grid = fig.add_gridspec(2, max(len(example_labels), 1), height_ratios=[1.4, 1.0])
        ax = fig.add_subplot(grid[0, :])
        for colour, method, marker, style in zip(METHOD_PALETTE, methods, ("s", "o", "^", "v"), ("--", "-", ":", "-.")):
            rows = summary[summary["method"] == method]
            ax.errorbar(rows["distance_sigma"], rows["mean"], yerr=rows["sd"], marker=marker, ms=3.5, capsize=2.5,
                        color=colour, linestyle=style, label=method)
        ax.set_xlabel(r"cluster distance $d/\sigma$")
        ax.set_ylabel(METRIC_AXIS_LABELS["JIc"])
        ax.set_ylim(0, 1.05)
        ax.legend(frameon=False, loc="lower right")
        if title:
            ax.set_title(title)
        for col, (panel_title, values) in enumerate(example_labels.items()):
            panel = fig.add_subplot(grid[1, col])
            panel.scatter(example_xy[:, 0], example_xy[:, 1], s=3, c=_rank_colors(values), linewidths=0)
            panel.set_aspect("equal")
            panel.set_xticks([])
            panel.set_yticks([])
            panel.set_title(f"{panel_title}, d = {example_distance:g}σ")
    return fig
