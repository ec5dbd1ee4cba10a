# Config validation, the scenario table and the functions that compute rule
# inputs and parameters. No rules here.
import inspect
import re
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

from snakemake.utils import validate

from miro.download import read_manifest
from miro.io import fov_number
from miro.simulate import MULTISCALE_SIMULATORS, SIMULATORS


# A scenario reads its FOVs from exactly one source; say so in plain words
# before the schema's oneOf would.
for _position, _scenario in enumerate(config.get("scenarios") or []):
    if isinstance(_scenario, dict) and ("benchmark" in _scenario) == ("simulator" in _scenario):
        raise ValueError(
            f"config: scenario {_scenario.get('id', _position)}: give exactly one of 'benchmark' "
            f"(a folder of {config.get('benchmark_manifest', 'the benchmark manifest')}) or 'simulator' "
            f"(one of {', '.join(sorted(SIMULATORS))}, with its parameters under 'simulation')"
        )

# `figure4a: null` turns Figure 4a off; Snakemake's default-filling validator would
# try to fill the defaults of its keys into null, so it is validated without it.
_figure4a_off = "figure4a" in config and config["figure4a"] is None
if _figure4a_off:
    del config["figure4a"]
validate(config, schema="../schemas/config.schema.yaml", set_default=True)
config["figure4a"] = None if _figure4a_off else config.get("figure4a")

REPO = Path(workflow.basedir)
SCENARIOS = {scenario["id"]: scenario for scenario in config["scenarios"]}
METHODS = config["methods"]


def small_scale_scenario(scenario):
    """The small-scale row of a multiscale scenario: the same FOVs, model and
    training FOVs, with the sublabel as ground truth (data in resources/scales/),
    MIRO read at step cutoff_step and its own DBSCAN parameters."""
    sid, small = scenario["id"], scenario["small_scale"]
    miro = scenario.get("miro", {})
    if miro.get("variant") != "multiscale" or scenario.get("simulator") not in MULTISCALE_SIMULATORS:
        raise ValueError(
            f"config: scenario {sid}: small_scale needs miro.variant multiscale and a two-scale simulator "
            f"({', '.join(sorted(MULTISCALE_SIMULATORS))})"
        )
    derived = {key: value for key, value in scenario.items() if key not in ("small_scale", "dbscan_selection", "id", "label")}
    derived.update(
        id=small.get("id", f"{sid}_small"),
        label=small.get("label", f"{scenario.get('label', sid)} (small scale)"),
        dbscan=small["dbscan"],
        scale_of=sid,
    )
    if "dbscan_selection" in small:
        derived["dbscan_selection"] = small["dbscan_selection"]
    derived["miro"] = {key: value for key, value in miro.items() if key != "dbscan_selection"}
    derived["miro"].update(small["miro"])
    return derived


# each small-scale row right after its scenario (Table 1 order)
for _scenario in list(SCENARIOS.values()):
    SCENARIOS[_scenario["id"]] = SCENARIOS.pop(_scenario["id"])
    if "small_scale" in _scenario:
        _small = small_scale_scenario(_scenario)
        if _small["id"] in SCENARIOS or _small["id"] in {s["id"] for s in config["scenarios"]}:
            raise ValueError(f"config: scenario {_scenario['id']}: small_scale id {_small['id']!r} is already a scenario id; give small_scale.id")
        SCENARIOS[_small["id"]] = _small


def model_scenario(sid):
    """The scenario whose trained model a scenario uses: itself, or the multiscale scenario of a small-scale row."""
    return SCENARIOS[sid].get("scale_of", sid)

# Defaults of simulated scenarios: 50 test FOVs (1..50), then 3 training FOVs
# (51..53), simulated separately and never evaluated.
DEFAULT_N_FOVS = 50
DEFAULT_N_TRAINING_FOVS = 3


def is_simulated(scenario):
    return "simulator" in scenario


def simulated_fov_numbers(scenario):
    """(test FOVs, training FOVs) of a simulated scenario: 1..n_fovs and the n_training_fovs after them."""
    n_test = scenario.get("n_fovs", DEFAULT_N_FOVS)
    n_train = scenario.get("n_training_fovs", DEFAULT_N_TRAINING_FOVS)
    return list(range(1, n_test + 1)), list(range(n_test + 1, n_test + n_train + 1))


