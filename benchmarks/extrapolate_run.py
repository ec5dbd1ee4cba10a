"""Predict how long a preset takes from a smaller run of the same DAG: per job, per rule family, wall time.

A smoke run (``config/smoke.yaml``: the paper preset with one epoch per model and 3 test FOVs
per scenario and per Figure 4a distance) times every job of the paper's DAG at a fraction of
its cost. This script scales each of its jobs to a target preset (default: the paper,
``config/config.yaml``) and replays the target's DAG on ``--cores`` cores and ``--gpus`` GPUs.
Each job's predicted time t from its measured time s in the run:

* ``train``: the time outside its epochs plus its mean measured epoch e times the target's
  epochs E, scaled by the target's graphs per epoch N over the run's n (its ``training_set`` log):
  t = (s - sum of epochs) + mean(e) * E * N / n;
* ``training_set``: t = s * N / n;
* rules whose log has one timestamped ``FOV k:`` line per test FOV (``dbscan_baseline``,
  ``cluster_baseline``, ``miro_dbscan``, ``figure3``): t = s + g * (F - f), g the mean gap
  between those lines, f the FOVs the job did and F the target's test FOVs of the scenario;
* ``metrics`` (no such lines, the imports of ``dbscan_baseline``): t = s0 + (s - s0) * F / f,
  s0 the median start-up s - f * g of the run's ``dbscan_baseline`` jobs;
* ``figure4a``: t = s + c * (F / f - 1), c the seconds its log says the f FOVs per distance
  took (its DBSCAN tuning on held-in FOVs does not grow), F = ``figure4a.n_fovs``;
* every other job (downloads, simulation, DBSCAN tuning on the training FOVs, nanoclusters,
  Nup96, tables): t = s.

The target's jobs, threads, GPU requests and dependencies come from a dry run of it
(``snakemake -n --forceall`` in an empty folder, on this machine: run it where the target will
run, so that GPU rules ask for the GPU). A training the run killed is scaled from the epochs its
log has, or from the one epoch its cost probe estimated; any other job the run did not finish
gets the mean of its rule in the run ("imputed"). The replay starts ready jobs, higher ``priority`` first, whenever their
threads and GPU fit, as Snakemake's scheduler does; it ignores start-up gaps between jobs.

Usage::

    python benchmarks/extrapolate_run.py RUN_DIR [--configfile PRESET ...] [--cores N] [--gpus G] [--csv jobs.csv]

RUN_DIR is the folder the smaller run ran in; ``--configfile`` files overlay
``config/config.yaml`` as Snakemake's do (none: the paper preset).
"""

from __future__ import annotations

import argparse
import heapq
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_workflow import family_of, read_jobs, training_epochs  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PER_FOV_LOG_RULES = ("dbscan_baseline", "cluster_baseline", "miro_dbscan", "figure3")
TEST_FOV_RULES = (*PER_FOV_LOG_RULES, "metrics")
FIGURE4A_LINE = re.compile(r"(\d+) FOVs per distance clustered in ([\d.]+) s")
FOV_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) FOV \d+:", re.MULTILINE)
EPOCH_LINE = re.compile(r"epoch \d+/\d+: loss \S+ \(([\d.]+) s\)")
PROBE_LINE = re.compile(r"estimated training time on \S+: .*\(\d+ epochs of ([\d.]+) (s|min|h|days)\)")
DURATION_UNITS = {"s": 1, "min": 60, "h": 3600, "days": 86400}  # miro.training.cost.format_duration
GRAPHS_LINE = re.compile(r"(\d+) graphs")
JOB_START = re.compile(r"^(?:local)?rule (\w+):$")
FIELD = re.compile(r"^    (\w+): (.*)$")


@dataclass
class Job:
    """One job of the target's dry run."""

    jobid: int
    rule: str
    wildcards: dict = field(default_factory=dict)
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    log: str | None = None
    benchmark: str | None = None
    threads: int = 1
    gpu: int = 0
    priority: float = 0.0
    needs: set = field(default_factory=set)
    seconds: float = 0.0
    measured: float | None = None
    how: str = ""
    kind: str = ""


def _items(value: str) -> list:
    return [item for item in value.split(", ") if item]


