r"""Few-shot training sets: synthetic fields of view built from a few annotated clusters.

MIRO is trained on point clouds *synthesised* from a handful of annotated
clusters (three training FOVs of a benchmark scenario, or one single cluster),
never on the test FOVs. This module reproduces the authors' three builders
(``lib/load.py`` of DeepTrackAI/MIRO; method notes §6.1), seeded and
deterministic:

``GraphDataset`` (:func:`graph_dataset`; ground-truth scenarios, single shot)
    Each training cluster is *populated* once (``num_additions`` times the
    whole current set is copied with Gaussian jitter
    :math:`\mathcal{N}(0, \sigma^2)`, so it grows to :math:`2^n n_0` points).
    Each synthetic FOV holds ``randint(*cluster_count_range)`` clusters (upper
    bound exclusive); every cluster is a random populated training cluster,
    subsampled without replacement to a fraction
    :math:`f \sim U(\text{cluster\_sampling\_range})`, rotated by a uniform
    angle about its centre and placed at a centre :math:`\mathbf{c} \sim
    U(0.05, 0.95)^2` (no overlap check). Background: ``randint(*noise_point_range)``
    points uniform in :math:`[0, 1]^2`.
``GraphBlinkingDataset`` (:func:`graph_blinking_dataset`; Multiple-Blinking scenarios)
    The background is a real training background (the index-0 localizations
    of a training FOV), populated once (σ ``background_std_population``,
    ``num_bkg_additions`` times), subsampled at a fraction
    :math:`U(\text{background\_sampling\_range})`, and flipped in x and/or y
    (probability 1/2 each) about its mean. Cluster centres are the centres of
    distinct *empty* 0.02 × 0.02 grid cells of that background (cells of the
    grid covering its bounding box that hold no background point), drawn
    without replacement. Clusters are populated, subsampled and rotated as in
    ``GraphDataset`` (σ ``cluster_std_sigma``, ``num_cluster_additions``).
``GraphBlinkingCroppedDataset`` (:func:`graph_blinking_cropped_dataset`; GT-9, MB-9)
    The background is a random ``max_cropped_size``-wide square crop of a real
    background, shifted so that its min is the origin, resampled *with*
    replacement to ``int(n f)`` points, :math:`f \sim
    U(\text{background\_sampling\_range})`, and flipped. ``randint(6, 10)``
    clusters, not populated, subsampled at :math:`U(0.95, 1)`, rotated,
    centred at :math:`U(0.05, \text{max\_cropped\_size})^2`.

Targets (method notes §3): :math:`\mathbf{y}_i = (\mathbf{p}_i -
\mathbf{c}) / R` with :math:`\mathbf{c}` the cluster's *placement centre*
(the origin of the training cluster, i.e. the mean of the unaugmented
cluster, after the shift), not the mean of the subsampled points; 0 for the
background. Optional targets, when the training clusters carry the columns:

* ``sublabel`` (multiscale, mMIRO): ``y_sub`` points to the centre of the
  point's sub-cluster (the mean of the unaugmented sub-cluster, rotated and
  shifted with its cluster); sublabel 0 and background get 0.
* ``class`` (cMIRO): ``y_class`` is the point's class (int64), background 0.

Every graph also carries ``label`` (int64; 1..n for the clusters in placement
order, 0 for background) so synthetic FOVs can be scored (e.g. for
:mod:`miro.inference.tuning`).

Units: all positions are in *normalised units* (benchmark: per-FOV min-max to
:math:`[0, 1]`, about 2 µm per unit; :func:`miro.nn.graph.normalize_fov`); the
connectivity radius :math:`R` is in the same units.

Differences from the authors' code, all documented and all optional
-------------------------------------------------------------------
* Randomness comes from ``numpy.random.Generator`` seeded with an explicit
  integer: graph *i* uses its own stream
  ``SeedSequence(seed, spawn_key=(1, i))`` (the one-off populate step uses
  ``spawn_key=(0,)``), so graph *i* does not depend on ``dataset_size`` and
  the same seed always gives the same training set. The authors used the
  unseeded global ``np.random``.
* ``reflect_clusters=False`` reproduces the code (clusters are only rotated).
  The paper and notebooks also claim reflections; ``reflect_clusters=True``
  mirrors each cluster about its x axis with probability 1/2 before the
  rotation (rotation plus one optional mirror covers every orthogonal map).
* Empty grid cells are listed in sorted order (the authors iterate a Python
  ``set``). An integer range with equal bounds, e.g. ``(65, 65)``, fixes the
  value (``np.random.randint`` would raise).
* The graph is built with :func:`miro.nn.graph.build_graph` (SciPy Delaunay,
  duplicate points joined), exactly as at inference.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data, InMemoryDataset

from miro._validation import (
    check_choice,
    check_count,
    check_float_range,
    check_int_range,
    check_non_negative,
    check_training_radius,
    check_training_seed,
)
from miro.data.simulation import simulate
from miro.errors import MiroInputError
from miro.nn.graph import build_graph, normalize_fov, targets

__all__ = [
    "BUILDERS",
    "AUTHORS_KWARG_NAMES",
    "EMPTY_CELL",
    "TrainingSource",
    "SyntheticFOV",
    "empty_cells",
    "split_fov",
    "source_from_fovs",
    "source_from_benchmark",
    "single_shot_source",
    "synthesize",
    "synthesize_graph_dataset",
    "synthesize_blinking",
    "synthesize_blinking_cropped",
    "fov_to_graph",
    "to_graphs",
    "graph_dataset",
    "graph_blinking_dataset",
    "graph_blinking_cropped_dataset",
    "build_training_set",
    "graph_from_annotated_fov",
    "simulated_graphs",
    "save_training_set",
    "load_training_set",
]

#: The authors' builder names (``benchmark-metadata.json`` ``builder``).
BUILDERS = ("GraphDataset", "GraphBlinkingDataset", "GraphBlinkingCroppedDataset")

#: Keyword names of the authors' builders (``lib/load.py``, typos included)
#: -> the names used here. Names already in our spelling are accepted too.
AUTHORS_KWARG_NAMES = {
    "pupulation_std_sigma": "population_std_sigma",
    "background_Sampling_range": "background_sampling_range",
}

#: Grid cell (normalised units) in which GraphBlinkingDataset looks for empty
#: space (``find_empty_spaces(resolution=0.02)``).
EMPTY_CELL = 0.02

FORMAT_NAME = "miro-training-set"
FORMAT_VERSION = 1


# --------------------------------------------------------------------------
# Random draws
# --------------------------------------------------------------------------


def _randint(rng: np.random.Generator, bounds: tuple[int, int]) -> int:
    low, high = bounds
    return low if high <= low else int(rng.integers(low, high))


# --------------------------------------------------------------------------
# Training material: clusters and backgrounds
# --------------------------------------------------------------------------


@dataclass
class _Cluster:
    """One training cluster, coordinates relative to its centre (the origin)."""

    xy: np.ndarray  # (n, 2) float64
    sublabel: np.ndarray | None = None  # (n,) int64
    cls: np.ndarray | None = None  # (n,) int64
    # centre of each sub-cluster in the cluster frame, from the unaugmented points
    sub_centres: dict = field(default_factory=dict)


@dataclass
class TrainingSource:
    """What the builders synthesise from: annotated clusters and real backgrounds.

    Attributes
    ----------
    clusters : list of pandas.DataFrame
        One table per training cluster with columns ``x``, ``y`` in
        normalised units *relative to the cluster centre* (the authors centre
        each cluster on its own mean), optionally ``sublabel`` (int, 0 = in no
        sub-cluster) and ``class`` (int >= 1).
    backgrounds : list of ndarray of shape (M, 2)
        Non-clustered localizations of each training FOV, normalised (not
        centred). Needed by the blinking builders only.
    fovs : list of int
        Source FOV numbers (for provenance), may be empty.
    """

    clusters: list
    backgrounds: list = field(default_factory=list)
    fovs: list = field(default_factory=list)

    def __post_init__(self):
        if len(self.clusters) == 0:
            raise MiroInputError("clusters: no training cluster; the training FOVs hold no localization with index > 0")
        self._parsed = [_parse_cluster(c, i) for i, c in enumerate(self.clusters)]
        bgs = []
        for i, b in enumerate(self.backgrounds):
            arr = np.asarray(b[["x", "y"]] if isinstance(b, pd.DataFrame) else b, dtype=np.float64)
            if arr.ndim != 2 or arr.shape[1] != 2 or not np.all(np.isfinite(arr)):
                raise MiroInputError(f"backgrounds[{i}]: expected a finite (M, 2) array of x, y (normalised units)")
            bgs.append(arr.reshape(-1, 2))
        self.backgrounds = bgs

    @property
    def has_sublabels(self) -> bool:
        return all(c.sublabel is not None for c in self._parsed)

    @property
    def has_classes(self) -> bool:
        return all(c.cls is not None for c in self._parsed)


def _parse_cluster(cluster, i: int) -> _Cluster:
    if isinstance(cluster, pd.DataFrame):
        missing = [c for c in ("x", "y") if c not in cluster.columns]
        if missing:
            raise MiroInputError(f"clusters[{i}]: missing column(s) {', '.join(missing)}; give x, y (normalised, centred)")
        xy = cluster[["x", "y"]].to_numpy(dtype=np.float64)
        sub = cluster["sublabel"].to_numpy(dtype=np.int64) if "sublabel" in cluster.columns else None
        cls = cluster["class"].to_numpy(dtype=np.int64) if "class" in cluster.columns else None
    else:
        xy = np.asarray(cluster, dtype=np.float64)
        sub = cls = None
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) == 0:
        raise MiroInputError(f"clusters[{i}]: expected a non-empty (n, 2) table of x, y, got shape {xy.shape}")
    if not np.all(np.isfinite(xy)):
        raise MiroInputError(f"clusters[{i}]: holds NaN or infinite coordinates")
    if cls is not None and np.any(cls < 1):
        raise MiroInputError(f"clusters[{i}]: column class must be >= 1 (0 is the background class)")
    sub_centres = {}
    if sub is not None:
        for s in np.unique(sub[sub != 0]):
            sub_centres[int(s)] = xy[sub == s].mean(axis=0)
    return _Cluster(xy, sub, cls, sub_centres)


def split_fov(table: pd.DataFrame, normalization: str = "authors", length_nm: float = 2000.0):
    """Cut one annotated FOV into centred training clusters and its background.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``x``, ``y`` (nm) and ``index`` (0 = not clustered); optional
        ``sublabel`` and ``class`` columns are carried into the clusters.
    normalization : {"authors", "isotropic"}, default "authors"
        :func:`miro.nn.graph.normalize_fov` mode: per-FOV, per-axis min-max
        (benchmark notebook cell 5) or ``x / length_nm``.
    length_nm : float, default 2000
        For ``normalization="isotropic"``.

    Returns
    -------
    clusters : list of pandas.DataFrame
        One per ``index`` > 0 (ascending), ``x``, ``y`` normalised and centred
        on the cluster's own mean (``group - group.mean()``).
    background : ndarray of shape (M, 2)
        The normalised ``index == 0`` localizations.
    """
    if "index" not in table.columns:
        raise MiroInputError("table: no index column; training FOVs need ground-truth labels (0 = not clustered)")
    xy, _ = normalize_fov(table[["x", "y"]].to_numpy(dtype=np.float64), mode=normalization, length_nm=length_nm)
    labels = table["index"].to_numpy()
    extra = [c for c in ("sublabel", "class") if c in table.columns]
    clusters = []
    for value in np.unique(labels[labels > 0]):
        members = labels == value
        pts = xy[members]
        frame = pd.DataFrame(pts - pts.mean(axis=0), columns=["x", "y"])
        for column in extra:
            frame[column] = table[column].to_numpy()[members].astype(np.int64)
        clusters.append(frame)
    return clusters, xy[labels == 0]


def source_from_fovs(tables: Sequence[pd.DataFrame], normalization: str = "authors", fovs: Sequence[int] = ()) -> TrainingSource:
    """:class:`TrainingSource` from annotated FOV tables (see :func:`split_fov`)."""
    clusters, backgrounds = [], []
    for table in tables:
        c, b = split_fov(table, normalization)
        clusters.extend(c)
        backgrounds.append(b)
    return TrainingSource(clusters, backgrounds, list(fovs))


def source_from_benchmark(folder, training_indices: Sequence[int], normalization: str = "authors") -> TrainingSource:
    """:class:`TrainingSource` from the training FOVs of a benchmark folder.

    Parameters
    ----------
    folder : path
        E.g. ``.../nieves2023-benchmark/Ground Truth - Scenario 8``.
    training_indices : sequence of int
        FOV numbers (trailing integer of the file name), e.g. the metadata's
        ``training_indices`` ``[32, 48, 28]``.
    """
    from miro.data.io import list_fovs, read_localizations

    files = list_fovs(folder)
    tables = []
    for i in training_indices:
        if int(i) not in files:
            raise MiroInputError(f"{folder}: no file for training FOV {i}; available FOVs {min(files)}..{max(files)}")
        tables.append(read_localizations(files[int(i)], require_labels=True))
    return source_from_fovs(tables, normalization, fovs=[int(i) for i in training_indices])


def single_shot_source(path, backgrounds: Sequence = ()) -> TrainingSource:
    """:class:`TrainingSource` holding one cluster from a CSV (``x``, ``y``; already normalised and centred).

    The authors' single-shot files (``single-shot/training_cluster_scenario_{5,6}.csv``)
    are used as they are: the cluster's centre is the origin of the file's
    coordinates (not re-centred).
    """
    from miro.data.io import read_localizations

    table = read_localizations(path)
    keep = [c for c in ("x", "y", "sublabel", "class") if c in table.columns]
    return TrainingSource([table[keep].reset_index(drop=True)], list(backgrounds), [])


# --------------------------------------------------------------------------
# Augmentation primitives (authors' lib/load.py)
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Synthetic FOVs (point clouds) and graphs
# --------------------------------------------------------------------------


@dataclass
class SyntheticFOV:
    """One synthetic training FOV before graph construction (normalised units).

    Attributes
    ----------
    xy : ndarray (N, 2)
        Positions: the clusters' points first (cluster by cluster), then the background.
    label : ndarray (N,) int64
        1..n per placed cluster, 0 for background.
    centre : ndarray (N, 2)
        Placement centre :math:`\\mathbf{c}` of each point's cluster (the
        point itself for background).
    sub_centre : ndarray (N, 2) or None
        Centre of each point's sub-cluster (the point itself where there is none).
    sublabel : ndarray (N,) int64 or None
        Globally unique sub-cluster id, 0 = none (and background).
    cls : ndarray (N,) int64 or None
        Class, 0 for background.
    """

    xy: np.ndarray
    label: np.ndarray
    centre: np.ndarray
    sub_centre: np.ndarray | None = None
    sublabel: np.ndarray | None = None
    cls: np.ndarray | None = None


def _graph_rng(seed: int, i: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, int(i))))


def _setup_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))


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


def _assemble(parts, noise: np.ndarray) -> SyntheticFOV:
    pos, centre, label, sub_c, sub_l, cls = parts
    n_bg = len(noise)
    cat = lambda a, fill: np.concatenate([*a, fill]) if a else fill  # noqa: E731
    xy = cat(pos, noise)
    return SyntheticFOV(
        xy=xy,
        label=cat(label, np.zeros(n_bg, dtype=np.int64)),
        centre=cat([np.asarray(c) for c in centre], noise),
        sub_centre=None if sub_c is None else cat(sub_c, noise),
        sublabel=None if sub_l is None else cat(sub_l, np.zeros(n_bg, dtype=np.int64)),
        cls=None if cls is None else cat(cls, np.zeros(n_bg, dtype=np.int64)),
    )


def synthesize_graph_dataset(
    source: TrainingSource,
    *,
    seed: int,
    dataset_size: int = 512,
    noise_point_range=(150, 250),
    cluster_count_range=(10, 20),
    cluster_sampling_range=(0.055, 0.062),
    population_std_sigma: float = 0.003,
    num_additions: int = 4,
    reflect_clusters: bool = False,
    start: int = 0,
) -> list[SyntheticFOV]:
    """Synthetic FOVs of the authors' ``GraphDataset`` (point clouds only).

    Parameters are the authors' (defaults included, ``connectivity_radius``
    aside, which only matters for the graph): see the module notes.
    ``start`` is the index of the first FOV (FOV *i* depends only on
    ``seed`` and *i*).

    Returns
    -------
    list of SyntheticFOV, length ``dataset_size``
    """
    seed = check_training_seed(seed)
    n = check_count(dataset_size, "dataset_size")
    noise_range = check_int_range(noise_point_range, "noise_point_range")
    count_range = check_int_range(cluster_count_range, "cluster_count_range")
    frac_range = check_float_range(cluster_sampling_range, "cluster_sampling_range")
    sigma = check_non_negative(population_std_sigma, "pupulation_std_sigma")
    additions = check_count(num_additions, "num_additions")
    setup = _setup_rng(seed)
    clusters = [_populate_cluster(c, sigma, additions, setup) for c in source._parsed]
    _check_fraction(clusters, frac_range, "cluster_sampling_range")
    out = []
    for i in range(start, start + n):
        rng = _graph_rng(seed, i)
        num_clusters = _randint(rng, count_range)
        shifts = rng.uniform(0.05, 0.95, size=(num_clusters, 2))
        parts = _place(clusters, shifts, frac_range, rng, reflect_clusters)
        noise = rng.uniform(0.0, 1.0, size=(_randint(rng, noise_range), 2))
        out.append(_assemble(parts, noise))
    return out


def _check_fraction(clusters, frac_range, name):
    smallest = min(len(c.xy) for c in clusters)
    if frac_range[1] > 1:
        raise MiroInputError(f"{name}: fractions above 1 cannot be drawn without replacement, got {frac_range}")
    if round(frac_range[1] * smallest) == 0:
        raise MiroInputError(
            f"{name}: {frac_range} of the smallest populated cluster ({smallest} points) leaves no point; raise the fraction"
        )


def synthesize_blinking(
    source: TrainingSource,
    *,
    seed: int,
    dataset_size: int = 512,
    cluster_count_range=(10, 20),
    cluster_sampling_range=(0.055, 0.062),
    cluster_std_sigma: float = 0.003,
    num_cluster_additions: int = 4,
    background_sampling_range=(0.035, 0.04),
    background_std_population: float = 0.009,
    num_bkg_additions: int = 4,
    reflect_clusters: bool = False,
    start: int = 0,
) -> list[SyntheticFOV]:
    """Synthetic FOVs of the authors' ``GraphBlinkingDataset`` (point clouds only).

    Needs ``source.backgrounds``. Raises :class:`~miro.errors.MiroInputError`
    if a background has fewer empty 0.02-cells than clusters requested.
    """
    seed = check_training_seed(seed)
    n = check_count(dataset_size, "dataset_size")
    count_range = check_int_range(cluster_count_range, "cluster_count_range")
    frac_range = check_float_range(cluster_sampling_range, "cluster_sampling_range")
    bkg_range = check_float_range(background_sampling_range, "background_sampling_range", upper=1.0)
    c_sigma = check_non_negative(cluster_std_sigma, "cluster_std_sigma")
    b_sigma = check_non_negative(background_std_population, "background_std_population")
    c_add = check_count(num_cluster_additions, "num_cluster_additions")
    b_add = check_count(num_bkg_additions, "num_bkg_additions")
    if not source.backgrounds:
        raise MiroInputError("backgrounds: GraphBlinkingDataset needs the training FOVs' backgrounds (index 0 points)")
    setup = _setup_rng(seed)
    clusters = [_populate_cluster(c, c_sigma, c_add, setup) for c in source._parsed]
    backgrounds = [_populate(b, [], b_sigma, b_add, setup)[0] for b in source.backgrounds]
    _check_fraction(clusters, frac_range, "cluster_sampling_range")
    out = []
    for i in range(start, start + n):
        rng = _graph_rng(seed, i)
        bg = backgrounds[int(rng.integers(0, len(backgrounds)))]
        noise = _flip(bg[_subsample(len(bg), rng.uniform(*bkg_range), rng)], rng)
        cells = empty_cells(noise)
        num_clusters = _randint(rng, count_range)
        if num_clusters > len(cells):
            raise MiroInputError(
                f"cluster_count_range: {num_clusters} clusters requested but the background has only "
                f"{len(cells)} empty {EMPTY_CELL}-cells; lower the cluster count or background_sampling_range"
            )
        shifts = cells[rng.choice(len(cells), size=num_clusters, replace=False)]
        parts = _place(clusters, shifts, frac_range, rng, reflect_clusters)
        out.append(_assemble(parts, noise))
    return out


def synthesize_blinking_cropped(
    source: TrainingSource,
    *,
    seed: int,
    dataset_size: int = 512,
    cluster_count_range=(6, 10),
    cluster_sampling_range=(0.95, 1.0),
    background_sampling_range=(0.9, 1.0),
    max_cropped_size: float = 0.4,
    reflect_clusters: bool = False,
    start: int = 0,
) -> list[SyntheticFOV]:
    """Synthetic FOVs of the authors' ``GraphBlinkingCroppedDataset`` (point clouds only).

    ``background_sampling_range`` is the authors' ``background_Sampling_range``;
    the background is resampled *with* replacement, so fractions up to any
    value are allowed. Clusters are not populated.
    """
    seed = check_training_seed(seed)
    n = check_count(dataset_size, "dataset_size")
    count_range = check_int_range(cluster_count_range, "cluster_count_range")
    frac_range = check_float_range(cluster_sampling_range, "cluster_sampling_range")
    bkg_range = check_float_range(background_sampling_range, "background_sampling_range")
    crop = check_non_negative(max_cropped_size, "max_cropped_size")
    if not 0.05 < crop <= 1:
        raise MiroInputError(f"max_cropped_size: expected a crop width in (0.05, 1] normalised units, got {max_cropped_size!r}")
    if not source.backgrounds:
        raise MiroInputError("backgrounds: GraphBlinkingCroppedDataset needs the training FOVs' backgrounds (index 0 points)")
    clusters = source._parsed
    _check_fraction(clusters, frac_range, "cluster_sampling_range")
    out = []
    for i in range(start, start + n):
        rng = _graph_rng(seed, i)
        bg = source.backgrounds[int(rng.integers(0, len(source.backgrounds)))]
        x0 = rng.random() * (1 - crop)
        y0 = rng.random() * (1 - crop)
        inside = (bg[:, 0] > x0) & (bg[:, 0] < x0 + crop) & (bg[:, 1] > y0) & (bg[:, 1] < y0 + crop)
        noise = bg[inside]
        if len(noise):
            noise = noise - noise.min(axis=0)
        size = int(len(noise) * rng.uniform(*bkg_range))
        noise = noise[rng.integers(0, len(noise), size)] if len(noise) else noise
        noise = _flip(noise, rng)
        num_clusters = _randint(rng, count_range)
        shifts = rng.uniform(0.05, crop, size=(num_clusters, 2))
        parts = _place(clusters, shifts, frac_range, rng, reflect_clusters)
        out.append(_assemble(parts, noise))
    return out


_SYNTHESIZERS = {
    "GraphDataset": synthesize_graph_dataset,
    "GraphBlinkingDataset": synthesize_blinking,
    "GraphBlinkingCroppedDataset": synthesize_blinking_cropped,
}


def _normalise_kwargs(builder: str, builder_kwargs: Mapping) -> tuple[dict, float | None]:
    """Authors' kwargs -> (our kwargs without radius, connectivity_radius)."""
    check_choice(builder, _SYNTHESIZERS, "builder")
    kwargs = {}
    for key, value in dict(builder_kwargs).items():
        ours = AUTHORS_KWARG_NAMES.get(key, key)
        if ours in kwargs:
            raise MiroInputError(f"builder_kwargs: {key!r} given twice (authors' and our spelling)")
        kwargs[ours] = value
    radius = kwargs.pop("connectivity_radius", None)
    allowed = set(inspect.signature(_SYNTHESIZERS[builder]).parameters) - {"source", "seed", "start", "reflect_clusters"}
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise MiroInputError(
            f"builder_kwargs: {builder} has no parameter(s) {', '.join(unknown)}; allowed: "
            f"connectivity_radius, {', '.join(sorted(allowed))}"
        )
    return kwargs, radius


