r"""Descriptive statistics of the clusters found in one field of view (Fig. 4c–e of Pineda et al.).

Once a FOV is clustered (labels 0 = not clustered, 1..K clusters, e.g. by
:func:`miro.inference.clustering.dbscan_labels` or :func:`miro.inference.miro_dbscan`),
each cluster :math:`C` of :math:`n_C` localizations :math:`\mathbf{p}_i`
(nm) is described by

* its **size** :math:`n_C`, the number of localizations (Fig. 4d);
* its **centre**, the centroid :math:`\mathbf{c}_C = \frac{1}{n_C}\sum_{i \in C} \mathbf{p}_i`;
* its **radius**, the radius of gyration (Fig. 4c)

  .. math:: r_C = \sqrt{\frac{1}{n_C} \sum_{i \in C} \lVert \mathbf{p}_i - \mathbf{c}_C \rVert^2},

  the root-mean-square distance of its localizations from the centroid. The
  paper does not define its "cluster radius"; :math:`r_C` is a common SMLM
  measure of cluster size and needs no shape model. For an isotropic 2D
  Gaussian cluster of per-axis SD :math:`\sigma`,
  :math:`\mathrm{E}[r_C^2] = 2\sigma^2 (n_C - 1)/n_C`, i.e.
  :math:`r_C \approx \sqrt{2}\,\sigma` for large :math:`n_C`;
* its **nearest-neighbour distance** (Fig. 4e),
  :math:`d_C = \min_{C' \ne C} \lVert \mathbf{c}_C - \mathbf{c}_{C'} \rVert`,
  between centres of clusters of the same FOV (NaN when the FOV holds one
  cluster). Neighbours outside the FOV are unknown, so :math:`d_C` of a
  cluster near the border may be too large; no edge correction is made.

Merging of adjacent clusters, the failure Fig. 4b shows for DBSCAN, inflates
:math:`r_C` and :math:`n_C` and removes the short :math:`d_C`.
:func:`merged_clusters` counts, for each cluster of one clustering, how many
clusters of another it holds, and :func:`example_regions` picks the places
where the two disagree most (the zoom panels of Fig. 4b).

Functions:

* :func:`cluster_statistics` — one row per cluster of a FOV;
* :func:`nearest_neighbour_distances` — :math:`d_C` from the centres;
* :func:`density_mode` — the peak of a distribution (kernel density estimate);
* :func:`summarize_clusters` — per-method summary of many FOVs;
* :func:`merged_clusters`, :func:`example_regions` — where two clusterings disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree
from scipy.stats import gaussian_kde

from miro._validation import check_labels, check_whole_number, check_xy
from miro.errors import MiroInputError

__all__ = [
    "CLUSTER_COLUMNS",
    "cluster_statistics",
    "nearest_neighbour_distances",
    "density_mode",
    "summarize_clusters",
    "merged_clusters",
    "example_regions",
    "extra_clusters",
]

#: Columns of :func:`cluster_statistics` (lengths in nm).
CLUSTER_COLUMNS: tuple[str, ...] = ("label", "n_localizations", "x_nm", "y_nm", "radius_nm", "nn_distance_nm")


def nearest_neighbour_distances(centres_nm) -> np.ndarray:
    r"""Distance from each point to its nearest other point, :math:`\min_{j \ne i} \lVert \mathbf{c}_i - \mathbf{c}_j \rVert`.

    Parameters
    ----------
    centres_nm : array_like of shape (K, 2)
        Cluster centres (nm) of one FOV.

    Returns
    -------
    ndarray of shape (K,), float64
        Nearest-neighbour distance of each centre (nm); NaN when ``K < 2``.
        Coincident centres have distance 0.

    Examples
    --------
    >>> nearest_neighbour_distances([[0, 0], [100, 0], [100, 250]])
    array([100., 100., 250.])
    """
    centres = check_xy(centres_nm)
    if len(centres) < 2:
        return np.full(len(centres), np.nan)
    distances, _ = cKDTree(centres).query(centres, k=2)
    return distances[:, 1]


def cluster_statistics(xy_nm, labels) -> pd.DataFrame:
    r"""Size, centre, radius of gyration and nearest-neighbour distance of every cluster of one FOV.

    Parameters
    ----------
    xy_nm : array_like of shape (n, 2)
        Localizations (nm).
    labels : array_like of shape (n,), int
        Cluster label of each localization, 0 = not clustered (left out),
        any other non-negative integer names a cluster.

    Returns
    -------
    pandas.DataFrame
        One row per cluster, sorted by label, with the columns of
        :data:`CLUSTER_COLUMNS`: ``label``; ``n_localizations`` :math:`n_C`;
        ``x_nm``, ``y_nm``, the centroid :math:`\mathbf{c}_C`; ``radius_nm``,
        the radius of gyration :math:`r_C`; ``nn_distance_nm``, the distance
        :math:`d_C` to the nearest other centre of the FOV (NaN for a FOV with
        one cluster). See the module notes for the equations.

    Raises
    ------
    MiroInputError
        Coordinates not of shape (n, 2) or not finite; labels of another
        length, negative or not integers.

    Notes
    -----
    Every statistic depends only on the set of (localization, label) pairs:
    the table is unchanged by permuting the localizations, and relabelling
    the clusters permutes its rows.

    Examples
    --------
    >>> table = cluster_statistics([[0, 0], [2, 0], [100, 0], [0, 5]], [1, 1, 2, 0])
    >>> table[["label", "n_localizations", "radius_nm", "nn_distance_nm"]].to_numpy().tolist()
    [[1.0, 2.0, 1.0, 99.0], [2.0, 1.0, 0.0, 99.0]]
    """
    xy = check_xy(xy_nm)
    labels = check_labels(labels, len(xy))
    clustered = labels > 0
    ids, inverse, counts = np.unique(labels[clustered], return_inverse=True, return_counts=True)
    points = xy[clustered]
    sums = np.column_stack([np.bincount(inverse, weights=points[:, axis], minlength=len(ids)) for axis in (0, 1)])
    centres = sums / np.maximum(counts, 1)[:, None]
    squared = ((points - centres[inverse]) ** 2).sum(axis=1)
    radius = np.sqrt(np.bincount(inverse, weights=squared, minlength=len(ids)) / np.maximum(counts, 1))
    return pd.DataFrame(
        {
            "label": ids,
            "n_localizations": counts.astype(np.int64),
            "x_nm": centres[:, 0],
            "y_nm": centres[:, 1],
            "radius_nm": radius,
            "nn_distance_nm": nearest_neighbour_distances(centres),
        },
        columns=list(CLUSTER_COLUMNS),
    )


def density_mode(values) -> float:
    r"""Peak of a distribution: the maximum of its Gaussian kernel density estimate.

    The density :math:`\hat f(x) = \frac{1}{m h}\sum_j \phi\big((x - v_j)/h\big)`
    with Scott's bandwidth :math:`h` (:class:`scipy.stats.gaussian_kde`) is
    evaluated on 1024 points spanning the finite ``values``; the mode is
    where it is largest. Unlike the fullest histogram bin, it does not depend
    on a choice of bins.

    Parameters
    ----------
    values : array_like of shape (m,)
        Samples, e.g. nearest-neighbour distances (nm); NaN are ignored.

    Returns
    -------
    float
        The mode (unit of ``values``); the value itself when all finite
        values are equal, NaN when there are none.
    """
    values = np.asarray(values, dtype=float).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan")
    if np.ptp(values) == 0:
        return float(values[0])
    grid = np.linspace(values.min(), values.max(), 1024)
    return float(grid[np.argmax(gaussian_kde(values)(grid))])


def summarize_clusters(clusters: pd.DataFrame, by: str | Sequence[str] = "method") -> pd.DataFrame:
    """Summary per group (e.g. per method) of the cluster tables of many FOVs.

    Parameters
    ----------
    clusters : pandas.DataFrame
        Rows of :func:`cluster_statistics` of any number of FOVs, with the
        grouping column(s) ``by`` added.
    by : str or sequence of str, default "method"
        Column(s) to group by; groups keep their order of first appearance.
        A categorical column also keeps its unused categories (a method that
        found no cluster gets a row with ``n_clusters`` 0 and NaN statistics).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by``, ``n_clusters``; ``radius_median_nm``,
        ``radius_mean_nm`` (radius of gyration); ``localizations_mean``,
        ``localizations_median`` (per cluster); ``nn_distance_median_nm`` and
        ``nn_distance_mode_nm`` (:func:`density_mode`), over the clusters
        whose FOV holds another cluster.

    Raises
    ------
    MiroInputError
        A required column is missing.
    """
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in (*by, "n_localizations", "radius_nm", "nn_distance_nm") if c not in clusters.columns]
    if missing:
        raise MiroInputError(f"clusters: missing column(s) {', '.join(missing)}; pass cluster_statistics() rows with {', '.join(by)} added")
    rows = []
    for key, group in clusters.groupby(by, sort=False, observed=False):
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(by, key)),
                "n_clusters": len(group),
                "radius_median_nm": group["radius_nm"].median(),
                "radius_mean_nm": group["radius_nm"].mean(),
                "localizations_mean": group["n_localizations"].mean(),
                "localizations_median": group["n_localizations"].median(),
                "nn_distance_median_nm": group["nn_distance_nm"].median(),
                "nn_distance_mode_nm": density_mode(group["nn_distance_nm"]),
            }
        )
    return pd.DataFrame(rows)


def merged_clusters(xy_nm, labels_coarse, labels_fine) -> pd.DataFrame:
    r"""How many clusters of ``labels_fine`` each cluster of ``labels_coarse`` holds.

    A coarse cluster (e.g. DBSCAN's) that holds several fine ones (e.g.
    MIRO's) is where the coarse clustering merged adjacent clusters, or the
    fine one split a cluster.

    Parameters
    ----------
    xy_nm : array_like of shape (n, 2)
        Localizations (nm).
    labels_coarse, labels_fine : array_like of shape (n,), int
        Two clusterings of them, 0 = not clustered.

    Returns
    -------
    pandas.DataFrame
        One row per cluster of ``labels_coarse``, sorted by label:
        ``label``, ``n_localizations``, ``n_fine`` (distinct non-zero
        ``labels_fine`` among its localizations), ``x_nm``, ``y_nm`` (centre
        of its bounding box) and ``half_width_nm`` (half the longer side of
        its bounding box).
    """
    xy = check_xy(xy_nm)
    coarse = check_labels(labels_coarse, len(xy), "labels_coarse")
    fine = check_labels(labels_fine, len(xy), "labels_fine")
    clustered = coarse > 0
    frame = pd.DataFrame({"label": coarse[clustered], "fine": fine[clustered], "x": xy[clustered, 0], "y": xy[clustered, 1]})
    groups = frame.groupby("label", sort=True)
    bounds = groups.agg(x_min=("x", "min"), x_max=("x", "max"), y_min=("y", "min"), y_max=("y", "max"))
    return pd.DataFrame(
        {
            "label": bounds.index.to_numpy(dtype=np.int64),
            "n_localizations": groups.size().to_numpy(dtype=np.int64),
            "n_fine": groups["fine"].agg(lambda f: np.unique(f[f > 0]).size).to_numpy(dtype=np.int64),
            "x_nm": ((bounds["x_min"] + bounds["x_max"]) / 2).to_numpy(),
            "y_nm": ((bounds["y_min"] + bounds["y_max"]) / 2).to_numpy(),
            "half_width_nm": (np.maximum(bounds["x_max"] - bounds["x_min"], bounds["y_max"] - bounds["y_min"]) / 2).to_numpy(),
        }
    )


def example_regions(
    xy_nm,
    labels_coarse,
    labels_fine,
    n_regions: int = 3,
    *,
    padding_nm: float = 60.0,
    min_side_nm: float = 300.0,
    max_side_nm: float = 600.0,
) -> pd.DataFrame:
    """Square regions of one FOV where two clusterings disagree most (the zoom panels of Fig. 4b).

    Each fine cluster belongs to the coarse cluster that holds most of its
    localizations. A candidate window is the bounding box of that coarse
    cluster (:func:`merged_clusters`) grown by ``padding_nm``, made square
    and at least ``min_side_nm`` wide; a coarse cluster too large for
    ``max_side_nm`` is shown in part, by a window of that side centred on the
    fine cluster. Windows are ranked by how many fine clusters of the same
    coarse cluster have their centre inside, then by the coarse cluster's
    size; a window that overlaps one already chosen is skipped, so the
    regions show different places.

    Parameters
    ----------
    xy_nm : array_like of shape (n, 2)
        Localizations (nm).
    labels_coarse, labels_fine : array_like of shape (n,), int
        E.g. DBSCAN's and MIRO + DBSCAN's labels, 0 = not clustered.
    n_regions : int, default 3
        At most this many regions (fewer when there are fewer fine clusters
        inside coarse ones).
    padding_nm : float, default 60
        Margin (nm) around a coarse cluster's bounding box.
    min_side_nm, max_side_nm : float, default 300 and 600
        Smallest and largest side of a window (nm).

    Returns
    -------
    pandas.DataFrame
        One row per region, best first: the coarse cluster's ``label`` and
        ``n_localizations``, ``n_fine`` (fine clusters of it centred in the
        window), and the window ``x_min``, ``x_max``, ``y_min``, ``y_max`` (nm).
    """
    check_whole_number(n_regions, "n_regions", 0)
    if not (padding_nm >= 0 and 0 < min_side_nm <= max_side_nm):
        raise MiroInputError(
            f"padding_nm, min_side_nm, max_side_nm: need padding_nm >= 0 and 0 < min_side_nm <= max_side_nm (nm), "
            f"got {padding_nm!r}, {min_side_nm!r}, {max_side_nm!r}"
        )
    xy = check_xy(xy_nm)
    coarse = check_labels(labels_coarse, len(xy), "labels_coarse")
    fine = check_labels(labels_fine, len(xy), "labels_fine")
    boxes = merged_clusters(xy, coarse, fine).set_index("label")
    # each fine cluster: its centroid and the coarse cluster holding most of its localizations
    both = (coarse > 0) & (fine > 0)
    owner = pd.DataFrame({"fine": fine[both], "coarse": coarse[both]}).value_counts().reset_index()
    owner = owner.drop_duplicates("fine").set_index("fine")["coarse"]  # value_counts sorts by count
    centres = cluster_statistics(xy, fine).set_index("label").loc[owner.index, ["x_nm", "y_nm"]].to_numpy()
    owners = owner.to_numpy()
    candidates = []
    for centre, label in zip(centres, owners):
        box = boxes.loc[label]
        half = max(box["half_width_nm"] + padding_nm, min_side_nm / 2)
        middle = np.array([box["x_nm"], box["y_nm"]])
        if half > max_side_nm / 2:
            half, middle = max_side_nm / 2, centre
        shown = (owners == label) & (np.abs(centres - middle) <= half).all(axis=1)
        candidates.append(
            {
                "label": label,
                "n_localizations": box["n_localizations"],
                "n_fine": int(shown.sum()),
                "x_min": middle[0] - half,
                "x_max": middle[0] + half,
                "y_min": middle[1] - half,
                "y_max": middle[1] + half,
            }
        )
    columns = ["label", "n_localizations", "n_fine", "x_min", "x_max", "y_min", "y_max"]
    ranked = pd.DataFrame(candidates, columns=columns).sort_values(["n_fine", "n_localizations", "label"], ascending=[False, False, True], kind="stable")
    regions = []
    for box in ranked.to_dict("records"):
        if len(regions) == int(n_regions):
            break
        if not any(box["x_min"] < r["x_max"] and r["x_min"] < box["x_max"] and box["y_min"] < r["y_max"] and r["y_min"] < box["y_max"] for r in regions):
            regions.append(box)
    return pd.DataFrame(regions, columns=columns)


def extra_clusters(regions: pd.DataFrame) -> int:
    r"""How much two clusterings disagree in the regions of :func:`example_regions`.

    :math:`\sum_r \max(n_{\mathrm{fine},r} - 1, 0)`: the fine clusters
    beyond the first inside each region's coarse cluster. The workflow shows,
    as Fig. 4b's example, the field whose regions score highest.
    """
    if "n_fine" not in getattr(regions, "columns", []):
        raise MiroInputError("regions: no column n_fine; pass the table of miro.analysis.nanoclusters.example_regions")
    return int((regions["n_fine"] - 1).clip(lower=0).sum())
