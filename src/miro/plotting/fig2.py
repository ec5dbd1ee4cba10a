"""Figure 2: example FOVs coloured by cluster (top) and per-FOV metric distributions (bottom), for one scenario."""

from __future__ import annotations

import math

from typing import Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from miro.errors import MiroInputError
from miro.plotting.panels import FIGURE2_METRICS, plot_fov_panels, plot_metric_distributions
from miro.plotting.style import PAPER_RC

__all__ = ["figure2"]


def figure2(
    xy,
    labels_by_method: Mapping[str, np.ndarray],
    per_fov_by_method: Mapping[str, pd.DataFrame],
    stars: Mapping[str, str] | None = None,
    scenario_title: str | None = None,
    *,
    title_by_method: Mapping[str, str] | None = None,
    metrics: Sequence[str] = FIGURE2_METRICS,
    noise_label: int = 0,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """One panel of the paper's Figure 2 for one scenario.

    Parameters
    ----------
    xy : array-like of shape (n, 2)
        Localizations of the example FOV, in nm.
    labels_by_method : mapping of str to array of shape (n,)
        Top row, left to right: e.g. ``{"DBSCAN": ..., "MIRO+DBSCAN": ...,
        "Ground truth": ...}``.
    per_fov_by_method : mapping of str to DataFrame
        Per-FOV metrics tables for the bottom row, e.g. ``{"DBSCAN": ...,
        "MIRO+DBSCAN": ...}``.
    stars : mapping of metric to str, optional
        Significance of the improvement per metric, e.g.
        ``dict(zip(cmp.metric, cmp.stars))`` for ``cmp`` from
        :func:`miro.evaluation.stats.compare_methods`.
    scenario_title : str, optional
        Figure title (e.g. "Scenario 8 blinking").
    title_by_method, noise_label
        Passed to :func:`~miro.plotting.panels.plot_fov_panels`.
    metrics : sequence of str, default ARI†, IoU, JI_c, RMSRE_N
        Bottom-row metrics.
    figsize : (float, float), optional
        Inches; default (7.2, 4.8) for up to four FOV panels, 7.2 in being a two-column
        journal width at which the :data:`~miro.plotting.style.PAPER_RC` font sizes
        (6.5–8 pt) are read at print size; 1.8 in wider per further panel.

    Returns
    -------
    matplotlib.figure.Figure
        ``len(labels_by_method) + len(metrics)`` axes: the FOV panels first,
        then the metric panels. Save it with :func:`~miro.plotting.saving.save_figure`.
    """
    n_top, n_bottom = len(labels_by_method), len(metrics)
    if n_top == 0 or n_bottom == 0:
        raise MiroInputError("figure2: need at least one FOV panel (labels_by_method) and one metric.")
    cols = math.lcm(n_top, n_bottom)
    figsize = figsize or (7.2 + 1.8 * max(0, n_top - 4), 4.8)
    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=figsize, layout="constrained")
        gs = fig.add_gridspec(2, cols, height_ratios=[1.3, 1.0])
        top = [fig.add_subplot(gs[0, i * cols // n_top:(i + 1) * cols // n_top]) for i in range(n_top)]
        bottom = [fig.add_subplot(gs[1, i * cols // n_bottom:(i + 1) * cols // n_bottom]) for i in range(n_bottom)]
        plot_fov_panels(top, xy, labels_by_method, title_by_method, noise_label=noise_label)
        plot_metric_distributions(bottom, per_fov_by_method, metrics, stars)
        if scenario_title:
            fig.suptitle(scenario_title, fontsize=9, fontweight="bold")
    return fig
