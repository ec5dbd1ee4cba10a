"""Inference: squeeze localizations with a trained model, then cluster them.

* :mod:`miro.inference.squeezing` squeezes one field of view (the graph, the
  model's step outputs, the moved points in nm) and clusters it: MIRO +
  DBSCAN;
* :mod:`miro.inference.tiling` does the same for fields of any size, tile by
  tile, in worker processes;
* :mod:`miro.inference.clustering` is DBSCAN with the benchmark's label
  convention (0 = not clustered);
* :mod:`miro.inference.baselines` is HDBSCAN, OPTICS and ToMATo with the same
  convention, and every method by name (:data:`CLUSTERERS`);
* :mod:`miro.inference.estimator` wraps MIRO + DBSCAN as a scikit-learn
  estimator;
* :mod:`miro.inference.classification` adds cMIRO's shape classes;
* :mod:`miro.inference.tuning` chooses DBSCAN's ``eps`` and ``min_samples``
  (and any method's parameters) on held-in point clouds.
"""

from miro.inference import baselines, classification, clustering, estimator, squeezing, tiling, tuning
from miro.inference.baselines import *  # noqa: F403
from miro.inference.classification import *  # noqa: F403
from miro.inference.clustering import *  # noqa: F403
from miro.inference.estimator import *  # noqa: F403
from miro.inference.squeezing import *  # noqa: F403
from miro.inference.tiling import *  # noqa: F403
from miro.inference.tuning import *  # noqa: F403

__all__ = [
    *baselines.__all__,
    *classification.__all__,
    *clustering.__all__,
    *estimator.__all__,
    *squeezing.__all__,
    *tiling.__all__,
    *tuning.__all__,
]