def simulation_seed(scenario):
    return scenario.get("simulation_seed", config["simulation_seed"])


def check_simulation(where, name, params):
    """Stop at parse time on a parameter the simulator does not take (or a missing required one)."""
    signature = inspect.signature(SIMULATORS[name]).parameters
    accepted = [p for p in signature if p != "seed"]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise ValueError(f"config: {where}: simulator {name!r} has no parameter(s) {', '.join(unknown)}; it takes {', '.join(accepted)}")
    missing = [p for p in accepted if signature[p].default is inspect.Parameter.empty and p not in params]
    if missing:
        raise ValueError(f"config: {where}: simulator {name!r} needs simulation: {{{', '.join(missing)}: ...}}")


for _scenario in SCENARIOS.values():
    if is_simulated(_scenario):
        _scenario.setdefault("simulation", {})
        check_simulation(f"scenario {_scenario['id']}", _scenario["simulator"], _scenario["simulation"])
        _scenario.setdefault("training_fovs", simulated_fov_numbers(_scenario)[1])
    else:
        _scenario.setdefault("training_fovs", [])


def repo_path(path):
    """A config path: absolute as given, else relative to the repository root."""
    return str(path if Path(path).is_absolute() else REPO / path)


def dataset_id(folder):
    """File-system friendly id of a benchmark folder ('Ground Truth - Scenario 8' -> 'ground-truth-scenario-8')."""
    return re.sub(r"[^a-z0-9]+", "-", folder.lower()).strip("-")


BENCHMARK_MANIFEST = read_manifest(repo_path(config["benchmark_manifest"]))
WEIGHTS_MANIFEST = read_manifest(repo_path(config["released_weights_manifest"]))
DATASETS = {dataset_id(folder): folder for folder in BENCHMARK_MANIFEST["folder"].unique()}

def scenario_methods(scenario_id):
    """Methods evaluated on a scenario: all of `methods`, less MIRO_released for a
    simulated scenario without miro.released_weights (the authors released
    weights for the benchmark scenarios only)."""
    scenario = SCENARIOS[scenario_id]
    released = scenario.get("miro", {}).get("released_weights")
    return [m for m in METHODS if not (m == "MIRO_released" and is_simulated(scenario) and released is None)]


def training_set_of(sid):
    """Builder and kwargs of a scenario's training set: its miro.training_set, updated by
    training.overrides.<scenario>.training_set when a preset replaces them."""
    spec = dict(SCENARIOS[sid].get("miro", {}).get("training_set", {}))
    spec.update(config["training"]["overrides"].get(sid, {}).get("training_set", {}))
    return spec


for _scenario in SCENARIOS.values():
    if not is_simulated(_scenario) and _scenario["benchmark"] not in set(DATASETS.values()):
        raise ValueError(
            f"config: scenario {_scenario['id']}: benchmark folder {_scenario['benchmark']!r} "
            f"is not in {config['benchmark_manifest']}; use one of its folders"
        )
    for _method in scenario_methods(_scenario["id"]):
        if _method.startswith("MIRO") and "miro" not in _scenario:
            raise ValueError(f"config: scenario {_scenario['id']} has no 'miro' block but method {_method} is requested; add one")
        if _method == "MIRO" and "training_set" not in _scenario["miro"]:
            raise ValueError(f"config: scenario {_scenario['id']} has no miro.training_set but method MIRO trains a model; add one")
        if _method == "MIRO" and training_set_of(_scenario["id"]).get("builder") == "simulated" and not is_simulated(_scenario):
            raise ValueError(
                f"config: scenario {_scenario['id']}: training_set builder 'simulated' needs a simulated scenario "
                "(simulator:); benchmark scenarios use GraphDataset, GraphBlinkingDataset or GraphBlinkingCroppedDataset"
            )
        if _method == "MIRO_released" and _scenario["miro"].get("released_weights") not in set(WEIGHTS_MANIFEST["file"]):
            raise ValueError(
                f"config: scenario {_scenario['id']}: miro.released_weights must name a file of "
                f"{config['released_weights_manifest']} for method MIRO_released"
            )

