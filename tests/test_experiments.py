"""miro.experiments: a config resolved into scenarios and studies, without Snakemake runs."""

import pytest
import yaml

from conftest import REPO
from conftest import resolve_config as experiment
from miro.errors import MiroInputError

DEFAULTS = yaml.safe_load((REPO / "config" / "config.yaml").read_text())


@pytest.fixture(scope="module")
def paper():
    return experiment()


@pytest.fixture(scope="module")
def quick():
    return experiment(REPO / "config" / "quick.yaml")


def test_paper_preset_rows_in_table1_order(paper):
    ids = list(paper.scenarios)
    assert ids[:2] == ["scenario8", "scenario8_blinking"]
    assert ids.index("rings_of_spots_spots") == ids.index("rings_of_spots") + 1  # small scale right after its scenario
    assert paper.small_scale == ["rings_of_spots_spots", "npc_corners"]
    assert set(paper.trained) == set(ids) - set(paper.small_scale)
    assert paper.classification == ["spots_ellipses", "spots_rings", "cshapes_rings"]  # the Figure 3 mixtures
    assert paper.pairs()[:3] == [("scenario8", "DBSCAN"), ("scenario8", "MIRO"), ("scenario8", "MIRO_released")]


def test_benchmark_scenario_holds_out_training_fovs(paper):
    s8 = paper.scenarios["scenario8"]
    assert s8.data_dir == "resources/benchmark/ground-truth-scenario-8"
    assert not s8.is_simulated and s8.simulation == {}
    assert set(s8.training_fovs).isdisjoint(s8.test_fovs) and len(s8.test_fovs) == 47
    assert sorted(s8.test_fovs + s8.training_fovs) == s8.fovs
    assert s8.figure_fov == s8.spec.get("figure_fov", s8.test_fovs[0])
    assert s8.methods["DBSCAN"].weights is None
    assert s8.methods["MIRO"].weights == "results/models/scenario8/model.pt"
    assert s8.methods["MIRO_released"].weights.startswith("resources/weights/released/")


def test_simulated_scenario_fovs_and_seed(paper):
    cshape = paper.scenarios["cshape"]
    assert cshape.test_fovs == list(range(1, 51)) and cshape.training_fovs == [51, 52, 53]
    assert cshape.simulation["simulator"] == "cshape" and cshape.simulation["seed"] == DEFAULTS["simulation_seed"]
    assert "MIRO_released" not in cshape.methods  # the authors released weights for the benchmark only
    assert "cshape" in paper.simulated


def test_small_scale_row_reads_its_scenarios_model_at_the_cutoff_step(paper):
    big, small = paper.scenarios["rings_of_spots"], paper.scenarios["rings_of_spots_spots"]
    assert small.scale_of == "rings_of_spots" and small.model_scenario == "rings_of_spots"
    assert small.data_dir == "resources/scales/rings_of_spots_spots"
    assert small.methods["MIRO"].weights == big.methods["MIRO"].weights
    assert big.methods["MIRO"].miro["step"] == -1
    assert small.methods["MIRO"].miro["step"] == big.variant["cutoff_step"] - 1
    assert small.fovs == big.fovs and small.training == big.training


def test_quick_preset_overrides_reach_training_and_inference(quick):
    s6 = quick.scenarios["scenario6_blinking"]
    assert s6.training["num_steps"] == 10 and s6.training["epochs"] == 10 and s6.training["lr"] == 3.0e-3
    assert s6.methods["MIRO"].miro["num_steps"] == 10  # squeezes with the K it was trained with
    assert s6.spec["miro"]["num_steps"] != 10  # the paper's K, which MIRO_released squeezes with


def test_training_sets_are_built_from_their_own_settings_only(paper):
    """epochs, lr or the network of a model change its training but not its training set's rule parameters."""
    from miro.experiments.scenarios import TRAINING_SET_KEYS

    longer = experiment("training: {epochs: 99, lr: 0.01, hidden_channels: 8}\n")
    for model_id, model in paper.models.items():
        assert set(model.training_set_settings) == set(TRAINING_SET_KEYS)
        assert longer.models[model_id].training_set_settings == model.training_set_settings
        assert longer.models[model_id].training != model.training


