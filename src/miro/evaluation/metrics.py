"""Scores that compare a predicted clustering of localizations with the ground truth.

These are the eight columns of Table 1 of Pineda et al. [1]_, computed the way
the MIRO authors' evaluation code computes them, so that published numbers can
be reproduced:

* point-level agreement of the two partitions (:mod:`miro.evaluation.partition`):
  :func:`~miro.evaluation.partition.ari`, :func:`~miro.evaluation.partition.ari_c`,
  :func:`~miro.evaluation.partition.ari_dagger` and :func:`~miro.evaluation.partition.ami`;
* geometric agreement (:mod:`miro.evaluation.geometric`): the area of the
  clustered regions, :func:`~miro.evaluation.geometric.iou` (Nieves et al.
  [2]_), and cluster-level detection and quantification after pairing
  ground-truth and predicted clusters
  (:func:`~miro.evaluation.geometric.match_clusters`):
  :func:`~miro.evaluation.geometric.jic`,
  :func:`~miro.evaluation.geometric.rmsre_n` and
  :func:`~miro.evaluation.geometric.rmse_xy`.

:func:`evaluate` returns all eight at once, keyed by :data:`METRICS`.

Conventions shared by every function:

* ``xy`` is an ``(n, 2)`` array of localization coordinates in nm.
* ``labels_true`` and ``labels_pred`` are integer arrays of length ``n``.
  Label 0 marks a non-clustered (background, "noise") localization; any other
  non-negative integer names a cluster, and labels need not be contiguous.
  DBSCAN's noise label -1 is refused: shift DBSCAN output with ``labels + 1``.
* In the point-level scores the background is one ordinary class of both
  partitions (Nieves et al. [2]_; MIRO). The area and cluster-level scores
  leave label 0 out.

References
----------
.. [1] J. Pineda, S. Masó-Orríols, J. Bertran, M. Goksör, G. Volpe and
   C. Manzo, "Spatial clustering of molecular localizations with
   graph neural networks", arXiv:2412.00173 (2024); published as "Enhanced
   spatial clustering of single-molecule localizations with graph neural
   networks", Nat. Commun. 16, 9693 (2025).
.. [2] D. J. Nieves et al., "A framework for evaluating the performance of
   SMLM cluster analysis algorithms", Nat. Methods 20, 259-267 (2023).
"""

from __future__ import annotations

from numpy.typing import ArrayLike
from sklearn.metrics import adjusted_rand_score

from miro._validation import check_convention, check_scoring_inputs
from miro.evaluation.geometric import RMSE_CONVENTIONS, _iou, _jic, _match_clusters, _rmse_xy, _rmsre_n
from miro.evaluation.partition import _ami, _ari_c, _ari_dagger

__all__ = ["METRICS", "HIGHER_IS_BETTER", "evaluate"]

METRICS = ("ARI_dagger", "IoU", "JIc", "RMSRE_N", "RMSE_xy", "AMI", "ARI_c", "ARI")
"""Metric names in the column order of Table 1 of Pineda et al."""

HIGHER_IS_BETTER = {
    "ARI_dagger": True,
    "IoU": True,
    "JIc": True,
    "RMSRE_N": False,
    "RMSE_xy": False,
    "AMI": True,
    "ARI_c": True,
    "ARI": True,
}
"""For each name in :data:`METRICS`, whether a larger value is a better clustering."""


def evaluate(
    xy: ArrayLike, labels_true: ArrayLike, labels_pred: ArrayLike, *, rmse_convention: str = "authors"
) -> dict[str, float]:
    """All eight scores of Table 1 for one field of view.

    Parameters
    ----------
    xy : array-like of float, shape (n, 2)
        Localization coordinates, nm.
    labels_true : array-like of int, shape (n,)
        Ground-truth labels; 0 = non-clustered.
    labels_pred : array-like of int, shape (n,)
        Predicted labels; 0 = non-clustered.
    rmse_convention : {"authors", "paper"}, default "authors"
        Passed to :func:`rmse_xy` as ``convention``.

    Returns
    -------
    dict of str to float
        Keys in the order of :data:`METRICS`. Same values as the separate
        functions; the inputs are validated and the clusters matched once.

    Examples
    --------
    >>> xy = [[0, 0], [10, 0], [0, 10], [500, 500], [510, 500], [500, 510], [900, 0]]
    >>> labels = [1, 1, 1, 2, 2, 2, 0]
    >>> scores = evaluate(xy, labels, labels)
    >>> [scores[name] for name in METRICS]
    [1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    """
    check_convention(rmse_convention, "rmse_convention", RMSE_CONVENTIONS)
    xy, labels_true, labels_pred = check_scoring_inputs(xy, labels_true, labels_pred)
    matching = _match_clusters(xy, labels_true, labels_pred)
    return {
        "ARI_dagger": _ari_dagger(labels_true, labels_pred),
        "IoU": _iou(xy, labels_true, labels_pred),
        "JIc": _jic(matching),
        "RMSRE_N": _rmsre_n(matching),
        "RMSE_xy": _rmse_xy(matching, rmse_convention),
        "AMI": _ami(labels_true, labels_pred),
        "ARI_c": _ari_c(labels_true, labels_pred),
        "ARI": float(adjusted_rand_score(labels_true, labels_pred)),
    }
