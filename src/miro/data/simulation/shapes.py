"""Simulated fields of view (FOVs) of single-molecule localizations with ground truth.

Every generator returns one FOV as a :class:`pandas.DataFrame` with columns

``x``, ``y``
    Coordinates in nm.
``index``
    Ground-truth cluster (structure) label: 0 = not clustered, clusters are
    numbered contiguously 1..K.
``class``
    Only :func:`multishape`: shape class 1..C (0 = not clustered).
``sublabel``
    Only the multiscale generators :func:`rings_of_spots` and :func:`npc`: label
    of the small cluster (spot, corner) inside the structure, globally unique
    and contiguous 1..M (0 = not clustered).
``molecule``, ``error``
    Only after :func:`blink`: the emitting molecule and the localization error.

Rows hold the clustered localizations structure by structure, then the
non-clustered ones. Parameters follow the "Simulated data" section of the
Methods of Pineda et al. [1]_ and, for the benchmark scenarios, the values
measured from the published files of Nieves et al. [2]_ (collected in the
project's ``benchmark-notes.md`` §2). Where the papers are silent the choice
is a parameter and its docstring says so.

Conventions shared by all generators:

* ``seed`` is an ``int`` or a :class:`numpy.random.Generator`; the same integer
  seed gives the same FOV.
* A count or size written "a–b" in the paper is passed as an inclusive range
  ``[a, b]`` (a list or tuple of two numbers) and drawn uniformly per FOV or
  per structure; a single number fixes it.
* ``noise_fraction`` is the fraction of *all* localizations of the FOV that are
  not clustered; non-clustered localizations are uniform in the square
  ``[0, fov] × [0, fov]`` nm² and their count is
  ``round(noise_fraction / (1 - noise_fraction) * n_clustered)``.
* Structures are kept whole: localizations that fall outside the FOV are
  kept, except after blinking (:func:`blink`), which crops as the benchmark's
  "Multiple Blinking" files are cropped.

References
----------
.. [1] Pineda, J. et al. Spatial clustering of molecular localizations with
   graph neural networks. arXiv:2412.00173 (2024).
.. [2] Nieves, D. J. et al. A framework for evaluating the performance of SMLM
   cluster analysis algorithms. Nat. Methods 20, 259–267 (2023).
"""

from __future__ import annotations

import csv
import inspect
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from miro._validation import check_fraction, check_number, check_placement, check_range, seed_generator
from miro.errors import MiroInputError

__all__ = [
    "MULTISCALE_SIMULATORS",
    "MULTISHAPE_MIXTURES",
    "NIEVES_SCENARIOS",
    "SIMULATORS",
    "benchmark",
    "blink",
    "cluster_pairs",
    "cshapes",
    "integrin",
    "multishape",
    "npc",
    "rings",
    "rings_of_spots",
    "simulate",
    "small_scale",
    "write_fov",
]

Seed = int | np.random.Generator
IntRange = int | Sequence[int]
FloatRange = float | Sequence[float]

# --------------------------------------------------------------------------- random draws


def _draw(rng: np.random.Generator, value, name: str, size: int, *, integer: bool, minimum: float = 0) -> np.ndarray:
    """``size`` values drawn uniformly from the range ``value`` (see :func:`miro._validation.check_range`)."""
    low, high = check_range(value, name, integer=integer, minimum=minimum)
    if integer:
        return rng.integers(low, high + 1, size=size)
    return rng.uniform(low, high, size=size)


# --------------------------------------------------------------------------- geometry


def _place_centres(
    rng: np.random.Generator, n: int, fov: float, margin: float, min_distance: float
) -> np.ndarray:
    """Centres of ``n`` structures, uniform in ``[margin, fov - margin]²`` nm².

    With ``min_distance > 0`` centres are placed one after another and a
    candidate closer than ``min_distance`` (nm) to an accepted centre is drawn
    again (random sequential adsorption).
    """
    low, high = margin, fov - margin
    if min_distance == 0:
        return rng.uniform(low, high, size=(n, 2))
    centres = np.empty((n, 2))
    placed = 0
    for _ in range(1000 * n):
        if placed == n:
            break
        candidate = rng.uniform(low, high, size=2)
        if np.all(np.hypot(*(centres[:placed] - candidate).T) >= min_distance):
            centres[placed] = candidate
            placed += 1
    if placed < n:
        raise MiroInputError(
            f"could not place {n} structures at least min_distance={min_distance} nm apart in a "
            f"{fov} nm FOV with margin {margin} nm; lower the number of structures or min_distance"
        )
    return centres


def _rotate(points: np.ndarray, angle: float) -> np.ndarray:
    """Rotate ``(n, 2)`` points about the origin by ``angle`` (rad)."""
    cos, sin = np.cos(angle), np.sin(angle)
    return points @ np.array([[cos, sin], [-sin, cos]])


def _gaussian_offsets(rng: np.random.Generator, n: int, sd: float, aspect_ratio: float = 1.0) -> np.ndarray:
    """``n`` offsets (nm) from an elliptical 2D normal distribution with random orientation.

    The SD is ``sd`` along the major axis and ``sd / aspect_ratio`` along the
    minor axis; ``aspect_ratio = 1`` gives an isotropic Gaussian spot.
    """
    offsets = rng.normal(size=(n, 2)) * np.array([sd, sd / aspect_ratio])
    return _rotate(offsets, rng.uniform(0, 2 * np.pi))


