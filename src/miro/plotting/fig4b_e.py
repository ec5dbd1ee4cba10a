"""Figure 4b–e: nanoclusters of one FOV with zoomed regions, and histograms of their statistics over all FOVs."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from miro._validation import check_xy_shape
from miro.errors import MiroInputError
from miro.plotting.style import NOISE_COLOR, PAPER_RC, _length_label, _nice_length, cluster_colors

__all__ = ["FIGURE4_PALETTE", "figure4b_e"]

#: Colours of Fig. 4b–e, as in the paper: MIRO + DBSCAN orange, DBSCAN green.
FIGURE4_PALETTE: tuple[str, ...] = ("#f28e2b", "#3a9e4f")


def _add_scale_bar(ax, span_nm: float) -> None:
    length = _nice_length(span_nm)
    bar = AnchoredSizeBar(
        ax.transData, length, _length_label(length), "lower right",
        pad=0.2, borderpad=0.2, sep=1.5, frameon=True, size_vertical=0,
        fontproperties={"size": mpl.rcParams["xtick.labelsize"] - 1},
    )
    bar.patch.set(facecolor="white", alpha=0.8, edgecolor="none")
    ax.add_artist(bar)


def _histogram_edges(values: np.ndarray, bins: int, whole_numbers: bool) -> np.ndarray:
    """Edges of equal bins from 0 past ``values.max()``, ``bins`` of them up to the 99th percentile."""
    if values.size == 0:
        return np.linspace(0.0, 1.0, bins + 1)
    width = max(float(np.percentile(values, 99)), 1e-9) / bins
    if whole_numbers:
        width = max(1, math.ceil(width))
        return np.arange(0.5, values.max() + width + 0.5, width)
    return np.arange(0.0, values.max() + width, width)


def _plain_map(ax) -> None:
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_color("0.6")


def figure4b_e(
    clusters: pd.DataFrame,
    xy,
    labels_by_method: Mapping[str, np.ndarray],
    regions: pd.DataFrame,
    *,
    methods: Sequence[str] = ("MIRO+DBSCAN", "DBSCAN"),
    example_name: str | None = None,
    title: str | None = None,
    bins: int = 40,
) -> Figure:
    """Figure 4b–e: nanoclusters of one FOV with zoomed regions, and histograms of their statistics.

    (b) The example FOV clustered by the first method (clustered
    localizations opaque and coloured by cluster, non-clustered ones grey and
    semi-transparent) with numbered squares at ``regions``, and each region
    zoomed in, first method left, second right. (c–e) Histograms over all
    FOVs of cluster radius, localizations per cluster (logarithmic y-scale in
    the inset) and nearest-neighbour distance between cluster centres, one
    colour per method (:data:`FIGURE4_PALETTE`, MIRO orange and DBSCAN green
    as in the paper).

    Parameters
    ----------
    clusters : DataFrame
        Rows of :func:`miro.analysis.nanoclusters.cluster_statistics` of every FOV,
        with a ``method`` column (values of ``methods``).
    xy : array-like of shape (n, 2)
        Localizations of the example FOV (nm).
    labels_by_method : mapping of str to array of shape (n,)
        Labels of the example FOV for each of ``methods``, 0 = not clustered.
    regions : DataFrame
        Zoom windows, columns ``x_min``, ``x_max``, ``y_min``, ``y_max`` (nm),
        e.g. from :func:`miro.analysis.nanoclusters.example_regions`; may be empty.
    methods : sequence of str, default ("MIRO+DBSCAN", "DBSCAN")
        Methods to show, in legend order; the first colours the overview.
    example_name : str, optional
        Name of the example FOV (e.g. its file), in the overview's title.
    title : str, optional
        Figure title.
    bins : int, default 40
        Bins up to the 99th percentile of both methods' values; bins of the
        same width continue to the largest value, so long tails stay visible
        (localization counts: whole-number widths; the main panel of (d)
        stops at the 99th percentile and its log-scale inset shows all).

    Returns
    -------
    matplotlib.figure.Figure
        The overview first, then two axes per region, then the three
        histograms (the inset belongs to the second).

    Raises
    ------
    MiroInputError
        Missing columns or methods, or labels of the wrong length.
    """
    xy = check_xy_shape(xy)
    _check_inputs(clusters, len(xy), labels_by_method, regions, methods)
    colours = dict(zip(methods, FIGURE4_PALETTE * len(methods)))
    per_method = {m: clusters[clusters["method"] == m] for m in methods}
    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=(7.0, 6.6), layout="constrained")
        outer = fig.add_gridspec(2, 1, height_ratios=[1.45, 1.0])
        top = outer[0].subgridspec(1, 2, width_ratios=[1.0, 0.72] if len(regions) else [1.0, 1e-6])
        overview = fig.add_subplot(top[0])
        _overview(overview, xy, np.asarray(labels_by_method[methods[0]]))
        overview.set_title(f"b   {example_name or 'example FOV'}, {methods[0]} (faded: not clustered)", loc="left")
        if len(regions):
            _zoom_regions(fig, top[1], overview, xy, labels_by_method, regions, methods, colours)
        _histograms(fig, outer[1], per_method, methods, colours, bins)
        if title:
            fig.suptitle(title, fontsize=9, fontweight="bold")
    return fig


def _check_inputs(clusters: pd.DataFrame, n: int, labels_by_method, regions: pd.DataFrame, methods) -> None:
    """Refuse missing columns of ``clusters`` / ``regions``, missing methods and labels not of length ``n``."""
    missing = [c for c in ("method", "n_localizations", "radius_nm", "nn_distance_nm") if c not in clusters.columns]
    missing += [c for c in ("x_min", "x_max", "y_min", "y_max") if c not in regions.columns]
    if missing:
        raise MiroInputError(f"figure4b_e: missing column(s) {', '.join(missing)} in clusters / regions")
    for method in methods:
        if method not in labels_by_method:
            raise MiroInputError(f"labels_by_method: no labels for method {method!r}; give one array per method of {list(methods)}")
        if np.shape(labels_by_method[method]) != (n,):
            raise MiroInputError(f"labels_by_method[{method!r}]: expected {n} labels (one per localization), got shape {np.shape(labels_by_method[method])}")


def _overview(ax, xy: np.ndarray, labels: np.ndarray) -> None:
    """Panel b: clustered localizations coloured by cluster over faded non-clustered ones, with a scale bar."""
    clustered = labels > 0
    ax.scatter(*xy[~clustered].T, s=0.8, c=NOISE_COLOR, alpha=0.5, lw=0, rasterized=True)
    ax.scatter(*xy[clustered].T, s=1.2, c=cluster_colors(labels)[clustered], lw=0, rasterized=True)
    _plain_map(ax)
    if len(xy):
        _add_scale_bar(ax, float(np.ptp(xy[:, 0])))


def _zoom_regions(fig, spec, overview, xy: np.ndarray, labels_by_method, regions: pd.DataFrame, methods, colours) -> None:
    """Numbered squares on the overview, and each region zoomed in, one column per method (the first two)."""
    zoom = spec.subgridspec(len(regions), 2)
    for row, region in enumerate(regions.itertuples(index=False), start=1):
        width, height = region.x_max - region.x_min, region.y_max - region.y_min
        overview.add_patch(mpl.patches.Rectangle((region.x_min, region.y_min), width, height, fill=False, lw=0.7, ec="0.1"))
        overview.annotate(str(row), (region.x_max, region.y_max), xytext=(1, 1), textcoords="offset points",
                          fontsize=7, fontweight="bold")
        inside = ((xy[:, 0] >= region.x_min) & (xy[:, 0] <= region.x_max)
                  & (xy[:, 1] >= region.y_min) & (xy[:, 1] <= region.y_max))
        for col, method in enumerate(methods[:2]):
            ax = fig.add_subplot(zoom[row - 1, col])
            ax.scatter(*xy[inside].T, s=3, c=cluster_colors(np.asarray(labels_by_method[method])[inside]), lw=0, rasterized=True)
            ax.set_xlim(region.x_min, region.x_max)
            ax.set_ylim(region.y_min, region.y_max)
            _plain_map(ax)
            _add_scale_bar(ax, width)
            if row == 1:
                ax.set_title(method, color=colours[method])
            if col == 0:
                ax.set_ylabel(str(row), rotation=0, fontweight="bold", labelpad=6, va="center")


#: Histograms of Fig. 4c–e: cluster-statistics column, panel title, x label.
_HISTOGRAMS = (
    ("radius_nm", "c   cluster radius", "radius of gyration (nm)"),
    ("n_localizations", "d   localizations per cluster", "localizations per cluster"),
    ("nn_distance_nm", "e   nearest-neighbour distance", "distance between cluster centres (nm)"),
)


def _histograms(fig, spec, per_method: Mapping[str, pd.DataFrame], methods, colours, bins: int) -> None:
    """Panels c–e: one histogram per statistic, one colour per method; localizations per cluster with a log-scale inset."""
    bottom = spec.subgridspec(1, 3)
    for i, (column, panel_title, xlabel) in enumerate(_HISTOGRAMS):
        ax = fig.add_subplot(bottom[0, i])
        values = {m: per_method[m][column].dropna().to_numpy(dtype=float) for m in methods}
        pooled = np.concatenate([v for v in values.values()] + [np.zeros(0)])
        edges = _histogram_edges(pooled, bins, whole_numbers=column == "n_localizations")
        targets = [ax]
        if column == "n_localizations":
            inset = ax.inset_axes([0.45, 0.42, 0.52, 0.52])
            inset.set_yscale("log")
            inset.tick_params(labelsize=5)
            targets.append(inset)
            if pooled.size:
                ax.set_xlim(0, max(float(np.percentile(pooled, 99)), edges[1]))
        for method in methods:
            for target in targets:
                target.hist(values[method], bins=edges, histtype="stepfilled", color=colours[method], alpha=0.3, lw=0)
                target.hist(values[method], bins=edges, histtype="step", color=colours[method], lw=0.9,
                            label=f"{method} (n = {values[method].size})" if target is ax else None)
        ax.set_title(panel_title, loc="left")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("clusters")
        if i == 0:
            ax.legend(frameon=False, loc="upper right")