def test_authors_defaults_stay_out_of_the_training_settings(paper):
    """A constant rate, whole graphs and float32 (the authors') leave no key behind, so the train
    jobs' parameters, and the models of earlier runs, stay as they were; bf16 is a setting."""
    for model in paper.models.values():
        assert not {"lr_schedule", "tiles", "precision"} & set(model.training)
    mixed = experiment("training: {overrides: {scenario8: {precision: bf16}}}\n")
    assert mixed.models["scenario8"].training["precision"] == "bf16"
    assert "precision" not in mixed.models["scenario9"].training


def test_training_work_orders_the_quick_trainings_longest_first():
    """The quick preset's C-shapes + rings classifier (hidden 96) has the most arithmetic per
    graph-epoch and the highest priority (workflow/rules/common.smk: training_priority); the
    work grows with the epochs (graph sizes are unknown before the training sets exist)."""
    quick = experiment(REPO / "config" / "quick.yaml")
    order = sorted(quick.models, key=lambda m: -quick.models[m].training_work)
    assert order[0] == "cshapes_rings" and "pairs" in order[:5]
    longer = experiment(REPO / "config" / "quick.yaml", "training: {epochs: 50}\n")  # quick: 8
    assert longer.models["integrin"].training_work == 50 / 8 * quick.models["integrin"].training_work


def test_a_model_can_train_on_its_own_number_of_threads():
    config = experiment("torch_threads: 1\ntraining: {overrides: {pairs: {torch_threads: 2}}}\n")
    assert config.models["pairs"].torch_threads == 2 and config.models["scenario8"].torch_threads == 1
    assert "torch_threads" not in config.models["pairs"].training  # not a setting of train()


def test_max_test_fovs_keeps_the_first_test_fovs():
    smoke = experiment(REPO / "config" / "smoke.yaml")
    limit = smoke.config["max_test_fovs"]
    assert all(len(s.test_fovs) == min(limit, len(s.fovs) - len(s.training_fovs)) for s in smoke.scenarios.values())


def test_skip_scenarios_leaves_out_a_scenario_its_small_scale_row_and_its_studies(paper):
    skipped = experiment("skip_scenarios: [npc, pairs]\n")
    assert set(paper.scenarios) - set(skipped.scenarios) == {"npc", "npc_corners", "pairs"}
    assert list(skipped.scenarios) == [sid for sid in paper.scenarios if sid in skipped.scenarios]  # Table-1 order kept
    assert paper.figure4a and paper.nup96 and not skipped.figure4a and not skipped.nup96  # built on pairs, npc


def test_studies_resolve_length_and_model(paper):
    assert paper.figure4a.scenario == "pairs" and paper.figure4a.length_nm is None  # min-max, as the pair scenario
    assert paper.figure4a.miro == paper.scenarios["pairs"].methods["MIRO"].miro
    assert paper.nanoclusters.model_scenario == DEFAULTS["nanoclusters"]["model_scenario"]
    dataset = next(iter(paper.nanoclusters.datasets))
    assert all(path.startswith("resources/benchmark/") for path in paper.nanoclusters.files(dataset).values())
    assert paper.nup96.corners == "npc_corners" and paper.nup96.data == paper.nup96.download
    assert set(paper.nup96.inputs()) == {"data", "checksum"}
    assert "results/figures/nup96/figure5.png" in paper.final_outputs()


def test_baseline_preset_makes_no_miro_outputs():
    baseline = experiment(REPO / "config" / "baseline.yaml")
    assert baseline.figure4a is None and baseline.nanoclusters is None and baseline.nup96 is None
    assert all(list(s.methods) == ["DBSCAN"] for s in baseline.scenarios.values())
    assert not any("models/" in path for path in baseline.final_outputs())


ONE = "dbscan: {eps: 1, min_samples: 2}"
MIRO_BLOCK = "connectivity_radius: 0.2, num_steps: 4, dbscan: {eps: 1, min_samples: 2}"


