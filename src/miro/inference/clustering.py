"""DBSCAN with the benchmark's label convention.

DBSCAN (Ester et al., 1996) groups points that have at least ``min_samples``
neighbours (the point itself included, as R's ``dbscan::dbscan`` minPts) within
``eps`` nm. Labels follow the Nieves et al. (2023) convention used by every
metric of :mod:`miro.evaluation.metrics`: 0 = not clustered (DBSCAN noise), clusters
1..K.

DBSCAN keeps the neighbour list of every point in memory, 8 bytes per pair of
points closer than ``eps``: a field in µm read as nm, or an ``eps`` far beyond
the cluster size, puts every point next to every other (200 000 points: 320 GB).
:func:`check_dbscan_memory` counts the pairs first (a grid bound, exact
counts only when the bound is large) and refuses with one line when they would
take more than half the available memory.

A parameter search clusters one cloud at many ``min_samples`` for each
``eps``: :func:`radius_graph` finds the neighbourhoods once per ``eps`` and
:func:`dbscan_labels_of_graph` clusters them at any ``min_samples``, with
the labels of :func:`dbscan_labels` (tests/test_clustering.py checks them
against scikit-learn's DBSCAN on benchmark fields).
"""

from __future__ import annotations

import math
import os

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import DBSCAN
from sklearn.neighbors import KDTree, NearestNeighbors

from miro.errors import MiroInputError

__all__ = ["check_dbscan_params", "check_dbscan_memory", "available_memory", "dbscan_labels", "radius_graph", "dbscan_labels_of_graph"]

#: Bytes DBSCAN holds per pair of neighbours (an int64 index, and as much again while the lists grow).
BYTES_PER_PAIR = 16


def check_dbscan_params(eps: float, min_samples) -> None:
    """Raise :class:`MiroInputError` unless ``eps`` > 0 (nm) and ``min_samples`` is a whole number >= 1."""
    if not (isinstance(eps, (int, float, np.number)) and math.isfinite(eps) and eps > 0):
        raise MiroInputError(f"eps: must be a positive distance in nm (e.g. 40.62), got {eps!r}")
    _check_min_samples(min_samples)


def _check_min_samples(min_samples) -> None:
    """Raise :class:`MiroInputError` unless ``min_samples`` is a whole number >= 1."""
    if not isinstance(min_samples, (int, float, np.number)) or int(min_samples) != min_samples or min_samples < 1:
        raise MiroInputError(f"min_samples: must be a whole number >= 1 (e.g. 4), got {min_samples!r}")


def available_memory() -> int:
    """Bytes of memory this process can still take (``MemAvailable`` of /proc/meminfo, else free pages)."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def _pair_bounds(xy: np.ndarray, eps: float) -> tuple[float, float]:
    """Lower and upper bounds of the ordered pairs closer than ``eps`` (each point with itself
    included). Lower: pairs in one cell of side ``eps / 1.5`` (its diagonal is below ``eps``);
    upper: with cells of side ``eps``, a point's neighbours lie in its own and the 8 adjacent cells."""
    small = _cells(xy, eps / 1.5)
    lower = float(np.dot(small[1], small[1])) if small else 0.0
    cells = _cells(xy, eps)
    if cells is None:
        return lower, math.inf
    keys, counts, width = cells
    near = np.zeros(len(keys))
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            shifted = keys + dx * width + dy
            at = np.minimum(np.searchsorted(keys, shifted), len(keys) - 1)
            near += np.where(keys[at] == shifted, counts[at], 0)
    return lower, float(np.dot(counts, near))


def _cells(xy: np.ndarray, side: float):
    """(sorted cell keys, points per cell, key stride) of a grid of ``side``; None for a field too
    large for int64 keys at this side."""
    cells = np.floor((xy - xy.min(axis=0)) / side)
    if cells.max(initial=0) > 2**30:
        return None
    cells = cells.astype(np.int64) + 1
    width = int(cells[:, 1].max()) + 2
    keys, counts = np.unique(cells[:, 0] * width + cells[:, 1], return_counts=True)
    return keys, counts.astype(float), width


def check_dbscan_memory(xy: np.ndarray, eps: float, budget: float | None = None) -> None:
    """Refuse a DBSCAN whose neighbour lists would exceed ``budget`` bytes (default: half the
    available memory), before it starts; one line with the count, the sizes and the fix."""
    budget = 0.5 * available_memory() if budget is None else budget
    if len(xy) == 0:
        return
    pairs, upper = _pair_bounds(xy, eps)
    if upper * BYTES_PER_PAIR <= budget:
        return
    if pairs * BYTES_PER_PAIR <= budget:  # between the bounds: count (as long as DBSCAN's own search)
        pairs = float(KDTree(xy).query_radius(xy, eps, count_only=True).sum())
    if pairs * BYTES_PER_PAIR > budget:
        raise MiroInputError(
            f"eps: DBSCAN with eps {eps:g} nm on these {len(xy)} localizations would keep at least {pairs:.3g} neighbour pairs "
            f"(a mean of {pairs / len(xy):.0f} per localization, {pairs * BYTES_PER_PAIR / 1e9:.3g} GB; "
            f"{budget / 1e9:.3g} GB may be used): check that x, y are in nm (--unit) and that eps is a cluster-sized "
            "distance in nm, or cluster a smaller field"
        )


