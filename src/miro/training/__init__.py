"""Training: training sets synthesised from a few annotated clusters, the loss, the loop and its cost.

* :mod:`miro.training.training_sets` builds the authors' static training
  sets of graphs (and simulated ones) and saves and loads them;
* :mod:`miro.training.loss` is the authors' loss (L1 + ND, mMIRO and cMIRO terms);
* :mod:`miro.training.loop` trains a model on them (Adam, epochs, callbacks);
* :mod:`miro.training.schedule` gives each step's learning rate (constant or cosine);
* :mod:`miro.training.state` saves and restores the training state (exact resume);
* :mod:`miro.training.logs` writes and reads the loss log;
* :mod:`miro.training.cost` estimates how long a training will take.
"""

from miro.training import cost, logs, loop, loss, schedule, state, training_sets
from miro.training.cost import *  # noqa: F403
from miro.training.logs import *  # noqa: F403
from miro.training.loop import *  # noqa: F403
from miro.training.loss import *  # noqa: F403
from miro.training.schedule import *  # noqa: F403
from miro.training.state import *  # noqa: F403
from miro.training.training_sets import *  # noqa: F403

__all__ = [
    *cost.__all__,
    *logs.__all__,
    *loop.__all__,
    *loss.__all__,
    *schedule.__all__,
    *state.__all__,
    *training_sets.__all__,
]