def _arc_offsets(rng: np.random.Generator, n: int, radius: float, radial_sd: float, span: float) -> np.ndarray:
    """``n`` offsets (nm) on a circular arc of angular ``span`` (rad) about the origin.

    Angles are uniform over the arc, which starts at a uniform random angle;
    distances from the centre are normal with mean ``radius`` and SD
    ``radial_sd``. ``span = 2π`` gives a ring, ``span = π`` a C-shape.
    """
    angle = rng.uniform(0, 2 * np.pi) + rng.uniform(0, span, size=n)
    distance = rng.normal(radius, radial_sd, size=n)
    return distance[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])


def _corner_offsets(rng: np.random.Generator, n: int, radius: float, n_corners: int, sd_divisor: float) -> np.ndarray:
    """``n`` offsets (nm) of one NPC corner, with the NPC centre at the origin and the corner on +x.

    The corner is an isosceles triangle with apex at the NPC centre, apex angle
    ``2π / n_corners`` and height ``h = 2 * radius``. Localizations are normal
    about the point at ``h / 2`` on the axis, with an angle-dependent SD: in
    direction θ the SD is the distance from that point to the triangle's
    perimeter in direction θ divided by ``sd_divisor`` (Pineda et al., Methods).
    """
    half_angle = np.pi / n_corners
    # Outward normals of the base (x = h) and of the two sides through the apex,
    # and the distance from the point (radius, 0) to each of those lines.
    normals = np.array(
        [[1.0, 0.0], [-np.sin(half_angle), np.cos(half_angle)], [-np.sin(half_angle), -np.cos(half_angle)]]
    )
    distances = radius * np.array([1.0, np.sin(half_angle), np.sin(half_angle)])
    theta = rng.uniform(0, 2 * np.pi, size=n)
    direction = np.column_stack([np.cos(theta), np.sin(theta)])
    approach = direction @ normals.T
    with np.errstate(divide="ignore"):
        to_perimeter = np.where(approach > 0, distances / approach, np.inf).min(axis=1)
    length = np.abs(rng.normal(size=n)) * to_perimeter / sd_divisor
    return length[:, None] * direction + np.array([radius, 0.0])


def _uniform_points(rng: np.random.Generator, n: int, fov: float, gradient: float = 0.0) -> np.ndarray:
    """``n`` points in ``[0, fov]²`` nm², uniform in y; in x with density ∝ ``1 + gradient (2x/fov - 1)``.

    ``gradient = 0`` is uniform; ``gradient = 1`` rises linearly from 0 at
    x = 0 (drawn as a mixture of a uniform and a triangular density).
    """
    points = rng.uniform(0, fov, size=(n, 2))
    rising = rng.random(n) < gradient
    points[rising, 0] = fov * np.sqrt(rng.random(rising.sum()))
    return points


def _n_noise(n_clustered: int, noise_fraction: float) -> int:
    """Number of non-clustered points that makes them ``noise_fraction`` of all points."""
    return int(round(noise_fraction / (1 - noise_fraction) * n_clustered))


# --------------------------------------------------------------------------- assembly


def _contiguous(labels: np.ndarray) -> np.ndarray:
    """Renumber positive labels to 1..K in increasing order; 0 stays 0."""
    labels = np.asarray(labels, dtype=np.int64)
    values, inverse = np.unique(labels, return_inverse=True)
    first = 0 if values.size and values[0] == 0 else 1
    return (np.arange(values.size, dtype=np.int64) + first)[inverse]


def _frame(structures: np.ndarray, labels: Mapping[str, np.ndarray], noise: np.ndarray) -> pd.DataFrame:
    """One FOV table: structure localizations with their labels, then non-clustered ones (label 0).

    ``labels`` maps column names (``index``, ``class``, ``sublabel``) to one
    label per structure localization; ``index`` and ``sublabel`` are made
    contiguous.
    """
    xy = np.vstack([structures, noise])
    table = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})
    for column, values in labels.items():
        padded = np.concatenate([np.asarray(values, dtype=np.int64), np.zeros(len(noise), dtype=np.int64)])
        table[column] = padded if column == "class" else _contiguous(padded)
    return table


def _arc_structures(
    seed: Seed, *, n_clusters, localizations_per_cluster, radius, radial_sd, span, noise_fraction, fov, margin, min_distance
) -> pd.DataFrame:
    """A FOV of ring-like (``span = 2π``) or C-shaped (``span = π``) clusters plus uniform noise."""
    rng = seed_generator(seed)
    check_number(radius, "radius", integer=False, minimum=0)
    check_number(radial_sd, "radial_sd", integer=False, minimum=0)
    check_fraction(noise_fraction, "noise_fraction")
    check_placement(fov, margin, min_distance)
    n = int(_draw(rng, n_clusters, "n_clusters", 1, integer=True, minimum=1)[0])
    counts = _draw(rng, localizations_per_cluster, "localizations_per_cluster", n, integer=True, minimum=1)
    centres = _place_centres(rng, n, fov, margin, min_distance)
    xy = np.vstack([c + _arc_offsets(rng, k, radius, radial_sd, span) for c, k in zip(centres, counts)])
    index = np.repeat(np.arange(1, n + 1), counts)
    noise = _uniform_points(rng, _n_noise(len(xy), noise_fraction), fov)
    return _frame(xy, {"index": index}, noise)