def synthesize(
    builder: str,
    builder_kwargs: Mapping,
    source: TrainingSource,
    *,
    seed: int,
    dataset_size: int | None = None,
    reflect_clusters: bool = False,
) -> list[SyntheticFOV]:
    """Synthetic FOVs (no graphs) from a builder name and kwargs in the authors' metadata format.

    Same arguments as :func:`build_training_set`; ``connectivity_radius`` in
    ``builder_kwargs`` is accepted and ignored. Useful to score DBSCAN
    parameters on simulated point clouds (:mod:`miro.inference.tuning`).
    """
    kwargs, _ = _normalise_kwargs(builder, builder_kwargs)
    if dataset_size is not None:
        kwargs["dataset_size"] = dataset_size
    return _SYNTHESIZERS[builder](source, seed=seed, reflect_clusters=reflect_clusters, **kwargs)


def fov_to_graph(
    fov: SyntheticFOV, connectivity_radius: float, num_eigenvectors: int = 5, node_features: str = "laplacian"
) -> Data:
    """The training graph of one synthetic FOV.

    :func:`miro.nn.graph.build_graph` (with ``node_features``) plus the targets: ``y`` (N, 2) float32,
    ``label`` (N,) int64 and, when present, ``y_sub`` (N, 2) float32 and
    ``y_class`` (N,) int64.
    """
    r = check_training_radius(connectivity_radius)
    data = build_graph(fov.xy, r, num_eigenvectors=num_eigenvectors, node_features=node_features)
    data.y = targets(fov.xy, fov.label, r, centres=fov.centre)
    data.label = torch.from_numpy(np.asarray(fov.label, dtype=np.int64))
    if fov.sublabel is not None:
        data.y_sub = targets(fov.xy, fov.sublabel, r, centres=fov.sub_centre)
    if fov.cls is not None:
        data.y_class = torch.from_numpy(np.asarray(fov.cls, dtype=np.int64))
    return data


