"""Scaling benchmark: tiled MIRO + DBSCAN versus plain DBSCAN on large simulated fields.

For each size N the script simulates one field in the style of the Nieves
et al. (2023) Scenario 8 benchmark at the benchmark's density (400
localizations per 2 µm × 2 µm: 20 Gaussian clusters of 5 or 15 molecules,
σ 25 nm, plus as many uniform localizations), i.e. a square field of side
2000 nm × sqrt(N / 400). It then measures, each in a **fresh subprocess**
so that peak memory is not inherited from earlier runs:

* ``MIRO``: load the model, :func:`miro.inference.tiling.tiled_squeeze` (2000 nm tiles,
  500 nm overlap), one DBSCAN on all squeezed points (eps 40.62 nm,
  min_samples 4: the released Scenario 8 settings);
* ``DBSCAN``: plain DBSCAN on the raw localizations (eps 50 nm,
  min_samples 4: the benchmark's Scenario 8 DBSCAN settings).

Wall time counts everything after the localizations are loaded (model
loading, tiling, graphs, network, DBSCAN). The MIRO row splits the squeeze
as :mod:`miro.inference.tiling` logs it: the workers' start method, graph building
(seconds summed over the processes that built graphs), the network (in the
workers on the CPU, in the measuring process on a GPU), how long the
measuring process waited for the workers, and when the first result came.
Peak memory is the largest resident set size: ``resource.getrusage`` of the
measuring process, and, with worker processes, the sum of the RSS of the
process and its children sampled every 0.2 s with psutil (an upper bound:
the workers share pages with the fork server they are forked from, which is
counted too). ARI against the simulated ground truth is printed as a sanity
check.

Usage::

    python benchmarks/bench_scale.py                       # 1e5, 3e5, 1e6 on the CPU
    python benchmarks/bench_scale.py --sizes 1e5 3e5 --device cpu
    python benchmarks/bench_scale.py --sizes 1e6 --workers 2
    python benchmarks/bench_scale.py --sizes 1e6 --device cuda --timeout 600

``--timeout`` stops a run that takes longer and prints where every thread
of the measuring process was (faulthandler), so a hang shows its place.

The model is ``model_scenario_8.pt`` of the authors (``--model``; default
the shared copy), or, when that file is absent, a freshly initialised model
of the same size (hidden 256, K 12): same cost, meaningless clusters; the
output says which.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO.parent / "shared" / "data" / "miro-authors" / "benchmark-models" / "model_scenario_8.pt"
RADIUS, STEPS, MIRO_EPS, MIRO_MIN_SAMPLES = 0.2, 12, 40.62, 4
DBSCAN_EPS, DBSCAN_MIN_SAMPLES = 50.0, 4
PER_FOV = 400  # localizations per 2 µm x 2 µm benchmark FOV (Scenario 8)


def simulate_field(n: int, seed: int = 0):
    """Scenario-8-style field with about ``n`` localizations; returns (xy nm, ground-truth labels)."""
    from miro.data.simulation import NIEVES_SCENARIOS, simulate

    fovs = n / PER_FOV
    side = 2000.0 * np.sqrt(fovs)
    n_clusters = max(2, int(round(20 * fovs)))
    table = simulate("benchmark", seed, **{**NIEVES_SCENARIOS["scenario_8"], "n_clusters": n_clusters, "fov": side})
    return table[["x", "y"]].to_numpy(), table["index"].to_numpy(), side


# --------------------------------------------------------------------------- measuring child


class _TreeSampler(threading.Thread):
    """Peak of the summed RSS of this process and its descendants, and their CPU seconds (psutil, every 0.2 s).

    The workers are children of the fork server, not of this process, so
    ``RUSAGE_CHILDREN`` misses them: a descendant's CPU time is its last
    sample (up to 0.2 s per process lost at its end). Without psutil both
    cover this process only.
    """

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.cpu = {}  # (pid, create_time) -> user + system seconds
        self.stop = threading.Event()

    def run(self):
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self.stop.is_set():
            total = me.memory_info().rss
            for process in me.children(recursive=True):
                try:
                    total += process.memory_info().rss
                    times = process.cpu_times()
                    self.cpu[process.pid, process.create_time()] = times.user + times.system
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.stop.wait(0.2)


def _own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class _TilingTimings(logging.Handler):
    """Keeps the phase timings that :func:`miro.inference.tiling.tiled_squeeze` logs."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.summary = {}

    def emit(self, record):
        self.summary.update(getattr(record, "tiling", {}))