SIMULATED = [sid for sid, scenario in SCENARIOS.items() if is_simulated(scenario) and "scale_of" not in scenario]
# small-scale rows of multiscale scenarios: their FOVs are the scenario's, relabelled by sublabel
SMALL_SCALE = [sid for sid, scenario in SCENARIOS.items() if "scale_of" in scenario]
# scenarios that train a model of their own (a small-scale row uses its scenario's)
TRAINED = [sid for sid in SCENARIOS if sid not in SMALL_SCALE]

# Scenarios whose MIRO is the classification variant (cMIRO): trained on simulations
# with a `class` column, they also get the Figure 3 outputs.
CLASSIFICATION = [sid for sid, scenario in SCENARIOS.items() if scenario.get("miro", {}).get("variant") == "classification"]
for _sid in CLASSIFICATION:
    if training_set_of(_sid).get("builder") != "simulated":
        raise ValueError(
            f"config: scenario {_sid}: miro.variant classification trains on simulated FOVs with a class column; "
            "use miro.training_set: {builder: simulated, dataset_size: N} with a simulator such as multishape"
        )


def class_names(wildcards):
    """Names of the classes of a cMIRO scenario: 'not clustered', then its simulator's shapes."""
    shapes = SCENARIOS[wildcards.scenario].get("simulation", {}).get("shapes", [])
    return ["not clustered", *(spec.get("shape", f"class {i}") for i, spec in enumerate(shapes, start=1))]


wildcard_constraints:
    scenario="|".join(SCENARIOS),
    method="|".join(METHODS),
    dataset="|".join(DATASETS),
    weights="|".join(re.escape(name) for name in WEIGHTS_MANIFEST["file"]),


def scenario_data_dir(wildcards):
    """Folder of a scenario's FOV files: downloaded benchmark folder or simulated FOVs."""
    scenario = SCENARIOS[wildcards.scenario]
    if "scale_of" in scenario:
        return f"resources/scales/{wildcards.scenario}"
    if is_simulated(scenario):
        return f"resources/simulated/{wildcards.scenario}"
    return f"resources/benchmark/{dataset_id(scenario['benchmark'])}"


def available_fovs(scenario):
    """All FOV numbers a scenario's source holds: the manifest's files, or the simulated test + training FOVs."""
    if is_simulated(scenario):
        test, training = simulated_fov_numbers(scenario)
        return test + training
    files = BENCHMARK_MANIFEST.loc[BENCHMARK_MANIFEST["folder"] == scenario["benchmark"], "file"]
    return sorted(fov_number(name) for name in files if name.endswith(".csv"))


def scenario_fovs(scenario):
    """FOV numbers of a scenario: all available ones, or its `fovs` list (training FOVs always included)."""
    available = available_fovs(scenario)
    chosen = scenario.get("fovs", available)
    source = scenario.get("benchmark") or f"the simulated FOVs 1..{len(available)}"
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        raise ValueError(f"config: scenario {scenario['id']}: FOV(s) {unknown} not in {source}")
    missing = sorted(set(scenario["training_fovs"]) - set(available))
    if missing:
        raise ValueError(f"config: scenario {scenario['id']}: training FOV(s) {missing} not in {source}")
    return sorted(set(chosen) | set(scenario["training_fovs"]))


def test_fovs(wildcards):
    """FOVs evaluated for a scenario: all chosen ones minus the training FOVs (the first
    max_test_fovs of them when that is set: smoke runs)."""
    scenario = SCENARIOS[wildcards.scenario]
    fovs = [fov for fov in scenario_fovs(scenario) if fov not in scenario["training_fovs"]]
    return fovs[: config["max_test_fovs"]]


TRAINING_KEYS = (
    "seed",
    "epochs",
    "batch_size",
    "lr",
    "hidden_channels",
    "nd_weight",
    "num_steps",
    "dataset_size",
    "reflect_clusters",
    "node_features",
)


# per-scenario overrides that are not TRAINING_KEYS: the training set and the variant's settings
VARIANT_KEYS = ("training_set", "class_weight", "class_balance", "cutoff_step")


