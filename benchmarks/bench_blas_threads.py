"""Graph building with numpy's / SciPy's OpenBLAS in its default threads against one thread.

The workflow's jobs build MIRO graphs (Delaunay edges, Laplacian eigenvectors of every
connected component, mean-shift features) while other jobs keep the machine's cores busy.
OpenBLAS starts one thread per core by default; on matrices this small the extra threads
spin against the other jobs. The Snakefile therefore sets ``OPENBLAS_NUM_THREADS=1`` for
every job. This script builds the graphs of ``benchmarks/bench_features.py``'s fields (Figure
4a pair FOVs and benchmark FOVs, quick-preset R, ``laplacian+meanshift`` features) in child
processes with and without that variable, interleaved, while ``--busy`` processes spin (the
other jobs; default 1, the second core of a 2-core machine). It prints min / median seconds of
each setting, the median ratio, and whether the features were bit-identical.

Usage::

    python benchmarks/bench_blas_threads.py [--repeats 5] [--busy 1]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time


def child() -> None:
    """Build every field's graph once after a warm-up; print seconds and a hash of the features."""
    import torch
    from bench_features import fields  # benchmarks/ is the script's folder

    from miro.nn.graph import graph_tensors

    torch.set_num_threads(1)
    cases = list(fields())
    graph_tensors(cases[0][1], cases[0][2], node_features="laplacian+meanshift")  # warm-up: imports, first calls
    digest = hashlib.sha256()
    started = time.perf_counter()
    for _, points, radius in cases:
        digest.update(graph_tensors(points, radius, node_features="laplacian+meanshift").x.numpy().tobytes())
    print(json.dumps({"seconds": time.perf_counter() - started, "features": digest.hexdigest()}))


def spin() -> None:
    while True:
        pass


def measure(threads: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if threads is not None:
        env["OPENBLAS_NUM_THREADS"] = threads
    out = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--busy", type=int, default=1, help="spinning processes during the measurement (default 1)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.busy)]
    for process in spinners:
        process.start()
    try:
        runs = {"default": [], "OPENBLAS_NUM_THREADS=1": []}
        for _ in range(args.repeats):
            runs["default"].append(measure(None))
            runs["OPENBLAS_NUM_THREADS=1"].append(measure("1"))
    finally:
        for process in spinners:
            process.terminate()
    print(f"{os.cpu_count()} CPUs, {args.busy} busy process(es), {args.repeats} repeats\n")
    print("| OpenBLAS threads | min s | median s |")
    print("|:--|--:|--:|")
    for name, results in runs.items():
        seconds = [r["seconds"] for r in results]
        print(f"| {name} | {min(seconds):.2f} | {statistics.median(seconds):.2f} |")
    ratio = statistics.median(a["seconds"] / b["seconds"] for a, b in zip(*runs.values()))
    identical = len({r["features"] for results in runs.values() for r in results}) == 1
    print(f"\nmedian ratio default / one thread: {ratio:.2f}x; features bit-identical across all runs: {identical}")


if __name__ == "__main__":
    main()