# --------------------------------------------------------------------------- generators


def cshapes(
    seed: Seed,
    *,
    n_clusters: IntRange = (30, 60),
    localizations_per_cluster: IntRange = (30, 60),
    radius: float = 250.0,
    radial_sd: float = 50.0,
    noise_fraction: float = 0.06,
    fov: float = 6400.0,
    margin: float = 250.0,
    min_distance: float = 500.0,
) -> pd.DataFrame:
    """One FOV of C-shaped (semicircular) clusters, as in Fig. 2e and Table 1 of Pineda et al.

    Methods: "6400 × 6400 nm² images, with 30–60 clusters per image obtained by
    randomly placing localizations on semicircles with a radius of 250 nm and
    a radial standard deviation of 50 nm. Each cluster had a random number of
    localizations between 30 and 60, drawn from a uniform distribution. The
    number of non-clustered molecules was 6% of the total number of
    localizations."

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Random seed.
    n_clusters : int or [low, high], default [30, 60]
        Number of C-shapes, drawn uniformly per FOV.
    localizations_per_cluster : int or [low, high], default [30, 60]
        Localizations per C-shape, drawn uniformly per cluster.
    radius : float, default 250
        Mean distance (nm) of the localizations from the circle centre.
    radial_sd : float, default 50
        SD (nm) of that distance.
    noise_fraction : float, default 0.06
        Fraction of all localizations that are not clustered (uniform in the FOV).
    fov : float, default 6400
        Edge (nm) of the square FOV.
    margin : float, default 250
        Circle centres keep this distance (nm) from the FOV border, so the
        nominal semicircle lies inside the FOV (the paper is silent; default
        = the default radius).
    min_distance : float, default 500
        Minimum distance (nm) between circle centres, so nominal circles do not
        cross (the paper is silent; default = twice the default radius; 0
        allows any overlap).

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm) and ``index`` (1..K, 0 = not clustered).

    Notes
    -----
    Each C-shape covers an angular span of π starting at a uniform random
    angle (random orientation); the angle of each localization is uniform on
    that span and its distance from the circle centre is
    :math:`\\mathcal{N}(250, 50^2)` nm.
    """
    return _arc_structures(
        seed,
        n_clusters=n_clusters,
        localizations_per_cluster=localizations_per_cluster,
        radius=radius,
        radial_sd=radial_sd,
        span=np.pi,
        noise_fraction=noise_fraction,
        fov=fov,
        margin=margin,
        min_distance=min_distance,
    )


def rings(
    seed: Seed,
    *,
    n_clusters: IntRange = (60, 70),
    localizations_per_cluster: IntRange = (60, 80),
    radius: float = 250.0,
    radial_sd: float = 50.0,
    noise_fraction: float = 0.07,
    fov: float = 6400.0,
    margin: float = 250.0,
    min_distance: float = 500.0,
) -> pd.DataFrame:
    """One FOV of ring-shaped clusters, as in Fig. 2f and Table 1 of Pineda et al.

    Methods: "6400×6400 nm² images, with 60-70 clusters per image obtained by
    randomly placing localizations on circles with a radius of 250 nm and a
    radial standard deviation of 50 nm. Each cluster had a random number of
    localizations between 60 and 80, drawn from a uniform distribution. The
    number of non-clustered localizations was 7% of the total number of
    localizations."

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Random seed.
    n_clusters : int or [low, high], default [60, 70]
        Number of rings, drawn uniformly per FOV.
    localizations_per_cluster : int or [low, high], default [60, 80]
        Localizations per ring, drawn uniformly per ring.
    radius : float, default 250
        Mean distance (nm) of the localizations from the ring centre.
    radial_sd : float, default 50
        SD (nm) of that distance.
    noise_fraction : float, default 0.07
        Fraction of all localizations that are not clustered (uniform in the FOV).
    fov : float, default 6400
        Edge (nm) of the square FOV.
    margin : float, default 250
        Ring centres keep this distance (nm) from the FOV border (the paper is
        silent; default = the default radius).
    min_distance : float, default 500
        Minimum distance (nm) between ring centres, so nominal circles do not
        cross (the paper is silent; 0 allows any overlap).

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm) and ``index`` (1..K, 0 = not clustered).
    """
    return _arc_structures(
        seed,
        n_clusters=n_clusters,
        localizations_per_cluster=localizations_per_cluster,
        radius=radius,
        radial_sd=radial_sd,
        span=2 * np.pi,
        noise_fraction=noise_fraction,
        fov=fov,
        margin=margin,
        min_distance=min_distance,
    )


