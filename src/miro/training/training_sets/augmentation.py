"""Augmentation of training clusters and backgrounds, as in the authors' ``lib/load.py``.

Populating (jittered copies), subsampling, rotating, flipping and placing
clusters, and the empty grid cells of a background where clusters go.
"""

from __future__ import annotations

import numpy as np

from miro.errors import MiroInputError
from miro.training.training_sets.sources import _Cluster

__all__ = ["EMPTY_CELL", "empty_cells"]

#: Grid cell (normalised units) in which GraphBlinkingDataset looks for empty
#: space (``find_empty_spaces(resolution=0.02)``).
EMPTY_CELL = 0.02


def _randint(rng: np.random.Generator, bounds: tuple[int, int]) -> int:
    low, high = bounds
    return low if high <= low else int(rng.integers(low, high))


def _populate(xy: np.ndarray, extras: list, sigma: float, num_additions: int, rng: np.random.Generator):
    """``num_additions`` times: append a jittered copy of the whole current set (2^n n0 points)."""
    for _ in range(num_additions):
        xy = np.concatenate([xy, xy + rng.normal(0.0, sigma, size=xy.shape)])
        extras = [None if e is None else np.concatenate([e, e]) for e in extras]
    return xy, extras


def _populate_cluster(cluster: _Cluster, sigma: float, num_additions: int, rng) -> _Cluster:
    xy, (sub, cls) = _populate(cluster.xy, [cluster.sublabel, cluster.cls], sigma, num_additions, rng)
    return _Cluster(xy, sub, cls, cluster.sub_centres)


def _subsample(n: int, frac: float, rng: np.random.Generator) -> np.ndarray:
    """Row indices of ``DataFrame.sample(frac=frac)``: ``round(frac n)`` rows, no replacement, random order."""
    size = round(frac * n)
    if size > n:
        raise MiroInputError(f"sampling fraction {frac} > 1 cannot be drawn without replacement")
    return rng.choice(n, size=size, replace=False)


def _rotation(rng: np.random.Generator) -> np.ndarray:
    """The authors' ``apply_random_rotation`` matrix; points are rotated as ``points @ M``."""
    angle = rng.uniform(0.0, 2.0 * np.pi)
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def _flip(points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Flip x and/or y (probability 1/2 each) about the points' mean (``apply_random_flip``)."""
    mask = np.array([-1.0 if rng.random() > 0.5 else 1.0, -1.0 if rng.random() > 0.5 else 1.0])
    if len(points) == 0:
        return points
    mean = points.mean(axis=0)
    return (points - mean) * mask + mean


def empty_cells(points: np.ndarray, resolution: float = EMPTY_CELL) -> np.ndarray:
    """Centres of the empty cells of the grid covering the points' bounding box (``find_empty_spaces``).

    The grid has spacing ``resolution`` and is aligned to multiples of it:
    it spans ``floor(min / res) * res`` to ``ceil(max / res) * res`` per axis.
    A cell is empty if no point falls in it. Returned sorted by (x cell, y cell).

    Returns
    -------
    ndarray of shape (M, 2)
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(points) == 0:
        return np.empty((0, 2))
    lo = np.floor(points.min(axis=0) / resolution)
    hi = np.ceil(points.max(axis=0) / resolution)
    shape = np.maximum(hi - lo, 1).astype(np.int64)
    occupied = np.zeros(shape, dtype=bool)
    cell = np.floor((points - lo * resolution) / resolution).astype(np.int64)
    inside = np.all((cell >= 0) & (cell < shape), axis=1)
    occupied[cell[inside, 0], cell[inside, 1]] = True
    ix, iy = np.nonzero(~occupied)  # row-major: sorted by x cell then y cell
    return (np.stack([ix, iy], axis=1) + lo + 0.5) * resolution


def _place(clusters: list, shifts: np.ndarray, frac_range, rng, reflect: bool):
    """Sample, rotate (optionally mirror) and shift one cluster per shift, as ``generate_clusters``."""
    pos, centre, label, sub_c, sub_l, cls = [], [], [], [], [], []
    with_sub = all(c.sublabel is not None for c in clusters)
    with_cls = all(c.cls is not None for c in clusters)
    next_sub = 1
    for k, shift in enumerate(shifts, start=1):
        cluster = clusters[int(rng.integers(0, len(clusters)))]
        rows = _subsample(len(cluster.xy), rng.uniform(*frac_range), rng)
        pts = cluster.xy[rows]
        mirror = np.eye(2)
        if reflect and rng.random() < 0.5:
            mirror = np.diag([1.0, -1.0])
        rot = mirror @ _rotation(rng)
        delta = pts @ rot
        pos.append(delta + shift)
        centre.append(np.broadcast_to(shift, delta.shape))
        label.append(np.full(len(delta), k, dtype=np.int64))
        if with_sub:
            sub = cluster.sublabel[rows]
            sc = delta + shift  # default: the point itself (sublabel 0)
            glob = np.zeros(len(sub), dtype=np.int64)
            for s in np.unique(sub[sub != 0]):
                m = sub == s
                sc[m] = cluster.sub_centres[int(s)] @ rot + shift
                glob[m] = next_sub
                next_sub += 1
            sub_c.append(sc)
            sub_l.append(glob)
        if with_cls:
            cls.append(cluster.cls[rows])
    return pos, centre, label, (sub_c if with_sub else None), (sub_l if with_sub else None), (cls if with_cls else None)
