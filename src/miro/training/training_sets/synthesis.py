"""The authors' three builders of synthetic training FOVs (point clouds, before graphs).

``GraphDataset``, ``GraphBlinkingDataset`` and ``GraphBlinkingCroppedDataset``
(see :mod:`miro.training.training_sets`), also by name and keyword arguments
in the authors' metadata format (:func:`synthesize`).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from miro._validation import (
    check_choice,
    check_count,
    check_float_range,
    check_int_range,
    check_non_negative,
    check_training_seed,
)
from miro.errors import MiroInputError
from miro.training.training_sets.augmentation import (
    EMPTY_CELL,
    _flip,
    _place,
    _populate,
    _populate_cluster,
    _randint,
    _subsample,
    empty_cells,
)
from miro.training.training_sets.sources import TrainingSource

__all__ = [
    "BUILDERS",
    "AUTHORS_KWARG_NAMES",
    "SyntheticFOV",
    "synthesize",
    "synthesize_graph_dataset",
    "synthesize_blinking",
    "synthesize_blinking_cropped",
]

#: The authors' builder names (``benchmark-metadata.json`` ``builder``).
BUILDERS = ("GraphDataset", "GraphBlinkingDataset", "GraphBlinkingCroppedDataset")

#: Keyword names of the authors' builders (``lib/load.py``, typos included)
#: -> the names used here. Names already in our spelling are accepted too.
AUTHORS_KWARG_NAMES = {
    "pupulation_std_sigma": "population_std_sigma",
    "background_Sampling_range": "background_sampling_range",
}


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
