"""Building blocks of the simulators: random draws, placement, point offsets, noise, the FOV table.

All lengths are in nm; see :mod:`miro.data.simulation` for the conventions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from miro._validation import check_range
from miro.errors import MiroInputError

__all__ = [
    "Seed",
    "IntRange",
    "FloatRange",
    "draw",
    "place_centres",
    "rotate",
    "gaussian_offsets",
    "arc_offsets",
    "corner_offsets",
    "uniform_points",
    "noise_count",
    "contiguous",
    "frame",
]

Seed = int | np.random.Generator
IntRange = int | Sequence[int]
FloatRange = float | Sequence[float]


def draw(rng: np.random.Generator, value, name: str, size: int, *, integer: bool, minimum: float = 0) -> np.ndarray:
    """``size`` values drawn uniformly from the range ``value`` (see :func:`miro._validation.check_range`)."""
    low, high = check_range(value, name, integer=integer, minimum=minimum)
    if integer:
        return rng.integers(low, high + 1, size=size)
    return rng.uniform(low, high, size=size)


def place_centres(
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


def rotate(points: np.ndarray, angle: float) -> np.ndarray:
    """Rotate ``(n, 2)`` points about the origin by ``angle`` (rad)."""
    cos, sin = np.cos(angle), np.sin(angle)
    return points @ np.array([[cos, sin], [-sin, cos]])


def gaussian_offsets(rng: np.random.Generator, n: int, sd: float, aspect_ratio: float = 1.0) -> np.ndarray:
    """``n`` offsets (nm) from an elliptical 2D normal distribution with random orientation.

    The SD is ``sd`` along the major axis and ``sd / aspect_ratio`` along the
    minor axis; ``aspect_ratio = 1`` gives an isotropic Gaussian spot.
    """
    offsets = rng.normal(size=(n, 2)) * np.array([sd, sd / aspect_ratio])
    return rotate(offsets, rng.uniform(0, 2 * np.pi))


def arc_offsets(rng: np.random.Generator, n: int, radius: float, radial_sd: float, span: float) -> np.ndarray:
    """``n`` offsets (nm) on a circular arc of angular ``span`` (rad) about the origin.

    Angles are uniform over the arc, which starts at a uniform random angle;
    distances from the centre are normal with mean ``radius`` and SD
    ``radial_sd``. ``span = 2π`` gives a ring, ``span = π`` a C-shape.
    """
    angle = rng.uniform(0, 2 * np.pi) + rng.uniform(0, span, size=n)
    distance = rng.normal(radius, radial_sd, size=n)
    return distance[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])


def corner_offsets(rng: np.random.Generator, n: int, radius: float, n_corners: int, sd_divisor: float) -> np.ndarray:
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


def uniform_points(rng: np.random.Generator, n: int, fov: float, gradient: float = 0.0) -> np.ndarray:
    """``n`` points in ``[0, fov]²`` nm², uniform in y; in x with density ∝ ``1 + gradient (2x/fov - 1)``.

    ``gradient = 0`` is uniform; ``gradient = 1`` rises linearly from 0 at
    x = 0 (drawn as a mixture of a uniform and a triangular density).
    """
    points = rng.uniform(0, fov, size=(n, 2))
    rising = rng.random(n) < gradient
    points[rising, 0] = fov * np.sqrt(rng.random(rising.sum()))
    return points


def noise_count(n_clustered: int, noise_fraction: float) -> int:
    """Number of non-clustered points that makes them ``noise_fraction`` of all points."""
    return int(round(noise_fraction / (1 - noise_fraction) * n_clustered))


def contiguous(labels: np.ndarray) -> np.ndarray:
    """Renumber positive labels to 1..K in increasing order; 0 stays 0."""
    labels = np.asarray(labels, dtype=np.int64)
    values, inverse = np.unique(labels, return_inverse=True)
    first = 0 if values.size and values[0] == 0 else 1
    return (np.arange(values.size, dtype=np.int64) + first)[inverse]


def frame(structures: np.ndarray, labels: Mapping[str, np.ndarray], noise: np.ndarray) -> pd.DataFrame:
    """One FOV table: structure localizations with their labels, then non-clustered ones (label 0).

    ``labels`` maps column names (``index``, ``class``, ``sublabel``) to one
    label per structure localization; ``index`` and ``sublabel`` are made
    contiguous.
    """
    xy = np.vstack([structures, noise])
    table = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]})
    for column, values in labels.items():
        padded = np.concatenate([np.asarray(values, dtype=np.int64), np.zeros(len(noise), dtype=np.int64)])
        table[column] = padded if column == "class" else contiguous(padded)
    return table
