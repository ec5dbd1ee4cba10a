"""Scenarios: one Table-1 row each, resolved from the config's ``scenarios`` list.

A scenario reads its fields of view (FOVs) from a benchmark folder
(``benchmark:``) or simulates them (``simulator:``), holds out training FOVs,
and is clustered by every method of ``methods`` (DBSCAN, MIRO, MIRO_released).
A multiscale scenario with ``small_scale:`` adds a second row right after it: the
same FOVs with the small structures (``sublabel``) as ground truth, MIRO read at
step ``cutoff_step`` of the same model.

Method MIRO trains one model per scenario from the clusters of its training FOVs
(few-shot). A scenario with ``miro.single_shot:`` is also clustered by
MIRO_single_shot, a model trained from one annotated cluster (the paper's
single-shot claim), and MIRO_single_shot_released, the authors' single-shot
weights. Every model the workflow trains is a :class:`TrainedModel`.

Methods HDBSCAN, OPTICS and ToMATo cluster the localizations, MIRO_HDBSCAN the
squeezed points of the released weights (or, where a scenario names none, of our
trained MIRO), each with the parameters of its ``method_grids`` grid that score best
on the training FOVs (:data:`OTHER_METHODS`).

Simulated scenarios have test FOVs 1..n_fovs (default 50) and training FOVs
n_fovs+1..n_fovs+n_training_fovs (default 3), simulated separately and never
evaluated.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from miro.data.io import fov_number
from miro.data.simulation import MULTISCALE_SIMULATORS, SIMULATORS
from miro.errors import MiroInputError

__all__ = [
    "DEFAULT_N_FOVS",
    "DEFAULT_N_TRAINING_FOVS",
    "TRAINING_KEYS",
    "AUTHORS_TRAINING",
    "TRAINING_SET_KEYS",
    "SINGLE_SHOT_METHODS",
    "OTHER_METHODS",
    "MethodSettings",
    "Scenario",
    "TrainedModel",
    "check_simulation",
    "dataset_id",
    "resolve_models",
    "resolve_scenarios",
    "single_shot_model_id",
    "simulator_fov_nm",
]

DEFAULT_N_FOVS = 50
DEFAULT_N_TRAINING_FOVS = 3

# settings of config `training` that a scenario's model takes (training.overrides.<id> may replace them)
TRAINING_KEYS = (
    "seed",
    "epochs",
    "batch_size",
    "lr",
    "lr_schedule",
    "tiles",
    "precision",
    "hidden_channels",
    "nd_weight",
    "num_steps",
    "dataset_size",
    "reflect_clusters",
    "node_features",
)
# TRAINING_KEYS left out of a model's settings at these values, the authors' (a constant rate, whole
# graphs, float32): what a model without the key was trained with; fill them back in to train
AUTHORS_TRAINING = {"lr_schedule": "constant", "tiles": 1, "precision": "fp32"}
# the TRAINING_KEYS a training set is built from (the training-set rules' parameters)
TRAINING_SET_KEYS = ("seed", "dataset_size", "reflect_clusters", "node_features")
# per-scenario overrides that are not TRAINING_KEYS: the training set, the variant's settings and the jobs' threads
VARIANT_KEYS = ("training_set", "class_weight", "class_balance", "cutoff_step", "torch_threads")
# methods of a scenario with miro.single_shot: our model trained from its one cluster, the authors' weights
SINGLE_SHOT_METHODS = ("MIRO_single_shot", "MIRO_single_shot_released")
# methods other than DBSCAN -> the method of miro.inference.baselines.CLUSTERERS they run; their
# parameters always come from a search of their config method_grids grid on the training FOVs
OTHER_METHODS = {"HDBSCAN": "HDBSCAN", "OPTICS": "OPTICS", "ToMATo": "ToMATo", "MIRO_HDBSCAN": "HDBSCAN"}
# where the workflow puts the files of the single-shot manifest (training clusters, released weights)
SINGLE_SHOT_RESOURCES = "resources/single_shot"


@dataclass(frozen=True)
class MethodSettings:
    """How one method clusters one scenario.

    Attributes:
        weights: the model file of a MIRO-type method, relative to the run folder
            (``results/models/<scenario>/model.pt`` or the released weights); None for DBSCAN.
        miro: ``{"connectivity_radius", "num_steps", "step"}`` of the squeeze (R in
            normalised units, K steps, the 0-based step read, -1 = last); {} for a
            scenario without a ``miro`` block.
        dbscan: the authors' DBSCAN parameters (``dbscan`` or ``miro.dbscan``).
        dbscan_selection: how the DBSCAN parameters are chosen (top-level
            ``dbscan_selection`` updated by the scenario's); for the methods of
            :data:`OTHER_METHODS` always ``tuned``, its metric the tuning target.
        clusterer: the method run on the (squeezed) localizations (:data:`OTHER_METHODS`).
        grid: parameter -> values searched for ``clusterer`` (config ``method_grids``); None for DBSCAN.
    """

    weights: str | None
    miro: dict
    dbscan: dict
    dbscan_selection: dict
    clusterer: str = "DBSCAN"
    grid: dict | None = None


@dataclass(frozen=True)
class Scenario:
    """One resolved scenario (a Table-1 row).

    Attributes:
        id, label: config id and the row's label.
        spec: the scenario's config entry after resolution (small-scale rows derived,
            ``simulation`` and ``training_fovs`` filled in).
        data_dir: folder of its FOV files, relative to the run folder.
        fovs: every FOV it uses (test and training), ascending.
        training_fovs: FOVs that train the model and tune DBSCAN, never evaluated.
        test_fovs: FOVs evaluated (the first ``max_test_fovs`` of them when set).
        model_scenario: the scenario whose model it uses (itself, or the multiscale
            scenario of a small-scale row).
        methods: method name -> :class:`MethodSettings`, in config order.
        models: method -> :class:`TrainedModel` of the methods that train a model
            (MIRO, MIRO_single_shot); a small-scale row holds its scenario's.
        variant: MIRO variant, cMIRO class weight and balance, mMIRO cutoff step;
            None without a ``miro`` block.
        simulation: simulator, parameters and seed of a simulated scenario; {} otherwise.
        figure_fov: the example FOV of Figure 2.
        class_names: 'not clustered', then the simulator's shapes (cMIRO).
    """

    id: str
    label: str
    spec: dict
    data_dir: str
    fovs: list
    training_fovs: list
    test_fovs: list
    model_scenario: str
    methods: dict
    models: dict
    variant: dict | None
    simulation: dict
    figure_fov: int
    class_names: list

    @property
    def training(self) -> dict | None:
        """Training settings (TRAINING_KEYS) of the scenario's few-shot model; None when MIRO is not a method."""
        return self.models["MIRO"].training if "MIRO" in self.models else None

    @property
    def is_simulated(self) -> bool:
        return "simulator" in self.spec

    @property
    def scale_of(self) -> str | None:
        """The multiscale scenario of a small-scale row; None for any other scenario."""
        return self.spec.get("scale_of")

    @property
    def miro_variant(self) -> str | None:
        return self.spec.get("miro", {}).get("variant")


