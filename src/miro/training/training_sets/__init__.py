r"""Few-shot training sets: synthetic fields of view built from a few annotated clusters.

MIRO is trained on point clouds *synthesised* from a handful of annotated
clusters (three training FOVs of a benchmark scenario, or one single cluster),
never on the test FOVs. This package reproduces the authors' three builders
(``lib/load.py`` of DeepTrackAI/MIRO; method notes §6.1), seeded and
deterministic (modules: :mod:`~miro.training.training_sets.sources`,
:mod:`~miro.training.training_sets.augmentation`,
:mod:`~miro.training.training_sets.synthesis`,
:mod:`~miro.training.training_sets.graphs` and
:mod:`~miro.training.training_sets.storage`):

``GraphDataset`` (:func:`graph_dataset`; ground-truth scenarios, single shot)
    Each training cluster is *populated* once (``num_additions`` times the
    whole current set is copied with Gaussian jitter
    :math:`\mathcal{N}(0, \sigma^2)`, so it grows to :math:`2^n n_0` points).
    Each synthetic FOV holds ``randint(*cluster_count_range)`` clusters (upper
    bound exclusive); every cluster is a random populated training cluster,
    subsampled without replacement to a fraction
    :math:`f \sim U(\text{cluster\_sampling\_range})`, rotated by a uniform
    angle about its centre and placed at a centre :math:`\mathbf{c} \sim
    U(0.05, 0.95)^2` (no overlap check). Background: ``randint(*noise_point_range)``
    points uniform in :math:`[0, 1]^2`.
``GraphBlinkingDataset`` (:func:`graph_blinking_dataset`; Multiple-Blinking scenarios)
    The background is a real training background (the index-0 localizations
    of a training FOV), populated once (σ ``background_std_population``,
    ``num_bkg_additions`` times), subsampled at a fraction
    :math:`U(\text{background\_sampling\_range})`, and flipped in x and/or y
    (probability 1/2 each) about its mean. Cluster centres are the centres of
    distinct *empty* 0.02 × 0.02 grid cells of that background (cells of the
    grid covering its bounding box that hold no background point), drawn
    without replacement. Clusters are populated, subsampled and rotated as in
    ``GraphDataset`` (σ ``cluster_std_sigma``, ``num_cluster_additions``).
``GraphBlinkingCroppedDataset`` (:func:`graph_blinking_cropped_dataset`; GT-9, MB-9)
    The background is a random ``max_cropped_size``-wide square crop of a real
    background, shifted so that its min is the origin, resampled *with*
    replacement to ``int(n f)`` points, :math:`f \sim
    U(\text{background\_sampling\_range})`, and flipped. ``randint(6, 10)``
    clusters, not populated, subsampled at :math:`U(0.95, 1)`, rotated,
    centred at :math:`U(0.05, \text{max\_cropped\_size})^2`.

Targets (method notes §3): :math:`\mathbf{y}_i = (\mathbf{p}_i -
\mathbf{c}) / R` with :math:`\mathbf{c}` the cluster's *placement centre*
(the origin of the training cluster, i.e. the mean of the unaugmented
cluster, after the shift), not the mean of the subsampled points; 0 for the
background. Optional targets, when the training clusters carry the columns:

* ``sublabel`` (multiscale, mMIRO): ``y_sub`` points to the centre of the
  point's sub-cluster (the mean of the unaugmented sub-cluster, rotated and
  shifted with its cluster); sublabel 0 and background get 0.
* ``class`` (cMIRO): ``y_class`` is the point's class (int64), background 0.

Every graph also carries ``label`` (int64; 1..n for the clusters in placement
order, 0 for background) so synthetic FOVs can be scored (e.g. for
:mod:`miro.inference.tuning`).

Units: all positions are in *normalised units* (benchmark: per-FOV min-max to
:math:`[0, 1]`, about 2 µm per unit; :func:`miro.nn.graph.normalize_fov`); the
connectivity radius :math:`R` is in the same units.

Differences from the authors' code, all documented and all optional
-------------------------------------------------------------------
* Randomness comes from ``numpy.random.Generator`` seeded with an explicit
  integer: graph *i* uses its own stream
  ``SeedSequence(seed, spawn_key=(1, i))`` (the one-off populate step uses
  ``spawn_key=(0,)``), so graph *i* does not depend on ``dataset_size`` and
  the same seed always gives the same training set. The authors used the
  unseeded global ``np.random``.
* ``reflect_clusters=False`` reproduces the code (clusters are only rotated).
  The paper and notebooks also claim reflections; ``reflect_clusters=True``
  mirrors each cluster about its x axis with probability 1/2 before the
  rotation (rotation plus one optional mirror covers every orthogonal map).
* Empty grid cells are listed in sorted order (the authors iterate a Python
  ``set``). An integer range with equal bounds, e.g. ``(65, 65)``, fixes the
  value (``np.random.randint`` would raise).
* The graph is built with :func:`miro.nn.graph.build_graph` (SciPy Delaunay,
  duplicate points joined), exactly as at inference.
"""

from miro.training.training_sets import augmentation, graphs, sources, storage, synthesis
from miro.training.training_sets.augmentation import *  # noqa: F403
from miro.training.training_sets.graphs import *  # noqa: F403
from miro.training.training_sets.sources import *  # noqa: F403
from miro.training.training_sets.storage import *  # noqa: F403
from miro.training.training_sets.synthesis import *  # noqa: F403

__all__ = [
    *augmentation.__all__,
    *graphs.__all__,
    *sources.__all__,
    *storage.__all__,
    *synthesis.__all__,
]
