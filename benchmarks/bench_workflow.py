"""Where a workflow run's time went: per rule, per rule family, per training epoch.

Every rule writes a Snakemake ``benchmark:`` file,
``results/benchmarks/<rule>/<wildcards>.tsv``, whose ``s`` column is the job's
wall time and whose ``cpu_time`` is its CPU time. This script reads all of them
under a run directory and prints Markdown tables:

* per rule family (data, training sets, training, DBSCAN parameters,
  clustering, metrics, figures and tables): jobs, summed job seconds, the
  longest job and its share of all job seconds;
* per rule, the same;
* per trained model: epochs, seconds per epoch (mean and max over the epochs
  of ``results/models/<scenario>/loss.tsv``) and the device it trained on
  (from the job log);
* the run's wall time, from the first job's start (file time minus duration) to
  the last job's end, for a run made from a clean folder.

Usage::

    python benchmarks/bench_workflow.py [RUN_DIR] [--csv per_rule.csv]

RUN_DIR is the folder Snakemake ran in (default: the repository root).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

FAMILIES = {
    "data": ("download_benchmark", "download_released_weights", "download_nup96", "simulate_dataset", "small_scale_dataset"),
    "training sets": ("training_set",),
    "training": ("train",),
    "DBSCAN parameters": ("dbscan_params",),
    "clustering": ("dbscan_baseline", "cluster_baseline", "miro_dbscan"),
    "metrics": ("metrics",),
    "figures and tables": ("figure2", "figure3", "figure4a", "nanoclusters", "nup96", "stats", "table1"),
}


def family_of(rule: str) -> str:
    return next((family for family, rules in FAMILIES.items() if rule in rules), "other")


def read_jobs(run_dir: Path) -> pd.DataFrame:
    """One row per job: rule, job (its wildcards), seconds, cpu seconds, end time (epoch s), and
    its benchmark file relative to ``run_dir``."""
    root = run_dir / "results" / "benchmarks"
    rows = []
    for path in sorted(root.rglob("*.tsv")):
        table = pd.read_csv(path, sep="\t")
        if table.empty:
            continue
        relative = path.relative_to(root).with_suffix("")
        rule = relative.parts[0]
        rows.append({
            "rule": rule,
            "family": family_of(rule),
            "job": "/".join(relative.parts[1:]) or rule,
            "seconds": float(table["s"].iloc[-1]),
            "cpu_seconds": float(table["cpu_time"].iloc[-1]),
            "end": path.stat().st_mtime,
            "file": path.relative_to(run_dir).as_posix(),
        })
    return pd.DataFrame(rows, columns=["rule", "family", "job", "seconds", "cpu_seconds", "end", "file"])


def summarize(jobs: pd.DataFrame, by: str) -> pd.DataFrame:
    total = jobs["seconds"].sum()
    table = jobs.groupby(by).agg(jobs=("seconds", "size"), seconds=("seconds", "sum"),
                                 cpu_seconds=("cpu_seconds", "sum"), longest=("seconds", "max"))
    table["share_%"] = 100 * table["seconds"] / total if total else 0.0
    return table.sort_values("seconds", ascending=False).round(1)


def training_epochs(run_dir: Path) -> pd.DataFrame:
    """Per trained model: epochs, mean and max seconds per epoch, device (from logs/train/<scenario>.log)."""
    rows = []
    for loss in sorted((run_dir / "results" / "models").glob("*/loss.tsv")):
        scenario = loss.parent.name
        history = pd.read_csv(loss, sep="\t")
        log = run_dir / "logs" / "train" / f"{scenario}.log"
        device = re.search(r"trained on (\S+):", log.read_text()) if log.is_file() else None
        rows.append({
            "scenario": scenario,
            "device": device.group(1) if device else "?",
            "epochs": len(history),
            "s_per_epoch": history["seconds"].mean(),
            "max_s_per_epoch": history["seconds"].max(),
        })
    return pd.DataFrame(rows, columns=["scenario", "device", "epochs", "s_per_epoch", "max_s_per_epoch"]).round(2)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", nargs="?", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--csv", type=Path, help="also write the per-job table here")
    args = parser.parse_args(argv)
    jobs = read_jobs(args.run_dir)
    if jobs.empty:
        print(f"{args.run_dir}: no benchmark files under results/benchmarks/; run the workflow there first", file=sys.stderr)
        return 1
    wall = jobs["end"].max() - (jobs["end"] - jobs["seconds"]).min()
    print(f"# Workflow timing of {args.run_dir}\n")
    print(f"{len(jobs)} jobs, {jobs['seconds'].sum():.0f} job-seconds, wall time about {wall:.0f} s ({wall / 60:.1f} min)\n")
    print("## Per rule family\n")
    print(summarize(jobs, "family").to_markdown())
    print("\n## Per rule\n")
    print(summarize(jobs, "rule").to_markdown())
    epochs = training_epochs(args.run_dir)
    if not epochs.empty:
        print("\n## Training, per model\n")
        print(epochs.to_markdown(index=False))
    if args.csv:
        jobs.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