@dataclass(frozen=True)
class TrainedModel:
    """A model the workflow trains: a scenario's few-shot MIRO (id = the scenario id, from
    the clusters of its training FOVs) or its single-shot MIRO (id ``<scenario>_single_shot``,
    from the one cluster of ``miro.single_shot.cluster``).

    Attributes:
        id: model id; the model is ``results/models/<id>/model.pt``.
        scenario: the scenario it is trained for.
        training_set: builder, dataset_size and kwargs of its training set.
        training: its training settings (TRAINING_KEYS).
        connectivity_radius: R (normalised FOV units) of its graphs.
        variant: the scenario's MIRO variant settings (see :class:`Scenario`).
        cluster: the single-shot training cluster file (relative to the run folder, or
            absolute); None for a few-shot model.
        cluster_length_nm: nm per normalised unit of a cluster file in nm; None when the
            file is in normalised units already (the authors' files).
        torch_threads: PyTorch threads of its training-set and training jobs (config
            ``torch_threads`` unless ``training.overrides.<id>.torch_threads`` says otherwise).
    """

    id: str
    scenario: str
    training_set: dict
    training: dict
    connectivity_radius: float
    variant: dict | None
    cluster: str | None = None
    cluster_length_nm: float | None = None
    torch_threads: int = 1

    @property
    def weights(self) -> str:
        return f"results/models/{self.id}/model.pt"

    @property
    def training_work(self) -> float:
        """Relative arithmetic work of its training, epochs x graphs x K x hidden^2 (before
        its training set exists the graphs' sizes are unknown): what orders the trainings,
        the longest first, so that the longest does not start last."""
        t = self.training
        return float(t["epochs"] * t["dataset_size"] * t["num_steps"] * t["hidden_channels"] ** 2)

    @property
    def training_set_settings(self) -> dict:
        """The training settings its training set is built from (TRAINING_SET_KEYS): a change of
        epochs, learning rate or network leaves the training set as it is."""
        return {key: self.training[key] for key in TRAINING_SET_KEYS}