def dbscan_labels(xy: np.ndarray, eps: float, min_samples: int, n_jobs: int | None = None) -> np.ndarray:
    """Cluster ``xy`` (n, 2) in nm with DBSCAN; return labels, 0 = noise.

    Parameters
    ----------
    xy : ndarray of shape (n, 2)
        Coordinates in nm (or in whatever unit ``eps`` is given in).
    eps : float
        Neighbourhood radius, same unit as ``xy``, > 0.
    min_samples : int
        Neighbours within ``eps`` (the point included) for a core point, >= 1.
    n_jobs : int, optional
        Threads for the neighbour search.

    Returns
    -------
    ndarray of shape (n,), int64
        ``sklearn`` labels + 1: 0 for noise, 1..K for clusters.

    Raises
    ------
    MiroInputError
        Bad parameters, or neighbour lists too large for the memory (:func:`check_dbscan_memory`).
    """
    xy = np.asarray(xy, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"xy must have shape (n, 2), got {xy.shape}")
    check_dbscan_params(eps, min_samples)
    if len(xy) == 0:
        return np.zeros(0, dtype=np.int64)
    check_dbscan_memory(xy, eps)
    labels = DBSCAN(eps=eps, min_samples=int(min_samples), n_jobs=n_jobs).fit(xy).labels_
    return labels.astype(np.int64) + 1


def radius_graph(xy: np.ndarray, eps: float) -> sparse.csr_matrix:
    r"""DBSCAN's neighbourhoods at ``eps``: the (n, n) sparse 0/1 matrix :math:`A_{ij} = 1` where
    :math:`\lVert x_i - x_j \rVert \le \epsilon` (nm), each point its own neighbour.

    Found with the neighbour search of :func:`dbscan_labels` (scikit-learn's
    ``NearestNeighbors`` with DBSCAN's defaults), once for every ``min_samples`` of
    :func:`dbscan_labels_of_graph`.

    Raises
    ------
    MiroInputError
        Bad ``eps``, or neighbour lists too large for the memory (:func:`check_dbscan_memory`).
    """
    xy = np.asarray(xy, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"xy must have shape (n, 2), got {xy.shape}")
    check_dbscan_params(eps, 1)
    if len(xy) == 0:
        return sparse.csr_matrix((0, 0), dtype=np.int8)
    check_dbscan_memory(xy, eps)
    return NearestNeighbors(radius=eps).fit(xy).radius_neighbors_graph(xy, mode="connectivity").astype(np.int8)


def dbscan_labels_of_graph(graph: sparse.csr_matrix, min_samples: int) -> np.ndarray:
    r"""DBSCAN labels (0 = noise, 1..K) from a :func:`radius_graph`: :func:`dbscan_labels`'s labels
    at that graph's ``eps``, label for label.

    Core points have at least ``min_samples`` neighbours (:math:`\sum_j A_{ij} \ge m`, the point
    included); clusters are the connected components of the core points, numbered in the order of
    their lowest point index (DBSCAN's seed order); a non-core point with core neighbours joins the
    first of their clusters in that order (the cluster that reaches it first), any other is noise.

    Parameters
    ----------
    graph : sparse matrix of shape (n, n)
        :func:`radius_graph` of the points.
    min_samples : int
        Neighbours within ``eps`` (the point included) for a core point, >= 1.
    """
    _check_min_samples(min_samples)
    graph = sparse.csr_matrix(graph)
    labels = np.zeros(graph.shape[0], dtype=np.int64)
    core = np.flatnonzero(np.diff(graph.indptr) >= min_samples)
    if core.size == 0:
        return labels
    _, component = connected_components(graph[core][:, core], directed=False)
    _, first = np.unique(component, return_index=True)  # each component's lowest core point (core is sorted)
    number = np.empty(len(first), dtype=np.int64)
    number[np.argsort(first)] = np.arange(1, len(first) + 1)
    labels[core] = number[component]
    border = np.flatnonzero(labels == 0)
    to_core = graph[border][:, core].tocsr()
    # the smallest cluster number among each row's core neighbours, as the largest of (K + 1 - number)
    reversed_numbers = sparse.csr_matrix((len(first) + 1 - labels[core][to_core.indices], to_core.indices, to_core.indptr),
                                         shape=to_core.shape)
    best = reversed_numbers.max(axis=1).toarray().ravel()
    labels[border] = np.where(best > 0, len(first) + 1 - best, 0)
    return labels
