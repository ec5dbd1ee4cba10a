"""Time MIRO's fused forward against the literal concatenate-then-linear form.

One real benchmark graph (Ground Truth Scenario 6, FOV 1: 2000 localizations,
R = 0.2, about 12k directed edges), K = 15 steps and 256 hidden channels as in
the paper, a fixed number of CPU threads. Both forms use the same parameters
(the released scenario-6 weights when present); the script checks that their
outputs and gradients agree to 1e-5, then times forward (no grad) and
forward + backward of an L1 loss, interleaving the two forms so that load from
other processes hits both alike, and prints min and median times and their
ratios.

Usage::

    python benchmarks/bench_model.py [--threads 2] [--repeats 7] [--profile]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import pandas as pd
import torch

from miro.nn.graph import build_graph, normalize_fov
from miro.nn.model import MIRO, reference_forward
from miro.nn.weights import load_released

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FOV = SHARED / "nieves2023-benchmark" / "Ground Truth - Scenario 6" / "elliptical_w_noise_MoleculeList_1.csv"
WEIGHTS = SHARED / "miro-authors" / "benchmark-models" / "model_scenario_6.pt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fov", type=Path, default=FOV, help="CSV with x,y in nm")
    parser.add_argument("--radius", type=float, default=0.2, help="connectivity radius R (normalised units)")
    parser.add_argument("--steps", type=int, default=15, help="recurrent steps K")
    parser.add_argument("--hidden", type=int, default=256, help="hidden channels")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats of each measurement")
    parser.add_argument("--profile", action="store_true", help="print the top operators of the fused forward+backward")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    df = pd.read_csv(args.fov)
    xy, _ = normalize_fov(df[["x", "y"]].to_numpy())
    graph = build_graph(xy, args.radius)
    if args.hidden == 256 and WEIGHTS.is_file():
        model, source = load_released(WEIGHTS, num_steps=args.steps), WEIGHTS.name
    else:
        torch.manual_seed(0)
        model, source = MIRO(hidden_channels=args.hidden, num_steps=args.steps).eval(), "random init"
    inputs = (graph.x, graph.edge_index, graph.edge_attr)
    target = torch.randn(args.steps, graph.num_nodes, 2, generator=torch.Generator().manual_seed(0))
    params = list(model.parameters())

    forms = {
        "fused": lambda: model(*inputs),
        "reference": lambda: reference_forward(model, *inputs),
    }

    # correctness on this graph
    out = {name: f() for name, f in forms.items()}
    max_out = (out["fused"] - out["reference"]).abs().max().item()
    grads = {name: torch.autograd.grad((o - target).abs().mean(), params) for name, o in out.items()}
    max_grad = max((a - b).abs().max().item() for a, b in zip(grads["fused"], grads["reference"]))
    print(f"graph: {args.fov.name}, N = {graph.num_nodes} nodes, E = {graph.num_edges} directed edges, R = {args.radius}")
    print(f"model: hidden {args.hidden}, K = {args.steps}, weights: {source}; torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"max |fused - reference|: outputs {max_out:.2e}, gradients {max_grad:.2e} (tolerance 1e-5)")
    if max_out > 1e-5 or max_grad > 1e-5:
        raise SystemExit("fused and reference forms disagree")

    def fwd(f):
        with torch.no_grad():
            f()

    def fwd_bwd(f):
        model.zero_grad(set_to_none=True)
        (f() - target).abs().mean().backward()

    times = {(kind, name): [] for kind in ("forward", "forward+backward") for name in forms}
    for name, f in forms.items():  # warm-up
        fwd(f)
        fwd_bwd(f)
    for _ in range(args.repeats):
        for kind, run in (("forward", fwd), ("forward+backward", fwd_bwd)):
            for name, f in forms.items():
                t0 = time.perf_counter()
                run(f)
                times[(kind, name)].append(time.perf_counter() - t0)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"1-min load average after timing: {load:.2f} on {os.cpu_count()} cores (times are wall clock; other load inflates them)")
    print(f"{'':18s}{'fused min':>11s}{'median':>9s}{'reference min':>15s}{'median':>9s}{'speed-up min':>14s}{'median':>9s}")
    for kind in ("forward", "forward+backward"):
        f_t, r_t = times[(kind, "fused")], times[(kind, "reference")]
        fmin, fmed, rmin, rmed = min(f_t), statistics.median(f_t), min(r_t), statistics.median(r_t)
        print(f"{kind:18s}{fmin:10.3f}s{fmed:8.3f}s{rmin:14.3f}s{rmed:8.3f}s{rmin / fmin:13.2f}x{rmed / fmed:8.2f}x")

    if args.profile:
        from torch.profiler import profile

        with profile() as prof:
            fwd_bwd(forms["fused"])
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))


if __name__ == "__main__":
    main()