def single_shot_model_id(scenario_id: str) -> str:
    """Id of the single-shot model of a scenario (``scenario6`` -> ``scenario6_single_shot``)."""
    return f"{scenario_id}_single_shot"


def dataset_id(folder: str) -> str:
    """File-system friendly id of a benchmark folder ('Ground Truth - Scenario 8' -> 'ground-truth-scenario-8')."""
    return re.sub(r"[^a-z0-9]+", "-", folder.lower()).strip("-")


def check_simulation(where: str, name: str, params: dict) -> None:
    """Stop on a parameter the simulator does not take, or a missing required one."""
    signature = inspect.signature(SIMULATORS[name]).parameters
    accepted = [p for p in signature if p != "seed"]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise MiroInputError(f"config: {where}: simulator {name!r} has no parameter(s) {', '.join(unknown)}; it takes {', '.join(accepted)}")
    missing = [p for p in accepted if signature[p].default is inspect.Parameter.empty and p not in params]
    if missing:
        raise MiroInputError(f"config: {where}: simulator {name!r} needs simulation: {{{', '.join(missing)}: ...}}")


def simulator_fov_nm(spec: dict) -> float | None:
    """FOV edge (nm) of a simulated scenario: its simulation `fov`, else its simulator's default; None if it has none."""
    if "simulator" not in spec:
        return None
    default = inspect.signature(SIMULATORS[spec["simulator"]]).parameters.get("fov")
    if "fov" in spec["simulation"]:
        return float(spec["simulation"]["fov"])
    return None if default is None else float(default.default)


def _small_scale(spec: dict) -> dict:
    """The config entry of the small-scale row of a multiscale scenario: the same FOVs, model
    and training FOVs, with the sublabel as ground truth, MIRO read at step cutoff_step and
    its own DBSCAN parameters."""
    sid, small = spec["id"], spec["small_scale"]
    miro = spec.get("miro", {})
    if miro.get("variant") != "multiscale" or spec.get("simulator") not in MULTISCALE_SIMULATORS:
        raise MiroInputError(
            f"config: scenario {sid}: small_scale needs miro.variant multiscale and a two-scale simulator "
            f"({', '.join(sorted(MULTISCALE_SIMULATORS))})"
        )
    derived = {key: value for key, value in spec.items() if key not in ("small_scale", "dbscan_selection", "id", "label")}
    derived.update(
        id=small.get("id", f"{sid}_small"),
        label=small.get("label", f"{spec.get('label', sid)} (small scale)"),
        dbscan=small["dbscan"],
        scale_of=sid,
    )
    if "dbscan_selection" in small:
        derived["dbscan_selection"] = small["dbscan_selection"]
    derived["miro"] = {key: value for key, value in miro.items() if key != "dbscan_selection"}
    derived["miro"].update(small["miro"])
    return derived


def _fill_released(config: dict, spec: dict, released: dict) -> None:
    """A scenario's miro R, K and DBSCAN parameters, where not given, from the row of its
    released_weights in the released-weights manifest."""
    miro = spec.get("miro", {})
    if "released_weights" not in miro:
        return
    model = released.get(miro["released_weights"])
    if model is None:
        if {"connectivity_radius", "num_steps", "dbscan"} <= set(miro):
            return  # checked with the methods: an error only if MIRO_released runs
        raise MiroInputError(
            f"config: scenario {spec['id']}: miro.released_weights {miro['released_weights']!r} is not in "
            f"{config['released_weights_manifest']}; name one of its files or give connectivity_radius, num_steps and dbscan"
        )
    miro.setdefault("connectivity_radius", model.connectivity_radius)
    miro.setdefault("num_steps", model.num_steps)
    miro.setdefault("dbscan", model.dbscan)


