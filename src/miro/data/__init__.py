"""Data: localization files, verified downloads and simulated fields of view.

* :mod:`miro.data.io` reads the localization files SMLM software writes
  (plain CSV, ThunderSTORM, SMAP, Picasso) with ``x``, ``y`` in nm, and
  reads and writes label files;
* :mod:`miro.data.download` fetches public data (benchmark CSVs, released
  weights) and checks its size and SHA-256;
* :mod:`miro.data.released` lists the authors' released models with the
  settings they run with;
* :mod:`miro.data.simulation` simulates fields of view with ground truth
  (the scenarios of Pineda et al. and Nieves et al.).

Nothing here needs PyTorch.
"""

from miro.data import download, io, released, simulation
from miro.data.download import *  # noqa: F403
from miro.data.io import *  # noqa: F403
from miro.data.released import *  # noqa: F403
from miro.data.simulation import *  # noqa: F403

__all__ = [
    *download.__all__,
    *io.__all__,
    *released.__all__,
    *simulation.__all__,
]
