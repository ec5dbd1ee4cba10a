"""Training: training sets synthesised from a few annotated clusters, the loss, the loop and its cost.

* :mod:`miro.training.training_sets` builds the authors' static training
  sets of graphs (and simulated ones) and saves and loads them;
* :mod:`miro.training.loop` trains a model on them (the authors' loss,
  Adam, checkpoints and exact resume);
* :mod:`miro.training.cost` estimates how long a training will take.
"""

from miro.training import cost, loop, loss_log, losses, training_sets
from miro.training.cost import *  # noqa: F403
from miro.training.loop import *  # noqa: F403
from miro.training.loss_log import *  # noqa: F403
from miro.training.losses import *  # noqa: F403
from miro.training.training_sets import *  # noqa: F403

__all__ = [
    *cost.__all__,
    *loop.__all__,
    *loss_log.__all__,
    *losses.__all__,
    *training_sets.__all__,
]