def _scenario_specs(config: dict, released: dict) -> dict:
    """Scenario id -> config entry of every scenario not in `skip_scenarios`, each small-scale
    row right after its scenario (Table 1 order), simulated entries with `simulation` and
    `training_fovs` filled in, released models' settings filled in from the manifest."""
    ids = {spec["id"] for spec in config["scenarios"]}
    skipped = set(config.get("skip_scenarios") or [])
    unknown = sorted(skipped - ids)
    if unknown:
        raise MiroInputError(f"config: skip_scenarios: {unknown[0]!r} is not a scenario id; give ids of config's scenarios ({', '.join(sorted(ids))})")
    if skipped == ids:
        raise MiroInputError("config: skip_scenarios leaves no scenario to run; skip fewer")
    specs = {}
    for spec in (spec for spec in config["scenarios"] if spec["id"] not in skipped):
        _fill_released(config, spec, released)
        specs[spec["id"]] = spec
        if "small_scale" in spec:
            small = _small_scale(spec)
            if small["id"] in specs or small["id"] in ids:
                raise MiroInputError(f"config: scenario {spec['id']}: small_scale id {small['id']!r} is already a scenario id; give small_scale.id")
            specs[small["id"]] = small
    for spec in specs.values():
        if "simulator" in spec:
            spec.setdefault("simulation", {})
            check_simulation(f"scenario {spec['id']}", spec["simulator"], spec["simulation"])
            spec.setdefault("training_fovs", _simulated_fov_numbers(spec)[1])
        else:
            spec.setdefault("training_fovs", [])
    return specs


def _simulated_fov_numbers(spec: dict) -> tuple[list, list]:
    """(test FOVs, training FOVs) of a simulated scenario: 1..n_fovs and the n_training_fovs after them."""
    n_test = spec.get("n_fovs", DEFAULT_N_FOVS)
    n_train = spec.get("n_training_fovs", DEFAULT_N_TRAINING_FOVS)
    return list(range(1, n_test + 1)), list(range(n_test + 1, n_test + n_train + 1))


def _scenario_fovs(spec: dict, benchmark_manifest) -> list:
    """FOV numbers of a scenario: all its source holds, or its `fovs` list (training FOVs always included)."""
    if "simulator" in spec:
        available = sum(_simulated_fov_numbers(spec), [])
    else:
        files = benchmark_manifest.loc[benchmark_manifest["folder"] == spec["benchmark"], "file"]
        available = sorted(fov_number(name) for name in files if name.endswith(".csv"))
    chosen = spec.get("fovs", available)
    source = spec.get("benchmark") or f"the simulated FOVs 1..{len(available)}"
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        raise MiroInputError(f"config: scenario {spec['id']}: FOV(s) {unknown} not in {source}")
    missing = sorted(set(spec["training_fovs"]) - set(available))
    if missing:
        raise MiroInputError(f"config: scenario {spec['id']}: training FOV(s) {missing} not in {source}")
    return sorted(set(chosen) | set(spec["training_fovs"]))


def _spec_methods(spec: dict, methods: list) -> list:
    """Methods evaluated on a scenario: all of `methods`, less MIRO_released for a simulated
    scenario without miro.released_weights (the authors released weights for the benchmark
    scenarios only), less the single-shot methods for a scenario without miro.single_shot
    (and MIRO_single_shot_released where it names no released_weights)."""
    miro = spec.get("miro", {})
    single_shot = {} if "scale_of" in spec else miro.get("single_shot")
    skipped = set()
    if "simulator" in spec and miro.get("released_weights") is None:
        skipped.add("MIRO_released")
        if "MIRO" not in methods:  # MIRO_HDBSCAN squeezes with the released weights, else our trained MIRO
            skipped.add("MIRO_HDBSCAN")
    if not single_shot:
        skipped.update(SINGLE_SHOT_METHODS)
    elif "released_weights" not in single_shot:
        skipped.add("MIRO_single_shot_released")
    return [m for m in methods if m not in skipped]


