"""The Snakemake workflow: lint, schema errors, dry runs of every preset, and a tiny end-to-end run."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import AUTHORS, BENCHMARK, REPO, SIMULATED, SNAKEMAKE, background, jobs_run, local_urls, popen, resolve_config, snakemake

TINY = REPO / "tests" / "config" / "tiny.yaml"
# benchmark_all and benchmark_twins have their dry runs, with job counts, in tests/test_benchmark_all.py
PRESETS = sorted(p for p in (REPO / "config").glob("*.yaml") if p.stem not in ("benchmark_all", "benchmark_twins"))


def test_lint_and_format_are_clean():
    result = snakemake("--lint", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    formatted = subprocess.run(
        [str(Path(sys.executable).parent / "snakefmt"), "--check", "Snakefile", "workflow/"], cwd=REPO, capture_output=True, text=True
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_preset_builds_a_dag(preset, tmp_path):
    result = snakemake("-n", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(preset))
    assert "rule all" in result.stdout or "all" in result.stdout


def _kill_during(process, folder: Path, rule: str, timeout: float = 600) -> str:
    """SIGKILL the whole workflow (Snakemake and its jobs) as soon as a job of ``rule`` has
    started (its log exists); returns that log's name. Fails if the run ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = sorted((folder / "logs" / rule).rglob("*.log"))
        if started:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return str(started[0].relative_to(folder / "logs" / rule))
        assert process.poll() is None, f"the run ended before a {rule} job started: {process.stdout.read()[-3000:]}"
        time.sleep(0.05)
    raise AssertionError(f"no {rule} job started within {timeout} s")


