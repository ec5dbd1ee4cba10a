"""An experiment: every scenario and study of one config, and the files they produce."""

from __future__ import annotations

import copy
import difflib
import glob
from dataclasses import dataclass
from pathlib import Path

from miro.data.download import read_manifest
from miro.data.released import released_models
from miro.data.simulation import SIMULATORS
from miro.errors import MiroInputError
from miro.experiments.scenarios import OTHER_METHODS, dataset_id, resolve_models, resolve_scenarios
from miro.experiments.studies import Figure4a, Nanoclusters, Nup96

__all__ = ["Experiment", "check_scenario_sources", "check_schema"]


def local_gpus() -> int:
    """NVIDIA GPUs this machine shows, counted by their device files (``/dev/nvidia0``, ...)
    without importing torch: the workflow's GPU jobs take the local profile's ``gpu`` counter,
    which serialises them, only where there is a GPU."""
    return len(glob.glob("/dev/nvidia[0-9]*"))


def check_schema(config: dict, schema_path) -> None:
    """Stop on the first way ``config`` breaks the JSON schema at ``schema_path``, in one line
    naming the key (an unknown key with the keys allowed there), before Snakemake's validator
    would print the schema."""
    import jsonschema
    import yaml

    schema = yaml.safe_load(Path(schema_path).read_text())
    error = jsonschema.exceptions.best_match(jsonschema.validators.validator_for(schema)(schema).iter_errors(config))
    if error is None:
        return
    path = [str(part) for part in error.absolute_path]
    allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        unknown = sorted(str(key) for key in error.instance if key not in allowed)
        close = difflib.get_close_matches(unknown[0], list(allowed), n=1)
        hint = f"did you mean {close[0]}?" if close else f"allowed there: {', '.join(sorted(allowed))}"
        raise MiroInputError(
            f"config: unknown key {'.'.join([*path, unknown[0]])}; check its spelling ({hint} every key: config/README.md)"
        )
    message = " ".join(error.message.split())
    message = message if len(message) <= 200 else message[:200] + "…"
    raise MiroInputError(f"config: {'.'.join(path) or 'top level'}: {message}; see config/config.yaml for what it takes")


def check_scenario_sources(config: dict) -> None:
    """Stop on two scenarios with one id, or on a scenario with both or neither of `benchmark`
    and `simulator`, in plain words, before a schema's oneOf would."""
    ids = [scenario.get("id") for scenario in config.get("scenarios") or [] if isinstance(scenario, dict)]
    repeated = sorted({str(sid) for sid in ids if ids.count(sid) > 1})
    if repeated:
        raise MiroInputError(f"config: scenarios: id {repeated[0]} is given {ids.count(repeated[0])} times; give each scenario its own id")
    for position, scenario in enumerate(config.get("scenarios") or []):
        if isinstance(scenario, dict) and ("benchmark" in scenario) == ("simulator" in scenario):
            raise MiroInputError(
                f"config: scenario {scenario.get('id', position)}: give exactly one of 'benchmark' "
                f"(a folder of {config.get('benchmark_manifest', 'the benchmark manifest')}) or 'simulator' "
                f"(one of {', '.join(sorted(SIMULATORS))}, with its parameters under 'simulation')"
            )


