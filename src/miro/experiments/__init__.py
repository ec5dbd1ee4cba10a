"""Experiments: a workflow config resolved into frozen, checked objects.

:class:`Experiment` reads a validated config (``config/*.yaml`` after the
workflow's JSON schema filled its defaults) and resolves every scenario into a
:class:`Scenario` (source, FOVs, and per method the model file, MIRO settings
and DBSCAN choice), every model it trains into a :class:`TrainedModel` (few-shot
from the training FOVs, or single-shot from one cluster), and the Figure 4a, nanocluster
and Nup96 blocks into :class:`Figure4a`, :class:`Nanoclusters` and
:class:`Nup96`. A config mistake is one :class:`~miro.errors.MiroInputError`
line starting with ``config:``. The Snakemake workflow only maps these objects
onto rules; nothing here imports Snakemake.
"""

from miro.experiments.experiment import Experiment, check_scenario_sources, check_schema, local_gpus
from miro.experiments.scenarios import MethodSettings, Scenario, TrainedModel
from miro.experiments.seeding import fov_rng
from miro.experiments.studies import Figure4a, Nanoclusters, Nup96

__all__ = [
    "Experiment",
    "Figure4a",
    "MethodSettings",
    "Nanoclusters",
    "Nup96",
    "Scenario",
    "TrainedModel",
    "check_scenario_sources",
    "check_schema",
    "fov_rng",
    "local_gpus",
]
