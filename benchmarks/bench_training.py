"""Time training steps on the CPU at several batch sizes: seconds per training graph.

A training epoch passes every graph of the training set through
:func:`miro.training.training_step` once; ``batch_size`` graphs go into each
step as one disjoint-union graph. The script takes the first ``--graphs``
graphs of a saved training set (``results/training_sets/<id>.pt`` of a
workflow run), builds the model with ``--hidden`` and ``--steps``, and for each
batch size runs one pass over those graphs, repeated ``--repeats`` times with
the batch sizes interleaved (so that load from other processes hits each
alike). It prints min and median seconds per graph and their ratio to the
largest batch size given.

Usage::

    python benchmarks/bench_training.py results/training_sets/pairs.pt [--graphs 24] [--batch-sizes 1 2 4]
        [--hidden 64] [--steps 12] [--repeats 3] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from miro.nn.model import MIRO
from miro.training import training_step
from miro.training.training_sets import load_training_set


def one_pass(graphs, batch_size: int, hidden: int, steps: int, radius: float, node_features: str) -> float:
    """Seconds per graph of one pass over ``graphs`` in batches of ``batch_size`` (fresh model and Adam)."""
    from torch_geometric.data import Batch

    torch.manual_seed(0)
    model = MIRO(hidden_channels=hidden, num_steps=steps, node_features=node_features).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [Batch.from_data_list(graphs[i:i + batch_size]) for i in range(0, len(graphs), batch_size)]
    t0 = time.perf_counter()
    for batch in batches:
        training_step(model, optimizer, batch, radius, num_steps=steps)
    return (time.perf_counter() - t0) / len(graphs)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("training_set")
    parser.add_argument("--graphs", type=int, default=24)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    graphs, metadata = load_training_set(args.training_set, return_metadata=True)
    graphs = list(graphs)[: args.graphs]
    node_features, radius = metadata.get("node_features", "laplacian"), metadata["connectivity_radius"]
    nodes = sum(g.num_nodes for g in graphs) / len(graphs)
    print(f"{len(graphs)} graphs of {nodes:.0f} nodes on average, hidden {args.hidden}, K {args.steps}, {args.threads} thread(s)")
    times = {size: [] for size in args.batch_sizes}
    for _ in range(args.repeats):
        for size in args.batch_sizes:
            times[size].append(one_pass(graphs, size, args.hidden, args.steps, radius, node_features))
    reference = max(args.batch_sizes)
    print("| batch size | s per graph (min) | s per graph (median) | median vs batch size %d |" % reference)
    print("|---:|---:|---:|---:|")
    for size, values in times.items():
        ratio = statistics.median(times[reference]) / statistics.median(values)
        print(f"| {size} | {min(values):.3f} | {statistics.median(values):.3f} | {ratio:.2f}x faster |")


if __name__ == "__main__":
    main()