@dataclass(frozen=True)
class Experiment:
    """A validated config resolved into scenarios and studies.

    Attributes:
        config: the config (schema defaults filled in).
        repo: the repository root; relative config paths are read from it.
        scenarios: scenario id -> :class:`~miro.experiments.Scenario`, in Table-1 order.
        models: model id -> :class:`~miro.experiments.TrainedModel` of every model the workflow trains.
        datasets: id -> folder of every benchmark folder in the manifest.
        benchmark_manifest: the manifest of the benchmark files.
        released: file name -> :class:`~miro.data.released.ReleasedModel` of the released-weights manifest.
        single_shot_manifest: the manifest of the authors' single-shot files (clusters, weights).
        figure4a, nanoclusters, nup96: the studies made by this config (None when not made).
    """

    config: dict
    repo: Path
    scenarios: dict
    models: dict
    datasets: dict
    benchmark_manifest: object
    released: dict
    single_shot_manifest: object
    figure4a: Figure4a | None
    nanoclusters: Nanoclusters | None
    nup96: Nup96 | None

    @classmethod
    def from_config(cls, config: dict, repo) -> Experiment:
        """Resolve `config` (validated, defaults filled in); stop with one ``config:`` line on a mistake."""
        repo = Path(repo)
        benchmark_manifest = read_manifest(repo / config["benchmark_manifest"])
        released = released_models(repo / config["released_weights_manifest"])
        single_shot_manifest = read_manifest(repo / config["single_shot_manifest"])
        scenarios = resolve_scenarios(config, benchmark_manifest, released, single_shot_manifest["file"], repo)
        return cls(
            config=config,
            repo=repo,
            scenarios=scenarios,
            models=resolve_models(scenarios),
            datasets={dataset_id(folder): folder for folder in benchmark_manifest["folder"].unique()},
            benchmark_manifest=benchmark_manifest,
            released=released,
            single_shot_manifest=single_shot_manifest,
            figure4a=Figure4a.from_config(config, scenarios),
            nanoclusters=Nanoclusters.from_config(config, scenarios, benchmark_manifest, repo),
            nup96=Nup96.from_config(config, scenarios, repo),
        )

    @classmethod
    def from_workflow_config(cls, config: dict, repo, validate) -> Experiment:
        """Check, complete and resolve a config as read from its YAML files, as the workflow does.

        ``config`` (config/config.yaml updated by the presets) is completed in place: one-line
        checks of the scenarios' sources and of the schema (``workflow/schemas/config.schema.yaml``
        under ``repo``), then ``validate(config, schema_path)`` fills in the schema's defaults
        (``snakemake.utils.validate``; the library does not import Snakemake). ``figure4a: null``
        (Figure 4a off) stays null, since a default-filling validator cannot fill into null.
        """
        repo = Path(repo)
        schema = repo / "workflow" / "schemas" / "config.schema.yaml"
        check_scenario_sources(config)
        figure4a_off = "figure4a" in config and config["figure4a"] is None
        if figure4a_off:
            del config["figure4a"]
        check_schema(config, schema)
        validate(config, str(schema))
        config["figure4a"] = None if figure4a_off else config.get("figure4a")
        return cls.from_config(copy.deepcopy(config), repo)  # its own copy: defaults filled in share objects

    def repo_path(self, path) -> str:
        """A config path: absolute as given, else relative to the repository root."""
        return str(path if Path(path).is_absolute() else self.repo / path)

    @property
    def methods(self) -> list:
        return self.config["methods"]

    @property
    def simulated(self) -> list:
        """Scenarios whose FOVs are simulated (small-scale rows relabel their scenario's)."""
        return [sid for sid, s in self.scenarios.items() if s.is_simulated and s.scale_of is None]

    @property
    def small_scale(self) -> list:
        """Small-scale rows of multiscale scenarios."""
        return [sid for sid, s in self.scenarios.items() if s.scale_of is not None]

    @property
    def trained(self) -> list:
        """Ids of the models the workflow trains (few-shot: the scenario id; single-shot: <id>_single_shot)."""
        return list(self.models)

    @property
    def few_shot_models(self) -> list:
        """Ids of the models trained from the clusters of their scenario's training FOVs (method MIRO)."""
        return [mid for mid, model in self.models.items() if model.cluster is None]

    @property
    def single_shot_models(self) -> list:
        """Ids of the models trained from one cluster (method MIRO_single_shot)."""
        return [mid for mid, model in self.models.items() if model.cluster is not None]

    @property
    def classification(self) -> list:
        """Scenarios whose MIRO is the classification variant (cMIRO): they also get Figure 3."""
        return [sid for sid, s in self.scenarios.items() if s.miro_variant == "classification"]

    def pairs(self) -> list:
        """(scenario, method) of every metrics table, in Table-1 order."""
        return [(sid, method) for sid, scenario in self.scenarios.items() for method in scenario.methods]

    def metrics_files(self) -> list:
        return [f"results/metrics/{sid}/{method}.csv" for sid, method in self.pairs()]

    def dbscan_params_files(self) -> list:
        return [f"results/dbscan_params/{sid}/{method}.json" for sid, method in self.pairs()]

    def final_outputs(self) -> list:
        """Every table and figure the config makes (the workflow's default target, less provenance)."""
        miro = "MIRO" in self.methods
        datasets = list(self.nanoclusters.datasets) if self.nanoclusters else []
        return [
            "results/tables/table1.csv",
            "results/tables/table1.md",
            "results/tables/table1.tex",
            "results/tables/paper_comparison.md",
            "results/tables/stats.csv",
            *(f"results/figures/figure2/{sid}.png" for sid in self.scenarios),
            *(f"results/models/{model}/loss.png" for model in self.trained),
            *(["results/figures/figure4a.png", "results/tables/figure4a.csv"] if self.figure4a else []),
            *(f"results/figures/figure3/{sid}.png" for sid in self.classification if miro),
            *(f"results/figures/nanoclusters/{dataset}.png" for dataset in datasets),
            *(f"results/tables/nanoclusters/{dataset}_summary.csv" for dataset in datasets),
            *(["results/figures/nup96/figure5.png", "results/tables/nup96/summary.csv"] if self.nup96 else []),
            *(["results/tables/leaderboard.csv", "results/tables/leaderboard.md", "results/figures/leaderboard.png"] if self.leaderboard else []),
        ]

    @property
    def leaderboard(self) -> bool:
        """Whether the leaderboard is made: a method other than DBSCAN and MIRO + DBSCAN is run."""
        return any(method in OTHER_METHODS for method in self.methods)