def parse_dry_run(text: str) -> list:
    """The jobs of ``snakemake -n`` output, each with the jobs it needs (an input that is
    another job's output, or lies inside an output folder)."""
    jobs, job = [], None
    for line in text.splitlines():
        start = JOB_START.match(line)
        if start:
            job = Job(jobid=-1, rule=start.group(1))
            jobs.append(job)
            continue
        found = FIELD.match(line) if job else None
        if not found:
            continue
        key, value = found.groups()
        if key in ("input", "output"):
            setattr(job, f"{key}s", _items(value))
        elif key == "wildcards":
            job.wildcards = dict(item.split("=", 1) for item in _items(value))
        elif key in ("jobid", "threads"):
            setattr(job, key, int(value))
        elif key == "priority":
            job.priority = float(value)
        elif key in ("log", "benchmark"):
            setattr(job, key, _items(value)[0])
        elif key == "resources":
            job.gpu = int(dict(item.split("=", 1) for item in _items(value)).get("gpu", 0))
    producer = {output: job.jobid for job in jobs for output in job.outputs}
    for job in jobs:
        for path in job.inputs:
            for candidate in (path, *map(str, PurePosixPath(path).parents)):
                if candidate in producer:
                    job.needs.add(producer[candidate])
                    break
    return jobs


def dry_run(configfiles: list, cores: int) -> list:
    """The target's jobs: ``snakemake -n --forceall`` of this repository's Snakefile in an empty folder."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory", folder,
                   "--cores", str(cores), "--forceall", "-n"]
        if configfiles:
            command += ["--configfile", *map(str, configfiles)]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"extrapolate_run: the dry run of the target failed: {(done.stdout + done.stderr).strip().splitlines()[-1]}")
    return parse_dry_run(done.stdout + done.stderr)


def target_experiment(configfiles: list):
    """The target's resolved experiment (config/config.yaml overlaid by ``configfiles``, as Snakemake merges them)."""
    from snakemake.utils import update_config, validate

    from miro.experiments import Experiment

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for path in configfiles:
        update_config(config, yaml.safe_load(Path(path).read_text()) or {})
    return Experiment.from_workflow_config(config, REPO, validate)


