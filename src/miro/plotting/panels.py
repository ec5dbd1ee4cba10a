"""Figure 2 of the paper: example FOVs coloured by cluster and per-FOV metric distributions.

Figure 2 shows, per scenario, one field of view (FOV) clustered by DBSCAN
alone, by DBSCAN after MIRO, and the ground truth (top row), then box plots
with the per-FOV scatter of ARI†, IoU, JI_c and RMSRE_N with significance
stars from :func:`miro.evaluation.stats.compare_methods` (bottom row).

Everything here draws on :class:`matplotlib.figure.Figure` objects that are not
registered with :mod:`matplotlib.pyplot`, so no display is needed and no
global backend is changed; :func:`save_figure` writes through matplotlib's Agg
(PNG) and SVG canvases. Coordinates are in nanometres.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from miro._validation import check_xy_shape
from miro.errors import MiroInputError

__all__ = [
    "FIGURE2_METRICS",
    "METRIC_AXIS_LABELS",
    "NOISE_COLOR",
    "METHOD_PALETTE",
    "CLASS_PALETTE",
    "PAPER_RC",
    "cluster_colors",
    "plot_fov_panels",
    "plot_metric_distributions",
    "figure2",
    "figure3",
    "figure4a",
    "FIGURE4_PALETTE",
    "figure4b_e",
    "figure5",
    "save_figure",
]

#: Metrics of the bottom row of Figure 2.
FIGURE2_METRICS: tuple[str, ...] = ("ARI_dagger", "IoU", "JIc", "RMSRE_N")

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
        ax.set_title(titles.get(method, method))
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
    return name.replace("+", "+\n") if len(name) > 8 else name


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
        One colour per method; :data:`METHOD_PALETTE` by default.
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
    figsize: tuple[float, float] = (7.2, 4.8),
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
        Passed to :func:`plot_fov_panels`.
    metrics : sequence of str, default ARI†, IoU, JI_c, RMSRE_N
        Bottom-row metrics.
    figsize : (float, float), default (7.2, 4.8)
        Inches; 7.2 in is a two-column journal width, at which the
        :data:`PAPER_RC` font sizes (6.5–8 pt) are read at print size.

    Returns
    -------
    matplotlib.figure.Figure
        ``len(labels_by_method) + len(metrics)`` axes: the FOV panels first,
        then the metric panels. Save it with :func:`save_figure`.
    """
    n_top, n_bottom = len(labels_by_method), len(metrics)
    if n_top == 0 or n_bottom == 0:
        raise MiroInputError("figure2: need at least one FOV panel (labels_by_method) and one metric.")
    cols = math.lcm(n_top, n_bottom)
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


#: Colours of shape classes in Figure 3 (class 0, not clustered, is grey).
CLASS_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


def figure3(
    xy,
    classes_true,
    classes_pred,
    confusion: pd.DataFrame,
    class_names: Sequence[str],
    *,
    title: str | None = None,
) -> Figure:
    """Figure 3: one FOV coloured by true and by predicted shape class, and the confusion matrix.

    Parameters
    ----------
    xy : array-like of shape (n, 2)
        Localizations of the example FOV (nm).
    classes_true, classes_pred : array-like of shape (n,)
        Class per localization, 0 = not clustered (drawn grey).
    confusion : DataFrame
        Counts, rows true and columns predicted (:func:`miro.inference.classification.confusion_matrix`),
        over all test FOVs; shown normalised per row (recall on the diagonal).
    class_names : sequence of str
        Name of class 0, 1, ... (legend).
    title : str, optional
    """
    xy = check_xy_shape(xy)
    panels = {"Ground truth": np.asarray(classes_true), "cMIRO + DBSCAN": np.asarray(classes_pred)}
    for name, values in panels.items():
        if values.shape != (len(xy),):
            raise MiroInputError(f"{name}: expected {len(xy)} classes (one per localization), got shape {values.shape}")
    if len(class_names) > len(CLASS_PALETTE) + 1:
        raise MiroInputError(f"class_names: at most {len(CLASS_PALETTE) + 1} classes can be drawn, got {len(class_names)}")
    colours = np.array([NOISE_COLOR, *CLASS_PALETTE[: len(class_names) - 1]])
    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=(7.0, 2.6), layout="constrained")
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 0.9]})
        for ax, (name, values) in zip(axes[:2], panels.items()):
            order = np.argsort(values > 0, kind="stable")  # not clustered underneath
            ax.scatter(*xy[order].T, s=0.8, c=colours[np.clip(values[order], 0, len(colours) - 1)], lw=0, rasterized=True)
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(name)
        handles = [mpl.lines.Line2D([], [], ls="", marker="o", ms=4, color=c, label=n) for c, n in zip(colours, class_names)]
        axes[0].legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.02), ncol=len(handles), fontsize=6)
        rows = confusion.to_numpy(dtype=float)
        share = rows / np.maximum(rows.sum(axis=1, keepdims=True), 1)
        sns.heatmap(share, ax=axes[2], annot=True, fmt=".2f", cmap="Blues", vmin=0, vmax=1, cbar=False,
                    xticklabels=list(confusion.columns), yticklabels=list(confusion.index), annot_kws={"size": 6})
        axes[2].set_xlabel("predicted")
        axes[2].set_ylabel("true")
        axes[2].set_title("share of true class")
        if title:
            fig.suptitle(title)
    return fig