def training_settings(wildcards):
    """Training settings of a scenario's model: config `training`, its per-scenario overrides, then scenario defaults."""
    sid = model_scenario(wildcards.scenario)
    scenario = SCENARIOS[sid]
    settings = {key: config["training"][key] for key in TRAINING_KEYS}
    overrides = config["training"]["overrides"].get(sid, {})
    settings.update({key: value for key, value in overrides.items() if key not in VARIANT_KEYS})
    if settings["num_steps"] is None:
        settings["num_steps"] = scenario["miro"]["num_steps"]
    if settings["dataset_size"] is None:
        settings["dataset_size"] = scenario["miro"]["training_set"]["dataset_size"]
    return settings


def model_variant(wildcards):
    """MIRO variant of a scenario, its cross-entropy weight and class balancing (cMIRO;
    training.overrides.<scenario> wins) and its multiscale cutoff step."""
    miro = SCENARIOS[wildcards.scenario]["miro"]
    overrides = config["training"]["overrides"].get(wildcards.scenario, {})
    return {
        "variant": miro["variant"],
        "class_weight": overrides.get("class_weight", miro["class_weight"]),
        "class_balance": overrides.get("class_balance", miro["class_balance"]),
        "cutoff_step": cutoff_step_of(wildcards.scenario),
    }


def cutoff_step_of(sid):
    """mMIRO cutoff step of a scenario's model: training.overrides.<scenario>.cutoff_step, else miro.cutoff_step."""
    owner = model_scenario(sid)
    return config["training"]["overrides"].get(owner, {}).get("cutoff_step", SCENARIOS[owner]["miro"]["cutoff_step"])


# Multiscale scenarios (mMIRO): trained on simulations with a sublabel column; step
# cutoff_step must leave at least one large-scale step.
for _sid in TRAINED:
    _miro = SCENARIOS[_sid].get("miro", {})
    if _miro.get("variant") != "multiscale" or "MIRO" not in scenario_methods(_sid):
        continue
    if SCENARIOS[_sid].get("simulator") not in MULTISCALE_SIMULATORS or training_set_of(_sid).get("builder") != "simulated":
        raise ValueError(
            f"config: scenario {_sid}: miro.variant multiscale trains on two-scale simulations; use simulator "
            f"{' or '.join(sorted(MULTISCALE_SIMULATORS))} with miro.training_set: {{builder: simulated, dataset_size: N}}"
        )
    _steps = training_settings(SimpleNamespace(scenario=_sid))["num_steps"]
    if not 0 < cutoff_step_of(_sid) < _steps:
        raise ValueError(
            f"config: scenario {_sid}: the cutoff step (miro.cutoff_step or training.overrides.{_sid}.cutoff_step) "
            f"must lie in 1..{_steps - 1} for K = {_steps} recurrent steps"
        )


def training_simulation(wildcards):
    """Simulator, parameters and seed of a simulated scenario (for builder `simulated`); {} otherwise."""
    scenario = SCENARIOS[wildcards.scenario]
    if not is_simulated(scenario):
        return {}
    return {"simulator": scenario["simulator"], "simulation": scenario["simulation"], "seed": simulation_seed(scenario)}


def miro_inference_settings(wildcards):
    """R, K and the step (0-based; -1 = last) used to squeeze with a method's model (our MIRO
    may be trained with another K; a small-scale row reads step cutoff_step of the multiscale model)."""
    scenario = SCENARIOS[wildcards.scenario]
    miro = scenario.get("miro")
    if miro is None:
        return {}
    steps = training_settings(wildcards)["num_steps"] if wildcards.method == "MIRO" else miro["num_steps"]
    step = cutoff_step_of(wildcards.scenario) - 1 if "scale_of" in scenario else -1
    return {"connectivity_radius": miro["connectivity_radius"], "num_steps": steps, "step": step}


def dbscan_selection(wildcards):
    """How a method's DBSCAN parameters are chosen: the top-level `dbscan_selection`,
    overridden by the scenario's `dbscan_selection` (plain DBSCAN) or
    `miro.dbscan_selection` (MIRO-type methods)."""
    scenario = SCENARIOS[wildcards.scenario]
    override = scenario.get("dbscan_selection", {}) if wildcards.method == "DBSCAN" else scenario.get("miro", {}).get("dbscan_selection", {})
    return {**config["dbscan_selection"], **override}


