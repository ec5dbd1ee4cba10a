"""Evaluation: how good a clustering is, and how sure we are of it.

* :mod:`miro.evaluation.metrics` holds the eight scores of Table 1 of Pineda
  et al. and :func:`~miro.evaluation.metrics.evaluate`, all of them for one
  field of view;
* :mod:`miro.evaluation.per_fov` scores label files against each FOV's ground
  truth, and the cluster-pair experiment of Fig. 4a;
* :mod:`miro.evaluation.stats` compares two methods FOV by FOV (paired tests,
  effect sizes) and summarises per-FOV scores;
* :mod:`miro.evaluation.ranking` (the leaderboard) ranks every method per scenario and tests
  the best against MIRO + DBSCAN;
* :mod:`miro.evaluation.tables` writes Table 1 (Markdown, LaTeX) and its
  comparison with the paper.
"""

from miro.evaluation import geometric, metrics, partition, per_fov, ranking, stats, tables
from miro.evaluation.geometric import *  # noqa: F403
from miro.evaluation.metrics import *  # noqa: F403
from miro.evaluation.partition import *  # noqa: F403
from miro.evaluation.per_fov import *  # noqa: F403
from miro.evaluation.ranking import *  # noqa: F403
from miro.evaluation.stats import *  # noqa: F403
from miro.evaluation.tables import *  # noqa: F403

__all__ = [
    *geometric.__all__,
    *metrics.__all__,
    *partition.__all__,
    *per_fov.__all__,
    *ranking.__all__,
    *stats.__all__,
    *tables.__all__,
]