def _training_set(config: dict, spec: dict, single_shot: bool = False) -> dict:
    """Builder and kwargs of a scenario's training set: its miro.training_set (single-shot:
    miro.single_shot.training_set, else the same), updated by
    training.overrides.<model id>.training_set when a preset replaces them."""
    miro = spec.get("miro", {})
    own = miro.get("single_shot", {}).get("training_set") if single_shot else None
    training_set = dict(own or miro.get("training_set", {}))
    model_id = single_shot_model_id(spec["id"]) if single_shot else spec["id"]
    training_set.update(config["training"]["overrides"].get(model_id, {}).get("training_set", {}))
    return training_set


def _check_methods(config: dict, spec: dict, methods: list, benchmark_folders: set, released_files: set, single_shot_files: set) -> None:
    """Stop on a scenario that cannot be run by one of its methods."""
    sid = spec["id"]
    if "simulator" not in spec and spec["benchmark"] not in benchmark_folders:
        raise MiroInputError(
            f"config: scenario {sid}: benchmark folder {spec['benchmark']!r} "
            f"is not in {config['benchmark_manifest']}; use one of its folders"
        )
    for method in methods:
        if method.startswith("MIRO") and "miro" not in spec:
            raise MiroInputError(f"config: scenario {sid} has no 'miro' block but method {method} is requested; add one")
        if method == "MIRO" and "training_set" not in spec["miro"]:
            raise MiroInputError(f"config: scenario {sid} has no miro.training_set but method MIRO trains a model; add one")
        if method == "MIRO" and _training_set(config, spec).get("builder") == "simulated" and "simulator" not in spec:
            raise MiroInputError(
                f"config: scenario {sid}: training_set builder 'simulated' needs a simulated scenario "
                "(simulator:); benchmark scenarios use GraphDataset, GraphBlinkingDataset or GraphBlinkingCroppedDataset"
            )
        if method == "MIRO_released" and spec["miro"].get("released_weights") not in released_files:
            raise MiroInputError(
                f"config: scenario {sid}: miro.released_weights must name a file of "
                f"{config['released_weights_manifest']} for method MIRO_released"
            )
    if "MIRO_HDBSCAN" in methods and spec["miro"].get("released_weights") not in released_files and "MIRO" not in methods:
        raise MiroInputError(
            f"config: scenario {sid}: method MIRO_HDBSCAN squeezes with the released weights or our trained MIRO; give "
            f"miro.released_weights (a file of {config['released_weights_manifest']}) or add method MIRO"
        )
    if any(method in SINGLE_SHOT_METHODS for method in methods):
        _check_single_shot(config, spec, methods, single_shot_files)


def _check_single_shot(config: dict, spec: dict, methods: list, single_shot_files: set) -> None:
    """Stop on a miro.single_shot block that cannot train or run its model."""
    sid, single_shot = spec["id"], spec["miro"]["single_shot"]
    manifest = config["single_shot_manifest"]
    if spec["miro"].get("variant", "standard") != "standard":
        raise MiroInputError(f"config: scenario {sid}: miro.single_shot trains a standard MIRO; remove it from a {spec['miro']['variant']} scenario")
    if "MIRO_single_shot" in methods:
        if "cluster" not in single_shot:
            raise MiroInputError(
                f"config: scenario {sid}: method MIRO_single_shot trains from one cluster; give miro.single_shot.cluster "
                f"(a file of {manifest} or a CSV of x, y)"
            )
        builder = _training_set(config, spec, single_shot=True).get("builder")
        if builder != "GraphDataset":
            raise MiroInputError(
                f"config: scenario {sid}: the single-shot training set places copies of the one cluster in uniform noise "
                f"(builder GraphDataset), not {builder!r}; set miro.single_shot.training_set: {{builder: GraphDataset, dataset_size: N, kwargs: ...}}"
            )
    released = single_shot.get("released_weights")
    if "MIRO_single_shot_released" in methods and released not in single_shot_files:
        raise MiroInputError(f"config: scenario {sid}: miro.single_shot.released_weights {released!r} is not in {manifest}; name one of its files")