def method_weights(wildcards):
    """The model file of a MIRO-type method (none for DBSCAN)."""
    if wildcards.method == "MIRO":
        return f"results/models/{model_scenario(wildcards.scenario)}/model.pt"
    if wildcards.method == "MIRO_released":
        return f"resources/weights/released/{SCENARIOS[wildcards.scenario]['miro']['released_weights']}"
    return []


def fixed_dbscan(wildcards):
    """The authors' DBSCAN parameters of a method: `dbscan` for DBSCAN, `miro.dbscan` for MIRO-type methods."""
    scenario = SCENARIOS[wildcards.scenario]
    return scenario["dbscan"] if wildcards.method == "DBSCAN" else scenario["miro"]["dbscan"]


def scenario_method_pairs():
    """(scenario, method) of every metrics table, in the order of metrics_files()."""
    return [(scenario, method) for scenario in SCENARIOS for method in scenario_methods(scenario)]


def metrics_files():
    return [f"results/metrics/{scenario}/{method}.csv" for scenario, method in scenario_method_pairs()]


def dbscan_params_files():
    return [f"results/dbscan_params/{scenario}/{method}.json" for scenario, method in scenario_method_pairs()]


def scenario_labels():
    return {sid: scenario.get("label", sid) for sid, scenario in SCENARIOS.items()}


def scenario_label_files(wildcards):
    return [f"results/labels/{wildcards.scenario}/{method}.csv" for method in scenario_methods(wildcards.scenario)]


def scenario_metric_files(wildcards):
    return [f"results/metrics/{wildcards.scenario}/{method}.csv" for method in scenario_methods(wildcards.scenario)]


def figure_fov(wildcards):
    """Example FOV of Figure 2: the scenario's `figure_fov`, else its first test FOV."""
    fovs = test_fovs(wildcards)
    chosen = SCENARIOS[wildcards.scenario].get("figure_fov", fovs[0])
    if chosen not in fovs:
        raise ValueError(f"config: scenario {wildcards.scenario}: figure_fov {chosen} is not a test FOV")
    return chosen


# Figure 4a: JIc of cluster pairs vs their distance, plain DBSCAN vs MIRO +
# DBSCAN with the trained model of scenario figure4a.scenario. Made when
# figure4a is configured, MIRO and DBSCAN are methods and that scenario is run.
FIGURE4A = config["figure4a"]
MAKE_FIGURE4A = bool(FIGURE4A) and {"DBSCAN", "MIRO"} <= set(METHODS) and FIGURE4A["scenario"] in SCENARIOS
if MAKE_FIGURE4A:
    check_simulation("figure4a", "cluster_pairs", {**FIGURE4A["simulation"], "separation": 1.0})
    if "separation" in FIGURE4A["simulation"]:
        raise ValueError("config: figure4a.simulation: leave out 'separation'; the distances come from figure4a.distances")


def figure4a_length_nm():
    """nm per normalised unit when squeezing the pair FOVs: the FOV edge the model was trained on.

    MIRO works in normalised units (a training FOV's extent maps to 1), so pair FOVs
    are scaled as the model scenario's FOVs were: figure4a.length_nm; else None (min-max
    per FOV, as every scenario) when the model scenario simulates cluster pairs itself;
    else the `fov` of the model scenario's simulator (given or default)."""
    if FIGURE4A["length_nm"] is not None:
        return FIGURE4A["length_nm"]
    scenario = SCENARIOS[FIGURE4A["scenario"]]
    if scenario.get("simulator") == "cluster_pairs":
        return None
    if is_simulated(scenario):
        params = scenario["simulation"]
        default = inspect.signature(SIMULATORS[scenario["simulator"]]).parameters.get("fov")
        if "fov" in params:
            return float(params["fov"])
        if default is not None:
            return float(default.default)
    raise ValueError(
        f"config: figure4a: cannot tell the FOV size of scenario {FIGURE4A['scenario']}; "
        "set figure4a.length_nm (nm per normalised unit of its FOVs, e.g. 2000 for the benchmark)"
    )


