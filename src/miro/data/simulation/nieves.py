"""Fields of view in the style of the Nieves et al. (2023) benchmark.

Gaussian or elliptical clusters of molecules (Scenarios 2–10), and the blinking
localizations those molecules give (:func:`blink`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from miro._validation import check_number, check_range, seed_generator
from miro.data.simulation._primitives import (
    FloatRange,
    IntRange,
    Seed,
    contiguous,
    draw,
    frame,
    gaussian_offsets,
    uniform_points,
)
from miro.errors import MiroInputError

__all__ = ["NIEVES_SCENARIOS", "benchmark", "blink"]


def blink(
    molecules: pd.DataFrame,
    seed: Seed,
    *,
    p_geometric: float = 0.2,
    precision_mean: float = 14.1,
    precision_sd: float = 3.5,
    fov: float | None = None,
) -> pd.DataFrame:
    """Turn molecule positions into blinking localizations, like the benchmark's "Multiple Blinking" files.

    Each molecule gives K localizations with K geometric on 0, 1, 2, ...:
    :math:`P(K = k) = p (1 - p)^k`, so with ``p_geometric = 0.2`` 20 % of the
    molecules are never seen and a seen molecule gives 5 localizations on
    average (measured in the Nieves files, benchmark-notes §2.2: mean
    4.94–5.00 and variance 19.3–20.4 given K ≥ 1, about 80 % of molecules
    seen; RSMLM's ``rgeom(n, 0.2)``). Each localization is displaced from its
    molecule by an isotropic 2D normal with its own precision σ, drawn from a
    gamma distribution.

    Parameters
    ----------
    molecules : pandas.DataFrame
        Columns ``x``, ``y`` (nm) and ``index``; ``class`` and ``sublabel``
        are carried over when present.
    seed : int or numpy.random.Generator
        Random seed.
    p_geometric : float, default 0.2
        p of the geometric number of localizations per molecule (P(K = 0) = p).
    precision_mean, precision_sd : float, default 14.1 and 3.5
        Mean and SD (nm) of the gamma-distributed per-localization precision σ
        (per-axis SD of the displacement). The Nieves paper's precision model
        was not found; these values reproduce the measured displacements:
        distance mean 17.65 nm (here :math:`\\sqrt{\\pi/2}\\,\\bar\\sigma` =
        17.67 nm), SD 10.5 nm (here 10.5 nm) and per-axis SD 14.5 nm (here
        :math:`\\sqrt{14.1^2 + 3.5^2}` = 14.5 nm). ``precision_sd = 0`` uses
        one σ for all.
    fov : float, optional
        If given, localizations outside ``[0, fov]²`` nm² are dropped, as in
        the Multiple Blinking files.

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm), ``index`` (cluster of the emitting
        molecule, renumbered 1..K after dropped clusters, 0 = not clustered),
        the carried-over label columns, ``molecule`` (1-based row of the
        emitting molecule in ``molecules``, like ``moleculeIndex``) and
        ``error`` (nm, distance between localization and molecule).
    """
    rng = seed_generator(seed)
    missing = {"x", "y", "index"} - set(getattr(molecules, "columns", ()))
    if missing:
        raise MiroInputError(f"molecules: a DataFrame with columns x, y, index is needed; missing {sorted(missing)}")
    check_number(p_geometric, "p_geometric", integer=False, minimum=0, inclusive=False)
    if p_geometric > 1:
        raise MiroInputError(f"p_geometric={p_geometric!r}: must be in (0, 1]")
    check_number(precision_mean, "precision_mean", integer=False, minimum=0, inclusive=False)
    check_number(precision_sd, "precision_sd", integer=False, minimum=0)
    if fov is not None:
        check_number(fov, "fov", integer=False, minimum=0, inclusive=False)
    counts = rng.geometric(p_geometric, size=len(molecules)) - 1
    source = np.repeat(np.arange(len(molecules)), counts)
    if precision_sd > 0:
        shape = (precision_mean / precision_sd) ** 2
        sigma = rng.gamma(shape, precision_mean / shape, size=len(source))
    else:
        sigma = np.full(len(source), float(precision_mean))
    displacement = rng.normal(size=(len(source), 2)) * sigma[:, None]
    xy = molecules[["x", "y"]].to_numpy(dtype=float)[source] + displacement
    inside = np.ones(len(xy), dtype=bool) if fov is None else np.all((xy >= 0) & (xy <= fov), axis=1)
    table = pd.DataFrame({"x": xy[inside, 0], "y": xy[inside, 1]})
    for column in ("index", "class", "sublabel"):
        if column in molecules:
            labels = molecules[column].to_numpy(dtype=np.int64)[source][inside]
            table[column] = labels if column == "class" else contiguous(labels)
    table["molecule"] = source[inside] + 1
    table["error"] = np.hypot(*displacement[inside].T)
    return table


_POPULATION_KEYS = ("molecules_per_cluster", "cluster_sd", "aspect_ratio")


def benchmark(
    seed: Seed,
    *,
    n_clusters: int = 20,
    molecules_per_cluster: IntRange = 15,
    cluster_sd: FloatRange = 25.0,
    aspect_ratio: float = 1.0,
    populations: Sequence[Mapping] | None = None,
    clustered_fraction: float = 0.5,
    fov: float = 2000.0,
    noise_gradient: float = 0.0,
    blinking: bool = False,
    p_geometric: float = 0.2,
    precision_mean: float = 14.1,
    precision_sd: float = 3.5,
) -> pd.DataFrame:
    """One FOV in the style of the Nieves et al. (2023) benchmark scenarios (Pineda et al., Fig. 2a–d).

    Molecules of Gaussian or elliptical clusters plus uniform non-clustered
    molecules in a ``fov × fov`` nm² region, as measured from the published
    "Ground Truth" files (benchmark-notes §2.1): cluster centres uniform in
    the FOV, members not cropped. With ``blinking=True`` the molecules are
    turned into localizations by :func:`blink` and cropped to the FOV, as in
    the "Multiple Blinking" files. :data:`NIEVES_SCENARIOS` holds the
    parameters of Scenarios 2–10.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Random seed. With ``blinking=True`` the molecules are those that
        ``blinking=False`` gives for the same integer seed.
    n_clusters : int, default 20
        Number of clusters.
    molecules_per_cluster : int or [low, high], default 15
        Molecules per cluster, fixed or drawn uniformly per cluster.
    cluster_sd : float or [low, high], default 25
        SD (nm) of a cluster along its major axis, fixed or drawn uniformly
        per cluster.
    aspect_ratio : float, default 1
        Ratio of major to minor SD (≥ 1); above 1 clusters are ellipses with
        uniform random orientation.
    populations : sequence of mapping, optional
        Cluster populations of equal share (Scenarios 7–9): each mapping
        overrides some of ``molecules_per_cluster``, ``cluster_sd`` and
        ``aspect_ratio`` for ``n_clusters / len(populations)`` clusters (the
        first ``n_clusters % len(populations)`` populations get one more).
        Scenario 8 measured exactly 10 clusters of 5 and 10 of 15 molecules per FOV.
    clustered_fraction : float, default 0.5
        Fraction of molecules that are clustered, in (0, 1]; the FOV gets
        ``round(n_clustered * (1 - f) / f)`` non-clustered molecules.
    fov : float, default 2000
        Edge (nm) of the square FOV.
    noise_gradient : float, default 0
        In [0, 1]: density of non-clustered molecules ∝ ``1 + g (2x/fov - 1)``
        along x, uniform along y. Scenario 10 uses 1, a density rising
        linearly from 0 at x = 0 (measured counts per 200 nm bin rise from 163
        to 2903, about 1:18).
    blinking : bool, default False
        Return blinking localizations (:func:`blink`, cropped to the FOV)
        instead of molecules.
    p_geometric, precision_mean, precision_sd : float
        Blinking and precision parameters passed to :func:`blink`.

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm) and ``index`` (1..K, 0 = not clustered);
        with blinking also ``molecule`` and ``error`` (see :func:`blink`).
    """
    rng = seed_generator(seed)
    check_number(n_clusters, "n_clusters", integer=True, minimum=1)
    check_number(clustered_fraction, "clustered_fraction", integer=False, minimum=0, inclusive=False)
    if clustered_fraction > 1:
        raise MiroInputError(f"clustered_fraction={clustered_fraction!r}: must be in (0, 1]")
    check_number(noise_gradient, "noise_gradient", integer=False, minimum=0)
    if noise_gradient > 1:
        raise MiroInputError(f"noise_gradient={noise_gradient!r}: must be in [0, 1]")
    check_number(fov, "fov", integer=False, minimum=0, inclusive=False)
    base = {"molecules_per_cluster": molecules_per_cluster, "cluster_sd": cluster_sd, "aspect_ratio": aspect_ratio}
    if populations is None:
        populations = [{}]
    if isinstance(populations, (str, bytes, Mapping)) or not isinstance(populations, Sequence) or not populations:
        raise MiroInputError(f"populations={populations!r}: give a non-empty list of mappings")
    groups = []
    for position, override in enumerate(populations):
        if not isinstance(override, Mapping) or set(override) - set(_POPULATION_KEYS):
            raise MiroInputError(
                f"populations[{position}]={override!r}: give a mapping with keys among {list(_POPULATION_KEYS)}"
            )
        group = {**base, **override}
        check_range(group["molecules_per_cluster"], "molecules_per_cluster", integer=True, minimum=1)
        check_range(group["cluster_sd"], "cluster_sd", integer=False)
        check_number(group["aspect_ratio"], "aspect_ratio", integer=False, minimum=1)
        groups.append(group)
    shares = np.full(len(groups), n_clusters // len(groups))
    shares[: n_clusters % len(groups)] += 1
    centres = rng.uniform(0, fov, size=(n_clusters, 2))
    xy, counts = [], []
    for group, share in zip(groups, shares):
        sizes = draw(rng, group["molecules_per_cluster"], "molecules_per_cluster", share, integer=True, minimum=1)
        sds = draw(rng, group["cluster_sd"], "cluster_sd", share, integer=False)
        for size, sd in zip(sizes, sds):
            xy.append(centres[len(counts)] + gaussian_offsets(rng, size, sd, group["aspect_ratio"]))
            counts.append(size)
    xy = np.vstack(xy)
    n_noise = int(round(len(xy) * (1 - clustered_fraction) / clustered_fraction))
    noise = uniform_points(rng, n_noise, fov, noise_gradient)
    molecules = frame(xy, {"index": np.repeat(np.arange(1, n_clusters + 1), counts)}, noise)
    if not blinking:
        return molecules
    return blink(
        molecules, rng, p_geometric=p_geometric, precision_mean=precision_mean, precision_sd=precision_sd, fov=fov
    )


NIEVES_SCENARIOS: dict[str, dict] = {
    # 20 Gaussian clusters × 15 molecules, σ 25 nm, 50 % clustered ("standard").
    "scenario_2": {"n_clusters": 20, "molecules_per_cluster": 15, "cluster_sd": 25.0, "clustered_fraction": 0.5},
    # As 2 with σ 15 nm and 80 % of molecules non-clustered (300 + 1200).
    "scenario_3": {"n_clusters": 20, "molecules_per_cluster": 15, "cluster_sd": 15.0, "clustered_fraction": 0.2},
    # Low density: 5 molecules per cluster, 75 % non-clustered (100 + 300).
    "scenario_4": {"n_clusters": 20, "molecules_per_cluster": 5, "cluster_sd": 25.0, "clustered_fraction": 0.25},
    # High density: 100 clusters.
    "scenario_5": {"n_clusters": 100, "molecules_per_cluster": 15, "cluster_sd": 25.0, "clustered_fraction": 0.5},
    # Ellipses: measured principal SDs about 75 × 15 nm (the MIRO paper says 3:1).
    "scenario_6": {
        "n_clusters": 20,
        "molecules_per_cluster": 50,
        "cluster_sd": 75.0,
        "aspect_ratio": 5.0,
        "clustered_fraction": 0.5,
    },
    # Two cluster sizes, 50/50: σ 25 and 75 nm.
    "scenario_7": {
        "n_clusters": 20,
        "molecules_per_cluster": 15,
        "populations": [{"cluster_sd": 25.0}, {"cluster_sd": 75.0}],
        "clustered_fraction": 0.5,
    },
    # Two densities, 10 + 10 clusters: 5 and 15 molecules, σ 25 nm.
    "scenario_8": {
        "n_clusters": 20,
        "cluster_sd": 25.0,
        "populations": [{"molecules_per_cluster": 5}, {"molecules_per_cluster": 15}],
        "clustered_fraction": 0.5,
    },
    # Two sizes at equal density: 15 molecules at σ 25 nm, 135 at σ 75 nm.
    "scenario_9": {
        "n_clusters": 20,
        "populations": [
            {"molecules_per_cluster": 15, "cluster_sd": 25.0},
            {"molecules_per_cluster": 135, "cluster_sd": 75.0},
        ],
        "clustered_fraction": 0.5,
    },
    # As 2 with non-clustered density rising linearly along x.
    "scenario_10": {
        "n_clusters": 20,
        "molecules_per_cluster": 15,
        "cluster_sd": 25.0,
        "clustered_fraction": 0.5,
        "noise_gradient": 1.0,
    },
}
"""Keyword arguments of :func:`benchmark` for Nieves et al. Scenarios 2–10 (benchmark-notes §2.1).

Counts are exact (measured from the published Ground Truth files); SDs are
the measured estimates. Add ``blinking=True`` for the Multiple Blinking version.
"""