def _timestamps(log: Path) -> list:
    text = log.read_text(errors="replace") if log.is_file() else ""
    return [datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f") for stamp in FOV_LINE.findall(text)]


def _gap(stamps: list) -> float:
    """Mean seconds between consecutive per-FOV log lines: the time of one FOV."""
    return (stamps[-1] - stamps[0]).total_seconds() / (len(stamps) - 1)


def _graphs(run_dir: Path, model: str) -> int | None:
    log = run_dir / "logs" / "training_set" / f"{model}.log"
    found = GRAPHS_LINE.search(log.read_text(errors="replace")) if log.is_file() else None
    return int(found.group(1)) if found else None


def epoch_seconds(run_dir: Path, model: str) -> tuple:
    """(seconds of each epoch a model trained in the run, where they come from): its ``loss.tsv``;
    for a training that did not finish, the ``epoch k/E: loss ... (s s)`` lines of its log, or,
    killed within its first epoch, the one epoch its cost probe estimated (``estimated training
    time on DEVICE: ... (E epochs of T)``); an empty series when none of these is there."""
    loss = run_dir / "results" / "models" / model / "loss.tsv"
    if loss.is_file():
        return pd.read_csv(loss, sep="\t")["seconds"], "loss.tsv"
    log = run_dir / "logs" / "train" / f"{model}.log"
    text = log.read_text(errors="replace") if log.is_file() else ""
    if EPOCH_LINE.search(text):
        return pd.Series([float(x) for x in EPOCH_LINE.findall(text)], dtype=float), "its log (job unfinished)"
    probe = PROBE_LINE.search(text)
    if probe:
        return pd.Series([float(probe.group(1)) * DURATION_UNITS[probe.group(2)]]), "its cost probe (job unfinished)"
    return pd.Series(dtype=float), ""


def _run_test_fovs(run_dir: Path, scenario: str) -> int | None:
    """Test FOVs of a scenario in the run: the rows of one of its per-FOV metric tables."""
    tables = sorted((run_dir / "results" / "metrics" / scenario).glob("*.csv"))
    return len(pd.read_csv(tables[0])) if tables else None


def dbscan_startup(jobs: list, run_dir: Path) -> float | None:
    """Median start-up of the run's ``dbscan_baseline`` jobs, s - f * g (imports and reading
    inputs: what does not grow with the FOVs), for ``metrics``, which has no per-FOV lines
    and the same imports."""
    found = []
    for job in jobs:
        stamps = _timestamps(run_dir / job.log) if job.rule == "dbscan_baseline" and job.log and job.measured else []
        if len(stamps) >= 2:
            found.append(max(job.measured - _gap(stamps) * len(stamps), 0.0))
    return float(pd.Series(found).median()) if found else None


def scale(job: Job, run_dir: Path, experiment, startup: float | None) -> tuple:
    """(predicted seconds, how) of a job measured in the run (``job.measured`` seconds)."""
    s = job.measured
    if job.rule in ("train", "training_set"):
        model = experiment.models[job.wildcards["model"]]
        graphs, target_graphs = _graphs(run_dir, model.id), model.training["dataset_size"]
        ratio = target_graphs / graphs if graphs else 1.0
        if job.rule == "training_set":
            return s * ratio, "measured" if ratio == 1 else f"x {target_graphs}/{graphs} graphs"
        epochs, source = epoch_seconds(run_dir, model.id)
        if epochs.empty:
            return s, "measured (no epochs in loss.tsv or log)"
        target_epochs = model.training["epochs"]
        per_epoch = epochs.mean() * ratio
        outside = s - epochs.sum() if s is not None else 0.0  # an unfinished job: its epochs only
        how = f"{len(epochs)} -> {target_epochs} epochs of {per_epoch:.1f} s" + ("" if source == "loss.tsv" else f" from {source}")
        return outside + per_epoch * target_epochs, how
    if job.rule in TEST_FOV_RULES:
        target_fovs = len(experiment.scenarios[job.wildcards["scenario"]].test_fovs)
        stamps = _timestamps(run_dir / job.log) if job.rule in PER_FOV_LOG_RULES and job.log else []
        if len(stamps) >= 2:
            gap = _gap(stamps)
            return s + gap * (target_fovs - len(stamps)), f"{len(stamps)} -> {target_fovs} FOVs of {gap:.2f} s"
        fovs = _run_test_fovs(run_dir, job.wildcards["scenario"])
        if fovs and startup is not None:
            fixed = min(s, startup)
            return fixed + (s - fixed) * target_fovs / fovs, f"x {target_fovs}/{fovs} FOVs after a start-up of {fixed:.1f} s"
        if fovs:
            return s * target_fovs / fovs, f"x {target_fovs}/{fovs} FOVs (upper bound)"
    log = run_dir / job.log if job.log else None
    if job.rule == "figure4a" and experiment.figure4a is not None and log and log.is_file():
        found = FIGURE4A_LINE.search(log.read_text(errors="replace"))
        if found:
            fovs, seconds = int(found.group(1)), float(found.group(2))
            target_fovs = experiment.figure4a.config["n_fovs"]
            return s + seconds * (target_fovs / fovs - 1), f"{fovs} -> {target_fovs} FOVs per distance in {seconds:.1f} s"
    return s, "measured"


def predict(jobs: list, run_dir: Path, experiment) -> None:
    """Fill in each job's measured and predicted seconds, how it was predicted and its kind
    (measured, scaled, imputed, bookkeeping, missing)."""
    measured = read_jobs(run_dir)
    by_file = dict(zip(measured["file"], measured["seconds"]))
    rule_means = measured.groupby("rule")["seconds"].mean().to_dict()
    for job in jobs:
        job.measured = by_file.get(job.benchmark)
    startup = dbscan_startup(jobs, run_dir)
    for job in jobs:
        if job.benchmark is None:
            job.seconds, job.how, job.kind = 0.0, "no benchmark file", "bookkeeping"
        # measured, or a training killed before it ended (scaled from its epochs or its cost probe)
        elif job.measured is not None or (job.rule == "train" and not epoch_seconds(run_dir, job.wildcards["model"])[0].empty):
            job.seconds, job.how = scale(job, run_dir, experiment, startup)
            job.kind = "measured" if job.how == "measured" else "scaled"
        elif job.rule in rule_means:
            job.seconds, job.how, job.kind = rule_means[job.rule], "mean of its rule in the run", "imputed"
        else:
            job.seconds, job.how, job.kind = 0.0, "no job of its rule in the run: counted as 0", "missing"


def replay(jobs: list, cores: int, gpus: int) -> tuple:
    """(wall seconds, critical path seconds): list scheduling of the DAG, higher priority first."""
    by_id = {job.jobid: job for job in jobs}
    waiting = {job.jobid: len(job.needs) for job in jobs}
    followers = {job.jobid: [] for job in jobs}
    for job in jobs:
        for need in job.needs:
            followers[need].append(job.jobid)
    ready = [job.jobid for job in jobs if not job.needs]
    running, now, free_cores, free_gpus = [], 0.0, cores, gpus
    finish = {}
    while ready or running:
        ready.sort(key=lambda jobid: (-by_id[jobid].priority, jobid))
        for jobid in list(ready):
            job = by_id[jobid]
            threads, gpu = min(job.threads, cores), min(job.gpu, gpus)
            if threads <= free_cores and gpu <= free_gpus:
                ready.remove(jobid)
                free_cores, free_gpus = free_cores - threads, free_gpus - gpu
                heapq.heappush(running, (now + job.seconds, jobid, threads, gpu))
        now, jobid, threads, gpu = heapq.heappop(running)
        free_cores, free_gpus = free_cores + threads, free_gpus + gpu
        finish[jobid] = now
        for follower in followers[jobid]:
            waiting[follower] -= 1
            if waiting[follower] == 0:
                ready.append(follower)
    path = {}
    for jobid in sorted(finish, key=finish.get):
        path[jobid] = by_id[jobid].seconds + max((path[need] for need in by_id[jobid].needs), default=0.0)
    return now, max(path.values(), default=0.0)


def _hm(seconds: float) -> str:
    return f"{seconds:.0f} s ({int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min)"


def report(jobs: list, run_dir: Path, configfiles: list, cores: int, gpus: int) -> tuple:
    """(the Markdown report, the per-job table)."""
    table = pd.DataFrame([{"rule": job.rule, "family": family_of(job.rule), "job": job.benchmark or job.rule, "gpu": job.gpu > 0,
                           "measured_s": job.measured, "predicted_s": job.seconds, "kind": job.kind, "how": job.how} for job in jobs])
    wall, critical = replay(jobs, cores, gpus)
    gpu_seconds = table.loc[table["gpu"], "predicted_s"].sum()
    core_seconds = sum(job.seconds * min(job.threads, cores) for job in jobs)
    counts = table["kind"].value_counts()
    lines = [
        f"# Predicted run of {' + '.join(['config/config.yaml', *map(str, configfiles)])} from {run_dir}\n",
        f"{len(jobs)} jobs ({', '.join(f'{n} {kind}' for kind, n in counts.items())}); "
        f"{table['predicted_s'].sum():.0f} job-seconds predicted, {gpu_seconds:.0f} of them in GPU jobs; "
        f"the run measured {table['measured_s'].sum():.0f}.\n",
        f"**Wall time on {cores} cores and {gpus} GPU(s): about {_hm(wall)}** (list-scheduling replay of the DAG; "
        f"lower bounds: critical path {critical:.0f} s, core-seconds / cores {core_seconds / cores:.0f} s"
        + (f", GPU job-seconds / GPUs {gpu_seconds / gpus:.0f} s" if gpus else "") + ").\n",
        "## Per rule family\n",
        table.groupby("family").agg(jobs=("job", "size"), measured_s=("measured_s", "sum"), predicted_s=("predicted_s", "sum"),
                                    longest_s=("predicted_s", "max")).sort_values("predicted_s", ascending=False).round(1).to_markdown(),
        "\n## Per rule\n",
        table.groupby("rule").agg(jobs=("job", "size"), measured_s=("measured_s", "sum"), predicted_s=("predicted_s", "sum"),
                                  gpu=("gpu", "any")).sort_values("predicted_s", ascending=False).round(1).to_markdown(),
        "\n## Training, per model\n",
        _per_model(table, run_dir),
        "\n## Longest predicted jobs\n",
        table.sort_values("predicted_s", ascending=False).head(15)[["job", "measured_s", "predicted_s", "how"]].round(1).to_markdown(index=False),
    ]
    return "\n".join(lines), table


def _per_model(table: pd.DataFrame, run_dir: Path) -> str:
    """Each model's epochs in the run (device, seconds per epoch) beside its predicted training."""
    trains = table[table["rule"] == "train"].assign(model=lambda t: t["job"].str.extract(r"train/(.+)\.tsv$")[0])
    run = training_epochs(run_dir).rename(columns={"scenario": "model", "epochs": "run_epochs", "s_per_epoch": "run_s_per_epoch"})
    merged = trains[["model", "predicted_s", "how"]].merge(run[["model", "device", "run_epochs", "run_s_per_epoch"]], on="model", how="left")
    columns = ["model", "device", "run_epochs", "run_s_per_epoch", "predicted_s", "how"]
    return merged[columns].sort_values("predicted_s", ascending=False).round(1).to_markdown(index=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="the folder the smaller run ran in (its results/benchmarks, logs, loss.tsv)")
    parser.add_argument("--configfile", nargs="+", default=[], type=Path, help="the target's presets over config/config.yaml")
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="cores of the machine the target runs on (default: this one's)")
    parser.add_argument("--gpus", type=int, default=1, help="GPUs it has (default 1); GPU jobs are those whose dry-run resources ask for gpu")
    parser.add_argument("--csv", type=Path, help="also write the per-job table here")
    args = parser.parse_args(argv)
    if not (args.run_dir / "results" / "benchmarks").is_dir():
        print(f"extrapolate_run: {args.run_dir}: no results/benchmarks/; give the folder a workflow run ran in", file=sys.stderr)
        return 2
    jobs = dry_run(args.configfile, args.cores)
    predict(jobs, args.run_dir, target_experiment(args.configfile))
    text, table = report(jobs, args.run_dir, args.configfile, args.cores, args.gpus)
    print(text)
    if args.csv:
        table.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
