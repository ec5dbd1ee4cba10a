"""Simulated fields of view (see :mod:`miro.data.simulation.shapes` for the columns and conventions).
"""

from miro.data.simulation import shapes
from miro.data.simulation.shapes import *  # noqa: F403

__all__ = [*shapes.__all__]