def cluster_pairs(
    seed: Seed,
    *,
    separation: FloatRange,
    sd: float = 25.0,
    mean_localizations: float = 90.0,
    grid: int = 4,
    spacing: float = 500.0,
    noise_fraction: float = 0.0,
) -> pd.DataFrame:
    """One FOV of pairs of Gaussian clusters at a given distance, as in Fig. 4a of Pineda et al.

    Methods: "groups of localizations distributed according to a
    2-dimensional normal distribution with a standard deviation of 25 nm. The
    number of localizations per cluster was drawn from a geometric
    distribution with an average of 90"; clusters "were spaced at various
    distances as a function of σ".

    The paper gives neither the FOV nor the number of pairs. Here the pairs
    sit at the centres of the cells of a ``grid × grid`` lattice of
    ``spacing`` nm (default 16 pairs in a 2000 × 2000 nm² FOV), each pair
    with a random orientation, so that a pair's clusters are far closer to
    each other than to any other pair.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Random seed.
    separation : float or [low, high]
        Distance between the two cluster centres of a pair, in units of
        ``sd``; with a range, drawn uniformly per pair (training data for a
        model that must resolve pairs at any distance).
    sd : float, default 25
        SD σ (nm) of each isotropic Gaussian cluster.
    mean_localizations : float, default 90
        Mean of the geometric distribution (on 1, 2, ...) of localizations per cluster.
    grid : int, default 4
        Pairs per side of the lattice; the FOV holds ``grid**2`` pairs.
    spacing : float, default 500
        Lattice spacing (nm); the FOV edge is ``grid * spacing``. Must be at
        least ``(separation + 6) * sd`` (largest separation) so that ±3σ of a
        pair stays in its cell.
    noise_fraction : float, default 0
        Fraction of all localizations that are not clustered; the paper
        mentions none.

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm) and ``index``; pair p holds clusters
        ``2p - 1`` and ``2p`` (p = 1..grid²).
    """
    rng = seed_generator(seed)
    low, high = check_range(separation, "separation", integer=False, minimum=0)
    check_number(sd, "sd", integer=False, minimum=0)
    check_number(mean_localizations, "mean_localizations", integer=False, minimum=1)
    check_number(grid, "grid", integer=True, minimum=1)
    check_number(spacing, "spacing", integer=False, minimum=0, inclusive=False)
    check_fraction(noise_fraction, "noise_fraction")
    if (high + 6) * sd > spacing:
        raise MiroInputError(
            f"spacing={spacing!r}: pairs at separation {high}σ with σ = {sd} nm need spacing >= "
            f"{(high + 6) * sd} nm; raise spacing or lower separation"
        )
    cells = (np.arange(grid) + 0.5) * spacing
    midpoints = np.stack(np.meshgrid(cells, cells), axis=-1).reshape(-1, 2)
    counts = rng.geometric(1 / mean_localizations, size=2 * len(midpoints))
    separations = np.full(len(midpoints), low) if low == high else rng.uniform(low, high, size=len(midpoints))
    xy = []
    for pair, midpoint in enumerate(midpoints):
        half = _rotate(np.array([[separations[pair] * sd / 2, 0.0]]), rng.uniform(0, 2 * np.pi))[0]
        for centre, count in zip((midpoint - half, midpoint + half), counts[2 * pair : 2 * pair + 2]):
            xy.append(centre + _gaussian_offsets(rng, count, sd))
    xy = np.vstack(xy)
    index = np.repeat(np.arange(1, len(counts) + 1), counts)
    noise = _uniform_points(rng, _n_noise(len(xy), noise_fraction), grid * spacing)
    return _frame(xy, {"index": index}, noise)


def integrin(
    seed: Seed,
    *,
    n_clusters: IntRange = (100, 200),
    sd: FloatRange = (25.0, 40.0),
    mean_localizations: float = 25.0,
    noise_fraction: float = 0.04,
    fov: float = 10000.0,
    margin: float = 0.0,
    min_distance: float = 0.0,
) -> pd.DataFrame:
    """One FOV of integrin-like nanoclusters, the training data for Fig. 4b–e of Pineda et al.

    Methods: "groups of localizations distributed according to a
    2-dimensional normal distribution with a standard deviation of 25-40 nm
    within 10000×10000 nm² regions. The number of localizations per cluster
    was drawn from a geometric distribution with an average of 25. The number
    of non-clustered localizations was 4% of the total number of
    localizations."

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Random seed.
    n_clusters : int or [low, high], default [100, 200]
        Number of clusters, drawn uniformly per FOV. The paper does not give
        it; 100–200 clusters per 100 µm² (1–2 per µm²) is this module's choice.
    sd : float or [low, high], default [25, 40]
        SD (nm) of each isotropic Gaussian cluster, drawn uniformly per cluster.
    mean_localizations : float, default 25
        Mean of the geometric distribution (on 1, 2, ...) of localizations per cluster.
    noise_fraction : float, default 0.04
        Fraction of all localizations that are not clustered (uniform in the FOV).
    fov : float, default 10000
        Edge (nm) of the square FOV.
    margin : float, default 0
        Cluster centres keep this distance (nm) from the FOV border.
    min_distance : float, default 0
        Minimum distance (nm) between cluster centres; 0 (default) lets
        clusters touch and overlap, as dense nanoclusters in focal adhesions do.

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm) and ``index`` (1..K, 0 = not clustered).
    """
    rng = seed_generator(seed)
    check_number(mean_localizations, "mean_localizations", integer=False, minimum=1)
    check_fraction(noise_fraction, "noise_fraction")
    check_placement(fov, margin, min_distance)
    n = int(_draw(rng, n_clusters, "n_clusters", 1, integer=True, minimum=1)[0])
    sds = _draw(rng, sd, "sd", n, integer=False)
    counts = rng.geometric(1 / mean_localizations, size=n)
    centres = _place_centres(rng, n, fov, margin, min_distance)
    xy = np.vstack([c + _gaussian_offsets(rng, k, s) for c, k, s in zip(centres, counts, sds)])
    index = np.repeat(np.arange(1, n + 1), counts)
    noise = _uniform_points(rng, _n_noise(len(xy), noise_fraction), fov)
    return _frame(xy, {"index": index}, noise)


