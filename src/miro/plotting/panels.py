"""Panels of Figure 2: one FOV coloured by each method's clusters, and per-FOV metric distributions.

The top row of Figure 2 shows, per scenario, one field of view (FOV) clustered
by DBSCAN alone, by DBSCAN after MIRO, and the ground truth
(:func:`plot_fov_panels`); the bottom row box plots with the per-FOV scatter
of ARI†, IoU, JI_c and RMSRE_N with significance stars from
:func:`miro.evaluation.stats.compare_methods` (:func:`plot_metric_distributions`).
"""

from __future__ import annotations

import textwrap
from typing import Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from miro._validation import check_xy_shape
from miro.errors import MiroInputError
from miro.plotting.style import (
    METHOD_PALETTE,
    METRIC_AXIS_LABELS,
    NOISE_COLOR,
    _length_label,
    _nice_length,
    cluster_colors,
)

__all__ = ["FIGURE2_METRICS", "plot_fov_panels", "plot_metric_distributions"]

#: Metrics of the bottom row of Figure 2.
FIGURE2_METRICS: tuple[str, ...] = ("ARI_dagger", "IoU", "JIc", "RMSRE_N")


def plot_fov_panels(
    ax_row: Sequence,
    xy,
    labels_by_method: Mapping[str, np.ndarray],
    title_by_method: Mapping[str, str] | None = None,
    *,
    noise_label: int = 0,
    marker_size: float = 1.5,
    scale_bar: bool = True,
) -> None:
    """Scatter one FOV once per method, coloured by the method's clusters.

    Parameters
    ----------
    ax_row : sequence of Axes
        One axes per entry of ``labels_by_method``, in the same order.
    xy : array-like of shape (n, 2)
        Localization coordinates in nm (the *original* positions, also for
        MIRO, whose labels are drawn on the unmoved localizations as in the paper).
    labels_by_method : mapping of str to array of shape (n,)
        Cluster labels per panel, e.g. ``{"DBSCAN": ..., "MIRO+DBSCAN": ...,
        "Ground truth": ...}``.
    title_by_method : mapping of str to str, optional
        Panel titles; the method key by default.
    noise_label : int, default 0
        Label of non-clustered localizations, drawn small and grey underneath.
    marker_size : float, default 1.5
        Marker area in points² (clusters; noise uses 60 % of it).
    scale_bar : bool, default True
        Draw a 1-2-5 scale bar (about a fifth of the FOV width) and hide the
        axes; if False, show the axes in nm instead.

    Raises
    ------
    MiroInputError
        If shapes disagree or the number of axes differs from the number of methods.
    """
    xy = check_xy_shape(xy)
    ax_row = list(np.ravel(ax_row))
    if len(ax_row) != len(labels_by_method):
        raise MiroInputError(
            f"ax_row: got {len(ax_row)} axes for {len(labels_by_method)} methods {list(labels_by_method)}."
        )
    titles = dict(title_by_method or {})
    lo, hi = (xy.min(axis=0), xy.max(axis=0)) if len(xy) else (np.zeros(2), np.ones(2))
    pad = 0.02 * max(float(np.max(hi - lo)), 1e-9)
    for ax, (method, labels) in zip(ax_row, labels_by_method.items()):
        labels = np.asarray(labels)
        if labels.shape != (len(xy),):
            raise MiroInputError(
                f"labels_by_method[{method!r}]: expected {len(xy)} labels (one per localization), got shape {labels.shape}."
            )
        noise = labels == noise_label
        colors = cluster_colors(labels, noise_label)
        ax.scatter(*xy[noise].T, s=0.6 * marker_size, c=NOISE_COLOR, lw=0, rasterized=True, zorder=1)
        ax.scatter(*xy[~noise].T, s=marker_size, c=colors[~noise], lw=0, rasterized=True, zorder=2)
        ax.set_xlim(lo[0] - pad, hi[0] + pad)
        ax.set_ylim(lo[1] - pad, hi[1] + pad)
        ax.set_aspect("equal")
        # five or more panels side by side: long titles on two lines
        title = titles.get(method, method)
        ax.set_title("\n".join(textwrap.wrap(title, 18)) if len(ax_row) >= 5 else title)
        if scale_bar:
            length = _nice_length(float(hi[0] - lo[0]))
            bar = AnchoredSizeBar(
                ax.transData, length, _length_label(length), "lower right",
                pad=0.25, borderpad=0.3, sep=2, frameon=True, size_vertical=0,
                fontproperties={"size": mpl.rcParams["xtick.labelsize"]},
            )
            bar.patch.set(facecolor="white", alpha=0.8, edgecolor="none")  # readable over points
            ax.add_artist(bar)
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_linewidth(0.5)
                spine.set_color("0.6")
        else:
            ax.set_xlabel("x (nm)")
            ax.set_ylabel("y (nm)")


