"""Which settings a model file gets on the command line.

Those of the authors' released models, recognised by their file name in the
released-weights manifest (:mod:`miro.data.released`), and for any other file
without settings of its own those of the released Scenario 8 model.
"""

from __future__ import annotations

__all__ = ["DEFAULT_DBSCAN_EPS", "DEFAULT_DBSCAN_MIN_SAMPLES", "DEFAULT_MODEL", "DEFAULT_RADIUS", "DEFAULT_STEPS", "MODEL_SOURCES"]

#: The released model whose settings a model file without its own gets (R 0.2, K 12, eps 40.62 nm, min_samples 4).
DEFAULT_MODEL = "model_scenario_8.pt"
#: Training defaults of ``miro train``: R and K of the released Scenario 8 model.
DEFAULT_RADIUS, DEFAULT_STEPS = 0.2, 12

#: Plain DBSCAN defaults: the benchmark's Scenario 8 ``DBSCAN_params``.
DEFAULT_DBSCAN_EPS, DEFAULT_DBSCAN_MIN_SAMPLES = 50.0, 4

MODEL_SOURCES = (
    "Models: the authors' released weights model_scenario_<n>[_blinking].pt "
    "(github.com/DeepTrackAI/MIRO, folder benchmark/models), or one you train with 'miro train'."
)