def to_graphs(
    fovs: Sequence[SyntheticFOV], connectivity_radius: float, progress: bool = False, node_features: str = "laplacian"
) -> list[Data]:
    """:func:`fov_to_graph` for every FOV, with an optional tqdm bar."""
    r = check_training_radius(connectivity_radius)
    iterator = fovs
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(fovs, desc="Building training graphs", unit="graph")
    return [fov_to_graph(f, r, node_features=node_features) for f in iterator]


def build_training_set(
    builder: str,
    builder_kwargs: Mapping,
    source: TrainingSource,
    *,
    seed: int,
    dataset_size: int | None = None,
    reflect_clusters: bool = False,
    progress: bool = False,
    node_features: str = "laplacian",
) -> list[Data]:
    """A training set from a builder name and kwargs in the authors' metadata format.

    Parameters
    ----------
    builder : {"GraphDataset", "GraphBlinkingDataset", "GraphBlinkingCroppedDataset"}
        ``benchmark-metadata.json`` ``builder``.
    builder_kwargs : mapping
        ``benchmark-metadata.json`` ``builder_kwargs``, with the authors' key
        names (``pupulation_std_sigma``, ``background_Sampling_range``; our
        spellings ``population_std_sigma``, ``background_sampling_range`` are
        accepted too). ``connectivity_radius`` (R, normalised units) is
        required. Missing keys take the authors' class defaults.
    source : TrainingSource
        Training clusters (and backgrounds for the blinking builders).
    seed : int
        Seed of every random draw.
    dataset_size : int, optional
        Overrides ``builder_kwargs["dataset_size"]`` (e.g. a quick preset).
    reflect_clusters : bool, default False
        Also mirror clusters (the paper's claim; not in the authors' code).
    progress : bool, default False
        tqdm bar while building graphs.
    node_features : {"laplacian", "laplacian+meanshift"}, default "laplacian"
        Node feature set (:func:`miro.nn.graph.build_graph`); the model must be
        built with the same one.

    Returns
    -------
    list of torch_geometric.data.Data
        See :func:`fov_to_graph`. Save with :func:`save_training_set`.

    Examples
    --------
    >>> meta = json.load(open("benchmark-metadata.json"))["Ground Truth - Scenario 8"]  # doctest: +SKIP
    >>> src = source_from_benchmark(folder, meta["training_indices"])  # doctest: +SKIP
    >>> graphs = build_training_set(meta["builder"], meta["builder_kwargs"], src, seed=0)  # doctest: +SKIP
    """
    _, radius = _normalise_kwargs(builder, builder_kwargs)
    if radius is None:
        raise MiroInputError("builder_kwargs: connectivity_radius (R, normalised units) is required")
    fovs = synthesize(builder, builder_kwargs, source, seed=seed, dataset_size=dataset_size, reflect_clusters=reflect_clusters)
    return to_graphs(fovs, radius, progress=progress, node_features=node_features)