def _check_variant(config: dict, spec: dict, training: dict, cutoff_step: int) -> None:
    """Stop on a cMIRO or mMIRO scenario whose training set or cutoff step cannot work."""
    sid, variant = spec["id"], spec["miro"].get("variant")
    builder = _training_set(config, spec).get("builder")
    if variant == "classification" and builder != "simulated":
        raise MiroInputError(
            f"config: scenario {sid}: miro.variant classification trains on simulated FOVs with a class column; "
            "use miro.training_set: {builder: simulated, dataset_size: N} with a simulator such as multishape"
        )
    if variant != "multiscale" or training is None:
        return
    if spec.get("simulator") not in MULTISCALE_SIMULATORS or builder != "simulated":
        raise MiroInputError(
            f"config: scenario {sid}: miro.variant multiscale trains on two-scale simulations; use simulator "
            f"{' or '.join(sorted(MULTISCALE_SIMULATORS))} with miro.training_set: {{builder: simulated, dataset_size: N}}"
        )
    if not 0 < cutoff_step < training["num_steps"]:
        raise MiroInputError(
            f"config: scenario {sid}: the cutoff step (miro.cutoff_step or training.overrides.{sid}.cutoff_step) "
            f"must lie in 1..{training['num_steps'] - 1} for K = {training['num_steps']} recurrent steps"
        )


def _training_settings(config: dict, spec: dict, single_shot: bool = False) -> dict:
    """Training settings of a scenario's model: config `training`, the overrides of the model's
    id, then the scenario's defaults (single-shot: K and dataset size of miro.single_shot first)."""
    settings = {key: config["training"][key] for key in TRAINING_KEYS}
    model_id = single_shot_model_id(spec["id"]) if single_shot else spec["id"]
    overrides = config["training"]["overrides"].get(model_id, {})
    settings.update({key: value for key, value in overrides.items() if key not in VARIANT_KEYS})
    own = spec["miro"].get("single_shot", {}) if single_shot else {}
    if settings["num_steps"] is None:
        settings["num_steps"] = own.get("num_steps", spec["miro"]["num_steps"])
    if settings["dataset_size"] is None:
        settings["dataset_size"] = _training_set(config, spec, single_shot)["dataset_size"]
    # leaving the authors' values out keeps the jobs' parameters, and so the models of earlier runs, as they were
    for key, authors in AUTHORS_TRAINING.items():
        if settings[key] == authors:
            del settings[key]
    return settings


def _variant(config: dict, spec: dict, owner: dict) -> dict:
    """MIRO variant of a scenario, its cross-entropy weight and class balancing (cMIRO;
    training.overrides.<scenario> wins) and its model's multiscale cutoff step."""
    miro = spec["miro"]
    overrides = config["training"]["overrides"]
    return {
        "variant": miro["variant"],
        "class_weight": overrides.get(spec["id"], {}).get("class_weight", miro["class_weight"]),
        "class_balance": overrides.get(spec["id"], {}).get("class_balance", miro["class_balance"]),
        "cutoff_step": overrides.get(owner["id"], {}).get("cutoff_step", owner["miro"]["cutoff_step"]),
    }


def _method_settings(config: dict, spec: dict, method: str, trained: dict, cutoff_step: int | None) -> MethodSettings:
    """Model file, squeeze settings and DBSCAN choice of one method on one scenario. A model we
    train squeezes with the K it was trained with; a small-scale row reads step cutoff_step.
    `trained`: method -> the TrainedModel it uses (MIRO, MIRO_single_shot)."""
    miro = spec.get("miro")
    own = miro.get("single_shot", {}) if method in SINGLE_SHOT_METHODS else {}
    weights, steps = None, miro["num_steps"] if miro else None
    if method in trained:
        weights, steps = trained[method].weights, trained[method].training["num_steps"]
    elif method == "MIRO_released":
        weights = f"resources/weights/released/{miro['released_weights']}"
    elif method == "MIRO_single_shot_released":
        weights, steps = f"{SINGLE_SHOT_RESOURCES}/{own['released_weights']}", own.get("num_steps", steps)
    elif method == "MIRO_HDBSCAN" and miro.get("released_weights"):
        weights = f"resources/weights/released/{miro['released_weights']}"
    elif method == "MIRO_HDBSCAN":
        weights, steps = trained["MIRO"].weights, trained["MIRO"].training["num_steps"]
    # DBSCAN keeps the scenario's squeeze settings too (unused, but part of its jobs' params)
    squeeze = {}
    if miro is not None:
        step = cutoff_step - 1 if "scale_of" in spec else -1
        squeeze = {"connectivity_radius": own.get("connectivity_radius", miro["connectivity_radius"]), "num_steps": steps, "step": step}
    # the top-level selection, its per-method override, then the scenario's own
    selection = {key: value for key, value in config["dbscan_selection"].items() if key != "methods"}
    selection.update(config["dbscan_selection"].get("methods", {}).get(method, {}))
    other = {"clusterer": OTHER_METHODS[method], "grid": config["method_grids"][method]} if method in OTHER_METHODS else {}
    if not method.startswith("MIRO"):  # DBSCAN, HDBSCAN, OPTICS, ToMATo
        selection.update(spec.get("dbscan_selection", {}))
        _check_smoothing(selection, spec["id"], method)
        return MethodSettings(weights, squeeze, {} if other else spec["dbscan"], {**selection, **({"mode": "tuned"} if other else {})}, **other)
    selection.update({**miro.get("dbscan_selection", {}), **own.get("dbscan_selection", {})})
    selection.update({"mode": "tuned"} if other else {})
    _check_smoothing(selection, spec["id"], method)
    return MethodSettings(weights=weights, miro=squeeze, dbscan={} if other else own.get("dbscan", miro["dbscan"]), dbscan_selection=selection, **other)


