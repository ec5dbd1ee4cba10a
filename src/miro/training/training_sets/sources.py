"""What the training sets are synthesised from: annotated clusters (centred) and real backgrounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from miro.errors import MiroInputError
from miro.nn.graph import normalize_fov

__all__ = ["TrainingSource", "split_fov", "source_from_fovs", "source_from_benchmark", "single_shot_source"]


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


def single_shot_source(path, backgrounds: Sequence = (), length_nm: float | None = None) -> TrainingSource:
    r""":class:`TrainingSource` holding one annotated cluster (single-shot training), from a CSV of ``x``, ``y``.

    With ``length_nm`` the file is in nm and the cluster is centred on its mean and
    scaled to normalised units, :math:`\mathbf{p}' = (\mathbf{p} - \bar{\mathbf{p}}) / L`
    (:math:`L` = ``length_nm``, the FOV edge the model will squeeze: 2000 nm for the
    benchmark). Without it the file is taken as it is, in normalised units with the
    cluster's centre at the origin: the authors' single-shot files
    (``single-shot/data/training_cluster_scenario_{5,6}.csv``) are not re-centred.

    Parameters
    ----------
    path : path
        CSV with columns ``x``, ``y`` (optional ``sublabel``, ``class``); at least 3 points.
    backgrounds : sequence of (M, 2) arrays
        Real backgrounds in normalised units, for the blinking builders.
    length_nm : float, optional
        nm per normalised unit of a file in nm.
    """
    from miro.data.io import read_localizations

    table = read_localizations(path, check_units=length_nm is not None)  # normalised files span < 1 unit
    keep = [c for c in ("x", "y", "sublabel", "class") if c in table.columns]
    table = table[keep].reset_index(drop=True)
    if len(table) < 3:
        raise MiroInputError(f"{path}: {len(table)} localization(s); a single-shot training cluster needs at least 3")
    xy = table[["x", "y"]].to_numpy(dtype=np.float64)
    extent = float(np.max(np.ptp(xy, axis=0)))
    if length_nm is not None:
        if not length_nm > 0:
            raise MiroInputError(f"{path}: length_nm must be > 0 (nm per normalised unit), got {length_nm}")
        table[["x", "y"]] = (xy - xy.mean(axis=0)) / float(length_nm)
    elif extent > 1:
        raise MiroInputError(
            f"{path}: the cluster spans {extent:g} units, more than a whole normalised FOV; "
            "a cluster in nm needs length_nm (nm per normalised unit, e.g. 2000 for the benchmark)"
        )
    return TrainingSource([table], list(backgrounds), [])
