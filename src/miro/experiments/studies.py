"""The studies beside Table 1: Figure 4a (cluster pairs), Figures 4b-e (nanoclusters
of real data) and Figure 5c-f (nuclear pore complexes in Nup96 data).

Each reuses the trained model and chosen DBSCAN parameters of one scenario
(its ``scenario`` / ``model_scenario``). MIRO works in normalised units (a
training FOV's extent maps to 1), so new data are scaled by ``length_nm``, nm per
normalised unit: given in the config, else the FOV edge of the model scenario's
simulator, so that clusters keep the size the model was trained on.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from miro.data.io import fov_number
from miro.errors import MiroInputError
from miro.experiments.scenarios import Scenario, check_simulation, dataset_id, simulator_fov_nm

__all__ = ["Figure4a", "Nanoclusters", "Nup96"]


def _length_nm(block: str, given, scenario: Scenario) -> float:
    """nm per normalised unit: `given`, else the FOV edge of the model scenario's simulator."""
    if given is not None:
        return float(given)
    length = simulator_fov_nm(scenario.spec)
    if length is None:
        raise MiroInputError(
            f"config: {block}: cannot tell the FOV size of scenario {scenario.id}; "
            f"set {block}.length_nm (nm per normalised unit of its FOVs, e.g. 2000 for the benchmark)"
        )
    return length


@dataclass(frozen=True)
class Figure4a:
    """JIc of Gaussian cluster pairs against their distance d (in SDs), plain DBSCAN against
    MIRO + DBSCAN with the model of `scenario`.

    Attributes:
        config: the figure4a block (distances, n_fovs, seed, dbscan, tuning_fovs, simulation, ...).
        scenario: the scenario whose model, R and K squeeze the pair FOVs.
        tuning: metric and eps / min_samples grids of the DBSCAN tuning on held-in pair FOVs.
        length_nm: nm per normalised unit of the pair FOVs; None = min-max per FOV, as
            every scenario (when the model scenario simulates cluster pairs itself).
        miro: R, K and step of the model (:attr:`MethodSettings.miro`).
    """

    config: dict
    scenario: str
    tuning: dict
    length_nm: float | None
    miro: dict

    @classmethod
    def from_config(cls, config: dict, scenarios: dict) -> Figure4a | None:
        """The figure of config `figure4a`; None when it is off, MIRO or DBSCAN is not a method,
        or its scenario is not run."""
        block = config["figure4a"]
        if not block or not {"DBSCAN", "MIRO"} <= set(config["methods"]) or block["scenario"] not in scenarios:
            return None
        check_simulation("figure4a", "cluster_pairs", {**block["simulation"], "separation": 1.0})
        if "separation" in block["simulation"]:
            raise MiroInputError("config: figure4a.simulation: leave out 'separation'; the distances come from figure4a.distances")
        scenario = scenarios[block["scenario"]]
        length_nm = block["length_nm"]
        if length_nm is None and scenario.spec.get("simulator") != "cluster_pairs":
            length_nm = _length_nm("figure4a", None, scenario)
        tuning = {
            "metric": block["metric"],
            "eps": block["eps"] or config["dbscan_selection"]["eps"],
            "min_samples": block["min_samples"] or config["dbscan_selection"]["min_samples"],
        }
        return cls(config=block, scenario=scenario.id, tuning=tuning, length_nm=length_nm, miro=scenario.methods["MIRO"].miro)


