"""Scenarios: one Table-1 row each, resolved from the config's ``scenarios`` list.

A scenario reads its fields of view (FOVs) from a benchmark folder
(``benchmark:``) or simulates them (``simulator:``), holds out training FOVs,
and is clustered by every method of ``methods`` (DBSCAN, MIRO, MIRO_released).
A multiscale scenario with ``small_scale:`` adds a second row right after it: the
same FOVs with the small structures (``sublabel``) as ground truth, MIRO read at
step ``cutoff_step`` of the same model.

Simulated scenarios have test FOVs 1..n_fovs (default 50) and training FOVs
n_fovs+1..n_fovs+n_training_fovs (default 3), simulated separately and never
evaluated.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from miro.data.io import fov_number
from miro.data.simulation import MULTISCALE_SIMULATORS, SIMULATORS
from miro.errors import MiroInputError

__all__ = [
    "DEFAULT_N_FOVS",
    "DEFAULT_N_TRAINING_FOVS",
    "TRAINING_KEYS",
    "MethodSettings",
    "Scenario",
    "check_simulation",
    "dataset_id",
    "resolve_scenarios",
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
    "hidden_channels",
    "nd_weight",
    "num_steps",
    "dataset_size",
    "reflect_clusters",
    "node_features",
)
# per-scenario overrides that are not TRAINING_KEYS: the training set and the variant's settings
VARIANT_KEYS = ("training_set", "class_weight", "class_balance", "cutoff_step")


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
            ``dbscan_selection`` updated by the scenario's).
    """

    weights: str | None
    miro: dict
    dbscan: dict
    dbscan_selection: dict


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
        training_set: builder and kwargs of the model's training set.
        training: settings of the model's training (TRAINING_KEYS); None when MIRO is
            not a method.
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
    training_set: dict
    training: dict | None
    variant: dict | None
    simulation: dict
    figure_fov: int
    class_names: list

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
    """Scenario id -> config entry, each small-scale row right after its scenario (Table 1
    order), simulated entries with `simulation` and `training_fovs` filled in, released
    models' settings filled in from the manifest."""
    ids = {spec["id"] for spec in config["scenarios"]}
    specs = {}
    for spec in config["scenarios"]:
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
    scenarios only)."""
    released = spec.get("miro", {}).get("released_weights")
    return [m for m in methods if not (m == "MIRO_released" and "simulator" in spec and released is None)]


def _training_set(config: dict, spec: dict) -> dict:
    """Builder and kwargs of a scenario's training set: its miro.training_set, updated by
    training.overrides.<scenario>.training_set when a preset replaces them."""
    training_set = dict(spec.get("miro", {}).get("training_set", {}))
    training_set.update(config["training"]["overrides"].get(spec["id"], {}).get("training_set", {}))
    return training_set


def _check_methods(config: dict, spec: dict, methods: list, benchmark_folders: set, released_files: set) -> None:
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


def _training_settings(config: dict, spec: dict) -> dict:
    """Training settings of a scenario's model: config `training`, its per-scenario overrides, then scenario defaults."""
    settings = {key: config["training"][key] for key in TRAINING_KEYS}
    overrides = config["training"]["overrides"].get(spec["id"], {})
    settings.update({key: value for key, value in overrides.items() if key not in VARIANT_KEYS})
    if settings["num_steps"] is None:
        settings["num_steps"] = spec["miro"]["num_steps"]
    if settings["dataset_size"] is None:
        settings["dataset_size"] = spec["miro"]["training_set"]["dataset_size"]
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


def _method_settings(config: dict, spec: dict, method: str, training: dict | None, cutoff_step: int | None) -> MethodSettings:
    """Model file, squeeze settings and DBSCAN choice of one method on one scenario. MIRO
    squeezes with the K it was trained with; a small-scale row reads step cutoff_step."""
    miro = spec.get("miro")
    if method == "DBSCAN":
        weights, override = None, spec.get("dbscan_selection", {})
    else:
        released = f"resources/weights/released/{miro['released_weights']}" if method == "MIRO_released" else None
        weights = f"results/models/{spec.get('scale_of', spec['id'])}/model.pt" if method == "MIRO" else released
        override = miro.get("dbscan_selection", {})
    squeeze = {}
    if miro is not None:
        steps = training["num_steps"] if method == "MIRO" else miro["num_steps"]
        step = cutoff_step - 1 if "scale_of" in spec else -1
        squeeze = {"connectivity_radius": miro["connectivity_radius"], "num_steps": steps, "step": step}
    return MethodSettings(
        weights=weights,
        miro=squeeze,
        dbscan=spec["dbscan"] if method == "DBSCAN" else miro["dbscan"],
        dbscan_selection={**config["dbscan_selection"], **override},
    )


def _data_dir(spec: dict) -> str:
    """Folder of a scenario's FOV files: small-scale relabelled, simulated or downloaded benchmark FOVs."""
    if "scale_of" in spec:
        return f"resources/scales/{spec['id']}"
    if "simulator" in spec:
        return f"resources/simulated/{spec['id']}"
    return f"resources/benchmark/{dataset_id(spec['benchmark'])}"


def _resolve(config: dict, spec: dict, owner: dict, benchmark_manifest) -> Scenario:
    """One :class:`Scenario` from its (checked) config entry; `owner` is the entry whose model it uses."""
    sid = spec["id"]
    methods = _spec_methods(spec, config["methods"])
    training = _training_settings(config, owner) if "MIRO" in methods else None
    variant = _variant(config, spec, owner) if "miro" in spec else None
    cutoff_step = variant["cutoff_step"] if variant else None
    if "scale_of" not in spec and "miro" in spec:
        _check_variant(config, spec, training, cutoff_step)
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
        methods={method: _method_settings(config, spec, method, training, cutoff_step) for method in methods},
        training_set=_training_set(config, spec),
        training=training,
        variant=variant,
        simulation=simulation,
        figure_fov=figure_fov,
        class_names=["not clustered", *(shape.get("shape", f"class {i}") for i, shape in enumerate(shapes, start=1))],
    )


def resolve_scenarios(config: dict, benchmark_manifest, released: dict) -> dict:
    """Scenario id -> :class:`Scenario` of a validated config, in Table-1 order.

    Args:
        config: the config after schema validation with defaults filled in.
        benchmark_manifest: the manifest of the benchmark files (:func:`miro.data.download.read_manifest`).
        released: file name -> :class:`miro.data.released.ReleasedModel` of the released-weights manifest.
    """
    specs = _scenario_specs(config, released)
    folders = set(benchmark_manifest["folder"])
    for spec in specs.values():
        _check_methods(config, spec, _spec_methods(spec, config["methods"]), folders, set(released))
    return {sid: _resolve(config, spec, specs[spec.get("scale_of", sid)], benchmark_manifest) for sid, spec in specs.items()}
