r"""Training MIRO: Adam over a static list of graphs, checkpoints and exact resume.

The authors' recipe (method notes §5): Adam (lr 1e-4, PyTorch defaults
otherwise), batch size 4, shuffled with a seeded generator, a constant learning
rate (or ours, a warm-up and cosine decay: :mod:`miro.training.schedule`), no
clipping, over a static dataset (:mod:`miro.training.training_sets`), minimising
:func:`miro.training.loss.miro_loss`. After every epoch the training state is
saved (:mod:`miro.training.state`) and the callbacks run (loss log, loss curve).
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from miro._validation import check_choice, check_count
from miro.errors import MiroInputError
from miro.nn.device import has_bf16_units, resolve_device
from miro.training.loss import VARIANTS, balanced_class_weights, miro_loss
from miro.training.schedule import LR_SCHEDULES, learning_rate
from miro.training.state import CHECKPOINT_NAME, fingerprint, restore_state, save_state
from miro.training.training_sets.graphs import tile_graphs

__all__ = ["PRECISIONS", "check_precision", "train", "training_step"]

# float32 throughout (the authors'), or a bfloat16-autocast forward pass (mixed precision)
PRECISIONS = ("fp32", "bf16")

logger = logging.getLogger(__name__)


def check_precision(precision: str, device) -> None:
    """Refuse an unknown ``precision``, and ``"bf16"`` where ``device`` has no bfloat16 units
    (:func:`miro.nn.device.has_bf16_units`): mixed precision would run slower than float32
    there, not faster (19x per step on an AVX2-only CPU)."""
    check_choice(precision, PRECISIONS, "precision")
    dev = torch.device(device)
    if precision == "bf16" and not has_bf16_units(dev):
        if dev.type == "cuda":
            what = torch.cuda.get_device_name(dev)
        elif dev.type == "cpu":
            what = f"CPU ({torch.backends.cpu.get_cpu_capability()})"
        else:
            what = dev.type
        raise MiroInputError(
            f"precision bf16: this {what} has no bfloat16 units, so mixed precision would train slower than "
            "float32 (19x per step on an AVX2-only CPU); use precision fp32 (workflow: training.precision; "
            "miro train: --precision), or bf16 on a GPU of compute capability >= 8.0 or a CPU with AVX-512 or AMX"
        )


def training_step(model, optimizer, batch, connectivity_radius: float, *, num_steps: int, precision: str = "fp32",
                  **loss_settings) -> Tensor:
    """One optimisation step on ``batch`` (already on the model's device): forward
    over ``num_steps`` recurrent steps (``precision="bf16"``: under bfloat16 autocast,
    the weights, their gradients and Adam's state staying float32), :func:`miro_loss`
    in float32 with ``loss_settings`` (``nd_weight``, ``variant``, ``cutoff_step``,
    ``class_weight``, ``class_weights``), backward, ``optimizer.step()``. Returns the
    detached loss."""
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(batch.x.device.type, dtype=torch.bfloat16, enabled=precision == "bf16"):
        outputs = model(batch.x, batch.edge_index, batch.edge_attr, num_steps=num_steps)
    loss = miro_loss(outputs.float(), batch, connectivity_radius, **loss_settings)
    loss.backward()
    optimizer.step()
    return loss.detach()


@contextmanager
def _deterministic(enabled: bool):
    previous = torch.are_deterministic_algorithms_enabled()
    previous_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    if enabled:
        torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous, warn_only=previous_warn)


def _check_dataset(dataset, variant: str) -> list:
    if isinstance(dataset, (str, os.PathLike)):
        from miro.training.training_sets.storage import load_training_set

        dataset = load_training_set(dataset)
    graphs = list(dataset)
    if not graphs:
        raise MiroInputError("dataset: no training graphs; build some with miro.training.training_sets.build_training_set")
    needed = {"standard": ("y",), "multiscale": ("y", "y_sub"), "classification": ("y", "y_class")}[variant]
    for name in ("x", "edge_index", "edge_attr", "position", *needed):
        if getattr(graphs[0], name, None) is None:
            raise MiroInputError(f"dataset: graph 0 has no {name!r}; build graphs with miro.training.training_sets (variant {variant!r})")
    return graphs


def _resident(graphs: list, dev: torch.device, max_share: float = 0.5) -> list:
    """The training graphs moved to the GPU once, when they take at most ``max_share`` of
    its free memory (batches are then collated there: no host-to-device copy per step);
    unchanged on the CPU or when they do not fit."""
    if dev.type != "cuda":
        return graphs
    size = sum(value.element_size() * value.numel() for g in graphs for _, value in g if torch.is_tensor(value))
    free, _ = torch.cuda.mem_get_info(dev)
    if size > max_share * free:
        logger.info("training graphs (%.0f MB) stay on the host: more than %.0f %% of the GPU's free memory", size / 1e6, 100 * max_share)
        return graphs
    return [g.to(dev) for g in graphs]


def _check_settings(model, graphs, *, variant, seed, lr, lr_schedule, connectivity_radius, num_steps, cutoff_step) -> tuple[float, int]:
    """Stop on a setting train() cannot use; return R and K."""
    check_choice(lr_schedule, LR_SCHEDULES, "lr_schedule")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise MiroInputError(f"seed: expected a non-negative integer, got {seed!r}")
    if not (isinstance(lr, (int, float)) and lr > 0 and math.isfinite(lr)):
        raise MiroInputError(f"lr: expected a positive learning rate, got {lr!r}")
    r = float(connectivity_radius)
    if not (r > 0 and math.isfinite(r)):
        raise MiroInputError(f"connectivity_radius: expected R > 0 in normalised units, got {connectivity_radius!r}")
    k_steps = int(num_steps) if num_steps is not None else int(model.num_steps)
    if variant == "multiscale" and (cutoff_step is None or not 0 < int(cutoff_step) < k_steps):
        raise MiroInputError(f"cutoff_step: must lie in 1..{k_steps - 1} for variant='multiscale' with K={k_steps}, got {cutoff_step!r}")
    if variant == "classification" and getattr(model, "out_channels", 2) <= 2:
        raise MiroInputError("variant='classification' needs a model built with out_channels = 2 + number of classes")
    if graphs[0].x.size(-1) != model.node_in:
        raise MiroInputError(
            f"dataset: the graphs have {graphs[0].x.size(-1)} node features but the model reads {model.node_in} "
            f"(node_features={model.node_features!r}); build the training set and the model with the same node_features"
        )
    return r, k_steps


def train(
    model,
    dataset,
    *,
    epochs: int,
    batch_size: int = 4,
    lr: float = 1e-4,
    lr_schedule: str = "constant",
    tiles: int = 1,
    connectivity_radius: float,
    nd_weight: float = 10.0,
    seed: int,
    device="auto",
    checkpoint_dir=None,
    resume: bool = True,
    progress: bool = True,
    callbacks: Sequence[Callable] = (),
    variant: str = "standard",
    cutoff_step: int | None = None,
    class_weight: float = 0.1,
    class_balance: bool = False,
    num_steps: int | None = None,
    precision: str = "fp32",
    deterministic: bool = True,
):
    r"""Train ``model`` on a static list of graphs (the authors' recipe).

    Parameters
    ----------
    model : miro.nn.model.MIRO
        Initialised by the caller (seed ``torch.manual_seed`` before building
        it for reproducible initial weights). Trained in place and moved to
        ``device``.
    dataset : sequence of Data, or path
        Training graphs (:mod:`miro.training.training_sets`), or a ``.pt`` file from
        :func:`miro.training.training_sets.save_training_set`.
    epochs : int
        Total number of epochs (the authors: 30). With ``resume``, training
        continues from the last completed epoch up to this number.
    batch_size : int, default 4
    lr : float, default 1e-4
        Adam learning rate (betas 0.9/0.999, eps 1e-8, no weight decay); the peak
        rate of a schedule.
    lr_schedule : {"constant", "cosine"}, default "constant"
        :func:`miro.training.schedule.learning_rate` over all ``epochs`` (the authors:
        constant). With ``"cosine"`` the rates depend on ``epochs``, so a training state
        is resumed only with the same ``epochs``.
    tiles : int, default 1
        Train on every graph cut into ``tiles`` x ``tiles`` pieces (features and targets of
        the whole graph, :func:`miro.training.training_sets.tile_graphs`): :math:`t^2` times
        the optimiser steps per epoch for about the same arithmetic. 1: the authors'.
    connectivity_radius : float
        :math:`R` the graphs were built with (normalised units).
    nd_weight : float, default 10
        :math:`\lambda_{ND}`.
    seed : int
        Seeds the DataLoader shuffle generator, and (at the start of a fresh
        run) ``torch``, ``numpy`` and ``random``.
    device : str or torch.device, default "auto"
        Where to train (:func:`miro.nn.device.resolve_device`): ``"auto"`` a GPU when
        one is visible, else the CPU; ``"cuda"`` without a GPU is an error.
    checkpoint_dir : path, optional
        After every epoch the full training state (model, Adam, epoch, loss
        history, RNG states of torch / numpy / python / the loader generator)
        is written atomically to ``checkpoint_dir / "last.pt"``.
    resume : bool, default True
        If ``checkpoint_dir/last.pt`` exists, restore it and continue. On the
        CPU the final weights are bit-identical to an uninterrupted run. A
        checkpoint from different settings (seed, lr, batch size, dataset
        size, variant...) is refused.
    progress : bool, default True
        tqdm bar over batches.
    callbacks : sequence of callables, optional
        Each is called with the history (list of dicts, below) after every
        epoch, once the training state is saved: e.g.
        :class:`miro.training.LossLog` (TSV) and :class:`miro.plotting.LossCurve` (PNG).
    variant : {"standard", "multiscale", "classification"}
    cutoff_step : int, optional
        mMIRO cutoff :math:`c` (authors' default 10).
    class_weight : float, default 0.1
        cMIRO cross-entropy weight.
    class_balance : bool, default False
        cMIRO: weight each class's cross-entropy by
        :func:`miro.training.loss.balanced_class_weights` of the training graphs (ours; the
        authors' loss weights every node alike).
    num_steps : int, optional
        :math:`K` for training; default ``model.num_steps``.
    precision : {"fp32", "bf16"}, default "fp32"
        ``"bf16"`` runs the forward pass under bfloat16 autocast (mixed precision: matrix
        products in bfloat16, the neighbour sums, the loss, the weights, their gradients
        and Adam in float32), for devices with bfloat16 units (refused elsewhere:
        :func:`check_precision`); ``"fp32"`` everything in float32 (the authors'). A
        training state resumes only with the same precision.
    deterministic : bool, default True
        ``torch.use_deterministic_algorithms(True, warn_only=True)`` during
        training (restored afterwards). GPU runs are not guaranteed to be
        bit-reproducible (scatter-add order).

    Returns
    -------
    model : MIRO
        Trained, in train mode, on ``device``.
    history : list of dict
        One ``{"epoch", "loss", "seconds"}`` per epoch (1-based epochs, mean
        batch loss), including epochs restored from the checkpoint.
    """
    from torch_geometric.loader import DataLoader

    check_choice(variant, VARIANTS, "variant")
    dev = resolve_device(device)
    check_precision(precision, dev)
    epochs = check_count(epochs, "epochs")
    batch_size = check_count(batch_size, "batch_size", 1)
    graphs = tile_graphs(_check_dataset(dataset, variant), tiles)
    r, k_steps = _check_settings(
        model, graphs, variant=variant, seed=seed, lr=lr, lr_schedule=lr_schedule, connectivity_radius=connectivity_radius,
        num_steps=num_steps, cutoff_step=cutoff_step,
    )
    # a schedule's rates depend on the number of epochs: its state resumes only with the same epochs
    schedule = {} if lr_schedule == "constant" else {"lr_schedule": lr_schedule, "epochs": epochs}
    # float32 states of earlier versions carry no precision key: they resume as before
    mixed = {} if precision == "fp32" else {"precision": precision}
    settings = fingerprint(
        seed=seed, lr=float(lr), batch_size=batch_size, num_graphs=len(graphs), variant=variant, **schedule, **mixed,
        nd_weight=float(nd_weight), connectivity_radius=r, cutoff_step=cutoff_step,
        class_weight=float(class_weight), class_balance=bool(class_balance), num_steps=k_steps,
        hidden_channels=int(getattr(model, "hidden_channels", 0)), out_channels=int(getattr(model, "out_channels", 2)),
    )
    class_weights = _class_weights(graphs, model) if variant == "classification" and class_balance else None
    loss_settings = dict(num_steps=k_steps, precision=precision, nd_weight=nd_weight, variant=variant, cutoff_step=cutoff_step,
                         class_weight=class_weight, class_weights=class_weights)

    model.to(dev)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loader_generator = torch.Generator().manual_seed(seed)
    state_path = Path(checkpoint_dir) / CHECKPOINT_NAME if checkpoint_dir is not None else None
    if state_path is not None and resume and state_path.is_file():
        history, start_epoch = _resume(state_path, epochs, settings, model, optimizer, loader_generator, dev)
        for callback in callbacks:  # the epochs done before: a job killed after its last epoch still gets its log
            callback(history)
    else:
        history, start_epoch = [], 0
        torch.manual_seed(seed)
        np.random.seed(seed % 2**32)
        random.seed(seed)

    loader = DataLoader(_resident(graphs, dev), batch_size=batch_size, shuffle=True, generator=loader_generator)
    rate = partial(learning_rate, float(lr), lr_schedule, total_steps=epochs * len(loader))  # rate(step), steps from epoch 1
    bar = _progress_bar((epochs - start_epoch) * len(loader)) if progress and start_epoch < epochs else None
    try:
        with _deterministic(deterministic):
            model.train()
            for epoch in range(start_epoch + 1, epochs + 1):
                history.append(_epoch(model, optimizer, loader, dev, r, loss_settings, epoch, bar, state_path, rate))
                if state_path is not None:
                    save_state(state_path, epoch=epoch, settings=settings, model=model, optimizer=optimizer, history=history,
                               loader_generator=loader_generator)
                for callback in callbacks:
                    callback(history)
                logger.info("epoch %d/%d: loss %.6g (%.1f s)", epoch, epochs, history[-1]["loss"], history[-1]["seconds"])
    finally:
        if bar is not None:
            bar.close()
    return model, history


def _class_weights(graphs, model) -> Tensor:
    """cMIRO's class-balanced cross-entropy weights of the training graphs (logged)."""
    weights = balanced_class_weights(graphs, int(model.out_channels) - 2)
    logger.info("class-balanced cross-entropy, weights %s", [round(float(w), 3) for w in weights])
    return weights


def _progress_bar(total: int):
    """A tqdm bar over ``total`` batches."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Training MIRO", unit="batch")


def _resume(state_path: Path, epochs: int, settings: dict, model, optimizer, loader_generator, dev) -> tuple[list, int]:
    """Restore the training state at ``state_path``: (history, last completed epoch). Refuses a
    state of more than ``epochs`` epochs (the model would hold more than its metadata says)."""
    history, start_epoch = restore_state(
        state_path, settings=settings, model=model, optimizer=optimizer, loader_generator=loader_generator, device=dev
    )
    if start_epoch > epochs:
        raise MiroInputError(
            f"{state_path}: holds {start_epoch} trained epochs, more than epochs={epochs}; "
            f"give epochs >= {start_epoch} or delete {state_path.parent} to train anew"
        )
    logger.info("resumed from %s after epoch %d", state_path, start_epoch)
    return history, start_epoch


def _epoch(model, optimizer, loader, dev, connectivity_radius: float, loss_settings: dict, epoch: int, bar, state_path,
           rate) -> dict:
    """One pass over the training graphs: ``{"epoch", "loss" (mean batch loss), "seconds"}``;
    ``rate(step)`` gives each step's learning rate (steps counted from the first epoch).

    Stops with one line when the loss or the weights stop being finite (the
    training diverged); the training state at ``state_path`` then still holds
    the last good epoch."""
    t0 = time.perf_counter()
    total, count = 0.0, 0
    for index, batch in enumerate(loader):
        step = (epoch - 1) * len(loader) + index
        for group in optimizer.param_groups:
            group["lr"] = rate(step)
        value = float(training_step(model, optimizer, batch.to(dev), connectivity_radius, **loss_settings))
        if not (math.isfinite(value) and bool(torch.stack([torch.isfinite(p).all() for p in model.parameters()]).all())):
            lr = optimizer.param_groups[0]["lr"]
            kept = f"; {state_path} keeps epoch {epoch - 1}" if state_path is not None and epoch > 1 else ""
            raise MiroInputError(
                f"lr: training diverged in epoch {epoch} with lr {lr:g} (loss {value:g} or weights not finite); "
                f"lower lr (the authors used 1e-4) or check the training graphs{kept}"
            )
        total += value
        count += 1
        if bar is not None:
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{value:.4g}")
    return {"epoch": epoch, "loss": total / max(count, 1), "seconds": time.perf_counter() - t0}