def child(args) -> None:
    if args.timeout:
        faulthandler.dump_traceback_later(args.timeout, exit=True)
    # imports first: the timings below are the work, not Python start-up
    import torch

    from miro.inference.clustering import dbscan_labels

    if args.method == "miro":
        from miro.inference.tiling import tile_layout, tiled_squeeze
        from miro.nn.model import MIRO
        from miro.nn.weights import load_released

    xy = np.load(args.input)
    sampler = _TreeSampler()
    sampler.start()
    cpu0 = _own_cpu_seconds()
    t0 = time.perf_counter()
    info = {}
    if args.method == "dbscan":
        labels = dbscan_labels(xy, DBSCAN_EPS, DBSCAN_MIN_SAMPLES)
    else:
        if args.model and Path(args.model).is_file():
            model = load_released(args.model, num_steps=STEPS)
        else:
            torch.manual_seed(0)
            model = MIRO(hidden_channels=256, num_steps=STEPS).eval()
        timings = _TilingTimings()
        logging.getLogger("miro.inference.tiling").addHandler(timings)
        logging.getLogger("miro.inference.tiling").setLevel(logging.INFO)
        t1 = time.perf_counter()
        squeezed = tiled_squeeze(
            model,
            xy,
            RADIUS,
            tile_size_nm=2000.0,
            overlap_nm=args.overlap,
            device=args.device,
            progress=args.progress,
            workers=args.workers,
            batch_tiles=args.batch_tiles,
        )
        t2 = time.perf_counter()
        labels = dbscan_labels(squeezed, MIRO_EPS, MIRO_MIN_SAMPLES)
        t3 = time.perf_counter()
        info = {"load_s": t1 - t0, "squeeze_s": t2 - t1, "dbscan_s": t3 - t2, "tiles": tile_layout(xy, 2000.0, args.overlap).n_tiles, "tiling": timings.summary}
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    info["cpu_s"] = _own_cpu_seconds() - cpu0 + sum(sampler.cpu.values())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    np.save(args.output, labels)
    print(json.dumps({"wall_s": wall, "peak_bytes": max(own, sampler.peak), "own_peak_bytes": own, **info}))


# --------------------------------------------------------------------------- driver