def figure4a_miro_settings(wildcards):
    """R and K of our MIRO model of the figure4a scenario."""
    return miro_inference_settings(SimpleNamespace(scenario=FIGURE4A["scenario"], method="MIRO"))


# Figures 4b-e: statistics of the nanoclusters of real or user data (benchmark
# folders or files named in config), found by plain DBSCAN and MIRO + DBSCAN
# with the trained model and chosen DBSCAN parameters of scenario
# nanoclusters.model_scenario. Datasets are checked whenever the block is
# given; the figures are made when MIRO and DBSCAN are methods and that
# scenario is run.
NANOCLUSTERS = config.get("nanoclusters")
NANOCLUSTER_DATASETS = {}
for _dataset in (NANOCLUSTERS or {}).get("datasets", []):
    _where = f"config: nanoclusters.datasets: {_dataset['id']}"
    if ("benchmark" in _dataset) == ("files" in _dataset):
        raise ValueError(
            f"{_where}: give exactly one of 'benchmark' (a folder of {config['benchmark_manifest']}) "
            "or 'files' (a list of localization files)"
        )
    if _dataset["id"] in NANOCLUSTER_DATASETS:
        raise ValueError(f"{_where}: the id is used twice; give each dataset its own id")
    if "benchmark" in _dataset and _dataset["benchmark"] not in set(DATASETS.values()):
        raise ValueError(f"{_where}: benchmark folder {_dataset['benchmark']!r} is not in {config['benchmark_manifest']}; use one of its folders")
    _missing = [name for name in _dataset.get("files", []) if not Path(repo_path(name)).is_file()]
    if _missing:
        raise ValueError(f"{_where}: no such file(s): {', '.join(_missing)} (paths are absolute or relative to {REPO})")
    NANOCLUSTER_DATASETS[_dataset["id"]] = _dataset
MAKE_NANOCLUSTERS = bool(NANOCLUSTERS) and {"DBSCAN", "MIRO"} <= set(METHODS) and NANOCLUSTERS["model_scenario"] in SCENARIOS


def simulator_fov_nm(scenario):
    """FOV edge (nm) of a simulated scenario: its simulation `fov`, else its simulator's default; None if it has none."""
    if not is_simulated(scenario):
        return None
    default = inspect.signature(SIMULATORS[scenario["simulator"]]).parameters.get("fov")
    if "fov" in scenario["simulation"]:
        return float(scenario["simulation"]["fov"])
    return None if default is None else float(default.default)


def nanoclusters_length_nm():
    """nm per normalised unit for the nanocluster fields: nanoclusters.length_nm, else the FOV
    edge of the model scenario's simulator, so clusters keep the size the model was trained on."""
    if NANOCLUSTERS.get("length_nm") is not None:
        return float(NANOCLUSTERS["length_nm"])
    length = simulator_fov_nm(SCENARIOS[NANOCLUSTERS["model_scenario"]])
    if length is None:
        raise ValueError(
            f"config: nanoclusters: cannot tell the FOV size of scenario {NANOCLUSTERS['model_scenario']}; "
            "set nanoclusters.length_nm (nm per normalised unit of its FOVs, e.g. 2000 for the benchmark)"
        )
    return length


def nanoclusters_miro_settings():
    """R, K and step of our MIRO model of the nanoclusters model scenario."""
    return miro_inference_settings(SimpleNamespace(scenario=NANOCLUSTERS["model_scenario"], method="MIRO"))


def nanoclusters_data(wildcards):
    """Input of a nanoclusters dataset: its downloaded benchmark folder, or its files."""
    dataset = NANOCLUSTER_DATASETS[wildcards.nanoclusters_dataset]
    if "benchmark" in dataset:
        return f"resources/benchmark/{dataset_id(dataset['benchmark'])}"
    return [repo_path(name) for name in dataset["files"]]


def nanoclusters_files(wildcards):
    """Name -> path of every field of a nanoclusters dataset: the CSV files of its benchmark
    folder by FOV number (named by file name), or its files (named as in the config)."""
    dataset = NANOCLUSTER_DATASETS[wildcards.nanoclusters_dataset]
    if "files" in dataset:
        return {name: repo_path(name) for name in dataset["files"]}
    folder = nanoclusters_data(wildcards)
    names = BENCHMARK_MANIFEST.loc[BENCHMARK_MANIFEST["folder"] == dataset["benchmark"], "file"]
    return {name: f"{folder}/{name}" for name in sorted((n for n in names if n.endswith(".csv")), key=fov_number)}