def _check_smoothing(selection: dict, sid: str, method: str) -> None:
    """A method's resolved dbscan_selection: smoothing_among other than ``all`` needs smoothing."""
    among = selection.get("smoothing_among", "all")
    if among != "all" and not selection.get("smoothing", 0):
        raise MiroInputError(
            f"config: scenario {sid}, method {method}: dbscan_selection.smoothing_among {among} ranks the near-best grid points "
            "by their smoothed score; set dbscan_selection.smoothing >= 1 with it"
        )


def _single_shot_cluster(config: dict, spec: dict, single_shot_files: set, repo) -> tuple[str, float | None]:
    """The single-shot training cluster of a scenario: a file of the single-shot manifest
    (downloaded to resources/single_shot, normalised units) or the user's CSV (absolute, or
    relative to the repository root; in nm when miro.single_shot.length_nm is given)."""
    single_shot = spec["miro"]["single_shot"]
    name = str(single_shot["cluster"])
    if name in single_shot_files:
        return f"{SINGLE_SHOT_RESOURCES}/{name}", single_shot.get("length_nm")
    path = Path(name) if Path(name).is_absolute() else Path(repo) / name
    if not path.is_file():
        raise MiroInputError(
            f"config: scenario {spec['id']}: miro.single_shot.cluster {name!r} is neither a file of "
            f"{config['single_shot_manifest']} nor an existing CSV (x, y); give a path relative to the repository root or absolute"
        )
    return str(path), single_shot.get("length_nm")


def _trained_models(config: dict, spec: dict, methods: list, single_shot_files: set, repo) -> dict:
    """Method -> :class:`TrainedModel` of the methods of a scenario that train a model."""
    trained = {}
    for method, single_shot in (("MIRO", False), ("MIRO_single_shot", True)):
        if method not in methods:
            continue
        cluster, length_nm = _single_shot_cluster(config, spec, single_shot_files, repo) if single_shot else (None, None)
        own = spec["miro"].get("single_shot", {}) if single_shot else {}
        trained[method] = TrainedModel(
            id=single_shot_model_id(spec["id"]) if single_shot else spec["id"],
            scenario=spec["id"],
            training_set=_training_set(config, spec, single_shot),
            training=_training_settings(config, spec, single_shot),
            connectivity_radius=own.get("connectivity_radius", spec["miro"]["connectivity_radius"]),
            variant=_variant(config, spec, spec),
            cluster=cluster,
            cluster_length_nm=length_nm,
            torch_threads=model_torch_threads(config, single_shot_model_id(spec["id"]) if single_shot else spec["id"]),
        )
    return trained


def model_torch_threads(config: dict, model_id: str) -> int:
    """PyTorch threads of a model's training-set and training jobs: its
    ``training.overrides.<id>.torch_threads``, else config ``torch_threads``. A large-graph
    model trains about as fast per core on two threads as on one, a small one does not."""
    return int(config["training"]["overrides"].get(model_id, {}).get("torch_threads", config["torch_threads"]))


def _data_dir(spec: dict) -> str:
    """Folder of a scenario's FOV files: small-scale relabelled, simulated or downloaded benchmark FOVs."""
    if "scale_of" in spec:
        return f"resources/scales/{spec['id']}"
    if "simulator" in spec:
        return f"resources/simulated/{spec['id']}"
    return f"resources/benchmark/{dataset_id(spec['benchmark'])}"


