"""Simulated fields of view (FOVs) of single-molecule localizations with ground truth.

Modules: :mod:`~miro.data.simulation.shapes` (C-shapes, rings, cluster pairs,
integrin-like nanoclusters), :mod:`~miro.data.simulation.multiscale` (rings of
spots, NPCs), :mod:`~miro.data.simulation.mixtures` (several shapes, for
classification), :mod:`~miro.data.simulation.nieves` (the Nieves et al.
benchmark scenarios, blinking) and :mod:`~miro.data.simulation.dispatch`
(simulators by name, writing a FOV).

Every generator returns one FOV as a :class:`pandas.DataFrame` with columns

``x``, ``y``
    Coordinates in nm.
``index``
    Ground-truth cluster (structure) label: 0 = not clustered, clusters are
    numbered contiguously 1..K.
``class``
    Only :func:`multishape`: shape class 1..C (0 = not clustered).
``sublabel``
    Only the multiscale generators :func:`rings_of_spots` and :func:`npc`: label
    of the small cluster (spot, corner) inside the structure, globally unique
    and contiguous 1..M (0 = not clustered).
``molecule``, ``error``
    Only after :func:`blink`: the emitting molecule and the localization error.

Rows hold the clustered localizations structure by structure, then the
non-clustered ones. Parameters follow the "Simulated data" section of the
Methods of Pineda et al. [1]_ and, for the benchmark scenarios, the values
measured from the published files of Nieves et al. [2]_ (collected in the
project's ``benchmark-notes.md`` §2). Where the papers are silent the choice
is a parameter and its docstring says so.

Conventions shared by all generators:

* ``seed`` is an ``int`` or a :class:`numpy.random.Generator`; the same integer
  seed gives the same FOV.
* A count or size written "a–b" in the paper is passed as an inclusive range
  ``[a, b]`` (a list or tuple of two numbers) and drawn uniformly per FOV or
  per structure; a single number fixes it.
* ``noise_fraction`` is the fraction of *all* localizations of the FOV that are
  not clustered; non-clustered localizations are uniform in the square
  ``[0, fov] × [0, fov]`` nm² and their count is
  ``round(noise_fraction / (1 - noise_fraction) * n_clustered)``.
* Structures are kept whole: localizations that fall outside the FOV are
  kept, except after blinking (:func:`blink`), which crops as the benchmark's
  "Multiple Blinking" files are cropped.

References
----------
.. [1] Pineda, J. et al. Spatial clustering of molecular localizations with
   graph neural networks. arXiv:2412.00173 (2024).
.. [2] Nieves, D. J. et al. A framework for evaluating the performance of SMLM
   cluster analysis algorithms. Nat. Methods 20, 259–267 (2023).
"""

from miro.data.simulation import dispatch, mixtures, multiscale, nieves, shapes
from miro.data.simulation.dispatch import *  # noqa: F403
from miro.data.simulation.mixtures import *  # noqa: F403
from miro.data.simulation.multiscale import *  # noqa: F403
from miro.data.simulation.nieves import *  # noqa: F403
from miro.data.simulation.shapes import *  # noqa: F403

__all__ = [
    *dispatch.__all__,
    *mixtures.__all__,
    *multiscale.__all__,
    *nieves.__all__,
    *shapes.__all__,
]