def graph_dataset(source: TrainingSource, *, connectivity_radius: float, seed: int, progress: bool = False, **kwargs) -> list[Data]:
    """Graphs of the authors' ``GraphDataset``; kwargs as :func:`synthesize_graph_dataset`."""
    return to_graphs(synthesize_graph_dataset(source, seed=seed, **kwargs), connectivity_radius, progress)


def graph_blinking_dataset(source: TrainingSource, *, connectivity_radius: float, seed: int, progress: bool = False, **kwargs) -> list[Data]:
    """Graphs of the authors' ``GraphBlinkingDataset``; kwargs as :func:`synthesize_blinking`."""
    return to_graphs(synthesize_blinking(source, seed=seed, **kwargs), connectivity_radius, progress)


def graph_blinking_cropped_dataset(
    source: TrainingSource, *, connectivity_radius: float, seed: int, progress: bool = False, **kwargs
) -> list[Data]:
    """Graphs of the authors' ``GraphBlinkingCroppedDataset``; kwargs as :func:`synthesize_blinking_cropped`."""
    return to_graphs(synthesize_blinking_cropped(source, seed=seed, **kwargs), connectivity_radius, progress)


def simulated_graphs(
    simulator: str,
    simulation: Mapping,
    generators,
    connectivity_radius: float,
    node_features: str = "laplacian",
) -> list[Data]:
    """Training graphs of fresh simulated FOVs, one per random generator (no augmentation).

    Each FOV is :func:`miro.data.simulation.simulate` ``(simulator, generator,
    **simulation)``, min-max normalised like every scenario FOV
    (``normalization="authors"``) and turned into a graph by
    :func:`graph_from_annotated_fov` (``y``; ``y_class`` and ``y_sub`` when the
    simulator writes ``class`` / ``sublabel``).
    """
    return [
        graph_from_annotated_fov(
            simulate(simulator, generator, **dict(simulation)), connectivity_radius,
            normalization="authors", node_features=node_features,
        )
        for generator in generators
    ]


