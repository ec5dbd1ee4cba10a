"""The network: graphs of localizations, the MIRO model and its weight files.

* :mod:`miro.nn.graph` turns a field of view into the graph MIRO reads
  (normalisation, Delaunay edges within the connectivity radius, Laplacian
  eigenvector node features, training targets);
* :mod:`miro.nn.model` is the recurrent graph neural network;
* :mod:`miro.nn.weights` reads the authors' released checkpoints and ours,
  and writes ours;
* :mod:`miro.nn.device` picks where the network runs.
"""

from miro.nn import device, graph, model, weights
from miro.nn.device import *  # noqa: F403
from miro.nn.graph import *  # noqa: F403
from miro.nn.model import *  # noqa: F403
from miro.nn.weights import *  # noqa: F403

__all__ = [
    *device.__all__,
    *graph.__all__,
    *model.__all__,
    *weights.__all__,
]
