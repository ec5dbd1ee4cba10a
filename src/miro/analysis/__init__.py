"""Analysis: what the clusters of a field of view say about the sample.

* :mod:`miro.analysis.nanoclusters` describes the clusters of one field
  (size, radius of gyration, nearest-neighbour distance; Fig. 4c–e) and
  finds where two clusterings disagree (Fig. 4b);
* :mod:`miro.analysis.npc` counts the corners of nuclear pore complexes and
  fits the localizations per corner and the effective labelling efficiency
  (Fig. 5c–f).
"""

from miro.analysis import nanoclusters, npc
from miro.analysis.nanoclusters import *  # noqa: F403
from miro.analysis.npc import *  # noqa: F403

__all__ = [
    *nanoclusters.__all__,
    *npc.__all__,
]