def rings_of_spots(
    seed: Seed,
    *,
    n_rings: IntRange = (40, 60),
    symmetry: IntRange = (5, 9),
    radius: float = 40.0,
    spot_sd: float = 15.0,
    localizations_per_spot: IntRange = (6, 30),
    noise_fraction: float = 0.015,
    fov: float = 1250.0,
    margin: float = 40.0,
    min_distance: float = 110.0,
) -> pd.DataFrame:
    """One FOV of rings of Gaussian spots for multiscale clustering, as in Fig. 5a–b of Pineda et al.

    Methods: "symmetric clusters having a random number of localizations
    between 6 and 30, drawn from a uniform distribution, with positions drawn
    from a 2-dimensional normal distribution with a standard deviation of
    15 nm, were arranged with a 5 to 9-fold symmetry along a circle of radius
    40 nm to form 40-60 rings. The number of non-clustered localizations was
    1.5% of the total number of localizations [...]. Images were
    1250×1250 nm²."

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Random seed.
    n_rings : int or [low, high], default [40, 60]
        Number of rings, drawn uniformly per FOV.
    symmetry : int or [low, high], default [5, 9]
        Number of spots of a ring (n-fold symmetry), drawn uniformly per ring.
    radius : float, default 40
        Radius (nm) of the circle carrying the spot centres; spots are
        equally spaced on it, starting at a uniform random angle.
    spot_sd : float, default 15
        SD (nm) of each isotropic Gaussian spot.
    localizations_per_spot : int or [low, high], default [6, 30]
        Localizations per spot, drawn uniformly per spot.
    noise_fraction : float, default 0.015
        Fraction of all localizations that are not clustered (uniform in the FOV).
    fov : float, default 1250
        Edge (nm) of the square FOV.
    margin : float, default 40
        Ring centres keep this distance (nm) from the FOV border (the paper is
        silent; default = the default radius).
    min_distance : float, default 110
        Minimum distance (nm) between ring centres (the paper is silent;
        default = 2 × (radius + spot_sd), so rings stay apart by about two spot
        SDs; 0 allows any overlap).

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm), ``index`` (ring, 1..K) and ``sublabel``
        (spot, 1..M over the whole FOV); both 0 for non-clustered localizations.
    """
    rng = seed_generator(seed)
    check_number(radius, "radius", integer=False, minimum=0)
    check_number(spot_sd, "spot_sd", integer=False, minimum=0)
    check_fraction(noise_fraction, "noise_fraction")
    check_placement(fov, margin, min_distance)
    n = int(_draw(rng, n_rings, "n_rings", 1, integer=True, minimum=1)[0])
    folds = _draw(rng, symmetry, "symmetry", n, integer=True, minimum=1)
    centres = _place_centres(rng, n, fov, margin, min_distance)
    xy, index, sublabel = [], [], []
    for ring, (centre, fold) in enumerate(zip(centres, folds), start=1):
        angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(fold) / fold
        counts = _draw(rng, localizations_per_spot, "localizations_per_spot", fold, integer=True, minimum=1)
        for angle, count in zip(angles, counts):
            spot_centre = centre + radius * np.array([np.cos(angle), np.sin(angle)])
            xy.append(spot_centre + _gaussian_offsets(rng, count, spot_sd))
            index.append(np.full(count, ring))
            sublabel.append(np.full(count, len(sublabel) + 1))
    xy = np.vstack(xy)
    noise = _uniform_points(rng, _n_noise(len(xy), noise_fraction), fov)
    return _frame(xy, {"index": np.concatenate(index), "sublabel": np.concatenate(sublabel)}, noise)


