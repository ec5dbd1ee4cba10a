"""The ``miro`` command line (see :mod:`miro.cli.parser`).
"""

from miro.cli import parser
from miro.cli.parser import *  # noqa: F403

__all__ = [*parser.__all__]
