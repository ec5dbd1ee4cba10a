# Snakemake glue: validate the config, resolve it with miro.experiments (scenarios,
# studies, one-line config errors; tested in tests/test_experiments.py) and give
# the rules their targets, wildcard constraints and input functions. No rules here.
import os
import re
import sys

from snakemake.utils import validate

from miro.errors import MiroInputError
from miro.experiments import Experiment, local_gpus
from miro.experiments.scenarios import OTHER_METHODS

try:
    # one line naming a bad key or scenario before Snakemake's validator would print the
    # schema; the validator then fills in the schema's defaults (config is completed in place)
    EXPERIMENT = Experiment.from_workflow_config(config, workflow.basedir, validate)
except MiroInputError as error:  # one line naming the key and the fix, no traceback
    sys.exit(f"error: {error}")
SCENARIOS = EXPERIMENT.scenarios
METHODS = EXPERIMENT.methods
FIGURE4A = EXPERIMENT.figure4a
NANOCLUSTERS = EXPERIMENT.nanoclusters
NUP96 = EXPERIMENT.nup96


wildcard_constraints:
    scenario="|".join(SCENARIOS),
    method="|".join(METHODS),
    dataset="|".join(EXPERIMENT.datasets),
    weights="|".join(re.escape(name) for name in EXPERIMENT.released),
    model="|".join(EXPERIMENT.models) or "(?!)",
    single_shot_file="|".join(re.escape(name) for name in EXPERIMENT.single_shot_manifest["file"]),


# 1 where this machine shows an NVIDIA GPU, else 0: GPU jobs take the local profile's `gpu`
# counter (one at a time on the GPU) only where there is one, so that on a CPU-only machine
# trainings run side by side. SLURM profiles set gpu per rule.
LOCAL_GPU = min(local_gpus(), 1)


def scenario(wildcards):
    """The resolved scenario of a job (miro.experiments.Scenario)."""
    return SCENARIOS[wildcards.scenario]


def method(wildcards):
    """Model file, MIRO settings and DBSCAN choice of a job's method on its scenario."""
    return SCENARIOS[wildcards.scenario].methods[wildcards.method]


def trained_model(wildcards):
    """The model a training job builds (miro.experiments.TrainedModel)."""
    return EXPERIMENT.models[wildcards.model]


def training_priority(base):
    """Priority of a model's jobs: base plus its share (0-1) of the largest training work
    (TrainedModel.training_work), so that the longest trainings start first."""
    largest = max((m.training_work for m in EXPERIMENT.models.values()), default=1.0)
    return lambda wildcards: base + 0.99 * trained_model(wildcards).training_work / largest


def scenario_data_dir(wildcards):
    return scenario(wildcards).data_dir


def figure2_methods(wildcards):
    """Methods of a scenario's Figure 2: DBSCAN and MIRO + DBSCAN (the others are in the leaderboard)."""
    return [m for m in scenario(wildcards).methods if m not in OTHER_METHODS]


def scenario_files(kind):
    """Input function: results/<kind>/<scenario>/<method>.csv of every Figure 2 method of the job's scenario."""
    return lambda wildcards: [f"results/{kind}/{wildcards.scenario}/{m}.csv" for m in figure2_methods(wildcards)]