@dataclass(frozen=True)
class Nanoclusters:
    """Per-cluster statistics of real or user data (one dataset per benchmark folder or list
    of files), clustered by plain DBSCAN and by MIRO + DBSCAN with the model and chosen
    DBSCAN parameters of `model_scenario`.

    Attributes:
        datasets: dataset id -> its config entry (benchmark or files, label, pixel_size).
        model_scenario: the scenario whose model and DBSCAN parameters are used.
        length_nm: nm per normalised unit of the fields.
        miro: R, K and step of the model.
        zoom_regions: how many zoomed regions the figure shows.
        repo: the folder relative file names are read from.
    """

    datasets: dict
    model_scenario: str
    length_nm: float
    miro: dict
    zoom_regions: int
    repo: Path
    benchmark_manifest: object

    @staticmethod
    def check_datasets(config: dict, benchmark_folders: set, repo: Path) -> dict:
        """Dataset id -> entry of config `nanoclusters.datasets`, checked whenever the block is given."""
        datasets = {}
        for dataset in (config.get("nanoclusters") or {}).get("datasets", []):
            where = f"config: nanoclusters.datasets: {dataset['id']}"
            if ("benchmark" in dataset) == ("files" in dataset):
                raise MiroInputError(
                    f"{where}: give exactly one of 'benchmark' (a folder of {config['benchmark_manifest']}) "
                    "or 'files' (a list of localization files)"
                )
            if dataset["id"] in datasets:
                raise MiroInputError(f"{where}: the id is used twice; give each dataset its own id")
            if "benchmark" in dataset and dataset["benchmark"] not in benchmark_folders:
                raise MiroInputError(f"{where}: benchmark folder {dataset['benchmark']!r} is not in {config['benchmark_manifest']}; use one of its folders")
            missing = [name for name in dataset.get("files", []) if not Path(_repo_path(repo, name)).is_file()]
            if missing:
                raise MiroInputError(f"{where}: no such file(s): {', '.join(missing)} (paths are absolute or relative to {repo})")
            datasets[dataset["id"]] = dataset
        return datasets

    @classmethod
    def from_config(cls, config: dict, scenarios: dict, benchmark_manifest, repo: Path) -> Nanoclusters | None:
        """The figures of config `nanoclusters`; None when the block is off, MIRO or DBSCAN is
        not a method, or its model scenario is not run."""
        datasets = cls.check_datasets(config, set(benchmark_manifest["folder"]), repo)
        block = config.get("nanoclusters")
        if not block or not {"DBSCAN", "MIRO"} <= set(config["methods"]) or block["model_scenario"] not in scenarios:
            return None
        scenario = scenarios[block["model_scenario"]]
        return cls(
            datasets=datasets,
            model_scenario=scenario.id,
            length_nm=_length_nm("nanoclusters", block.get("length_nm"), scenario),
            miro=scenario.methods["MIRO"].miro,
            zoom_regions=block.get("zoom_regions", 3),
            repo=repo,
            benchmark_manifest=benchmark_manifest,
        )

    def data(self, dataset: str):
        """Input of a dataset: its downloaded benchmark folder, or its files."""
        entry = self.datasets[dataset]
        if "benchmark" in entry:
            return f"resources/benchmark/{dataset_id(entry['benchmark'])}"
        return [_repo_path(self.repo, name) for name in entry["files"]]

    def files(self, dataset: str) -> dict:
        """Name -> path of every field of a dataset: the CSV files of its benchmark folder by
        FOV number (named by file name), or its files (named as in the config)."""
        entry = self.datasets[dataset]
        if "files" in entry:
            return {name: _repo_path(self.repo, name) for name in entry["files"]}
        manifest = self.benchmark_manifest
        names = manifest.loc[manifest["folder"] == entry["benchmark"], "file"]
        return {name: f"{self.data(dataset)}/{name}" for name in sorted((n for n in names if n.endswith(".csv")), key=fov_number)}

    def title(self, dataset: str) -> str:
        entry = self.datasets[dataset]
        return entry.get("label", entry.get("benchmark", dataset))


@dataclass(frozen=True)
class Nup96:
    """NPC rings and corners in the Nup96 data of Thevathasan et al. (2019), segmented by the
    multiscale model of `model_scenario`: NPCs with its MIRO DBSCAN parameters on the last
    step, corners with those of its small-scale row (`corners`) on step cutoff_step.

    Attributes:
        config: the nup96 block (url or file, sha256, overlap_nm, zoom_nm).
        model_scenario, corners: the multiscale scenario and its small-scale row.
        download: where the download of nup96.url goes: resources/nup96/<its file name>.
        data: the localization file: nup96.file, else the download.
        length_nm: nm per normalised unit and tile side.
        npc, corner: R, K and step of the squeeze for NPCs and for corners.
    """

    config: dict
    model_scenario: str
    corners: str
    download: str
    data: str
    length_nm: float
    npc: dict
    corner: dict

    @classmethod
    def from_config(cls, config: dict, scenarios: dict, repo: Path) -> Nup96 | None:
        """The figure of config `nup96`; None when the block is off, MIRO is not a method or
        its model scenario is not run."""
        block = config.get("nup96")
        if not block or "MIRO" not in config["methods"] or block["model_scenario"] not in scenarios:
            return None
        model = scenarios[block["model_scenario"]]
        corners = next((s.id for s in scenarios.values() if s.scale_of == model.id), None)
        if model.miro_variant != "multiscale" or corners is None:
            raise MiroInputError(
                f"config: nup96.model_scenario {model.id!r} must be a multiscale scenario "
                "(miro.variant: multiscale) with a small_scale row, whose DBSCAN parameters find the corners"
            )
        if block.get("file") and not Path(_repo_path(repo, block["file"])).is_file():
            raise MiroInputError(f"config: nup96.file: no such file {_repo_path(repo, block['file'])} (paths are absolute or relative to {repo})")
        name = Path(urllib.parse.unquote(urllib.parse.urlparse(block["url"]).path)).name
        if not name:
            raise MiroInputError(f"config: nup96.url {block['url']!r} names no file; give the URL of the _sml.csv file")
        download = f"resources/nup96/{name}"
        return cls(
            config=block,
            model_scenario=model.id,
            corners=corners,
            download=download,
            data=_repo_path(repo, block["file"]) if block.get("file") else download,
            length_nm=_length_nm("nup96", block.get("length_nm"), model),
            npc=model.methods["MIRO"].miro,
            corner=scenarios[corners].methods["MIRO"].miro,
        )

    def inputs(self) -> dict:
        """The localizations and, for a download, its recorded checksum."""
        if self.config.get("file"):
            return {"data": self.data}
        return {"data": self.data, "checksum": f"{self.download}.sha256"}


def _repo_path(repo: Path, path: str) -> str:
    """A config path: absolute as given, else relative to the repository root."""
    return str(path if Path(path).is_absolute() else Path(repo) / path)
