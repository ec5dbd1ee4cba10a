"""Training MIRO: the authors' recipe, checkpoints and exact resume.

Training is Adam (lr 1e-4, PyTorch defaults otherwise), batch size 4,
shuffled with a seeded generator, no scheduler, no clipping, over a static
dataset (:mod:`miro.training.training_sets`).

The loss is :func:`miro.training.losses.miro_loss`. After every epoch the full
training state can be saved, and a run resumed from it gives the weights an
uninterrupted run gives (bit-identical on the CPU).
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

from miro._validation import check_choice, check_count
from miro.errors import MiroInputError
from miro.training.loss_log import plot_loss_curve, write_loss_log
from miro.training.losses import VARIANTS, balanced_class_weights, training_step

__all__ = ["CHECKPOINT_NAME", "train", "completed_epochs", "resolve_device"]

logger = logging.getLogger(__name__)

#: File name of the training state inside ``checkpoint_dir``.
CHECKPOINT_NAME = "last.pt"
_STATE_FORMAT = "miro-training-state"


def resolve_device(device) -> torch.device:
    """``torch.device(device)``; ``"cuda"`` without a GPU falls back to the CPU with a logged warning."""
    dev = torch.device(device if device is not None else "cpu")
    if dev.type == "cuda" and not torch.cuda.is_available():
        logger.warning("device %r requested but CUDA is not available; training on the CPU", str(device))
        return torch.device("cpu")
    return dev


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


def _rng_state(loader_generator: torch.Generator) -> dict:
    np_state = np.random.get_state()
    py_state = random.getstate()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": {
            "name": np_state[0],
            "key": torch.from_numpy(np_state[1].astype(np.int64)),
            "pos": int(np_state[2]),
            "has_gauss": int(np_state[3]),
            "cached_gaussian": float(np_state[4]),
        },
        "python": {"version": py_state[0], "internal": list(py_state[1]), "gauss_next": py_state[2]},
        "loader": loader_generator.get_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict, loader_generator: torch.Generator) -> None:
    torch.set_rng_state(state["torch"])
    n = state["numpy"]
    np.random.set_state((n["name"], n["key"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["cached_gaussian"]))
    p = state["python"]
    random.setstate((p["version"], tuple(p["internal"]), p["gauss_next"]))
    loader_generator.set_state(state["loader"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _atomic_save(obj, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def completed_epochs(checkpoint_dir) -> int:
    """Epochs already done by the training state in ``checkpoint_dir`` (:func:`train`
    resumes after them); 0 when there is none or it cannot be read."""
    path = Path(checkpoint_dir) / CHECKPOINT_NAME
    if not path.is_file():
        return 0
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # torch.load raises many types for a damaged file; train() reports it
        return 0
    return int(state["epoch"]) if isinstance(state, dict) and state.get("format") == _STATE_FORMAT else 0


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


def _fingerprint(**kwargs) -> dict:
    return {k: (float(v) if isinstance(v, float) else v) for k, v in kwargs.items()}


def train(
    model,
    dataset,
    *,
    epochs: int,
    batch_size: int = 4,
    lr: float = 1e-4,
    connectivity_radius: float,
    nd_weight: float = 10.0,
    seed: int,
    device="cpu",
    checkpoint_dir=None,
    resume: bool = True,
    progress: bool = True,
    loss_log=None,
    loss_plot=None,
    variant: str = "standard",
    cutoff_step: int | None = None,
    class_weight: float = 0.1,
    class_balance: bool = False,
    num_steps: int | None = None,
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
        Adam learning rate (betas 0.9/0.999, eps 1e-8, no weight decay).
    connectivity_radius : float
        :math:`R` the graphs were built with (normalised units).
    nd_weight : float, default 10
        :math:`\lambda_{ND}`.
    seed : int
        Seeds the DataLoader shuffle generator, and (at the start of a fresh
        run) ``torch``, ``numpy`` and ``random``.
    device : str, default "cpu"
        ``"cuda"`` falls back to the CPU, with a logged warning, when no GPU is available.
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
    loss_log : path, optional
        TSV (``epoch``, ``loss``, ``seconds``) rewritten after every epoch.
    loss_plot : path, optional
        Loss-curve PNG rewritten after every epoch. Default: ``loss_log``
        with suffix ``.png`` when ``loss_log`` is given.
    variant : {"standard", "multiscale", "classification"}
    cutoff_step : int, optional
        mMIRO cutoff :math:`c` (authors' default 10).
    class_weight : float, default 0.1
        cMIRO cross-entropy weight.
    class_balance : bool, default False
        cMIRO: weight each class's cross-entropy by
        :func:`~miro.training.losses.balanced_class_weights` of the training graphs (ours; the
        authors' loss weights every node alike).
    num_steps : int, optional
        :math:`K` for training; default ``model.num_steps``.
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
    epochs = check_count(epochs, "epochs")
    batch_size = check_count(batch_size, "batch_size", 1)
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
    graphs = _check_dataset(dataset, variant)
    if graphs[0].x.size(-1) != model.node_in:
        raise MiroInputError(
            f"dataset: the graphs have {graphs[0].x.size(-1)} node features but the model reads {model.node_in} "
            f"(node_features={model.node_features!r}); build the training set and the model with the same node_features"
        )
    dev = resolve_device(device)
    if loss_plot is None and loss_log is not None:
        loss_plot = Path(loss_log).with_suffix(".png")

    fingerprint = _fingerprint(
        seed=seed, lr=float(lr), batch_size=batch_size, num_graphs=len(graphs), variant=variant,
        nd_weight=float(nd_weight), connectivity_radius=r, cutoff_step=cutoff_step,
        class_weight=float(class_weight), class_balance=bool(class_balance), num_steps=k_steps,
        hidden_channels=int(getattr(model, "hidden_channels", 0)), out_channels=int(getattr(model, "out_channels", 2)),
    )
    ckpt_path = Path(checkpoint_dir) / CHECKPOINT_NAME if checkpoint_dir is not None else None
    class_weights = None
    if variant == "classification" and class_balance:
        class_weights = balanced_class_weights(graphs, int(model.out_channels) - 2)
        logger.info("class-balanced cross-entropy, weights %s", [round(float(w), 3) for w in class_weights])

    model.to(dev)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loader_generator = torch.Generator()
    loader_generator.manual_seed(seed)
    history: list[dict] = []
    start_epoch = 0

    if ckpt_path is not None and resume and ckpt_path.is_file():
        state = torch.load(ckpt_path, map_location="cpu", weights_only=True)
        if not isinstance(state, dict) or state.get("format") != _STATE_FORMAT:
            raise MiroInputError(f"{ckpt_path}: not a MIRO training state; delete it or pass resume=False")
        if state["fingerprint"] != fingerprint:
            diff = sorted(k for k in fingerprint if state["fingerprint"].get(k) != fingerprint[k])
            raise MiroInputError(
                f"{ckpt_path}: written with other settings ({', '.join(diff)} differ); "
                "delete the checkpoint directory or pass resume=False"
            )
        model.load_state_dict(state["model"])
        model.to(dev)
        optimizer.load_state_dict(state["optimizer"])
        history = [dict(h) for h in state["history"]]
        start_epoch = int(state["epoch"])
        _set_rng_state(state["rng"], loader_generator)
        logger.info("resumed from %s after epoch %d", ckpt_path, start_epoch)
    else:
        torch.manual_seed(seed)
        np.random.seed(seed % 2**32)
        random.seed(seed)

    graphs = _resident(graphs, dev)
    loader = DataLoader(graphs, batch_size=batch_size, shuffle=True, generator=loader_generator)
    bar = None
    if progress and start_epoch < epochs:
        from tqdm.auto import tqdm

        bar = tqdm(total=(epochs - start_epoch) * len(loader), desc="Training MIRO", unit="batch")

    try:
        with _deterministic(deterministic):
            model.train()
            for epoch in range(start_epoch + 1, epochs + 1):
                t0 = time.perf_counter()
                total, count = 0.0, 0
                for batch in loader:
                    loss = training_step(
                        model, optimizer, batch.to(dev), r, num_steps=k_steps, nd_weight=nd_weight, variant=variant,
                        cutoff_step=cutoff_step, class_weight=class_weight, class_weights=class_weights,
                    )
                    value = float(loss)
                    if not math.isfinite(value):
                        raise FloatingPointError(f"training loss became {value} in epoch {epoch}; lower lr or check the training graphs")
                    total += value
                    count += 1
                    if bar is not None:
                        bar.update(1)
                        bar.set_postfix(epoch=epoch, loss=f"{value:.4g}")
                history.append({"epoch": epoch, "loss": total / max(count, 1), "seconds": time.perf_counter() - t0})
                if ckpt_path is not None:
                    _atomic_save(
                        {
                            "format": _STATE_FORMAT,
                            "version": 1,
                            "epoch": epoch,
                            "fingerprint": fingerprint,
                            "model": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
                            "optimizer": _optimizer_state_cpu(optimizer),
                            "history": history,
                            "rng": _rng_state(loader_generator),
                        },
                        ckpt_path,
                    )
                if loss_log is not None:
                    write_loss_log(history, loss_log)
                if loss_plot is not None:
                    plot_loss_curve(history, loss_plot)
                logger.info("epoch %d/%d: loss %.6g (%.1f s)", epoch, epochs, history[-1]["loss"], history[-1]["seconds"])
    finally:
        if bar is not None:
            bar.close()
    return model, history


def _optimizer_state_cpu(optimizer) -> dict:
    def to_cpu(obj):
        if isinstance(obj, torch.Tensor):
            return obj.detach().cpu().clone()
        if isinstance(obj, dict):
            return {k: to_cpu(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [to_cpu(v) for v in obj]
        return obj

    return to_cpu(optimizer.state_dict())
