"""Figure 5c–f: multiscale clustering of nuclear pore complexes (NPCs) and their corner counts."""

from __future__ import annotations


import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from miro._validation import check_xy_shape
from miro.errors import MiroInputError
from miro.plotting.panels import plot_fov_panels
from miro.plotting.style import (
    METHOD_PALETTE,
    NOISE_COLOR,
    PAPER_RC,
    _length_label,
    _nice_length,
    cluster_colors,
)

__all__ = ["figure5"]


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
