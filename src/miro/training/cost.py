r"""How long a training will take on this machine, measured before it starts.

Training cost grows with the number of nodes the network sees: each of the
:math:`K` recurrent steps does a fixed amount of work per node and per edge,
and the edges of a radius graph grow with its nodes. So a few optimisation
steps on real batches of the training set give the cost per node,

.. math::
    c = \frac{\sum_{b \in P} t_b}{\sum_{b \in P} n_b}
    \quad \text{(s per node)}, \qquad
    T \approx c \; E \sum_{g} n_g ,

with :math:`P` the timed probe batches, :math:`t_b` the wall time of one
optimisation step (forward over :math:`K` steps, loss, backward, Adam) on
batch :math:`b` of :math:`n_b` nodes, :math:`E` the epochs still to run and
:math:`n_g` the nodes of training graph :math:`g`. The first probe batch is a
warm-up (memory allocation, lazy initialisation) and is not timed unless it
alone exceeds the time budget. The probe trains a *copy* of the model with
its own optimiser inside a forked random-number state, so the real training
starts from the same weights and random state as without the estimate.

The estimate measures this machine as it is now (threads, other load); it is
meant for orders of magnitude — minutes, hours or days — not for seconds.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import torch

from miro._validation import check_count
from miro.errors import MiroInputError
from miro.nn.device import resolve_device
from miro.training.loop import check_precision, training_step
from miro.training.training_sets.graphs import tile_graphs

__all__ = ["TrainingCost", "estimate_training_seconds", "format_duration"]


@dataclass(frozen=True)
class TrainingCost:
    """Measured cost of a training (see the module notes).

    Attributes
    ----------
    seconds : float
        Estimated wall time of the remaining epochs :math:`T` (s).
    seconds_per_epoch : float
        :math:`c \\sum_g n_g` (s).
    seconds_per_node : float
        :math:`c` (s per node and optimisation step).
    epochs : int
        Epochs the estimate covers.
    probe_batches : int
        Batches timed.
    device : str
        Where the probe ran.
    """

    seconds: float
    seconds_per_epoch: float
    seconds_per_node: float
    epochs: int
    probe_batches: int
    device: str


def estimate_training_seconds(
    model,
    graphs,
    *,
    epochs: int,
    batch_size: int,
    connectivity_radius: float,
    lr: float = 1e-4,
    num_steps: int | None = None,
    tiles: int = 1,
    device="cpu",
    max_probe_batches: int = 3,
    time_budget: float = 20.0,
    **loss_settings,
) -> TrainingCost:
    r"""Time a few optimisation steps and extrapolate to ``epochs`` epochs.

    Parameters
    ----------
    model : miro.nn.model.MIRO
        The model to be trained; left untouched (a copy is probed).
    graphs : sequence of Data
        The training graphs (:mod:`miro.training.training_sets`).
    epochs : int
        Epochs to estimate (those still to run), ``>= 0``.
    batch_size : int
        Graphs per optimisation step, as in :func:`miro.training.train`.
    connectivity_radius : float
        :math:`R` (normalised units).
    lr : float, default 1e-4
        Adam learning rate of the probe's optimiser.
    num_steps : int, optional
        :math:`K`; default ``model.num_steps``.
    tiles : int, default 1
        Pieces per side of every graph, as in :func:`miro.training.train`: the
        probe steps on pieces of the first graphs (the cost is per node, and the
        pieces of a graph hold its nodes).
    device : str, default "cpu"
        Where the training will run (``"cuda"`` falls back to the CPU).
    max_probe_batches : int, default 3
        Batches to run at most, the first one a warm-up; batches are
        consecutive graphs of ``graphs``.
    time_budget : float, default 20
        Stop probing once this many seconds have passed (s); at least one
        batch after the warm-up is timed when the warm-up took less.
    **loss_settings
        ``nd_weight``, ``variant``, ``cutoff_step``, ``class_weight``,
        ``class_weights`` of :func:`miro.training.miro_loss`.

    Returns
    -------
    TrainingCost
    """
    graphs = list(graphs)
    if not graphs:
        raise MiroInputError("graphs: no training graphs to time")
    epochs = check_count(epochs, "epochs")
    batch_size = check_count(batch_size, "batch_size", 1)
    if not isinstance(max_probe_batches, int) or max_probe_batches < 2:
        raise MiroInputError(f"max_probe_batches: expected an integer >= 2 (a warm-up and a timed batch), got {max_probe_batches!r}")
    from torch_geometric.data import Batch

    total_nodes = sum(g.num_nodes for g in graphs)
    graphs = tile_graphs(graphs[: max_probe_batches * batch_size], tiles)
    dev = resolve_device(device)
    check_precision(loss_settings.get("precision", "fp32"), dev)
    k_steps = int(num_steps) if num_steps is not None else int(model.num_steps)
    probe = copy.deepcopy(model).to(dev).train()
    optimizer = torch.optim.Adam(probe.parameters(), lr=lr)
    times, nodes = [], []
    started = time.perf_counter()
    with torch.random.fork_rng(devices=[dev] if dev.type == "cuda" else []):
        for b in range(max_probe_batches):
            chunk = [graphs[(b * batch_size + i) % len(graphs)] for i in range(batch_size)]
            batch = Batch.from_data_list(chunk).to(dev)
            t0 = time.perf_counter()
            training_step(probe, optimizer, batch, connectivity_radius, num_steps=k_steps, **loss_settings)
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            times.append(time.perf_counter() - t0)
            nodes.append(batch.num_nodes)
            if time.perf_counter() - started >= time_budget:
                break
    timed = slice(1, None) if len(times) > 1 else slice(0, 1)
    per_node = sum(times[timed]) / max(sum(nodes[timed]), 1)
    per_epoch = per_node * total_nodes
    return TrainingCost(
        seconds=per_epoch * epochs,
        seconds_per_epoch=per_epoch,
        seconds_per_node=per_node,
        epochs=epochs,
        probe_batches=len(times),
        device=str(dev),
    )


def format_duration(seconds: float) -> str:
    """A duration for people: ``"40 s"``, ``"12 min"``, ``"3.4 h"``, ``"2.1 days"``."""
    if not math.isfinite(seconds):
        return "an unknown time"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
