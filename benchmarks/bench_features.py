"""Where building one MIRO input graph goes, and the mean-shift features before and after.

Inference squeezes every test FOV once, and for a quick-preset model (node features
``laplacian+meanshift``) building the FOV's graph costs more than the network: on a
Figure 4a pair FOV (~6 000 localizations, R = 0.05, K = 12, hidden 64) the forward pass
took 0.13 s and the graph 0.55 s, 0.30 s of it in :func:`miro.nn.graph.mean_shift_features`
(profiled with cProfile, 2026-12-07). This script times the parts of
:func:`miro.nn.graph.graph_tensors` (Delaunay edges, Laplacian eigenvectors, mean-shift
features) on simulated pair FOVs and benchmark FOVs, and the mean-shift features
against the implementation they replaced (``reference_mean_shift``: one
``cKDTree.query_ball_point`` list per point and radius, summed with ``np.add.reduceat``),
interleaved so that load from other processes hits both alike. It checks that both
give the same features (float32, up to one rounding step) and prints min and median
times and their ratio.

Usage::

    python benchmarks/bench_features.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
from itertools import chain
from pathlib import Path

import numpy as np
import torch
from bench_tuning import timed  # benchmarks/ is the script's folder
from scipy.spatial import cKDTree

from miro.data.io import list_fovs, read_localizations
from miro.data.simulation import cluster_pairs
from miro.experiments import fov_rng
from miro.nn.graph import MEAN_SHIFT_RADII, delaunay_edges, laplacian_eigenvector_pe, mean_shift_features, normalize_fov

BENCHMARK = Path(__file__).resolve().parents[2] / "shared" / "data" / "nieves2023-benchmark"
PAIRS = {"sd": 25, "mean_localizations": 90, "grid": 6, "spacing": 500, "noise_fraction": 0}  # config.yaml's figure4a.simulation


def reference_mean_shift(pts, r_unit, radii=MEAN_SHIFT_RADII, chunk_size=4096):
    """The features as computed until 2026-12-07: ball lists per point, Python-level flattening."""
    n = len(pts)
    out = np.zeros((n, 3 * len(radii)))
    tree = cKDTree(pts)
    for c, rho in enumerate(radii):
        r = float(rho) * r_unit
        for start in range(0, n, chunk_size):
            chunk = pts[start : start + chunk_size]
            neighbours = tree.query_ball_point(chunk, r, return_sorted=False)
            counts = np.fromiter(map(len, neighbours), dtype=np.int64, count=len(chunk))
            flat = np.fromiter(chain.from_iterable(neighbours), dtype=np.int64, count=int(counts.sum()))
            offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
            means = np.add.reduceat(pts[flat], offsets, axis=0) / counts[:, None]
            rows = slice(start, start + len(chunk))
            out[rows, 3 * c] = np.log1p(counts) / 5.0
            out[rows, 3 * c + 1 : 3 * c + 3] = (means - chunk) / r
    return torch.from_numpy(out).to(torch.float32)


def fields():
    """(name, normalised points, R): Figure 4a pair FOVs (2 sigma; the pair model's R) and
    benchmark FOVs at the quick preset's R (Scenario 8: 0.1; Scenario 6 blinking: 0.08)."""
    for fov in (1, 2, 3):
        table = cluster_pairs(fov_rng(0, "figure4a:2", fov), separation=2.0, **PAIRS)
        yield f"pairs 2 sigma FOV {fov}", normalize_fov(table[["x", "y"]].to_numpy())[0], 0.05
    for folder, radius in (("Ground Truth - Scenario 8", 0.1), ("Multiple Blinking - Scenario 6", 0.08)):
        files = list_fovs(BENCHMARK / folder)
        if not files:
            continue
        for fov in (1, 2):
            table = read_localizations(files[fov])
            yield f"{folder} FOV {fov}", normalize_fov(table[["x", "y"]].to_numpy())[0], radius


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("| field | points | Delaunay edges s | Laplacian PE s | mean shift, reference s (min / median) | mean shift, now s (min / median) | speed-up (median) | max abs diff |")
    print("|:--|--:|--:|--:|--:|--:|--:|--:|")
    for name, pts, radius in fields():
        t_edges, edges = timed(delaunay_edges, pts, radius)
        t_pe, _ = timed(laplacian_eigenvector_pe, edges, len(pts))
        before, after = [], []
        for _ in range(args.repeats):
            t_ref, ref = timed(reference_mean_shift, pts, radius)
            t_now, now = timed(mean_shift_features, pts, radius)
            before.append(t_ref)
            after.append(t_now)
        diff = float((ref - now).abs().max())
        speed = statistics.median(b / a for b, a in zip(before, after))
        print(f"| {name} | {len(pts)} | {t_edges:.3f} | {t_pe:.3f} | {min(before):.3f} / {statistics.median(before):.3f} "
              f"| {min(after):.3f} / {statistics.median(after):.3f} | {speed:.1f}x | {diff:.1e} |")


if __name__ == "__main__":
    main()