def npc(
    seed: Seed,
    *,
    n_structures: IntRange = (5, 9),
    n_corners: int = 8,
    radius: float = 50.0,
    localizations_per_corner: IntRange = (0, 80),
    sd_divisor: float = 1.8,
    noise_fraction: float = 0.03,
    fov: float = 1250.0,
    margin: float = 100.0,
    min_distance: float = 200.0,
) -> pd.DataFrame:
    """One FOV of nuclear-pore-complex-like structures, the NPC training data of Fig. 5 of Pineda et al.

    Methods: "1250×1250 nm² images containing 5-9 NPC-like structures. Each
    structure was composed of 8 corners with a common vertex. For
    distributing the localizations, each corner was approximated as an
    isosceles triangle with height h, which defined the circle radius as
    r = h/2 = 50 nm. A random number of localizations from a uniform
    distribution between 0 and 80 were placed according to a normal
    distribution centered in the triangle centroid, with an angle-dependent
    standard deviation given by the center-to-perimeter distance divided by
    1.8, providing an effective inner and outer radius of 20 and 80 nm,
    respectively. The number of non-clustered localizations was 3% of the
    total number of localizations."

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Random seed.
    n_structures : int or [low, high], default [5, 9]
        Number of NPCs, drawn uniformly per FOV.
    n_corners : int, default 8
        Corners per NPC (eightfold symmetry); each corner is a triangle of
        apex angle 2π / n_corners with apex at the NPC centre.
    radius : float, default 50
        r = h/2 (nm): distance from the NPC centre to the corner's centre,
        half the triangle height h.
    localizations_per_corner : int or [low, high], default [0, 80]
        Localizations per corner, drawn uniformly (inclusive) per corner. A
        corner drawn with 0 localizations is missing, like an unlabelled
        corner; an NPC with none at all is absent from the FOV.
    sd_divisor : float, default 1.8
        The SD in direction θ is the distance from the corner centre to the
        triangle perimeter in direction θ divided by this number.
    noise_fraction : float, default 0.03
        Fraction of all localizations that are not clustered (uniform in the FOV).
    fov : float, default 1250
        Edge (nm) of the square FOV.
    margin : float, default 100
        NPC centres keep this distance (nm) from the FOV border (the paper is
        silent; default = h, the outer edge of the corner triangles).
    min_distance : float, default 200
        Minimum distance (nm) between NPC centres (the paper is silent;
        default = 2h, so corner triangles of two NPCs never overlap).

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm), ``index`` (NPC, 1..K) and ``sublabel``
        (corner, 1..M over the whole FOV); both 0 for non-clustered localizations.

    Notes
    -----
    "Centred in the triangle centroid" is read as centred at r = h/2 on the
    triangle's axis, which is what r = h/2 and the quoted effective radii
    20/80 nm (= 50 ∓ 50/1.8 nm) imply; the geometric centroid would lie at
    2h/3. A localization is placed at distance :math:`|z|\\, d(\\theta)/1.8`
    in a uniform random direction θ, with :math:`z \\sim \\mathcal{N}(0, 1)`
    and :math:`d(\\theta)` the centre-to-perimeter distance. Each NPC has a
    uniform random rotation. Because the triangle widens outward, the mean of
    a corner's localizations lies about 53 nm from the NPC centre.
    """
    rng = seed_generator(seed)
    check_number(n_corners, "n_corners", integer=True, minimum=3)
    check_number(radius, "radius", integer=False, minimum=0, inclusive=False)
    check_number(sd_divisor, "sd_divisor", integer=False, minimum=0, inclusive=False)
    check_fraction(noise_fraction, "noise_fraction")
    check_placement(fov, margin, min_distance)
    n = int(_draw(rng, n_structures, "n_structures", 1, integer=True, minimum=1)[0])
    centres = _place_centres(rng, n, fov, margin, min_distance)
    xy, index, sublabel = [], [], []
    for structure, centre in enumerate(centres, start=1):
        rotation = rng.uniform(0, 2 * np.pi)
        counts = _draw(rng, localizations_per_corner, "localizations_per_corner", n_corners, integer=True)
        for corner, count in enumerate(counts):
            offsets = _corner_offsets(rng, count, radius, n_corners, sd_divisor)
            xy.append(centre + _rotate(offsets, rotation + 2 * np.pi * corner / n_corners))
            index.append(np.full(count, structure))
            sublabel.append(np.full(count, len(sublabel) + 1))
    xy = np.vstack(xy)
    noise = _uniform_points(rng, _n_noise(len(xy), noise_fraction), fov)
    return _frame(xy, {"index": np.concatenate(index), "sublabel": np.concatenate(sublabel)}, noise)


# --------------------------------------------------------------------------- multishape

_SHAPE_PARAMETERS = {
    "spot": {"sd"},
    "ellipse": {"sd", "aspect_ratio"},
    "ring": {"radius", "radial_sd"},
    "cshape": {"radius", "radial_sd"},
}


def _shape_offsets(rng: np.random.Generator, spec: Mapping, n: int) -> np.ndarray:
    """Offsets (nm) of ``n`` localizations of one instance of the shape described by ``spec``."""
    shape = spec["shape"]
    if shape in ("spot", "ellipse"):
        return _gaussian_offsets(rng, n, spec["sd"], spec.get("aspect_ratio", 1.0))
    return _arc_offsets(rng, n, spec["radius"], spec["radial_sd"], 2 * np.pi if shape == "ring" else np.pi)