@background(seconds=195)
def tiny_runs(tmp_path_factory):
    """The whole tiny workflow run twice at the same time, with --cores 1 and --cores 2:
    {cores: run folder}. The --cores 1 run is killed (SIGKILL of Snakemake and its jobs, as
    a kill -9 or a lost node would) once during a `train` job and once during a
    `miro_dbscan` job, unlocked and restarted each time with the same command (the workflow
    profile reruns the incomplete jobs); {"killed": the logs of the killed jobs} is added."""
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    commands, runs = {}, {}

    def start(cores):
        return popen(commands[cores], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    for cores in (1, 2):
        folder = tmp_path_factory.mktemp(f"tiny-cores{cores}")
        commands[cores] = [*SNAKEMAKE, "--snakefile", str(REPO / "Snakefile"), "--cores", str(cores), "--directory", str(folder),
                           "--configfile", str(TINY), "--resources", "gpu=0", "--config", *local_urls()]
        runs[cores] = (folder, start(cores))
    killed = {}
    for rule in ("train", "miro_dbscan"):
        killed[rule] = _kill_during(runs[1][1], runs[1][0], rule)
        # what a user does after a kill -9 (make unlock): remove the stale lock, then the same command
        subprocess.run([*commands[1], "--unlock"], cwd=REPO, env=env, capture_output=True, check=True)
        runs[1] = (runs[1][0], start(1))
    for folder, process in runs.values():
        output, _ = process.communicate(timeout=1800)
        assert process.returncode == 0, output[-4000:]
    return {**{cores: folder for cores, (folder, _) in runs.items()}, "killed": killed}


@pytest.mark.slow
def test_tiny_end_to_end(tiny_runs):
    tmp_path = tiny_runs[2]
    results = tmp_path / "results"
    table = pd.read_csv(results / "tables" / "table1.csv")
    assert set(table["method"]) == {"DBSCAN", "MIRO"}
    assert list(table.columns) == ["scenario", "method", "metric", "mean", "sd", "n_fov"]
    assert set(table["scenario"]) == {"scenario8", "scenario6_blinking"}
    assert set(table["metric"]) == {"ARI_dagger", "IoU", "JIc", "RMSRE_N", "RMSE_xy", "AMI", "ARI_c", "ARI"}
    # training FOV 32 is excluded: 3 test FOVs for scenario8, 2 for scenario6_blinking
    assert set(table.loc[table["scenario"] == "scenario8", "n_fov"]) == {3}
    per_fov = pd.read_csv(tmp_path / "results" / "metrics" / "scenario8" / "DBSCAN.csv")
    assert list(per_fov["fov"]) == [1, 2, 3]
    assert per_fov.drop(columns="fov").notna().all().all()
    for name in ("table1.md", "table1.tex", "paper_comparison.md"):
        assert (tmp_path / "results" / "tables" / name).stat().st_size > 0
    assert "\\begin{tabular}" in (tmp_path / "results" / "tables" / "table1.tex").read_text()
    stats = pd.read_csv(tmp_path / "results" / "tables" / "stats.csv")
    assert list(stats.columns) == ["scenario", "method", "metric", "test", "statistic", "p", "d", "stars", "n"]
    for scenario in ("scenario8", "scenario6_blinking"):
        for suffix in ("png", "svg"):
            assert (tmp_path / "results" / "figures" / "figure2" / f"{scenario}.{suffix}").stat().st_size > 10_000
    snakemake(
        "--cores", "1", "--directory", str(tmp_path), "--configfile", str(TINY), "--config", *local_urls(),
        "--report", str(tmp_path / "report.html"),
    )
    report = (tmp_path / "report.html").read_text(errors="ignore")
    assert "figure2" in report and "provenance.json" in report
    # training: loss per epoch, a model file, and DBSCAN parameters tuned on the training FOVs only
    loss = pd.read_csv(results / "models" / "scenario8" / "loss.tsv", sep="\t")
    assert len(loss) == 1 and loss["loss"].notna().all()
    params = json.loads((results / "dbscan_params" / "scenario8" / "MIRO.json").read_text())
    assert params["mode"] == "tuned" and params["tuned_on_fovs"] == [32, 48, 28]
    assert params["chosen"] == {"eps": params["tuned"]["eps"], "min_samples": params["tuned"]["min_samples"]}
    assert "### DBSCAN parameters" in (results / "tables" / "paper_comparison.md").read_text()
    # the provenance record lists every output but timings, and the run's seeds
    record = json.loads((results / "provenance.json").read_text())
    assert {"tables/table1.csv", "models/scenario8/model.pt", "training_sets/scenario6_blinking.pt"} <= set(record["files"])
    assert not any(name.startswith("benchmarks/") or "/checkpoints/" in name for name in record["files"])
    assert record["seeds"]["training.seed"] == 0 and len(record["commit"] or "x" * 40) == 40
    # a second run has nothing to do
    again = snakemake("-n", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(TINY), "--config", *local_urls())
    assert "Nothing to be done" in again.stdout + again.stderr


@pytest.mark.slow
def test_extrapolated_run_from_the_tiny_run(tiny_runs, tmp_path):
    """benchmarks/extrapolate_run.py on the tiny run: it predicts its own config job by job;
    three times the epochs add two mean epochs to each training; one test FOV instead of
    three takes two per-FOV gaps (from the job's log) off each clustering job and at most two
    thirds off each metrics job."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import extrapolate_run

    run = tiny_runs[2]

    def predicted(overlay=None):
        files = [TINY]
        if overlay:
            (tmp_path / "overlay.yaml").write_text(overlay)
            files.append(tmp_path / "overlay.yaml")
        jobs = extrapolate_run.dry_run(files, 2)
        extrapolate_run.predict(jobs, run, extrapolate_run.target_experiment(files))
        return {job.benchmark: job for job in jobs if job.benchmark}

    same = predicted()
    assert {job.kind for job in same.values()} <= {"measured", "scaled"}
    assert all(job.seconds == pytest.approx(job.measured) for job in same.values())
    longer = predicted("training: {epochs: 3}")
    for model in ("scenario8", "scenario6_blinking"):
        epochs = pd.read_csv(run / "results" / "models" / model / "loss.tsv", sep="\t")["seconds"]
        job = longer[f"results/benchmarks/train/{model}.tsv"]
        assert job.seconds == pytest.approx(job.measured + 2 * epochs.mean())
    fewer = predicted("max_test_fovs: 1")
    clustering = fewer["results/benchmarks/miro_dbscan/scenario8/MIRO.tsv"]
    assert clustering.seconds < clustering.measured and "3 -> 1 FOVs" in clustering.how
    metrics = fewer["results/benchmarks/metrics/scenario8/MIRO.tsv"]  # its start-up (as dbscan_baseline's) does not shrink
    assert metrics.measured / 3 <= metrics.seconds <= metrics.measured and "x 1/3 FOVs" in metrics.how


# ---------------------------------------------------------------- no silent days of CPU training

WAYS_FORWARD = ("GPU machine", "profiles/slurm", "config/quick.yaml", "config/released.yaml", "max_cpu_training_hours=inf")


def one_error_line(log):
    """The one ``error: `` line of a job's log (a path or its text), which holds no traceback."""
    lines = (log.read_text() if isinstance(log, Path) else log).splitlines()
    assert not any("Traceback" in line for line in lines), "\n".join(lines)
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, "\n".join(lines)
    return errors[0]


@pytest.mark.slow
def test_paper_size_training_on_a_cpu_stops_with_its_estimate(tmp_path):
    """The paper preset's Scenario 8 model (hidden 256, K 12, 30 epochs) without a GPU: the train
    job times a few steps and stops, within 2 minutes, with one line giving the estimate and the
    ways forward. The training set is cut to 4 of its 1500 augmented point clouds and the probe to
    single-graph batches on one thread (an extra config file: training.dataset_size, batch_size,
    torch_threads), so that the test does not build the paper-size set only to be refused. The
    estimate scales linearly with dataset_size: the full 1500 graphs were estimated at 53 min on 2
    idle cores (110 s per epoch), so 4 graphs at about 9 s on 2 threads; the limit here, 0.36 s
    (max_cpu_training_hours = 0.0001), is some 25 times below that: load and one thread only
    lengthen the estimate, and a CPU would have to be 25 times faster than these cores to be let
    through."""
    if not BENCHMARK.is_dir():
        pytest.skip(f"benchmark data not found at {BENCHMARK}")
    smaller = tmp_path / "smaller-training-set.yaml"
    smaller.write_text("training: {dataset_size: 4, batch_size: 1}\ntorch_threads: 1\n")
    model = tmp_path / "results" / "models" / "scenario8" / "model.pt"
    started = time.monotonic()
    result = snakemake(str(model.relative_to(tmp_path)), "--cores", "2", "--directory", str(tmp_path),
                       "--configfile", str(smaller),
                       "--resources", "gpu=0", "--config", *local_urls(), "max_cpu_training_hours=0.0001", check=False)
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    error = one_error_line(tmp_path / "logs" / "train" / "scenario8.log")
    assert "training scenario8 on the CPU of" in error and "would take about" in error
    assert "(30 epochs of 4 graphs, measured here)" in error, error
    assert all(way in error for way in WAYS_FORWARD), error
    assert not model.exists()
    # the training set is built first; the train job itself must stop within 2 minutes
    training_set = pd.read_csv(tmp_path / "results" / "benchmarks" / "training_set" / "scenario8.tsv", sep="\t")
    assert elapsed - float(training_set["s"].iloc[0]) < 120


@background(seconds=27, after="tiny_runs")
def cpu_limit_runs(tmp_path_factory, tiny):
    """In a copy of the finished --cores 1 tiny run without Scenario 8's model and checkpoints, so
    that only the train job runs (on the training set already built): Scenario 8's model asked for
    with max_cpu_training_hours=1e-9, then =inf. (run folder, the two Snakemake results)."""
    run_folder = tmp_path_factory.mktemp("cpu-limit") / "run"
    shutil.copytree(tiny[1], run_folder, symlinks=True)
    shutil.rmtree(run_folder / "results" / "models" / "scenario8")
    run = ("--cores", "1", "--directory", str(run_folder), "--configfile", str(TINY), "--resources", "gpu=0", "--config", *local_urls())
    refused = snakemake(CPU_LIMIT_TARGET, *run, "max_cpu_training_hours=1e-9", check=False)
    refused_log = (run_folder / "logs" / "train" / "scenario8.log").read_text()
    trained = snakemake(CPU_LIMIT_TARGET, *run, "max_cpu_training_hours=inf", check=False)
    return run_folder, (refused, refused_log), trained


CPU_LIMIT_TARGET = "results/models/scenario8/model.pt"


@pytest.mark.slow
def test_cpu_training_limit_is_a_config_key_with_an_opt_in(cpu_limit_runs):
    """max_cpu_training_hours refuses a CPU training over it, and =inf trains anyway."""
    run_folder, (refused, refused_log), trained = cpu_limit_runs
    assert refused.returncode != 0
    assert "over max_cpu_training_hours = 1e-09" in one_error_line(refused_log)
    assert jobs_run(refused) == {"train"}, refused.stdout + refused.stderr
    assert trained.returncode == 0, trained.stdout[-4000:] + trained.stderr[-4000:]
    assert jobs_run(trained) == {"train"}, trained.stdout + trained.stderr
    assert (run_folder / CPU_LIMIT_TARGET).stat().st_size > 0
    assert "estimated training time on cpu" in (run_folder / "logs" / "train" / "scenario8.log").read_text()


# ---------------------------------------------------------------- same inputs, same outputs


@pytest.mark.slow
def test_outputs_do_not_depend_on_cores_or_neighbouring_jobs(tiny_runs):
    """The tiny workflow (one ground-truth and one blinking scenario, each trained) run with --cores 1
    and --cores 2 side by side: byte-identical training sets, models, labels, metrics, tables and figures,
    although the --cores 1 run was killed with SIGKILL during a training and during a MIRO + DBSCAN job
    and restarted each time."""
    from miro.provenance import compare_runs, format_comparison

    comparison = compare_runs(tiny_runs[1], tiny_runs[2])
    report = format_comparison(comparison)
    # loss.tsv holds each epoch's seconds next to its loss: only that column may differ
    timing = {name: text for name, text in comparison["differ"].items() if name.endswith("loss.tsv")}
    assert all(text.startswith("seconds:") for text in timing.values()), report
    assert set(comparison["differ"]) == set(timing) and not comparison["only_a"] and not comparison["only_b"], report
    files = json.loads((tiny_runs[1] / "results" / "provenance.json").read_text())["files"]
    for kind in ("training_sets", "models", "dbscan_params", "labels", "metrics", "tables", "figures"):
        assert any(name.startswith(kind + "/") for name in files), kind
    assert {"training_sets/scenario6_blinking.pt", "models/scenario6_blinking/model.pt"} <= set(files)
    assert comparison["inputs"] == [], report  # same commit, config, packages and machine
    assert set(tiny_runs["killed"]) == {"train", "miro_dbscan"}, tiny_runs["killed"]


# ---------------------------------------------------------------- simulated scenarios


def test_simulated_fovs_are_seeded_by_seed_scenario_and_fov():
    from miro.data.simulation import simulate
    from miro.experiments import fov_rng

    first = simulate("cshape", fov_rng(0, "cshape", 1))
    pd.testing.assert_frame_equal(first, simulate("cshape", fov_rng(0, "cshape", 1)))
    for other in (fov_rng(0, "cshape", 2), fov_rng(0, "rings", 1), fov_rng(1, "cshape", 1)):
        table = simulate("cshape", other)
        assert len(table) != len(first) or not (table["x"].to_numpy() == first["x"].to_numpy()).all()


@pytest.mark.parametrize(
    "content, message",
    [
        ("metrics: {rmse_convention: median}\n", "rmse_convention"),
        ("scenarios:\n  - {id: s, benchmark: Scenario 99, dbscan: {eps: 1, min_samples: 2}}\n", "Scenario 99"),
        (
            "scenarios:\n  - {id: s, benchmark: Ground Truth - Scenario 8, simulator: rings, dbscan: {eps: 1, min_samples: 2}}\n",
            "exactly one of 'benchmark'",
        ),
    ],
    ids=["bad-value", "unknown-folder", "two-sources"],
)
def test_bad_config_is_reported(tmp_path, content, message):
    """The schema's and miro.experiments' config errors reach the user (every case: tests/test_experiments.py)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = snakemake("-n", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(bad), check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_default_config_simulates_table1_rows_and_figure4a():
    paper = resolve_config()
    assert {"cshape", "rings"} <= set(paper.simulated) and paper.figure4a is not None
    assert "results/figures/figure4a.png" in paper.final_outputs()
    baseline = resolve_config(REPO / "config" / "baseline.yaml")
    assert baseline.figure4a is None and {"cshape", "rings"} <= set(baseline.simulated)  # Figure 4a needs MIRO
    assert resolve_config("figure4a: null\n").figure4a is None


def test_simulated_training_set_uses_fresh_simulator_fovs(tmp_path):
    """builder `simulated`: dataset_size FOVs of the scenario's simulator, none of them a test or training FOV."""
    from miro.training.training_sets import load_training_set

    config = tmp_path / "pairs.yaml"
    config.write_text(
        "methods: [DBSCAN, MIRO]\n"
        "training: {dataset_size: 3, node_features: laplacian+meanshift}\n"
        "figure4a: null\n"
        "scenarios:\n"
        "  - {id: pairs, simulator: cluster_pairs, simulation: {separation: [1, 4], grid: 2, spacing: 500}, n_fovs: 1,\n"
        "     dbscan: {eps: 20, min_samples: 5},\n"
        "     miro: {connectivity_radius: 0.05, num_steps: 2, dbscan: {eps: 10, min_samples: 5},\n"
        "            training_set: {builder: simulated, dataset_size: 1000}}}\n"
    )
    snakemake("results/training_sets/pairs.pt", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(config))
    graphs, meta = load_training_set(tmp_path / "results" / "training_sets" / "pairs.pt", return_metadata=True)
    assert len(graphs) == 3 and meta["builder"] == "simulated" and meta["key"] == "pairs:training"
    assert meta["node_features"] == "laplacian+meanshift" and graphs[0].x.shape[1] == 14
    test_fov = pd.read_csv(tmp_path / "resources" / "simulated" / "pairs" / "fov_1.csv")
    for graph in graphs:
        assert graph.label.max() == 8 and graph.num_nodes != len(test_fov)  # 2 x 2 pairs, other draws
        assert graph.y[graph.label == 0].abs().sum() == 0


@background(seconds=45)
def multishape_run(tmp_path_factory):
    """tests/config/multishape.yaml's Figure 3 targets and its MIRO metrics: the run folder."""
    folder = tmp_path_factory.mktemp("multishape")
    targets = ["results/figures/figure3/mix.png", "results/tables/figure3/mix_f1.csv", "results/metrics/mix/MIRO.csv"]
    snakemake(*targets, "--cores", "2", "--directory", str(folder), "--configfile", str(REPO / "tests" / "config" / "multishape.yaml"))
    return folder


@pytest.mark.slow
def test_classification_scenario_gives_figure3(multishape_run):
    """miro.variant classification: cMIRO trained on simulated mixtures, classes refined per cluster, Fig. 3 outputs."""
    results = multishape_run / "results"
    from miro.nn.weights import load_checkpoint

    model, _ = load_checkpoint(results / "models" / "mix" / "model.pt")
    assert model.num_classes == 3  # not clustered, spot, ring
    classes = pd.read_csv(results / "classes" / "mix.csv")
    assert list(classes.columns) == ["fov", "class", "label", "class_pred"] and set(classes["fov"]) == {1, 2}
    for _, cluster in classes[classes["label"] > 0].groupby(["fov", "label"]):
        assert cluster["class_pred"].nunique() == 1  # majority vote inside each cluster
    scores = pd.read_csv(results / "tables" / "figure3" / "mix_f1.csv")
    assert list(scores["class"]) == ["not clustered", "spot", "ring", "macro", "macro (shapes)"]
    assert scores["F1"].between(0, 1).all()
    confusion = pd.read_csv(results / "tables" / "figure3" / "mix_confusion.csv").set_index("true")
    assert confusion.to_numpy().sum() == len(classes)
    assert (results / "figures" / "figure3" / "mix.svg").stat().st_size > 10_000


@pytest.mark.slow
def test_scenario_added_by_config_end_to_end(simulated_run):
    """tests/config/simulated_scenario2.yaml: data -> training -> tables -> Fig. 4a, no code change
    (the whole workflow of that file, run once: conftest.simulated_run)."""
    tmp_path, _ = simulated_run
    data = tmp_path / "resources" / "simulated" / "sim_scenario2"
    assert sorted(p.name for p in data.glob("*.csv")) == [f"fov_{i}.csv" for i in range(1, 6)]
    assert pd.read_csv(data / "fov_1.csv").columns.tolist() == ["x", "y", "index"]
    provenance = json.loads((data / "simulation.json").read_text())
    assert provenance["test_fovs"] == [1, 2, 3] and provenance["training_fovs"] == [4, 5]
    results = tmp_path / "results"
    table = pd.read_csv(results / "tables" / "table1.csv")
    methods = ["DBSCAN", "MIRO", "HDBSCAN", "OPTICS", "ToMATo", "MIRO_HDBSCAN"]
    assert set(table["scenario"]) == {"sim_scenario2"} and set(table["method"]) == set(methods)
    assert set(table["n_fov"]) == {3}
    assert list(pd.read_csv(results / "metrics" / "sim_scenario2" / "MIRO.csv")["fov"]) == [1, 2, 3]
    # every method's parameters tuned on the simulated training FOVs 4, 5 (the default training_fovs)
    for method in methods:
        params = json.loads((results / "dbscan_params" / "sim_scenario2" / f"{method}.json").read_text())
        assert params["mode"] == "tuned" and params["tuned_on_fovs"] == [4, 5] and params["tuned"]["metric"] == "AMI"
    hdbscan = json.loads((results / "dbscan_params" / "sim_scenario2" / "MIRO_HDBSCAN.json").read_text())
    assert hdbscan["clusterer"] == "HDBSCAN" and set(hdbscan["chosen"]) == {"min_cluster_size", "min_samples"}
    assert hdbscan["squeezed"]["num_steps"] == 3  # our trained MIRO: the scenario names no released weights
    assert "### Parameters of the other methods" in (results / "tables" / "paper_comparison.md").read_text()
    # the leaderboard: every method ranked, the best tested against MIRO + DBSCAN (or MIRO against the runner-up)
    board = pd.read_csv(results / "tables" / "leaderboard.csv")
    assert set(board["method"]) == set(methods) and sorted(board["rank"]) == list(range(1, 7))
    assert {"ARI_dagger_mean", "IoU_sd", "JIc_mean", "ARI_c_stars", "compared_with"} <= set(board.columns)
    assert board["compared_with"].notna().sum() == 1
    assert "| 1 |" in (results / "tables" / "leaderboard.md").read_text()
    assert (results / "figures" / "leaderboard.svg").stat().st_size > 10_000
    assert (results / "models" / "sim_scenario2" / "model.pt").is_file()
    figure4a = pd.read_csv(results / "tables" / "figure4a.csv")
    assert list(figure4a.columns) == ["distance_sigma", "method", "mean", "sd", "n_fov"]
    assert len(figure4a) == 4 and set(figure4a["method"]) == {"DBSCAN", "MIRO+DBSCAN"}
    assert figure4a["mean"].between(0, 1).all()
    used = json.loads((results / "figure4a" / "dbscan_params.json").read_text())
    assert used["mode"] == "tuned" and used["DBSCAN"]["fovs_per_distance"] == [2]  # held-in, after plotted FOV 1
    for suffix in ("png", "svg"):
        assert (results / "figures" / f"figure4a.{suffix}").stat().st_size > 10_000
    again = snakemake("-n", "--cores", "1", "--directory", str(tmp_path), "--configfile", str(SIMULATED))
    assert "Nothing to be done" in again.stdout + again.stderr


@background(seconds=160)
def single_shot_run(tmp_path_factory):
    """The whole tests/config/single_shot_tiny.yaml workflow: the run folder."""
    if not (BENCHMARK.is_dir() and AUTHORS.is_dir()):
        pytest.skip(f"benchmark data or the authors' files not found in {BENCHMARK.parent}")
    folder = tmp_path_factory.mktemp("single-shot")
    config = REPO / "tests" / "config" / "single_shot_tiny.yaml"
    snakemake("--cores", "2", "--directory", str(folder), "--configfile", str(config), "--resources", "gpu=0", "--config", *local_urls())
    return folder


@pytest.mark.slow
def test_single_shot_methods_end_to_end(single_shot_run):
    """tests/config/single_shot_tiny.yaml: the authors' cluster and weights downloaded and verified,
    a model trained from the one cluster, both single-shot rows and the released Scenario 6 weights
    next to DBSCAN in every table."""
    results = single_shot_run / "results"
    methods = ["DBSCAN", "MIRO_released", "MIRO_single_shot", "MIRO_single_shot_released"]
    table = pd.read_csv(results / "tables" / "table1.csv")
    assert set(table["method"]) == set(methods) and set(table["n_fov"]) == {1}
    assert set(pd.read_csv(results / "tables" / "stats.csv")["method"]) == set(methods[1:])
    assert "MIRO single-shot (released weights)" in (results / "tables" / "table1.md").read_text()
    assert (single_shot_run / "resources" / "weights" / "released" / "model_scenario_6.pt").stat().st_size > 1_000_000
    from miro.training.training_sets import load_training_set

    graphs, metadata = load_training_set(results / "training_sets" / "scenario6_single_shot.pt", return_metadata=True)
    assert len(graphs) == 4 and metadata["single_shot_cluster"] == "resources/single_shot/training_cluster_scenario_6.csv"
    assert all(len(set(g.label.tolist()) - {0}) >= 10 for g in graphs)  # 10-19 copies of the one cluster each
    released = json.loads((results / "dbscan_params" / "scenario6" / "MIRO_single_shot_released.json").read_text())
    assert released["chosen"] == {"eps": 16, "min_samples": 10} and released["squeezed"]["num_steps"] == 15
    ours = json.loads((results / "dbscan_params" / "scenario6" / "MIRO_single_shot.json").read_text())
    assert ours["squeezed"]["num_steps"] == 3  # the K it was trained with
    assert (results / "models" / "scenario6_single_shot" / "loss.png").is_file()
    assert (results / "figures" / "figure2" / "scenario6.svg").stat().st_size > 10_000