@pytest.mark.parametrize(
    "overlay, message",
    [
        (f"scenarios:\n  - {{id: s, benchmark: Scenario 99, {ONE}}}\n", "Scenario 99"),
        (f"scenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 8, simulator: rings, {ONE}}}\n", "exactly one of 'benchmark'"),
        (f"scenarios:\n  - {{id: s, simulator: rings, simulation: {{radius: 250, wobble: 3}}, {ONE}}}\n", "wobble"),
        (
            f"methods: [DBSCAN, MIRO]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 8, {ONE}, "
            f"miro: {{{MIRO_BLOCK}, training_set: {{builder: simulated, dataset_size: 2}}}}}}\n",
            "builder 'simulated' needs a simulated scenario",
        ),
        (f"methods: [DBSCAN, MIRO]\nscenarios:\n  - {{id: s, simulator: rings, {ONE}, miro: {{{MIRO_BLOCK}}}}}\n", "no miro.training_set"),
        (f"methods: [DBSCAN, MIRO_released]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 8, {ONE}}}\n", "no 'miro' block"),
        (
            f"methods: [DBSCAN, MIRO_released]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 8, {ONE}, "
            f"miro: {{{MIRO_BLOCK}, released_weights: nope.pt}}}}\n",
            "miro.released_weights must name a file",
        ),
        (f"scenarios:\n  - {{id: s, simulator: rings, {ONE}, small_scale: {{{ONE}, miro: {{{ONE}}}}}}}\n", "small_scale needs miro.variant multiscale"),
        (
            f"methods: [DBSCAN, MIRO]\nscenarios:\n  - {{id: s, simulator: npc, {ONE}, "
            f"miro: {{variant: multiscale, cutoff_step: 4, {MIRO_BLOCK}, training_set: {{builder: simulated, dataset_size: 2}}}}}}\n",
            "must lie in 1..3 for K = 4",
        ),
        (
            f"scenarios:\n  - {{id: s, simulator: rings, {ONE}, "
            f"miro: {{variant: classification, {MIRO_BLOCK}, training_set: {{builder: GraphDataset, dataset_size: 2}}}}}}\n",
            "classification trains on simulated FOVs",
        ),
        (f"methods: [DBSCAN]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 8, fovs: [1, 999], {ONE}}}\n", "FOV(s) [999] not in"),
        (f"methods: [DBSCAN]\nscenarios:\n  - {{id: s, simulator: rings, n_fovs: 2, training_fovs: [7], {ONE}}}\n", "training FOV(s) [7] not in"),
        (f"methods: [DBSCAN]\nscenarios:\n  - {{id: s, simulator: rings, n_fovs: 2, figure_fov: 3, {ONE}}}\n", "figure_fov 3 is not a test FOV"),
        (f"methods: [DBSCAN]\nscenarios:\n  - {{id: s, simulator: rings, n_fovs: 1, n_training_fovs: 0, training_fovs: [1], {ONE}}}\n", "no test FOVs"),
        (
            f"scenarios:\n  - {{id: s, simulator: rings, {ONE}}}\n  - {{id: s_small, simulator: rings_of_spots, {ONE}, "
            f"miro: {{variant: multiscale, {MIRO_BLOCK}}}, small_scale: {{id: s, {ONE}, miro: {{{ONE}}}}}}}\n",
            "small_scale id 's' is already a scenario id",
        ),
        (f"methods: [DBSCAN, MIRO_single_shot]\nscenarios:\n  - {{id: s, simulator: rings, {ONE}}}\n", "need a scenario with miro.single_shot"),
        (
            f"methods: [DBSCAN, MIRO_single_shot]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 6, {ONE}, "
            f"miro: {{{MIRO_BLOCK}, single_shot: {{released_weights: single_shot_model_scenario_6.pt}}}}}}\n",
            "give miro.single_shot.cluster",
        ),
        (
            f"methods: [DBSCAN, MIRO_single_shot]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 6, {ONE}, "
            f"miro: {{{MIRO_BLOCK}, single_shot: {{cluster: no/such.csv, training_set: {{builder: GraphDataset, dataset_size: 2}}}}}}}}\n",
            "'no/such.csv' is neither a file of config/single-shot-manifest.tsv nor an existing CSV",
        ),
        (
            f"methods: [DBSCAN, MIRO_single_shot]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 6, {ONE}, "
            f"miro: {{{MIRO_BLOCK}, single_shot: {{cluster: training_cluster_scenario_6.csv}}}}}}\n",
            "the single-shot training set places copies of the one cluster in uniform noise",
        ),
        (
            f"methods: [DBSCAN, MIRO_single_shot_released]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 6, {ONE}, "
            f"miro: {{{MIRO_BLOCK}, single_shot: {{released_weights: model_scenario_6.pt}}}}}}\n",
            "miro.single_shot.released_weights 'model_scenario_6.pt' is not in config/single-shot-manifest.tsv",
        ),
        (
            f"methods: [DBSCAN, MIRO_single_shot]\nscenarios:\n  - {{id: s, simulator: npc, {ONE}, miro: {{variant: multiscale, {MIRO_BLOCK}, "
            f"single_shot: {{cluster: training_cluster_scenario_6.csv}}}}}}\n",
            "miro.single_shot trains a standard MIRO",
        ),
        (
            f"methods: [DBSCAN, MIRO_single_shot]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 6, {ONE}, "
            f"miro: {{{MIRO_BLOCK}, single_shot: {{cluster: training_cluster_scenario_6.csv, training_set: {{builder: GraphDataset, dataset_size: 2}}}}}}}}\n"
            f"  - {{id: s_single_shot, benchmark: Ground Truth - Scenario 6, {ONE}}}\n",
            "scenario id 's_single_shot' is the id of scenario s's single-shot model",
        ),
        (
            f"methods: [DBSCAN, MIRO_HDBSCAN]\nscenarios:\n  - {{id: s, benchmark: Ground Truth - Scenario 8, {ONE}, miro: {{{MIRO_BLOCK}}}}}\n",
            "method MIRO_HDBSCAN squeezes with the released weights or our trained MIRO",
        ),
        ("method_grids: {HDBSCAN: {eps: [3]}}\n", "unknown key method_grids.HDBSCAN.eps"),
        ("dbscan_selection: {smoothing: 9}\n", "dbscan_selection.smoothing"),
        ("dbscan_selection: {methods: {MIRO: {smoothing: -1}}}\n", "dbscan_selection.methods.MIRO.smoothing"),
        ("dbscan_selection: {smoothing_among: best}\n", "dbscan_selection.smoothing_among"),
        ("dbscan_selection: {methods: {MIRO: {smoothing_among: one_se}}}\n", "set dbscan_selection.smoothing >= 1 with it"),
        ("method_grids: {OPTICS: {xi: [1.5]}}\n", "method_grids.OPTICS.xi.0"),
        ("methods: [DBSCAN, KMeans]\n", "methods.1"),
        ("figure4a: {simulation: {separation: 2}}\n", "leave out 'separation'"),
        ("nanoclusters: {model_scenario: scenario8, datasets: [{id: d, files: [no/such.csv]}]}\n", "no such file(s): no/such.csv"),
        ("nup96: {model_scenario: cshape}\n", "must be a multiscale scenario"),
        ("nup96: {url: 'https://example.org/'}\n", "names no file"),
        ("skip_scenarios: [scenario11]\n", "skip_scenarios: 'scenario11' is not a scenario id"),
        ("scenarios:\n  - {id: s, benchmark: Ground Truth - Scenario 8, dbscan: {eps: 1, min_samples: 2}}\nskip_scenarios: [s]\n", "leaves no scenario"),
    ],
)
def test_bad_config_is_one_config_line(overlay, message):
    with pytest.raises(MiroInputError, match=r"^config: ") as error:
        experiment(overlay)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_released_models_settings_come_from_the_manifest(paper):
    from miro.data.released import released_models

    models = released_models(REPO / "src" / "miro" / "data" / "released-weights.tsv")
    assert len(models) == 18 and {m.benchmark for m in models.values()} >= {"Ground Truth - Scenario 8", "Multiple Blinking - Scenario 9"}
    s8 = models["model_scenario_8.pt"]
    assert (s8.connectivity_radius, s8.num_steps, s8.eps, s8.min_samples) == (0.2, 12, 40.62, 4)
    assert isinstance(models["model_scenario_9.pt"].eps, int)  # 13 in the authors' JSON, as in a YAML config
    for scenario in paper.scenarios.values():
        name = scenario.spec.get("miro", {}).get("released_weights")
        if name:  # config/config.yaml gives none of them: all filled from the manifest
            released = scenario.methods["MIRO_released"]
            assert released.miro["connectivity_radius"] == models[name].connectivity_radius
            assert released.miro["num_steps"] == models[name].num_steps and released.dbscan == models[name].dbscan
            assert scenario.spec["benchmark"] == models[name].benchmark