def _bracket(ax, x1: float, x2: float, y: float, height: float, text: str) -> None:
    ax.plot([x1, x1, x2, x2], [y, y + height, y + height, y], color="0.15", lw=0.7, clip_on=False)
    ax.text((x1 + x2) / 2, y + height, text, ha="center", va="bottom", fontsize=mpl.rcParams["font.size"])


def _tick_label(name: str) -> str:
    """A method name on lines of at most 9 characters, broken at spaces and after '+'."""
    return "\n".join(textwrap.wrap(name.replace("+", "+ "), 9)) if len(name) > 8 else name


def plot_metric_distributions(
    axes: Sequence,
    per_fov_by_method: Mapping[str, pd.DataFrame],
    metrics: Sequence[str] = FIGURE2_METRICS,
    stars: Mapping[str, str] | None = None,
    *,
    pair: tuple[str, str] | None = None,
    palette: Sequence[str] | None = None,
    seed: int = 0,
) -> None:
    """Box plot plus jittered per-FOV scatter of each metric, one axes per metric.

    Parameters
    ----------
    axes : sequence of Axes
        One axes per metric.
    per_fov_by_method : mapping of str to DataFrame
        Per-FOV metrics tables (``fov`` plus metric columns) by method, in the
        left-to-right order of the boxes (the paper: DBSCAN, then MIRO + DBSCAN).
    metrics : sequence of str, default ARI†, IoU, JI_c, RMSRE_N
        Metric columns to show.
    stars : mapping of metric to str, optional
        Significance marks (``"****"`` ... ``"ns"``) drawn on a bracket over
        ``pair``; metrics without a mark or marked "n/a" get no bracket.
    pair : (str, str), optional
        The two methods the bracket joins; the first two methods by default.
    palette : sequence of colours, optional
        One colour per method; :data:`~miro.plotting.style.METHOD_PALETTE` by default.
    seed : int, default 0
        Seed of the horizontal jitter of the scatter.

    Notes
    -----
    As in the paper's caption: the central line is the median, the box spans
    the first to third quartiles, whiskers reach the most extreme points within
    1.5 × IQR, outliers are empty circles, and every FOV is a filled circle.
    NaN values are left out.
    """
    axes = list(np.ravel(axes))
    metrics = list(metrics)
    if len(axes) != len(metrics):
        raise MiroInputError(f"axes: got {len(axes)} axes for {len(metrics)} metrics {metrics}.")
    methods = list(per_fov_by_method)
    if not methods:
        raise MiroInputError("per_fov_by_method: no method given.")
    for method, table in per_fov_by_method.items():
        missing = [m for m in metrics if m not in getattr(table, "columns", [])]
        if missing:
            raise MiroInputError(f"per_fov_by_method[{method!r}]: missing metric column(s) {missing}.")
    if pair is None and len(methods) >= 2:
        pair = (methods[0], methods[1])
    if pair is not None and not set(pair) <= set(methods):
        raise MiroInputError(f"pair: {pair} must name two of the methods {methods}.")
    colors = list(palette or METHOD_PALETTE)
    colors = (colors * (len(methods) // len(colors) + 1))[: len(methods)]
    stars = dict(stars or {})
    rng = np.random.default_rng(seed)

    for ax, metric in zip(axes, metrics):
        values = [pd.to_numeric(per_fov_by_method[m][metric], errors="coerce").dropna().to_numpy(float) for m in methods]
        for i, (vals, color) in enumerate(zip(values, colors)):
            if vals.size == 0:
                continue
            ax.boxplot(
                vals, positions=[i], widths=0.55, patch_artist=True, manage_ticks=False, zorder=2,
                boxprops=dict(facecolor=mpl.colors.to_rgba(color, 0.18), edgecolor=color, lw=0.9),
                medianprops=dict(color=color, lw=1.3),
                whiskerprops=dict(color=color, lw=0.9),
                capprops=dict(color=color, lw=0.9),
                flierprops=dict(marker="o", markersize=3.5, markerfacecolor="none", markeredgecolor=color, markeredgewidth=0.7),
            )
            jitter = rng.uniform(-0.17, 0.17, vals.size)
            ax.scatter(i + jitter, vals, s=5, color=color, alpha=0.55, lw=0, zorder=3)
        ax.set_xticks(range(len(methods)), [_tick_label(m) for m in methods])
        ax.set_xlim(-0.6, len(methods) - 0.4)
        ax.set_ylabel(METRIC_AXIS_LABELS.get(metric, metric))
        sns.despine(ax=ax)
        mark = stars.get(metric)
        finite = np.concatenate([v for v in values if v.size] or [np.zeros(0)])
        if pair is not None and mark and mark != "n/a" and finite.size:
            top, bottom = float(finite.max()), float(finite.min())
            span = (top - bottom) or max(abs(top), 1.0) * 0.1
            y = top + 0.06 * span
            _bracket(ax, methods.index(pair[0]), methods.index(pair[1]), y, 0.03 * span, mark)
            ax.set_ylim(top=max(ax.get_ylim()[1], y + 0.17 * span))
