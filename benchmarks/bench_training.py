"""Time training steps at several batch sizes and precisions: seconds per training graph.

A training epoch passes every graph of the training set through
:func:`miro.training.training_step` once; ``batch_size`` graphs go into each
step as one disjoint-union graph. The script takes the first ``--graphs``
graphs of a saved training set (``results/training_sets/<id>.pt`` of a
workflow run), builds the model with ``--hidden`` and ``--steps``, and for each
batch size and precision (``fp32``; ``bf16``: the forward pass under bfloat16
autocast, :func:`miro.training.train`'s ``precision``) runs one pass over those
graphs from the same initial weights, repeated ``--repeats`` times with the
settings interleaved (so that load from other processes hits each alike). It
prints min and median seconds per graph, their ratio to the first setting given,
and the mean loss of the pass (the same graphs and weights: fp32 and bf16 should
agree to a few per mille).

Usage::

    python benchmarks/bench_training.py results/training_sets/pairs.pt [--graphs 24] [--batch-sizes 1 2 4]
        [--precisions fp32 bf16] [--hidden 64] [--steps 12] [--repeats 3] [--threads 1] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from miro.nn.device import resolve_device
from miro.nn.model import MIRO
from miro.training import training_step
from miro.training.training_sets import load_training_set


def one_pass(graphs, batch_size: int, precision: str, hidden: int, steps: int, radius: float, node_features: str,
             device) -> tuple:
    """(seconds per graph, mean loss) of one pass over ``graphs`` in batches of ``batch_size``
    (fresh model and Adam, seed 0; the first batch is a warm-up, untimed)."""
    from torch_geometric.data import Batch

    torch.manual_seed(0)
    model = MIRO(hidden_channels=hidden, num_steps=steps, node_features=node_features).to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    batches = [Batch.from_data_list(graphs[i:i + batch_size]).to(device) for i in range(0, len(graphs), batch_size)]
    training_step(model, optimizer, batches[0], radius, num_steps=steps, precision=precision)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    t0 = time.perf_counter()
    losses = [training_step(model, optimizer, batch, radius, num_steps=steps, precision=precision) for batch in batches[1:]]
    loss = float(torch.stack(losses).mean())  # waits for the device
    return (time.perf_counter() - t0) / max(len(graphs) - batch_size, 1), loss


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("training_set")
    parser.add_argument("--graphs", type=int, default=24)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--precisions", nargs="+", choices=("fp32", "bf16"), default=["fp32"])
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cpu, cuda, auto (default cpu)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    graphs, metadata = load_training_set(args.training_set, return_metadata=True)
    graphs = list(graphs)[: args.graphs]
    node_features, radius = metadata.get("node_features", "laplacian"), metadata["connectivity_radius"]
    nodes = sum(g.num_nodes for g in graphs) / len(graphs)
    print(f"{len(graphs)} graphs of {nodes:.0f} nodes on average, hidden {args.hidden}, K {args.steps}, "
          f"{args.threads} thread(s), {device}" + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""))
    settings = [(size, precision) for size in args.batch_sizes for precision in args.precisions]
    times, losses = {s: [] for s in settings}, {}
    for _ in range(args.repeats):
        for size, precision in settings:
            seconds, losses[size, precision] = one_pass(graphs, size, precision, args.hidden, args.steps, radius, node_features, device)
            times[size, precision].append(seconds)
    reference = settings[0]
    print(f"| batch size | precision | s per graph (min) | s per graph (median) | median vs {reference[0]} / {reference[1]} | mean loss |")
    print("|---:|---|---:|---:|---:|---:|")
    for (size, precision), values in times.items():
        ratio = statistics.median(times[reference]) / statistics.median(values)
        print(f"| {size} | {precision} | {min(values):.4f} | {statistics.median(values):.4f} | {ratio:.2f}x faster | {losses[size, precision]:.6f} |")


if __name__ == "__main__":
    main()
