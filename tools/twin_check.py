"""Plain DBSCAN on each benchmark folder and on its simulated twin: mean ARI† and JIc side by side.

Each scenario ``<id>_twin`` of the twins preset (``simulator: benchmark``) is the
twin of scenario ``<id>`` of the benchmark preset (a folder of the Nieves et al.
benchmark). Both are clustered with the benchmark scenario's ``dbscan``
parameters (the authors' DBSCAN_params); the real folder is scored on its test
FOVs (all but ``training_fovs``: 47), the twin on its test FOVs 1..n_fovs (50),
drawn exactly as the workflow draws them (``miro.experiments.fov_rng`` with the
config's ``simulation_seed`` and the twin's id). A folder missing from the data
folder (Scenario 7 in ../shared/data) is reported and skipped.

    python tools/twin_check.py --data ../shared/data/nieves2023-benchmark [--only scenario2 scenario4_blinking] [--seeds 0 1 2] [--out table.md]

With --seeds the twin's FOVs of every seed are pooled (50 per seed): the expected
twin score rather than the one draw the workflow makes.

Defaults: --all config/benchmark_all.yaml, --twins config/benchmark_twins.yaml.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from miro.data.io import list_fovs, read_localizations
from miro.data.simulation import simulate
from miro.evaluation import ari_dagger, jic
from miro.experiments import fov_rng
from miro.inference.clustering import dbscan_labels

REPO = Path(__file__).resolve().parents[1]
TOLERANCE = 0.05


def dbscan_scores(tables, eps: float, min_samples: int) -> pd.DataFrame:
    """ARI† and JIc of plain DBSCAN(eps nm, min_samples) on each FOV table (x, y, index); one row per FOV."""
    rows = []
    for table in tables:
        xy, truth = table[["x", "y"]].to_numpy(float), table["index"].to_numpy(np.int64)
        labels = dbscan_labels(xy, eps, min_samples)
        rows.append({"ARI_dagger": ari_dagger(truth, labels), "JIc": jic(xy, truth, labels)})
    return pd.DataFrame(rows)


def real_tables(folder: Path, training_fovs) -> list:
    """The test FOVs (all but `training_fovs`) of a benchmark folder, in FOV order."""
    files = list_fovs(folder)
    return [read_localizations(files[fov], require_labels=True) for fov in sorted(files) if fov not in set(training_fovs)]


def twin_tables(twin: dict, seed: int) -> list:
    """Test FOVs 1..n_fovs of a simulated scenario, as the workflow's simulate_dataset rule draws them
    under simulation_seed ``seed``."""
    n_fovs, params = twin.get("n_fovs", 50), twin.get("simulation", {})
    return [simulate(twin["simulator"], fov_rng(seed, twin["id"], fov), **params) for fov in range(1, n_fovs + 1)]


def compare(real: dict, twin: dict, data: Path, seeds) -> dict | None:
    """One row of the table: means over the real folder's test FOVs and over the twin's test FOVs
    drawn under every seed of ``seeds``; None without data."""
    folder = data / real["benchmark"]
    if not folder.is_dir():
        return None
    eps, min_samples = real["dbscan"]["eps"], real["dbscan"]["min_samples"]
    ours = dbscan_scores(real_tables(folder, real.get("training_fovs", [])), eps, min_samples).mean()
    sim = dbscan_scores([table for seed in seeds for table in twin_tables(twin, seed)], eps, min_samples).mean()
    row = {"scenario": real["id"], "eps": eps, "min_samples": min_samples}
    for metric in ("ARI_dagger", "JIc"):
        row.update({f"{metric} real": ours[metric], f"{metric} twin": sim[metric], f"{metric} diff": sim[metric] - ours[metric]})
    row["within"] = all(abs(row[f"{m} diff"]) <= TOLERANCE for m in ("ARI_dagger", "JIc"))
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", default=REPO / "config" / "benchmark_all.yaml", type=Path)
    parser.add_argument("--twins", default=REPO / "config" / "benchmark_twins.yaml", type=Path)
    parser.add_argument("--data", required=True, type=Path, help="local copy of the benchmark (folders as in the manifest)")
    parser.add_argument("--only", nargs="*", help="benchmark scenario ids to compare (default all)")
    parser.add_argument("--seeds", nargs="*", type=int, help="simulation seeds of the twins, FOVs pooled (default: the twin's simulation_seed, else config/config.yaml's)")
    parser.add_argument("--out", type=Path, help="also write the table (Markdown)")
    args = parser.parse_args(argv)
    seed = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["simulation_seed"]
    twins = {s["id"]: s for s in yaml.safe_load(args.twins.read_text())["scenarios"]}
    rows = []
    for real in yaml.safe_load(args.all.read_text())["scenarios"]:
        if args.only and real["id"] not in args.only:
            continue
        twin = twins.get(f"{real['id']}_twin")
        row = None if twin is None else compare(real, twin, args.data, args.seeds or [twin.get("simulation_seed", seed)])
        if row is None:
            print(f"{real['id']}: {'no twin' if twin is None else 'no data at ' + str(args.data / real['benchmark'])}; skipped", file=sys.stderr)
            continue
        rows.append(row)
        print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), file=sys.stderr, flush=True)
    table = pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3f")
    print(table)
    if args.out:
        args.out.write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
