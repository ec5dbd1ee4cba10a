"""Training sets synthesised from a few annotated clusters (see :mod:`miro.training.training_sets.synthesis`).
"""

from miro.training.training_sets import synthesis
from miro.training.training_sets.synthesis import *  # noqa: F403

__all__ = [*synthesis.__all__]
