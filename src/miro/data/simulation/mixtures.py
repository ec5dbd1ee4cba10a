"""Fields of view mixing clusters of several shapes, for clustering and classification at once (Fig. 3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from miro._validation import check_fraction, check_number, check_placement, check_range, seed_generator
from miro.data.simulation._primitives import (
    Seed,
    arc_offsets,
    draw,
    frame,
    gaussian_offsets,
    noise_count,
    place_centres,
    uniform_points,
)
from miro.errors import MiroInputError

__all__ = ["MULTISHAPE_MIXTURES", "multishape"]

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
        return gaussian_offsets(rng, n, spec["sd"], spec.get("aspect_ratio", 1.0))
    return arc_offsets(rng, n, spec["radius"], spec["radial_sd"], 2 * np.pi if shape == "ring" else np.pi)


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
        for count in draw(
            rng,
            spec["localizations_per_cluster"],
            "localizations_per_cluster",
            int(draw(rng, spec["n_clusters"], "n_clusters", 1, integer=True)[0]),
            integer=True,
            minimum=1,
        )
    ]
    if not instances:
        raise MiroInputError("shapes: every n_clusters is 0; ask for at least one cluster")
    centres = place_centres(rng, len(instances), fov, margin, min_distance)
    xy = np.vstack([c + _shape_offsets(rng, spec, k) for c, (_, spec, k) in zip(centres, instances)])
    counts = [k for _, _, k in instances]
    index = np.repeat(np.arange(1, len(instances) + 1), counts)
    shape_class = np.repeat([c for c, _, _ in instances], counts)
    noise = uniform_points(rng, noise_count(len(xy), noise_fraction), fov)
    return frame(xy, {"index": index, "class": shape_class}, noise)


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
