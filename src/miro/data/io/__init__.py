"""Localization files: reading them in nm, FOV numbers, label files (see :mod:`miro.data.io.localizations`).
"""

from miro.data.io import localizations
from miro.data.io.localizations import *  # noqa: F403

__all__ = [*localizations.__all__]
