"""DBSCAN with the benchmark's label convention.

DBSCAN (Ester et al., 1996) groups points that have at least ``min_samples``
neighbours (the point itself included, as R's ``dbscan::dbscan`` minPts) within
``eps`` nm. Labels follow the Nieves et al. (2023) convention used by every
metric of :mod:`miro.evaluation.metrics`: 0 = not clustered (DBSCAN noise), clusters
1..K.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.cluster import DBSCAN

from miro.errors import MiroInputError

__all__ = ["check_dbscan_params", "dbscan_labels"]


def check_dbscan_params(eps: float, min_samples) -> None:
    """Raise :class:`MiroInputError` unless ``eps`` > 0 (nm) and ``min_samples`` is a whole number >= 1."""
    if not (isinstance(eps, (int, float, np.number)) and math.isfinite(eps) and eps > 0):
        raise MiroInputError(f"eps: must be a positive distance in nm (e.g. 40.62), got {eps!r}")
    if not isinstance(min_samples, (int, float, np.number)) or int(min_samples) != min_samples or min_samples < 1:
        raise MiroInputError(f"min_samples: must be a whole number >= 1 (e.g. 4), got {min_samples!r}")


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
    """
    xy = np.asarray(xy, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"xy must have shape (n, 2), got {xy.shape}")
    check_dbscan_params(eps, min_samples)
    if len(xy) == 0:
        return np.zeros(0, dtype=np.int64)
    labels = DBSCAN(eps=eps, min_samples=int(min_samples), n_jobs=n_jobs).fit(xy).labels_
    return labels.astype(np.int64) + 1
