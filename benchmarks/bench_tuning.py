"""Time DBSCAN's grid search (miro.inference.tuning) against one DBSCAN per grid point.

The quick preset chooses (eps, min_samples) on a scenario's 3 training FOVs over a
14 x 20 grid: 280 DBSCAN runs per FOV. Scikit-learn's DBSCAN searches the
neighbours of every point again for each run; the grid search finds them once
per eps (:func:`miro.inference.clustering.radius_graph`) and labels the points
at each min_samples from that graph (:func:`~miro.inference.clustering.dbscan_labels_of_graph`).
The script checks that both give the same labels at every grid point, then times
the clustering alone and the whole grid search with its scores (the baseline
grid search runs the same scoring code on scikit-learn's labels), interleaving
the two so that load from other processes hits both alike, and prints min and
median times and their ratios.

Usage::

    python benchmarks/bench_tuning.py [--folder "Multiple Blinking - Scenario 6"] [--fovs 25 27 32] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from miro.data.io import list_fovs, read_localizations
from miro.inference import tuning
from miro.inference.clustering import dbscan_labels, dbscan_labels_of_graph, radius_graph

BENCHMARK = Path(__file__).resolve().parents[2] / "shared" / "data" / "nieves2023-benchmark"
EPS = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80]  # config/config.yaml's grid
MIN_SAMPLES = [3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 70, 80, 100, 120, 150]  # config/quick.yaml's


def per_point(clouds):
    """One scikit-learn DBSCAN per grid point and cloud (the search before the radius graphs)."""
    return [[dbscan_labels(xy, e, m) for xy in clouds] for e in EPS for m in MIN_SAMPLES]


def from_graphs(clouds):
    """One radius graph per eps and cloud, labelled at every min_samples."""
    out = []
    for e in EPS:
        graphs = [radius_graph(xy, e) for xy in clouds]
        out.extend([dbscan_labels_of_graph(g, m) for g in graphs] for m in MIN_SAMPLES)
    return out


def search_per_point(clouds, truth):
    """grid_search with its labels from scikit-learn's DBSCAN at every grid point."""
    original = tuning.dbscan_labels_of_graph, tuning.radius_graph
    tuning.radius_graph = lambda xy, eps: (np.asarray(xy, dtype=float), eps)
    tuning.dbscan_labels_of_graph = lambda graph, m: dbscan_labels(graph[0], graph[1], m)
    try:
        return tuning.tune_dbscan(clouds, truth, eps=EPS, min_samples=MIN_SAMPLES, metric=["JIc", "ARI_c"])
    finally:
        tuning.dbscan_labels_of_graph, tuning.radius_graph = original


def search_from_graphs(clouds, truth):
    return tuning.tune_dbscan(clouds, truth, eps=EPS, min_samples=MIN_SAMPLES, metric=["JIc", "ARI_c"])


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default="Multiple Blinking - Scenario 6", help="benchmark folder")
    parser.add_argument("--fovs", type=int, nargs="+", default=[25, 27, 32], help="FOV numbers (the scenario's training FOVs)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    files = list_fovs(BENCHMARK / args.folder)
    tables = [read_localizations(files[fov], require_labels=True) for fov in args.fovs]
    clouds = [t[["x", "y"]].to_numpy() for t in tables]
    truth = [t["index"].to_numpy() for t in tables]
    print(f"{args.folder}, FOVs {args.fovs}: {[len(c) for c in clouds]} localizations; grid {len(EPS)} eps x {len(MIN_SAMPLES)} min_samples")

    pairs = {"clustering": (per_point, from_graphs), "grid search with scores": (search_per_point, search_from_graphs)}
    for name, (baseline, ours) in pairs.items():
        times = {"baseline": [], "radius graphs": []}
        for _ in range(args.repeats):
            t_base, base = timed(baseline, *([clouds] if name == "clustering" else [clouds, truth]))
            t_ours, result = timed(ours, *([clouds] if name == "clustering" else [clouds, truth]))
            times["baseline"].append(t_base)
            times["radius graphs"].append(t_ours)
        if name == "clustering":
            same = all(np.array_equal(a, b) for row_a, row_b in zip(base, result) for a, b in zip(row_a, row_b))
        else:
            same = base.grid.equals(result.grid) and base.best == result.best
        print(f"\n{name}: identical results: {same}")
        for label, values in times.items():
            print(f"  {label:14s} min {min(values):7.2f} s  median {statistics.median(values):7.2f} s")
        ratio = [b / o for b, o in zip(times["baseline"], times["radius graphs"])]
        print(f"  speed-up       min {min(ratio):.2f}x  median {statistics.median(ratio):.2f}x")


if __name__ == "__main__":
    main()
