"""Which settings a model file gets on the command line.

Those of the authors' released models, recognised by their file name, and the
defaults for any other model file.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["RELEASED_MODELS", "released_defaults"]

#: Settings of the authors' released benchmark models (``benchmark-metadata.json``
#: of DeepTrackAI/MIRO: ``builder_kwargs.connectivity_radius``,
#: ``recurrent_iterations``, ``MIRO_DBSCAN_params``), keyed by scenario and
#: blinking: ``(R, K, eps_nm, min_samples)``.
RELEASED_MODELS: dict[tuple[int, bool], tuple[float, int, float, int]] = {
    (2, False): (0.2, 12, 40.06, 13),
    (3, False): (0.2, 12, 15.58, 12),
    (4, False): (0.2, 12, 52.28, 5),
    (5, False): (0.1, 15, 26.0, 13),
    (6, False): (0.2, 15, 16.0, 10),
    (7, False): (0.2, 12, 67.97, 8),
    (8, False): (0.2, 12, 40.62, 4),
    (9, False): (0.1, 20, 13.0, 6),
    (10, False): (0.2, 12, 34.02, 7),
    (2, True): (0.1, 25, 20.01, 38),
    (3, True): (0.1, 15, 9.92, 50),
    (4, True): (0.1, 25, 31.45, 23),
    (5, True): (0.1, 10, 22.0, 42),
    (6, True): (0.1, 25, 31.34, 63),
    (7, True): (0.1, 15, 53.73, 35),
    (8, True): (0.1, 20, 20.0, 30),
    (9, True): (0.1, 25, 23.0, 55),
    (10, True): (0.1, 15, 20.71, 38),
}

#: Used when neither the model file name nor its metadata say otherwise:
#: the released Scenario 8 model (R 0.2, K 12, eps 40.62 nm, min_samples 4).
DEFAULT_RADIUS, DEFAULT_STEPS, DEFAULT_EPS, DEFAULT_MIN_SAMPLES = RELEASED_MODELS[(8, False)]

#: Plain DBSCAN defaults: the benchmark's Scenario 8 ``DBSCAN_params``.
DEFAULT_DBSCAN_EPS, DEFAULT_DBSCAN_MIN_SAMPLES = 50.0, 4

_RELEASED_NAME = re.compile(r"model_scenario_(\d+)(_blinking)?\.pt$")

MODEL_SOURCES = (
    "Models: the authors' released weights model_scenario_<n>[_blinking].pt "
    "(github.com/DeepTrackAI/MIRO, folder benchmark/models), or one you train with 'miro train'."
)


def released_defaults(model_path) -> tuple[float, int, float, int] | None:
    """``(R, K, eps_nm, min_samples)`` of a released benchmark model, recognised by its file name."""
    match = _RELEASED_NAME.search(Path(model_path).name)
    if match is None:
        return None
    return RELEASED_MODELS.get((int(match.group(1)), match.group(2) is not None))