def test_a_scenario_overrides_its_released_models_settings():
    overlay = (
        "methods: [DBSCAN, MIRO_released]\nscenarios:\n  - {id: s, benchmark: Ground Truth - Scenario 8, dbscan: {eps: 50, min_samples: 4},"
        " miro: {released_weights: model_scenario_8.pt, num_steps: 20, dbscan: {eps: 30, min_samples: 5}}}\n"
    )
    released = experiment(overlay).scenarios["s"].methods["MIRO_released"]
    assert released.miro == {"connectivity_radius": 0.2, "num_steps": 20, "step": -1}
    assert released.dbscan == {"eps": 30, "min_samples": 5}
    with pytest.raises(MiroInputError, match="'nope.pt' is not in"):
        experiment(overlay.replace("model_scenario_8.pt, num_steps: 20, dbscan: {eps: 30, min_samples: 5}", "nope.pt"))


@pytest.fixture(scope="module")
def single_shot():
    return experiment(REPO / "config" / "single_shot.yaml")


def test_single_shot_preset_trains_two_models_per_scenario(single_shot):
    assert single_shot.trained == ["scenario5", "scenario5_single_shot", "scenario6", "scenario6_single_shot"]
    assert single_shot.few_shot_models == ["scenario5", "scenario6"]
    assert single_shot.single_shot_models == ["scenario5_single_shot", "scenario6_single_shot"]
    s6 = single_shot.scenarios["scenario6"]
    assert list(s6.methods) == ["DBSCAN", "MIRO", "MIRO_single_shot", "MIRO_single_shot_released"]
    model = s6.models["MIRO_single_shot"]
    assert model.cluster == "resources/single_shot/training_cluster_scenario_6.csv" and model.cluster_length_nm is None
    assert model.training_set == s6.models["MIRO"].training_set  # the few-shot builder and kwargs (metadata.json)
    assert model.training["num_steps"] == 6 and model.connectivity_radius == 0.2
    assert s6.methods["MIRO_single_shot"].weights == "results/models/scenario6_single_shot/model.pt"
    assert s6.methods["MIRO_single_shot"].miro == {"connectivity_radius": 0.2, "num_steps": 6, "step": -1}
    released = s6.methods["MIRO_single_shot_released"]
    assert released.weights == "resources/single_shot/single_shot_model_scenario_6.pt"
    assert released.miro["num_steps"] == 15 and released.dbscan == {"eps": 16, "min_samples": 10}
    assert "results/models/scenario6_single_shot/loss.png" in single_shot.final_outputs()


