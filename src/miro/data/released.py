"""The authors' released benchmark models and the settings they run with.

One table, ``released-weights.tsv`` beside this module (package data), lists every released file
``model_scenario_<n>[_blinking].pt`` of DeepTrackAI/MIRO (``benchmark/models``)
with its checksum and, from the authors' ``benchmark-metadata.json``, the
benchmark folder it was trained for, its connectivity radius :math:`R`
(``builder_kwargs.connectivity_radius``, normalised FOV units), its recurrent
steps :math:`K` (``recurrent_iterations``) and the MIRO + DBSCAN parameters
(``MIRO_DBSCAN_params``: ``eps`` in nm, ``min_samples``). The workflow downloads
and verifies the files from it and fills a scenario's ``miro`` settings from it;
the command line reads its defaults from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from miro.errors import MiroInputError

__all__ = ["RELEASED_WEIGHTS_MANIFEST", "ReleasedModel", "released_model", "released_models"]

#: The manifest of the released weights shipped with the package.
RELEASED_WEIGHTS_MANIFEST = Path(__file__).with_name("released-weights.tsv")

SETTINGS_COLUMNS = ["benchmark", "connectivity_radius", "num_steps", "eps", "min_samples"]


@dataclass(frozen=True)
class ReleasedModel:
    """Settings of one released model: benchmark folder, R, K and MIRO + DBSCAN eps (nm) / min_samples."""

    file: str
    benchmark: str
    connectivity_radius: float
    num_steps: int
    eps: float
    min_samples: int

    @property
    def dbscan(self) -> dict:
        return {"eps": self.eps, "min_samples": self.min_samples}


def _number(text: str):
    """An int when written as one (``13``), else a float (``40.62``): the types of the authors' JSON."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


def released_models(path=RELEASED_WEIGHTS_MANIFEST) -> dict:
    """File name -> :class:`ReleasedModel` of every row of a released-weights manifest."""
    path = Path(path)
    try:
        table = pd.read_csv(path, sep="\t", dtype=str)
    except FileNotFoundError:
        raise MiroInputError(f"{path}: manifest not found; check the config key naming it") from None
    missing = [column for column in ["file", *SETTINGS_COLUMNS] if column not in table.columns]
    if missing:
        raise MiroInputError(f"{path}: released-weights manifest lacks column(s) {', '.join(missing)}; add them from benchmark-metadata.json")
    return {
        row.file: ReleasedModel(
            file=row.file,
            benchmark=row.benchmark,
            connectivity_radius=_number(row.connectivity_radius),
            num_steps=int(row.num_steps),
            eps=_number(row.eps),
            min_samples=int(row.min_samples),
        )
        for row in table.itertuples()
    }


@cache
def _shipped() -> dict:
    return released_models()


def released_model(model_path) -> ReleasedModel | None:
    """The settings of a released model recognised by its file name
    (``model_scenario_<n>[_blinking].pt``, as released); None for any other file."""
    return _shipped().get(Path(model_path).name)