def graph_from_annotated_fov(
    table: pd.DataFrame,
    connectivity_radius: float,
    normalization: str = "isotropic",
    length_nm: float = 2000.0,
    node_features: str = "laplacian",
) -> Data:
    """A training graph from one annotated FOV as it is, without augmentation.

    The multiscale (NPC) and multishape pipelines train on pre-generated FOVs
    directly (method notes §10). ``y`` points to the mean of each ``index``
    group; ``y_sub`` (when a ``sublabel`` column exists) to the mean of each
    sublabel group; ``y_class`` is the ``class`` column (0 = background).

    Parameters
    ----------
    table : pandas.DataFrame
        ``x``, ``y`` (nm), ``index`` (0 = background), optional ``sublabel``, ``class``.
    connectivity_radius : float
        R, normalised units.
    normalization : {"isotropic", "authors"}, default "isotropic"
        The multiscale tutorial divides by 2000 nm (``"isotropic"``).
    length_nm : float, default 2000
    node_features : {"laplacian", "laplacian+meanshift"}, default "laplacian"
    """
    if "index" not in table.columns:
        raise MiroInputError("table: no index column; a training FOV needs ground-truth labels (0 = not clustered)")
    r = check_training_radius(connectivity_radius)
    xy, _ = normalize_fov(table[["x", "y"]].to_numpy(dtype=np.float64), mode=normalization, length_nm=length_nm)
    labels = table["index"].to_numpy(dtype=np.int64)
    data = build_graph(xy, r, node_features=node_features)
    data.y = targets(xy, labels, r)
    data.label = torch.from_numpy(labels.copy())
    if "sublabel" in table.columns:
        data.y_sub = targets(xy, table["sublabel"].to_numpy(dtype=np.int64), r)
    if "class" in table.columns:
        cls = table["class"].to_numpy(dtype=np.int64).copy()
        cls[labels == 0] = 0
        data.y_class = torch.from_numpy(cls)
    return data


