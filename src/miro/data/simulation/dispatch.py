"""Simulators by name (as a workflow config names them), and writing a simulated FOV."""

from __future__ import annotations

import csv
import inspect
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from miro.data.simulation._primitives import Seed
from miro.data.simulation.mixtures import multishape
from miro.data.simulation.multiscale import npc, rings_of_spots
from miro.data.simulation.nieves import benchmark
from miro.data.simulation.shapes import cluster_pairs, cshapes, integrin, rings
from miro._outputs import atomic_output
from miro.errors import MiroInputError

__all__ = ["SIMULATORS", "simulate", "write_fov"]

SIMULATORS: dict[str, Callable[..., pd.DataFrame]] = {
    "cshape": cshapes,
    "rings": rings,
    "cluster_pairs": cluster_pairs,
    "benchmark": benchmark,
    "integrin": integrin,
    "rings_of_spots": rings_of_spots,
    "npc": npc,
    "multishape": multishape,
}
"""Simulator name (as written in a workflow config) → generator function."""


def simulate(name: str, seed: Seed, **params) -> pd.DataFrame:
    """Simulate one FOV with the generator registered under ``name`` in :data:`SIMULATORS`.

    Parameters
    ----------
    name : str
        One of ``"cshape"``, ``"rings"``, ``"cluster_pairs"``, ``"benchmark"``,
        ``"integrin"``, ``"rings_of_spots"``, ``"npc"``, ``"multishape"``.
    seed : int or numpy.random.Generator
        Random seed.
    **params
        Keyword arguments of that generator (units: nm).

    Returns
    -------
    pandas.DataFrame
        The FOV (see the module docstring for its columns).

    Examples
    --------
    >>> fov = simulate("benchmark", seed=1, **NIEVES_SCENARIOS["scenario_8"])
    >>> int(fov["index"].max())
    20
    """
    if name not in SIMULATORS:
        raise MiroInputError(f"simulator {name!r} is unknown; choose one of {sorted(SIMULATORS)}")
    generator = SIMULATORS[name]
    parameters = {p: v for p, v in inspect.signature(generator).parameters.items() if p != "seed"}
    unknown = sorted(set(params) - set(parameters))
    if unknown:
        raise MiroInputError(
            f"simulator {name!r} has no parameter {', '.join(unknown)}; it takes {', '.join(parameters)}"
        )
    missing = [p for p, v in parameters.items() if v.default is inspect.Parameter.empty and p not in params]
    if missing:
        raise MiroInputError(f"simulator {name!r} needs the parameter(s) {', '.join(missing)}")
    return generator(seed, **params)


def write_fov(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a simulated FOV as CSV in the Nieves ground-truth format (``"x","y","index"``).

    Columns ``x``, ``y`` (nm) and ``index`` are written, followed by
    ``class`` and ``sublabel`` when present; the header is quoted as in the
    benchmark files. The file is written under a temporary name and renamed,
    so it is never half-written.

    Parameters
    ----------
    table : pandas.DataFrame
        A FOV from one of this module's generators.
    path : str or Path
        Output CSV; missing parent folders are created.

    Returns
    -------
    Path
        The path written.
    """
    missing = {"x", "y", "index"} - set(getattr(table, "columns", ()))
    if missing:
        raise MiroInputError(f"{path}: the FOV table needs columns x, y, index; missing {sorted(missing)}")
    columns = ["x", "y", "index"] + [c for c in ("class", "sublabel") if c in table.columns]
    path = Path(path)
    with atomic_output(path) as temporary:
        table[columns].to_csv(temporary, index=False, quoting=csv.QUOTE_NONNUMERIC)
    return path
