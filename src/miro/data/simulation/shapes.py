"""Fields of view of single-scale clusters.

C-shapes and rings (Fig. 2e–f of Pineda et al.), pairs of Gaussian clusters
(Fig. 4a) and integrin-like nanoclusters (Fig. 4b–e).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from miro._validation import check_fraction, check_number, check_placement, check_range, seed_generator
from miro.data.simulation._primitives import (
    FloatRange,
    IntRange,
    Seed,
    arc_offsets,
    draw,
    frame,
    gaussian_offsets,
    noise_count,
    place_centres,
    rotate,
    uniform_points,
)
from miro.errors import MiroInputError

__all__ = ["cshapes", "rings", "cluster_pairs", "integrin"]


def _arc_structures(
    seed: Seed, *, n_clusters, localizations_per_cluster, radius, radial_sd, span, noise_fraction, fov, margin, min_distance
) -> pd.DataFrame:
    """A FOV of ring-like (``span = 2π``) or C-shaped (``span = π``) clusters plus uniform noise."""
    rng = seed_generator(seed)
    check_number(radius, "radius", integer=False, minimum=0)
    check_number(radial_sd, "radial_sd", integer=False, minimum=0)
    check_fraction(noise_fraction, "noise_fraction")
    check_placement(fov, margin, min_distance)
    n = int(draw(rng, n_clusters, "n_clusters", 1, integer=True, minimum=1)[0])
    counts = draw(rng, localizations_per_cluster, "localizations_per_cluster", n, integer=True, minimum=1)
    centres = place_centres(rng, n, fov, margin, min_distance)
    xy = np.vstack([c + arc_offsets(rng, k, radius, radial_sd, span) for c, k in zip(centres, counts)])
    index = np.repeat(np.arange(1, n + 1), counts)
    noise = uniform_points(rng, noise_count(len(xy), noise_fraction), fov)
    return frame(xy, {"index": index}, noise)


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
        half = rotate(np.array([[separations[pair] * sd / 2, 0.0]]), rng.uniform(0, 2 * np.pi))[0]
        for centre, count in zip((midpoint - half, midpoint + half), counts[2 * pair : 2 * pair + 2]):
            xy.append(centre + gaussian_offsets(rng, count, sd))
    xy = np.vstack(xy)
    index = np.repeat(np.arange(1, len(counts) + 1), counts)
    noise = uniform_points(rng, noise_count(len(xy), noise_fraction), grid * spacing)
    return frame(xy, {"index": index}, noise)


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
    n = int(draw(rng, n_clusters, "n_clusters", 1, integer=True, minimum=1)[0])
    sds = draw(rng, sd, "sd", n, integer=False)
    counts = rng.geometric(1 / mean_localizations, size=n)
    centres = place_centres(rng, n, fov, margin, min_distance)
    xy = np.vstack([c + gaussian_offsets(rng, k, s) for c, k, s in zip(centres, counts, sds)])
    index = np.repeat(np.arange(1, n + 1), counts)
    noise = uniform_points(rng, noise_count(len(xy), noise_fraction), fov)
    return frame(xy, {"index": index}, noise)
