# Config validation, the scenario table and the functions that compute rule
# inputs and parameters. No rules here.
import re
from pathlib import Path

from snakemake.utils import validate

from miro.download import read_manifest
from miro.io import fov_number


validate(config, schema="../schemas/config.schema.yaml", set_default=True)

REPO = Path(workflow.basedir)
SCENARIOS = {scenario["id"]: scenario for scenario in config["scenarios"]}
METHODS = config["methods"]


def repo_path(path):
    """A config path: absolute as given, else relative to the repository root."""
    return str(path if Path(path).is_absolute() else REPO / path)


def dataset_id(folder):
    """File-system friendly id of a benchmark folder ('Ground Truth - Scenario 8' -> 'ground-truth-scenario-8')."""
    return re.sub(r"[^a-z0-9]+", "-", folder.lower()).strip("-")


BENCHMARK_MANIFEST = read_manifest(repo_path(config["benchmark_manifest"]))
WEIGHTS_MANIFEST = read_manifest(repo_path(config["released_weights_manifest"]))
DATASETS = {dataset_id(folder): folder for folder in BENCHMARK_MANIFEST["folder"].unique()}

for _scenario in SCENARIOS.values():
    if _scenario["benchmark"] not in set(DATASETS.values()):
        raise ValueError(
            f"config: scenario {_scenario['id']}: benchmark folder {_scenario['benchmark']!r} "
            f"is not in {config['benchmark_manifest']}; use one of its folders"
        )
    for _method in METHODS:
        if _method.startswith("MIRO") and "miro" not in _scenario:
            raise ValueError(f"config: scenario {_scenario['id']} has no 'miro' block but method {_method} is requested; add one")
        if _method == "MIRO" and "training_set" not in _scenario["miro"]:
            raise ValueError(f"config: scenario {_scenario['id']} has no miro.training_set but method MIRO trains a model; add one")
        if _method == "MIRO_released" and _scenario["miro"].get("released_weights") not in set(WEIGHTS_MANIFEST["file"]):
            raise ValueError(
                f"config: scenario {_scenario['id']}: miro.released_weights must name a file of "
                f"{config['released_weights_manifest']} for method MIRO_released"
            )


wildcard_constraints:
    scenario="|".join(SCENARIOS),
    method="|".join(METHODS),
    dataset="|".join(DATASETS),
    weights="|".join(re.escape(name) for name in WEIGHTS_MANIFEST["file"]),


def scenario_data_dir(wildcards):
    return f"resources/benchmark/{dataset_id(SCENARIOS[wildcards.scenario]['benchmark'])}"


def scenario_fovs(scenario):
    """FOV numbers of a scenario available in the manifest (or its `fovs` list)."""
    folder = scenario["benchmark"]
    files = BENCHMARK_MANIFEST.loc[BENCHMARK_MANIFEST["folder"] == folder, "file"]
    available = sorted(fov_number(name) for name in files if name.endswith(".csv"))
    chosen = scenario.get("fovs", available)
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        raise ValueError(f"config: scenario {scenario['id']}: FOV(s) {unknown} not in {folder}")
    return sorted(chosen)


def test_fovs(wildcards):
    """FOVs evaluated for a scenario: all chosen ones minus the training FOVs."""
    scenario = SCENARIOS[wildcards.scenario]
    return [fov for fov in scenario_fovs(scenario) if fov not in scenario["training_fovs"]]


TRAINING_KEYS = ("seed", "epochs", "batch_size", "lr", "hidden_channels", "nd_weight", "num_steps", "dataset_size", "reflect_clusters")


def training_settings(wildcards):
    """Training settings of a scenario: config `training`, its per-scenario overrides, then scenario defaults."""
    scenario = SCENARIOS[wildcards.scenario]
    settings = {key: config["training"][key] for key in TRAINING_KEYS}
    settings.update(config["training"]["overrides"].get(wildcards.scenario, {}))
    if settings["num_steps"] is None:
        settings["num_steps"] = scenario["miro"]["num_steps"]
    if settings["dataset_size"] is None:
        settings["dataset_size"] = scenario["miro"]["training_set"]["dataset_size"]
    return settings


def miro_inference_settings(wildcards):
    """R and K used to squeeze with a method's model (our MIRO may be trained with another K)."""
    miro = SCENARIOS[wildcards.scenario].get("miro")
    if miro is None:
        return {}
    steps = training_settings(wildcards)["num_steps"] if wildcards.method == "MIRO" else miro["num_steps"]
    return {"connectivity_radius": miro["connectivity_radius"], "num_steps": steps}


def method_weights(wildcards):
    """The model file of a MIRO-type method (none for DBSCAN)."""
    if wildcards.method == "MIRO":
        return f"results/models/{wildcards.scenario}/model.pt"
    if wildcards.method == "MIRO_released":
        return f"resources/weights/released/{SCENARIOS[wildcards.scenario]['miro']['released_weights']}"
    return []


def fixed_dbscan(wildcards):
    """The authors' DBSCAN parameters of a method: `dbscan` for DBSCAN, `miro.dbscan` for MIRO-type methods."""
    scenario = SCENARIOS[wildcards.scenario]
    return scenario["dbscan"] if wildcards.method == "DBSCAN" else scenario["miro"]["dbscan"]


def scenario_method_pairs():
    """(scenario, method) of every metrics table, in the order of metrics_files()."""
    return [(scenario, method) for scenario in SCENARIOS for method in METHODS]


def metrics_files():
    return [f"results/metrics/{scenario}/{method}.csv" for scenario, method in scenario_method_pairs()]


def dbscan_params_files():
    return [f"results/dbscan_params/{scenario}/{method}.json" for scenario, method in scenario_method_pairs()]


def scenario_labels():
    return {sid: scenario.get("label", sid) for sid, scenario in SCENARIOS.items()}


def scenario_label_files(wildcards):
    return [f"results/labels/{wildcards.scenario}/{method}.csv" for method in METHODS]


def scenario_metric_files(wildcards):
    return [f"results/metrics/{wildcards.scenario}/{method}.csv" for method in METHODS]


def figure_fov(wildcards):
    """Example FOV of Figure 2: the scenario's `figure_fov`, else its first test FOV."""
    fovs = test_fovs(wildcards)
    chosen = SCENARIOS[wildcards.scenario].get("figure_fov", fovs[0])
    if chosen not in fovs:
        raise ValueError(f"config: scenario {wildcards.scenario}: figure_fov {chosen} is not a test FOV")
    return chosen


def final_outputs():
    return [
        "results/tables/table1.csv",
        "results/tables/table1.md",
        "results/tables/table1.tex",
        "results/tables/paper_comparison.md",
        "results/tables/stats.csv",
        *expand("results/figures/figure2/{scenario}.png", scenario=SCENARIOS),
        *(expand("results/models/{scenario}/loss.png", scenario=SCENARIOS) if "MIRO" in METHODS else []),
    ]