def test_single_shot_methods_skip_scenarios_without_a_single_shot_block(paper):
    both = experiment("methods: [DBSCAN, MIRO, MIRO_single_shot, MIRO_single_shot_released]\n")
    assert "MIRO_single_shot" in both.scenarios["scenario6"].methods  # config.yaml's scenario6 has a block
    assert list(both.scenarios["scenario8"].methods) == ["DBSCAN", "MIRO"]
    assert both.trained == [*paper.trained[: paper.trained.index("scenario6") + 1], "scenario6_single_shot",
                            *paper.trained[paper.trained.index("scenario6") + 1 :]]


def test_a_users_single_shot_cluster_in_nm_with_its_own_settings(tmp_path):
    cluster = tmp_path / "my_cluster.csv"
    cluster.write_text("x,y\n0,0\n10,0\n0,10\n")
    overlay = (
        "methods: [DBSCAN, MIRO_single_shot]\ntraining: {overrides: {s_single_shot: {epochs: 3}}}\nscenarios:\n"
        "  - {id: s, benchmark: Ground Truth - Scenario 6, dbscan: {eps: 30, min_samples: 6}, miro: {released_weights: model_scenario_6.pt,"
        f" single_shot: {{cluster: {cluster}, length_nm: 2000, num_steps: 9, dbscan: {{eps: 12, min_samples: 5}},"
        " dbscan_selection: {mode: tuned}, training_set: {builder: GraphDataset, dataset_size: 7}}}}\n"
    )
    s = experiment(overlay).scenarios["s"]
    model = s.models["MIRO_single_shot"]
    assert model.cluster == str(cluster) and model.cluster_length_nm == 2000 and model.id == "s_single_shot"
    assert model.training["epochs"] == 3 and model.training["num_steps"] == 9 and model.training["dataset_size"] == 7
    method = s.methods["MIRO_single_shot"]
    assert method.dbscan == {"eps": 12, "min_samples": 5} and method.dbscan_selection["mode"] == "tuned"
    assert s.methods["DBSCAN"].dbscan_selection["mode"] == "fixed"