def _check_shape(spec, position: int) -> None:
    """Check one shape specification of :func:`multishape`."""
    name = f"shapes[{position}]"
    if not isinstance(spec, Mapping) or spec.get("shape") not in _SHAPE_PARAMETERS:
        raise MiroInputError(
            f"{name}={spec!r}: give a mapping with 'shape' one of {sorted(_SHAPE_PARAMETERS)}"
        )
    required = _SHAPE_PARAMETERS[spec["shape"]] | {"n_clusters", "localizations_per_cluster"}
    missing, unknown = required - set(spec), set(spec) - required - {"shape"}
    if missing or unknown:
        raise MiroInputError(
            f"{name}: a {spec['shape']!r} needs exactly the keys {sorted(required)}; "
            f"missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    check_range(spec["n_clusters"], f"{name}.n_clusters", integer=True)
    check_range(spec["localizations_per_cluster"], f"{name}.localizations_per_cluster", integer=True, minimum=1)
    for key in required - {"n_clusters", "localizations_per_cluster"}:
        check_number(spec[key], f"{name}.{key}", integer=False, minimum=1 if key == "aspect_ratio" else 0)


def multishape(
    seed: Seed,
    *,
    shapes: Sequence[Mapping],
    noise_fraction: float,
    fov: float,
    margin: float = 0.0,
    min_distance: float = 0.0,
) -> pd.DataFrame:
    """One FOV mixing clusters of several shapes, for simultaneous clustering and classification (Fig. 3).

    Pineda et al. simulate "mixtures of circular, elliptical, C-shaped, and
    ring-shaped clusters": spots + ellipses, spots + rings and C-shapes +
    rings, where "no restrictions were imposed on cluster overlap". The
    Methods give no further parameters; :data:`MULTISHAPE_MIXTURES` holds
    this module's presets for the three mixtures.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Random seed.
    shapes : sequence of mapping
        One mapping per shape class, in class order (class 1, 2, ...). Keys:
        ``shape`` (``"spot"``, ``"ellipse"``, ``"ring"`` or ``"cshape"``),
        ``n_clusters`` and ``localizations_per_cluster`` (int or
        [low, high], drawn uniformly per FOV and per cluster), and the shape's
        size in nm: ``sd`` for a spot (isotropic Gaussian); ``sd`` (major
        axis) and ``aspect_ratio`` (major/minor SD, ≥ 1) for an ellipse with
        random orientation; ``radius`` and ``radial_sd`` for a ring or a
        C-shape (semicircle with random orientation).
    noise_fraction : float
        Fraction of all localizations that are not clustered (uniform in the FOV).
    fov : float
        Edge (nm) of the square FOV.
    margin : float, default 0
        Cluster centres keep this distance (nm) from the FOV border.
    min_distance : float, default 0
        Minimum distance (nm) between cluster centres; 0 (default) imposes no
        restriction on overlap, as in the paper.

    Returns
    -------
    pandas.DataFrame
        Columns ``x``, ``y`` (nm), ``index`` (instance 1..K over all shapes)
        and ``class`` (shape class 1..C); both 0 for non-clustered localizations.
    """
    rng = seed_generator(seed)
    if isinstance(shapes, (str, bytes, Mapping)) or not isinstance(shapes, Sequence) or not shapes:
        raise MiroInputError(f"shapes={shapes!r}: give a non-empty list of shape mappings")
    for position, spec in enumerate(shapes):
        _check_shape(spec, position)
    check_fraction(noise_fraction, "noise_fraction")
    check_placement(fov, margin, min_distance)
    instances = [
        (shape_class, spec, count)
        for shape_class, spec in enumerate(shapes, start=1)
        for count in _draw(
            rng,
            spec["localizations_per_cluster"],
            "localizations_per_cluster",
            int(_draw(rng, spec["n_clusters"], "n_clusters", 1, integer=True)[0]),
            integer=True,
            minimum=1,
        )
    ]
    if not instances:
        raise MiroInputError("shapes: every n_clusters is 0; ask for at least one cluster")
    centres = _place_centres(rng, len(instances), fov, margin, min_distance)
    xy = np.vstack([c + _shape_offsets(rng, spec, k) for c, (_, spec, k) in zip(centres, instances)])
    counts = [k for _, _, k in instances]
    index = np.repeat(np.arange(1, len(instances) + 1), counts)
    shape_class = np.repeat([c for c, _, _ in instances], counts)
    noise = _uniform_points(rng, _n_noise(len(xy), noise_fraction), fov)
    return _frame(xy, {"index": index, "class": shape_class}, noise)


MULTISHAPE_MIXTURES: dict[str, dict] = {
    # Spots and ellipses at the scale of the Nieves benchmark: spots with
    # σ = 25 nm (Scenarios 2, 5, 8) and ellipses with the paper's aspect ratio
    # 3:1 (Scenario 6 text) whose minor SD equals the spot SD.
    "spots_ellipses": {
        "fov": 2000.0,
        "noise_fraction": 0.06,
        "shapes": [
            {"shape": "spot", "n_clusters": [10, 20], "localizations_per_cluster": [30, 60], "sd": 25.0},
            {
                "shape": "ellipse",
                "n_clusters": [10, 20],
                "localizations_per_cluster": [30, 60],
                "sd": 75.0,
                "aspect_ratio": 3.0,
            },
        ],
    },
    # Spots and rings at the scale of the ring scenario: rings as in `rings`,
    # half as many; spots as wide as the ring's radial SD.
    "spots_rings": {
        "fov": 6400.0,
        "noise_fraction": 0.07,
        "shapes": [
            {"shape": "spot", "n_clusters": [30, 35], "localizations_per_cluster": [30, 60], "sd": 50.0},
            {
                "shape": "ring",
                "n_clusters": [30, 35],
                "localizations_per_cluster": [60, 80],
                "radius": 250.0,
                "radial_sd": 50.0,
            },
        ],
    },
    # C-shapes and rings as in `cshapes` and `rings`, half as many of each.
    "cshapes_rings": {
        "fov": 6400.0,
        "noise_fraction": 0.07,
        "shapes": [
            {
                "shape": "cshape",
                "n_clusters": [15, 30],
                "localizations_per_cluster": [30, 60],
                "radius": 250.0,
                "radial_sd": 50.0,
            },
            {
                "shape": "ring",
                "n_clusters": [30, 35],
                "localizations_per_cluster": [60, 80],
                "radius": 250.0,
                "radial_sd": 50.0,
            },
        ],
    },
}
"""Presets for :func:`multishape` (name → keyword arguments) for the three mixtures of Fig. 3.

The paper names the mixtures but gives no parameters; these values are this
module's choice, reusing the single-shape scenarios' sizes.
"""


# --------------------------------------------------------------------------- benchmark


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
            table[column] = labels if column == "class" else _contiguous(labels)
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
        sizes = _draw(rng, group["molecules_per_cluster"], "molecules_per_cluster", share, integer=True, minimum=1)
        sds = _draw(rng, group["cluster_sd"], "cluster_sd", share, integer=False)
        for size, sd in zip(sizes, sds):
            xy.append(centres[len(counts)] + _gaussian_offsets(rng, size, sd, group["aspect_ratio"]))
            counts.append(size)
    xy = np.vstack(xy)
    n_noise = int(round(len(xy) * (1 - clustered_fraction) / clustered_fraction))
    noise = _uniform_points(rng, n_noise, fov, noise_gradient)
    molecules = _frame(xy, {"index": np.repeat(np.arange(1, n_clusters + 1), counts)}, noise)
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


# --------------------------------------------------------------------------- dispatch and output

SIMULATORS: dict[str, Callable[..., pd.DataFrame]] = {
    "cshape": cshapes,
    "rings": rings,
    "cluster_pairs": cluster_pairs,
    "benchmark": benchmark,
    "integrin": integrin,
    "rings_of_spots": rings_of_spots,
    "npc": npc,
    "multishape": multishape,
}
"""Simulator name (as written in a workflow config) → generator function."""

MULTISCALE_SIMULATORS = frozenset({"rings_of_spots", "npc"})
"""Simulators whose FOVs hold two nested scales: ``index`` (rings, NPCs) and ``sublabel`` (spots, corners)."""


def simulate(name: str, seed: Seed, **params) -> pd.DataFrame:
    """Simulate one FOV with the generator registered under ``name`` in :data:`SIMULATORS`.

    Parameters
    ----------
    name : str
        One of ``"cshape"``, ``"rings"``, ``"cluster_pairs"``, ``"benchmark"``,
        ``"integrin"``, ``"rings_of_spots"``, ``"npc"``, ``"multishape"``.
    seed : int or numpy.random.Generator
        Random seed.
    **params
        Keyword arguments of that generator (units: nm).

    Returns
    -------
    pandas.DataFrame
        The FOV (see the module docstring for its columns).

    Examples
    --------
    >>> fov = simulate("benchmark", seed=1, **NIEVES_SCENARIOS["scenario_8"])
    >>> int(fov["index"].max())
    20
    """
    if name not in SIMULATORS:
        raise MiroInputError(f"simulator {name!r} is unknown; choose one of {sorted(SIMULATORS)}")
    generator = SIMULATORS[name]
    parameters = {p: v for p, v in inspect.signature(generator).parameters.items() if p != "seed"}
    unknown = sorted(set(params) - set(parameters))
    if unknown:
        raise MiroInputError(
            f"simulator {name!r} has no parameter {', '.join(unknown)}; it takes {', '.join(parameters)}"
        )
    missing = [p for p, v in parameters.items() if v.default is inspect.Parameter.empty and p not in params]
    if missing:
        raise MiroInputError(f"simulator {name!r} needs the parameter(s) {', '.join(missing)}")
    return generator(seed, **params)


def write_fov(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a simulated FOV as CSV in the Nieves ground-truth format (``"x","y","index"``).

    Columns ``x``, ``y`` (nm) and ``index`` are written, followed by
    ``class`` and ``sublabel`` when present; the header is quoted as in the
    benchmark files. The file is written under a temporary name and renamed,
    so it is never half-written.

    Parameters
    ----------
    table : pandas.DataFrame
        A FOV from one of this module's generators.
    path : str or Path
        Output CSV; missing parent folders are created.

    Returns
    -------
    Path
        The path written.
    """
    missing = {"x", "y", "index"} - set(getattr(table, "columns", ()))
    if missing:
        raise MiroInputError(f"{path}: the FOV table needs columns x, y, index; missing {sorted(missing)}")
    columns = ["x", "y", "index"] + [c for c in ("class", "sublabel") if c in table.columns]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    table[columns].to_csv(temporary, index=False, quoting=csv.QUOTE_NONNUMERIC)
    temporary.replace(path)
    return path


def small_scale(table: pd.DataFrame) -> pd.DataFrame:
    """The FOV with its small-scale structures as the ground-truth clusters.

    For a two-scale FOV (:data:`MULTISCALE_SIMULATORS`: spots of rings of
    spots, corners of NPCs), ``index`` becomes the ``sublabel`` column (0 stays
    not clustered) and ``sublabel`` is dropped, so every clustering metric
    scores the small scale.

    Parameters
    ----------
    table : pandas.DataFrame
        ``x``, ``y`` (nm), ``index``, ``sublabel``.

    Returns
    -------
    pandas.DataFrame
        ``x``, ``y``, ``index`` (and ``class`` when present).
    """
    if "sublabel" not in getattr(table, "columns", ()):
        raise MiroInputError(
            "the FOV has no sublabel column; small-scale ground truth comes from a two-scale simulator "
            f"({', '.join(sorted(MULTISCALE_SIMULATORS))})"
        )
    out = table.drop(columns="sublabel")
    out["index"] = table["sublabel"].to_numpy(dtype=np.int64)
    return out
