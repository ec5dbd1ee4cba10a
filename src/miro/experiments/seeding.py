"""Seeds of simulated fields of view (FOVs): one independent random stream per FOV.

FOV ``fov`` of the simulated scenario ``key`` (its config id) is drawn from

    numpy.random.default_rng(numpy.random.SeedSequence([seed, crc32(key), fov]))

with ``seed`` the config's ``simulation_seed`` and ``crc32`` the CRC-32 of the
UTF-8 key (:func:`zlib.crc32`, stable across Python versions and machines,
unlike ``hash``). A FOV therefore depends only on (seed, key, FOV number and
the simulator parameters): adding FOVs, restricting ``fovs`` or reordering
scenarios changes no other FOV, and two scenarios never share a stream.
Figure 4a uses the key ``figure4a:<distance>``.
"""

import zlib

import numpy as np

__all__ = ["fov_rng"]


def fov_rng(seed: int, key: str, fov: int) -> np.random.Generator:
    """The random generator of FOV ``fov`` of scenario (or figure) ``key`` under ``seed``."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(key.encode("utf-8")), int(fov)]))