def _resolve(config: dict, spec: dict, owner: dict, benchmark_manifest, single_shot_files: set, repo) -> Scenario:
    """One :class:`Scenario` from its (checked) config entry; `owner` is the entry whose model it uses."""
    sid = spec["id"]
    methods = _spec_methods(spec, config["methods"])
    models = _trained_models(config, owner, methods, single_shot_files, repo)
    variant = _variant(config, spec, owner) if "miro" in spec else None
    cutoff_step = variant["cutoff_step"] if variant else None
    if "scale_of" not in spec and "miro" in spec:
        _check_variant(config, spec, models["MIRO"].training if "MIRO" in models else None, cutoff_step)
    fovs = _scenario_fovs(spec, benchmark_manifest)
    test_fovs = [fov for fov in fovs if fov not in spec["training_fovs"]][: config["max_test_fovs"]]
    if not test_fovs:
        raise MiroInputError(f"config: scenario {sid}: no test FOVs (every FOV is a training FOV); give it more FOVs than training_fovs")
    figure_fov = spec.get("figure_fov", test_fovs[0])
    if figure_fov not in test_fovs:
        raise MiroInputError(f"config: scenario {sid}: figure_fov {figure_fov} is not a test FOV")
    shapes = spec.get("simulation", {}).get("shapes", [])
    simulation = {}
    if "simulator" in spec:
        seed = spec.get("simulation_seed", config["simulation_seed"])
        simulation = {"simulator": spec["simulator"], "simulation": spec["simulation"], "seed": seed}
    return Scenario(
        id=sid,
        label=spec.get("label", sid),
        spec=spec,
        data_dir=_data_dir(spec),
        fovs=fovs,
        training_fovs=spec["training_fovs"],
        test_fovs=test_fovs,
        model_scenario=owner["id"],
        methods={method: _method_settings(config, spec, method, models, cutoff_step) for method in methods},
        models=models,
        variant=variant,
        simulation=simulation,
        figure_fov=figure_fov,
        class_names=["not clustered", *(shape.get("shape", f"class {i}") for i, shape in enumerate(shapes, start=1))],
    )


def resolve_scenarios(config: dict, benchmark_manifest, released: dict, single_shot_files=(), repo=".") -> dict:
    """Scenario id -> :class:`Scenario` of a validated config, in Table-1 order.

    Args:
        config: the config after schema validation with defaults filled in.
        benchmark_manifest: the manifest of the benchmark files (:func:`miro.data.download.read_manifest`).
        released: file name -> :class:`miro.data.released.ReleasedModel` of the released-weights manifest.
        single_shot_files: file names of the single-shot manifest (training clusters, released weights).
        repo: the repository root; a user's single-shot cluster path is relative to it.
    """
    specs = _scenario_specs(config, released)
    folders, single_shot_files = set(benchmark_manifest["folder"]), set(single_shot_files)
    for spec in specs.values():
        _check_methods(config, spec, _spec_methods(spec, config["methods"]), folders, set(released), single_shot_files)
    for sid, spec in specs.items():
        if "MIRO_single_shot" in _spec_methods(spec, config["methods"]) and single_shot_model_id(sid) in specs:
            raise MiroInputError(f"config: scenario id {single_shot_model_id(sid)!r} is the id of scenario {sid}'s single-shot model; rename it")
    requested = [method for method in SINGLE_SHOT_METHODS if method in config["methods"]]
    if requested and not any(_spec_methods(spec, requested) for spec in specs.values()):
        raise MiroInputError(f"config: method(s) {', '.join(requested)} need a scenario with miro.single_shot; add one (see config/single_shot.yaml)")
    owner = {sid: specs[spec.get("scale_of", sid)] for sid, spec in specs.items()}
    return {sid: _resolve(config, spec, owner[sid], benchmark_manifest, single_shot_files, repo) for sid, spec in specs.items()}


def resolve_models(scenarios: dict) -> dict:
    """Model id -> :class:`TrainedModel` of every model the scenarios train (a small-scale row
    uses its scenario's), few-shot then single-shot per scenario, in Table-1 order."""
    return {model.id: model for scenario in scenarios.values() if scenario.scale_of is None for model in scenario.models.values()}
