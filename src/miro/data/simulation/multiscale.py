"""Fields of view with two nested scales, and their small-scale ground truth.

Rings of spots and nuclear-pore-complex-like structures (Fig. 5 of Pineda et
al.): ``index`` labels the structure, ``sublabel`` the spot or corner.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from miro._validation import check_fraction, check_number, check_placement, seed_generator
from miro.data.simulation._primitives import (
    IntRange,
    Seed,
    corner_offsets,
    draw,
    frame,
    gaussian_offsets,
    noise_count,
    place_centres,
    rotate,
    uniform_points,
)
from miro.errors import MiroInputError

__all__ = ["MULTISCALE_SIMULATORS", "rings_of_spots", "npc", "small_scale"]


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
    n = int(draw(rng, n_rings, "n_rings", 1, integer=True, minimum=1)[0])
    folds = draw(rng, symmetry, "symmetry", n, integer=True, minimum=1)
    centres = place_centres(rng, n, fov, margin, min_distance)
    xy, index, sublabel = [], [], []
    for ring, (centre, fold) in enumerate(zip(centres, folds), start=1):
        angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(fold) / fold
        counts = draw(rng, localizations_per_spot, "localizations_per_spot", fold, integer=True, minimum=1)
        for angle, count in zip(angles, counts):
            spot_centre = centre + radius * np.array([np.cos(angle), np.sin(angle)])
            xy.append(spot_centre + gaussian_offsets(rng, count, spot_sd))
            index.append(np.full(count, ring))
            sublabel.append(np.full(count, len(sublabel) + 1))
    xy = np.vstack(xy)
    noise = uniform_points(rng, noise_count(len(xy), noise_fraction), fov)
    return frame(xy, {"index": np.concatenate(index), "sublabel": np.concatenate(sublabel)}, noise)


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
    n = int(draw(rng, n_structures, "n_structures", 1, integer=True, minimum=1)[0])
    centres = place_centres(rng, n, fov, margin, min_distance)
    xy, index, sublabel = [], [], []
    for structure, centre in enumerate(centres, start=1):
        rotation = rng.uniform(0, 2 * np.pi)
        counts = draw(rng, localizations_per_corner, "localizations_per_corner", n_corners, integer=True)
        for corner, count in enumerate(counts):
            offsets = corner_offsets(rng, count, radius, n_corners, sd_divisor)
            xy.append(centre + rotate(offsets, rotation + 2 * np.pi * corner / n_corners))
            index.append(np.full(count, structure))
            sublabel.append(np.full(count, len(sublabel) + 1))
    xy = np.vstack(xy)
    noise = uniform_points(rng, noise_count(len(xy), noise_fraction), fov)
    return frame(xy, {"index": np.concatenate(index), "sublabel": np.concatenate(sublabel)}, noise)


MULTISCALE_SIMULATORS = frozenset({"rings_of_spots", "npc"})
"""Simulators whose FOVs hold two nested scales: ``index`` (rings, NPCs) and ``sublabel`` (spots, corners)."""


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