def measure(method: str, data: Path, out: Path, args) -> dict:
    cmd = [sys.executable, __file__, "--_child", method, "--_input", str(data), "--_output", str(out), "--device", args.device, "--overlap", str(args.overlap)]
    if args.model:
        cmd += ["--model", str(args.model)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    if args.batch_tiles:
        cmd += ["--batch-tiles", str(args.batch_tiles)]
    if args.timeout:
        cmd += ["--timeout", str(args.timeout)]
    if args.progress:
        cmd += ["--progress"]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)  # stderr (progress, tracebacks) as it comes
    if done.returncode != 0:
        raise SystemExit(f"{method} run failed (exit {done.returncode}; after --timeout, the stacks above show where it was)")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _miro_details(result: dict) -> str:
    """Where the MIRO run's time went."""
    t = result["tiling"]
    if t["workers"] == 1:
        where = f"graphs {t['graphs_s']:.1f} s, model {t['model_s']:.1f} s, in one process"
    else:
        model_in = "workers" if t["model_in_workers"] else "parent"
        where = (
            f"{t['workers']} {t['start_method']} workers: graphs {t['graphs_s']:.1f} s (summed over processes), "
            f"model {t['model_s']:.1f} s (in the {model_in}), parent waited {t['wait_s']:.1f} s, first result after {t['first_result_s']:.1f} s"
        )
    return (
        f"{result['tiles']} tiles on {t['device']}; load {result['load_s']:.1f} s, squeeze {result['squeeze_s']:.1f} s "
        f"({where}), DBSCAN {result['dbscan_s']:.1f} s"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 3e5, 1e6], help="numbers of localizations (default 1e5 3e5 1e6)")
    parser.add_argument("--device", default="cpu", help="where the model runs (default cpu)")
    parser.add_argument("--model", default=str(DEFAULT_MODEL), help="released model_scenario_8.pt (default: the shared copy)")
    parser.add_argument("--workers", type=int, help="tile worker processes (default: miro.inference.tiling's, one per core)")
    parser.add_argument("--batch-tiles", type=int, help="tiles per model call (default: miro.inference.tiling's)")
    parser.add_argument("--overlap", type=float, default=500.0, help="tile overlap in nm (default 500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, help="seconds after which a measurement stops and prints its threads' stacks")
    parser.add_argument("--progress", action="store_true", help="show the tiles progress bar of the MIRO run on stderr")
    parser.add_argument("--_child", choices=("miro", "dbscan"), help=argparse.SUPPRESS, dest="method")
    parser.add_argument("--_input", help=argparse.SUPPRESS, dest="input")
    parser.add_argument("--_output", help=argparse.SUPPRESS, dest="output")
    args = parser.parse_args(argv)
    if args.method:
        child(args)
        return 0

    import torch
    from sklearn.metrics import adjusted_rand_score

    real_model = bool(args.model) and Path(args.model).is_file()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"bench_scale: {platform.processor() or platform.machine()}, {cores} usable CPU cores, torch {torch.__version__}, "
          f"device {args.device}, load average at start {os.getloadavg()[0]:.1f}")
    print(
        "model: "
        + (f"released {Path(args.model).name}" if real_model else "freshly initialised MIRO (hidden 256) - released weights not found, clusters meaningless")
        + f"; R {RADIUS}, K {STEPS}, tiles 2000 nm, overlap {args.overlap:g} nm; MIRO DBSCAN eps {MIRO_EPS} nm / {MIRO_MIN_SAMPLES}, "
        f"plain DBSCAN eps {DBSCAN_EPS:g} nm / {DBSCAN_MIN_SAMPLES}"
    )
    header = f"{'N':>9} {'field_um':>8} {'method':<18} {'wall_s':>8} {'cpu_s':>8} {'peak_MiB':>9} {'ARI_gt':>7}  details"
    print(header)
    print("-" * len(header))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            xy, truth, side = simulate_field(int(size), args.seed)
            data = Path(tmp) / f"field_{int(size)}.npy"
            np.save(data, xy)
            results = {}
            for method in ("miro", "dbscan"):
                out = Path(tmp) / f"labels_{method}_{int(size)}.npy"
                result = measure(method, data, out, args)
                result["ari"] = adjusted_rand_score(truth, np.load(out))
                results[method] = result
                name = "MIRO tiled+DBSCAN" if method == "miro" else "DBSCAN only"
                details = _miro_details(result) if method == "miro" else ""
                print(
                    f"{len(xy):>9} {side / 1000:>8.1f} {name:<18} {result['wall_s']:>8.1f} {result['cpu_s']:>8.1f} "
                    f"{result['peak_bytes'] / 2**20:>9.0f} {result['ari']:>7.3f}  {details}",
                    flush=True,
                )
            m, d = results["miro"], results["dbscan"]
            print(
                f"{'':>9} {'':>8} {'ratio MIRO/DBSCAN':<18} {m['wall_s'] / d['wall_s']:>7.1f}x {m['cpu_s'] / d['cpu_s']:>7.1f}x "
                f"{m['peak_bytes'] / d['peak_bytes']:>8.1f}x",
                flush=True,
            )
            rows.append((len(xy), m, d))
    print(f"load average at end {os.getloadavg()[0]:.1f} (wall times grow when other jobs share the {cores} cores; cpu_s does not)")
    target = [r for r in rows if r[0] >= 9e5]
    for n, m, _ in target:
        ok_time = m["wall_s"] <= 300
        ok_mem = m["peak_bytes"] <= 8 * 2**30
        print(
            f"target (1e6 localizations, <= 300 s and <= 8 GiB): {n} localizations took {m['wall_s']:.0f} s "
            f"({'met' if ok_time else 'MISSED'}), peak {m['peak_bytes'] / 2**30:.2f} GiB ({'met' if ok_mem else 'MISSED'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
