"""DBSCAN with the benchmark's label convention.

DBSCAN (Ester et al., 1996) groups points that have at least ``min_samples``
neighbours (the point itself included, as R's ``dbscan::dbscan`` minPts) within
``eps`` nm. Labels follow the Nieves et al. (2023) convention used by every
metric of :mod:`miro.metrics`: 0 = not clustered (DBSCAN noise), clusters
1..K.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import DBSCAN


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
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    if int(min_samples) != min_samples or min_samples < 1:
        raise ValueError(f"min_samples must be an integer >= 1, got {min_samples}")
    if len(xy) == 0:
        return np.zeros(0, dtype=np.int64)
    labels = DBSCAN(eps=eps, min_samples=int(min_samples), n_jobs=n_jobs).fit(xy).labels_
    return labels.astype(np.int64) + 1
