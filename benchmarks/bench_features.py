"""Where building one MIRO input graph goes: Laplacian eigenvectors and mean-shift features, before and after.

Inference squeezes every test FOV once, and for a quick-preset model (node features
``laplacian+meanshift``) building the FOV's graph costs more than the network: on a
Figure 4a pair FOV (~6 000 localizations, R = 0.05, K = 12, hidden 64) the forward pass
took 0.13 s and the graph 0.55 s (0.30 s mean-shift features, 0.19 s Laplacian
eigenvectors), on a Multiple Blinking Scenario 9 FOV (11 000 localizations) the graph
2.4 s of 2.5 (1.3 s eigenvectors: ARPACK took 2 300 iterations), profiled with cProfile on
2026-12-07. This script times the Delaunay edges of pair FOVs and benchmark FOVs, and
the two costly parts against the code they replaced, interleaved so that load from
other processes hits both alike: :func:`miro.nn.graph.laplacian_eigenvector_pe` (now
shift-invert mode) against ARPACK's ``which="SA"`` (``reference_laplacian_pe``), and
:func:`miro.nn.graph.mean_shift_features` (now one ``query_pairs`` and per-shell
bincounts) against one ``query_ball_point`` list per point and radius
(``reference_mean_shift``). It prints min / median times, the median ratio and the
largest difference of the float32 features.

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
from miro.nn import graph as graph_module
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


def reference_laplacian_pe(edges, n):
    """The Laplacian eigenvectors as computed until 2026-12-07: ARPACK asked for the smallest
    algebraic eigenvalues (``which="SA"``, PyG's call) instead of shift-invert mode."""
    shift = graph_module.EIGSH_SHIFT
    graph_module.EIGSH_SHIFT = None
    try:
        return laplacian_eigenvector_pe(edges, n)
    finally:
        graph_module.EIGSH_SHIFT = shift


def fields():
    """(name, normalised points, R): Figure 4a pair FOVs (2 sigma; the pair model's R) and
    benchmark FOVs at the quick preset's R (Scenarios 8 and 9 blinking: 0.1; Scenario 6 blinking: 0.08)."""
    for fov in (1, 2, 3):
        table = cluster_pairs(fov_rng(0, "figure4a:2", fov), separation=2.0, **PAIRS)
        yield f"pairs 2 sigma FOV {fov}", normalize_fov(table[["x", "y"]].to_numpy())[0], 0.05
    for folder, radius in (("Ground Truth - Scenario 8", 0.1), ("Multiple Blinking - Scenario 6", 0.08), ("Multiple Blinking - Scenario 9", 0.1)):
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
    print("| field | points | Delaunay edges s | Laplacian PE, reference s | Laplacian PE, now s | speed-up | max abs diff | mean shift, reference s | mean shift, now s | speed-up | max abs diff |")
    print("|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for name, pts, radius in fields():
        t_edges, edges = timed(delaunay_edges, pts, radius)
        row = []
        for reference, now, inputs in ((reference_laplacian_pe, laplacian_eigenvector_pe, (edges, len(pts))),
                                       (reference_mean_shift, mean_shift_features, (pts, radius))):
            before, after = [], []
            for _ in range(args.repeats):
                t_ref, ref = timed(reference, *inputs)
                t_now, result = timed(now, *inputs)
                before.append(t_ref)
                after.append(t_now)
            speed = statistics.median(b / a for b, a in zip(before, after))
            row.append(f"{min(before):.3f} / {statistics.median(before):.3f} | {min(after):.3f} / {statistics.median(after):.3f} "
                       f"| {speed:.1f}x | {float((ref - result).abs().max()):.1e}")
        print(f"| {name} | {len(pts)} | {t_edges:.3f} | {' | '.join(row)} |")


if __name__ == "__main__":
    main()