def test_other_methods_resolve_with_their_grids_and_the_tuning_target():
    other = experiment("methods: [DBSCAN, MIRO_released, HDBSCAN, OPTICS, ToMATo, MIRO_HDBSCAN]\nmethod_grids: {ToMATo: {radius: [30]}}\n")
    s8 = other.scenarios["scenario8"]
    assert list(s8.methods) == ["DBSCAN", "MIRO_released", "HDBSCAN", "OPTICS", "ToMATo", "MIRO_HDBSCAN"]
    assert s8.methods["DBSCAN"].clusterer == "DBSCAN" and s8.methods["DBSCAN"].grid is None
    hdbscan, tomato, miro_hdbscan = s8.methods["HDBSCAN"], s8.methods["ToMATo"], s8.methods["MIRO_HDBSCAN"]
    assert hdbscan.weights is None and hdbscan.grid == DEFAULTS["method_grids"]["HDBSCAN"]
    assert tomato.grid["radius"] == [30] and tomato.grid["merge_threshold"] == DEFAULTS["method_grids"]["ToMATo"]["merge_threshold"]
    # tuned on the training FOVs for DBSCAN's target (MIRO's for MIRO_HDBSCAN), whatever the DBSCAN mode
    assert hdbscan.dbscan_selection["mode"] == "tuned" and hdbscan.dbscan_selection["metric"] == s8.methods["DBSCAN"].dbscan_selection["metric"]
    assert other.scenarios["cshape"].methods["HDBSCAN"].dbscan_selection["metric"] == "AMI"  # the scenario's own target
    # MIRO_HDBSCAN: HDBSCAN on the released model's squeezed points (no training)
    assert miro_hdbscan.clusterer == "HDBSCAN" and miro_hdbscan.weights == s8.methods["MIRO_released"].weights
    assert miro_hdbscan.miro == s8.methods["MIRO_released"].miro and not other.trained
    assert "MIRO_HDBSCAN" not in other.scenarios["cshape"].methods  # no released weights, MIRO not run
    assert "results/tables/leaderboard.md" in other.final_outputs() and "results/tables/leaderboard.md" not in experiment().final_outputs()
    ours = experiment("methods: [DBSCAN, MIRO, MIRO_HDBSCAN]\n").scenarios["cshape"].methods["MIRO_HDBSCAN"]
    assert ours.weights == "results/models/cshape/model.pt" and ours.dbscan_selection["metric"] == "AMI"


def test_smoothing_keys_reach_each_method_and_a_scenario_rule_wins():
    """dbscan_selection.smoothing / smoothing_among go to every method's selection (what the
    dbscan_params job passes to choose_parameters); a scenario's own selection overrides them."""
    resolved = experiment("dbscan_selection: {smoothing: 1, smoothing_among: one_se}\n")
    for method in ("DBSCAN", "MIRO"):
        selection = resolved.scenarios["scenario8"].methods[method].dbscan_selection
        assert (selection["smoothing"], selection["smoothing_among"]) == (1, "one_se")
    plain = experiment("methods: [DBSCAN]\ndbscan_selection: {smoothing: 1, smoothing_among: one_se}\n"
                       "scenarios:\n  - {id: s, benchmark: Ground Truth - Scenario 8, dbscan: {eps: 1, min_samples: 2}, "
                       "dbscan_selection: {smoothing: 2, smoothing_among: all}}\n")
    assert {key: plain.scenarios["s"].methods["DBSCAN"].dbscan_selection[key] for key in ("smoothing", "smoothing_among")} == {
        "smoothing": 2, "smoothing_among": "all"}