def save_figure(fig: Figure, path_png, path_svg=None, *, dpi: int = 300) -> list[Path]:
    """Write a figure as PNG (and optionally SVG), creating parent folders.

    Parameters
    ----------
    fig : Figure
        e.g. from :func:`figure2`.
    path_png : str or Path
        PNG output, rendered by Agg at ``dpi``.
    path_svg : str or Path, optional
        SVG output (text kept as text; localizations are embedded as a raster
        so the file stays small).
    dpi : int, default 300

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    # no date and fixed element ids in SVGs: the same figure gives the same bytes
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "miro"}):
        for path, fmt in ((path_png, "png"), (path_svg, "svg")):
            if path is None:
                continue
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, format=fmt, dpi=dpi, facecolor="white", metadata={"Date": None} if fmt == "svg" else None)
            written.append(path)
    return written


def _zoom_centre(npcs: pd.DataFrame, half: float) -> np.ndarray:
    """Centroid of the NPC whose square of half-side ``half`` (nm) holds the most NPCs (then the most corners)."""
    from scipy.spatial import cKDTree

    centres = npcs[["x", "y"]].to_numpy(float)
    neighbours = np.array([len(hits) for hits in cKDTree(centres).query_ball_point(centres, half, p=np.inf)])
    best = np.lexsort((-npcs["n_corners"].to_numpy(), -neighbours))[0]
    return centres[best]


def figure5(
    xy,
    npc_labels,
    corner_labels,
    npcs: pd.DataFrame,
    corners: pd.DataFrame,
    exponential=None,
    efficiency=None,
    *,
    zoom_nm: float = 800.0,
    title: str | None = None,
) -> Figure:
    """Figure 5c–f: multiscale clustering of nuclear pore complexes (NPCs).

    Panels: (c) the field, localizations coloured by NPC (grey: in no NPC),
    with the zoomed region boxed; (d) the zoom, coloured by corner (grey
    crosses: in no corner), each NPC marked with its number of corners;
    (e) localizations per NPC; (f) localizations per corner of the NPCs with
    the exponential fit; and the number of corners per NPC with the fitted
    binomial of the effective labelling efficiency.

    Parameters
    ----------
    xy : array-like of shape (n, 2)
        Localizations (nm).
    npc_labels, corner_labels : array-like of int, shape (n,)
        NPC and corner label of every localization, 0 = not clustered.
    npcs, corners : DataFrame
        :func:`miro.analysis.npc.npc_table` and :func:`miro.analysis.npc.corner_table` of the labels.
    exponential : miro.analysis.npc.ExponentialFit, optional
        Fit of localizations per corner, drawn over panel (f).
    efficiency : miro.analysis.npc.LabellingEfficiencyFit, optional
        ELE fit, drawn over the corners-per-NPC histogram.
    zoom_nm : float, default 800
        Side (nm) of the square of panel (d), centred where it holds the most NPCs.
    title : str, optional
    """
    xy = check_xy_shape(xy)
    npc_labels, corner_labels = np.asarray(npc_labels), np.asarray(corner_labels)
    for name, values in (("npc_labels", npc_labels), ("corner_labels", corner_labels)):
        if values.shape != (len(xy),):
            raise MiroInputError(f"{name}: expected {len(xy)} labels (one per localization), got shape {values.shape}")
    if not (np.isfinite(zoom_nm) and zoom_nm > 0):
        raise MiroInputError(f"zoom_nm: must be a positive length in nm (e.g. 800), got {zoom_nm!r}")
    in_npc = corners.loc[corners["npc"] > 0, "n_localizations"].to_numpy()
    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=(7.2, 5.4), layout="constrained")
        grid = fig.add_gridspec(2, 3, height_ratios=[1.3, 1.0])
        field, zoom = fig.add_subplot(grid[0, :2]), fig.add_subplot(grid[0, 2])
        per_npc, per_corner, n_corners = (fig.add_subplot(grid[1, i]) for i in range(3))

        half = zoom_nm / 2
        centre = _zoom_centre(npcs, half) if len(npcs) else xy.mean(axis=0) if len(xy) else np.zeros(2)
        plot_fov_panels([field], xy, {"c": npc_labels}, {"c": "NPCs (rings)"}, marker_size=0.8)
        field.add_patch(mpl.patches.Rectangle(centre - half, zoom_nm, zoom_nm, fill=False, ec="k", lw=0.6))

        shown = np.all(np.abs(xy - centre) <= half, axis=1)
        part, labels = xy[shown], corner_labels[shown]
        free = labels == 0
        zoom.scatter(*part[free].T, s=4, marker="x", c=NOISE_COLOR, lw=0.4, rasterized=True)
        zoom.scatter(*part[~free].T, s=5, c=cluster_colors(labels)[~free], lw=0, rasterized=True)
        for row in npcs[(np.abs(npcs[["x", "y"]].to_numpy() - centre) <= half).all(axis=1)].itertuples():
            zoom.text(row.x, row.y, str(row.n_corners), ha="center", va="center", fontsize=6, fontweight="bold")
        zoom.set(xlim=(centre[0] - half, centre[0] + half), ylim=(centre[1] - half, centre[1] + half), xticks=[], yticks=[])
        zoom.set_aspect("equal")
        zoom.set_title("corners (number per NPC)")
        length = _nice_length(zoom_nm)
        zoom.add_artist(AnchoredSizeBar(zoom.transData, length, _length_label(length), "lower right", pad=0.25,
                                        borderpad=0.3, sep=2, frameon=False, size_vertical=0))

        per_npc.hist(npcs["n_localizations"], bins=30, color=METHOD_PALETTE[1], alpha=0.8)
        per_npc.set(xlabel="localizations per NPC", ylabel="NPCs")

        if in_npc.size:
            edges = np.arange(in_npc.min(), in_npc.max() + 2) if in_npc.max() - in_npc.min() < 60 else np.histogram_bin_edges(in_npc, 40)
            per_corner.hist(in_npc, bins=edges, color=METHOD_PALETTE[1], alpha=0.8)
            if exponential is not None:
                k = np.arange(max(int(edges[0]), exponential.lower), int(np.ceil(edges[-1])))
                width = np.diff(edges).mean()
                per_corner.plot(k + 0.5, exponential.n * exponential.pmf(k) * width, color="#2ca02c",
                                label=f"exponential, mean {exponential.mean:.2f}")
                per_corner.legend(frameon=False)
        per_corner.set(xlabel="localizations per corner", ylabel="corners")

        hist = np.bincount(npcs["n_corners"].to_numpy(dtype=np.int64), minlength=9)
        n_corners.bar(np.arange(hist.size), hist, color=METHOD_PALETTE[1], alpha=0.8)
        if efficiency is not None:
            k = np.arange(efficiency.k_min, efficiency.n_corners + 1)
            n_corners.plot(k, efficiency.n * efficiency.pmf(k), "o-", ms=3, color="#2ca02c",
                           label=f"ELE {100 * efficiency.p:.0f} %")
            n_corners.legend(frameon=False, loc="upper left")
        n_corners.set(xlabel="corners per NPC", ylabel="NPCs", xticks=np.arange(hist.size))
        for ax in (per_npc, per_corner, n_corners):
            sns.despine(ax=ax)
        if title:
            fig.suptitle(title)
    return fig


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
    missing = [c for c in ("method", "n_localizations", "radius_nm", "nn_distance_nm") if c not in clusters.columns]
    missing += [c for c in ("x_min", "x_max", "y_min", "y_max") if c not in regions.columns]
    if missing:
        raise MiroInputError(f"figure4b_e: missing column(s) {', '.join(missing)} in clusters / regions")
    for method in methods:
        if method not in labels_by_method:
            raise MiroInputError(f"labels_by_method: no labels for method {method!r}; give one array per method of {list(methods)}")
        if np.shape(labels_by_method[method]) != (len(xy),):
            raise MiroInputError(f"labels_by_method[{method!r}]: expected {len(xy)} labels (one per localization), got shape {np.shape(labels_by_method[method])}")
    colours = dict(zip(methods, FIGURE4_PALETTE * len(methods)))
    per_method = {m: clusters[clusters["method"] == m] for m in methods}
    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=(7.0, 6.6), layout="constrained")
        outer = fig.add_gridspec(2, 1, height_ratios=[1.45, 1.0])
        top = outer[0].subgridspec(1, 2, width_ratios=[1.0, 0.72] if len(regions) else [1.0, 1e-6])
        overview = fig.add_subplot(top[0])
        labels = np.asarray(labels_by_method[methods[0]])
        clustered = labels > 0
        overview.scatter(*xy[~clustered].T, s=0.8, c=NOISE_COLOR, alpha=0.5, lw=0, rasterized=True)
        overview.scatter(*xy[clustered].T, s=1.2, c=cluster_colors(labels)[clustered], lw=0, rasterized=True)
        _plain_map(overview)
        if len(xy):
            _add_scale_bar(overview, float(np.ptp(xy[:, 0])))
        overview.set_title(f"b   {example_name or 'example FOV'}, {methods[0]} (faded: not clustered)", loc="left")
        if len(regions):
            zoom = top[1].subgridspec(len(regions), 2)
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
        bottom = outer[1].subgridspec(1, 3)
        panels = (
            ("radius_nm", "c   cluster radius", "radius of gyration (nm)"),
            ("n_localizations", "d   localizations per cluster", "localizations per cluster"),
            ("nn_distance_nm", "e   nearest-neighbour distance", "distance between cluster centres (nm)"),
        )
        for i, (column, panel_title, xlabel) in enumerate(panels):
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
        if title:
            fig.suptitle(title, fontsize=9, fontweight="bold")
    return fig
