"""Figures of the paper (see :mod:`miro.plotting.panels`).
"""

from miro.plotting import panels
from miro.plotting.panels import *  # noqa: F403

__all__ = [*panels.__all__]