# --------------------------------------------------------------------------
# Saving and loading
# --------------------------------------------------------------------------


class _Collated(InMemoryDataset):
    def __init__(self, data, slices):
        super().__init__(root=None)
        self.data, self.slices = data, slices


def save_training_set(graphs: Sequence[Data], path, metadata: Mapping | None = None) -> Path:
    """Write a list of graphs to one ``.pt`` file (collated tensors; loads with ``weights_only=True``).

    Parameters
    ----------
    graphs : sequence of Data
    path : path
        Written atomically (temporary file renamed into place).
    metadata : mapping, optional
        JSON-serialisable provenance (scenario, builder, kwargs, seed, FOVs).
    """
    graphs = list(graphs)
    if not graphs:
        raise MiroInputError("graphs: empty training set; nothing to save")
    data, slices = InMemoryDataset.collate(graphs)
    try:
        meta = json.loads(json.dumps(dict(metadata or {})))
    except TypeError as exc:
        raise MiroInputError(f"metadata: entries must be JSON-serialisable: {exc}") from None
    payload = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "num_graphs": len(graphs),
        "data": data.to_dict(),
        "slices": dict(slices),
        "metadata": meta,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)
    return path


def load_training_set(path, return_metadata: bool = False):
    """Read a file written by :func:`save_training_set`.

    Returns
    -------
    list of Data, or (list of Data, dict) with ``return_metadata=True``
    """
    path = Path(path)
    if not path.is_file():
        raise MiroInputError(f"{path}: no such training-set file; build it with miro.training.training_sets.save_training_set")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise MiroInputError(f"{path}: not a MIRO training set ({str(exc).splitlines()[0][:160]})") from None
    if not isinstance(payload, Mapping) or payload.get("format") != FORMAT_NAME:
        raise MiroInputError(f"{path}: not a MIRO training set (no '{FORMAT_NAME}' header); rebuild it")
    collated = _Collated(Data.from_dict(payload["data"]), payload["slices"])
    graphs = [collated.get(i) for i in range(payload["num_graphs"])]
    # ``get`` may return cached copies; detach them from the collated storage
    graphs = [g.clone() for g in graphs]
    if return_metadata:
        return graphs, dict(payload["metadata"])
    return graphs