def nanoclusters_title(wildcards):
    dataset = NANOCLUSTER_DATASETS[wildcards.nanoclusters_dataset]
    return dataset.get("label", dataset.get("benchmark", wildcards.nanoclusters_dataset))


# Figure 5c-f: NPC rings and corners in the Nup96 data of Thevathasan et al.
# (2019), from nup96.file or downloaded from nup96.url, segmented by the
# multiscale model of scenario nup96.model_scenario: NPCs with its MIRO DBSCAN
# parameters on the last step, corners with those of its small_scale row on
# step cutoff_step. Made when MIRO is a method and that scenario is run.
NUP96 = config.get("nup96")
MAKE_NUP96 = bool(NUP96) and "MIRO" in METHODS and NUP96["model_scenario"] in SCENARIOS
if MAKE_NUP96:
    _model = SCENARIOS[NUP96["model_scenario"]]
    if _model["miro"].get("variant") != "multiscale" or "small_scale" not in _model:
        raise ValueError(
            f"config: nup96.model_scenario {NUP96['model_scenario']!r} must be a multiscale scenario "
            "(miro.variant: multiscale) with a small_scale row, whose DBSCAN parameters find the corners"
        )
    NUP96_CORNERS = next(sid for sid, scenario in SCENARIOS.items() if scenario.get("scale_of") == NUP96["model_scenario"])
    if NUP96.get("file") and not Path(repo_path(NUP96["file"])).is_file():
        raise ValueError(f"config: nup96.file: no such file {repo_path(NUP96['file'])} (paths are absolute or relative to {REPO})")


def nup96_download():
    """Where the download of nup96.url goes: resources/nup96/<its file name>."""
    name = Path(urllib.parse.unquote(urllib.parse.urlparse(NUP96["url"]).path)).name
    if not name:
        raise ValueError(f"config: nup96.url {NUP96['url']!r} names no file; give the URL of the _sml.csv file")
    return f"resources/nup96/{name}"


def nup96_input(wildcards):
    """The Nup96 localizations (nup96.file, else the download) and, for a download, its recorded checksum."""
    if NUP96.get("file"):
        return {"data": repo_path(NUP96["file"])}
    return {"data": nup96_download(), "checksum": nup96_download() + ".sha256"}


def nup96_length_nm():
    """nm per normalised unit and tile side: nup96.length_nm, else the FOV edge of the model scenario's simulator."""
    if NUP96.get("length_nm") is not None:
        return float(NUP96["length_nm"])
    length = simulator_fov_nm(SCENARIOS[NUP96["model_scenario"]])
    if length is None:
        raise ValueError(f"config: nup96: cannot tell the FOV size of scenario {NUP96['model_scenario']}; set nup96.length_nm")
    return length


def final_outputs():
    return [
        "results/tables/table1.csv",
        "results/tables/table1.md",
        "results/tables/table1.tex",
        "results/tables/paper_comparison.md",
        "results/tables/stats.csv",
        *expand("results/figures/figure2/{scenario}.png", scenario=SCENARIOS),
        *(expand("results/models/{scenario}/loss.png", scenario=TRAINED) if "MIRO" in METHODS else []),
        *(["results/figures/figure4a.png", "results/tables/figure4a.csv"] if MAKE_FIGURE4A else []),
        *(expand("results/figures/figure3/{scenario}.png", scenario=CLASSIFICATION) if "MIRO" in METHODS else []),
        *(expand("results/figures/nanoclusters/{dataset}.png", dataset=NANOCLUSTER_DATASETS) if MAKE_NANOCLUSTERS else []),
        *(expand("results/tables/nanoclusters/{dataset}_summary.csv", dataset=NANOCLUSTER_DATASETS) if MAKE_NANOCLUSTERS else []),
        *(["results/figures/nup96/figure5.png", "results/tables/nup96/summary.csv"] if MAKE_NUP96 else []),
    ]
