r"""Training MIRO: the authors' loss, Adam, checkpoints and exact resume.

The loss (method notes §5; ``deeplay/applications/clustering/{miro,mmiro,cmiro}.py``)
is, for a batch of graphs with :math:`K` step predictions
:math:`\hat{\mathbf{y}}^k` (units of :math:`R`),

.. math::
    L = \frac{1}{K} \sum_{k=1}^{K} \Big[ \mathrm{L1}(\hat{\mathbf{y}}^k,
        \mathbf{y}) + \lambda_{ND}\, \mathrm{ND}(\hat{\mathbf{y}}^k,
        \mathbf{y}) \Big]

with :math:`\mathrm{L1}` the mean absolute error over all nodes and both
coordinates (background nodes, target 0, included) and the
distance-preservation term over all edges :math:`(i, j)` of the batch

.. math::
    \mathrm{ND} = \operatorname{mean}_{(i,j)} \big|\,
        \lVert \hat{\mathbf{s}}_i - \hat{\mathbf{s}}_j \rVert -
        \lVert \mathbf{s}_i - \mathbf{s}_j \rVert \,\big|, \qquad
    \hat{\mathbf{s}} = \mathbf{p} - R\hat{\mathbf{y}}^k,\;
    \mathbf{s} = \mathbf{p} - R\mathbf{y},

in *position* units (normalised, not divided by :math:`R`), and
:math:`\lambda_{ND} = 10`. Variants:

* ``"multiscale"`` (mMIRO): steps :math:`1..c` (``cutoff_step`` = c) use
  ``y_sub`` in both terms, steps :math:`c+1..K` use ``y``.
* ``"classification"`` (cMIRO): the head has :math:`2 + C` outputs; each step
  adds :math:`\lambda_{CE}\,\mathrm{CE}(\text{logits}^k, y_{class})` over
  all nodes (background class 0 included), :math:`\lambda_{CE} = 0.1`.
  Optionally (``class_balance=True``, ours; off by default) each class's
  term is weighted by :math:`w_c = N / (C\,n_c)`, with :math:`n_c` the
  training nodes of class :math:`c` (:func:`balanced_class_weights`), so a
  rarer shape is not out-voted by a frequent one.

Training is Adam (lr 1e-4, PyTorch defaults otherwise), batch size 4,
shuffled with a seeded generator, no scheduler, no clipping, over a static
dataset (:mod:`miro.training.training_sets`).
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from miro._validation import check_choice, check_count
from miro.errors import MiroInputError

__all__ = [
    "VARIANTS",
    "nd_loss",
    "miro_loss",
    "balanced_class_weights",
    "train",
    "training_step",
    "completed_epochs",
    "resolve_device",
    "write_loss_log",
    "plot_loss_curve",
    "read_loss_log",
    "CHECKPOINT_NAME",
]

logger = logging.getLogger(__name__)

VARIANTS = ("standard", "multiscale", "classification")

#: File name of the training state inside ``checkpoint_dir``.
CHECKPOINT_NAME = "last.pt"
_STATE_FORMAT = "miro-training-state"


# --------------------------------------------------------------------------
# Loss
# --------------------------------------------------------------------------


def nd_loss(
    pred: Tensor,
    target: Tensor,
    position: Tensor,
    edge_index: Tensor,
    connectivity_radius: float,
) -> Tensor:
    r"""Distance-preservation term ND (authors' ``compute_nd_loss``), position units.

    Parameters
    ----------
    pred : Tensor of shape (N, 2) or (K, N, 2)
        Predicted displacements :math:`\hat{\mathbf{y}}` in units of :math:`R`
        (one or several steps).
    target : Tensor of shape (N, 2) or (K, N, 2)
        :math:`\mathbf{y}`, broadcast against ``pred``.
    position : Tensor of shape (N, 2)
        :math:`\mathbf{p}`, normalised units.
    edge_index : Tensor of shape (2, E)
    connectivity_radius : float
        :math:`R`.

    Returns
    -------
    Tensor
        Scalar: the mean over edges (and steps) of
        :math:`|\lVert\hat{\mathbf{s}}_i - \hat{\mathbf{s}}_j\rVert -
        \lVert\mathbf{s}_i - \mathbf{s}_j\rVert|`. With no edges, 0.
    """
    src, dst = edge_index[0], edge_index[1]
    if src.numel() == 0:
        return pred.sum() * 0.0
    s_pred = position - pred * connectivity_radius
    s_gt = position - target * connectivity_radius
    d_pred = torch.linalg.vector_norm(s_pred[..., src, :] - s_pred[..., dst, :], dim=-1)
    d_gt = torch.linalg.vector_norm(s_gt[..., src, :] - s_gt[..., dst, :], dim=-1)
    d_gt = d_gt.expand_as(d_pred)
    return F.l1_loss(d_pred, d_gt.detach())


def _step_targets(y: Tensor, y_sub: Tensor | None, k_steps: int, cutoff: int | None) -> Tensor:
    """Target per step, (K, N, 2): ``y_sub`` for steps < cutoff, ``y`` after (mMIRO)."""
    if cutoff is None:
        return y.unsqueeze(0).expand(k_steps, -1, -1)
    return torch.cat([y_sub.unsqueeze(0).expand(cutoff, -1, -1), y.unsqueeze(0).expand(k_steps - cutoff, -1, -1)])


def miro_loss(
    outputs: Tensor,
    batch,
    connectivity_radius: float,
    *,
    nd_weight: float = 10.0,
    variant: str = "standard",
    cutoff_step: int | None = None,
    class_weight: float = 0.1,
    class_weights: Tensor | None = None,
    return_parts: bool = False,
):
    r"""The authors' training loss for one batch (module notes).

    Parameters
    ----------
    outputs : Tensor of shape (K, N, 2 + C)
        :meth:`miro.nn.model.MIRO.forward` of the batch.
    batch : Data or Batch
        ``y`` (N, 2), ``position`` (N, 2), ``edge_index``; ``y_sub`` for
        ``"multiscale"``, ``y_class`` (N,) int64 for ``"classification"``.
    connectivity_radius : float
        :math:`R` (normalised units).
    nd_weight : float, default 10
    variant : {"standard", "multiscale", "classification"}
    cutoff_step : int, optional
        :math:`c` for ``"multiscale"``, in ``1..K-1``: steps ``1..c`` train on ``y_sub``.
    class_weight : float, default 0.1
        :math:`\lambda_{CE}` for ``"classification"``.
    class_weights : Tensor of shape (C,), optional
        Per-class weights of the cross-entropy (:func:`balanced_class_weights`);
        default all 1 (the authors').
    return_parts : bool, default False
        Also return a dict of the averaged terms (``l1``, ``nd``, ``ce``).

    Returns
    -------
    Tensor (scalar), or (Tensor, dict)

    Notes
    -----
    All steps have the same number of nodes and edges, so the mean over steps
    of per-step means equals one mean over all steps; it is computed that way.
    """
    check_choice(variant, VARIANTS, "variant")
    if outputs.dim() != 3 or outputs.size(-1) < 2:
        raise MiroInputError(f"outputs: expected shape (K, N, 2 + C), got {tuple(outputs.shape)}")
    k_steps = outputs.size(0)
    disp = outputs[..., :2]
    if variant == "multiscale":
        if getattr(batch, "y_sub", None) is None:
            raise MiroInputError("variant='multiscale' needs y_sub targets in the training graphs (clusters with a sublabel column)")
        if cutoff_step is None or not 0 < int(cutoff_step) < k_steps:
            raise MiroInputError(f"cutoff_step: must lie in 1..{k_steps - 1} for K={k_steps} steps, got {cutoff_step!r}")
        target = _step_targets(batch.y, batch.y_sub, k_steps, int(cutoff_step))
        nd_target = target
    else:
        target = _step_targets(batch.y, None, k_steps, None)
        nd_target = batch.y  # same for every step: ground-truth distances computed once
    l1 = F.l1_loss(disp, target)
    nd = nd_loss(disp, nd_target, batch.position, batch.edge_index, connectivity_radius)
    total = l1 + nd_weight * nd
    parts = {"l1": l1.detach(), "nd": nd.detach()}
    if variant == "classification":
        if getattr(batch, "y_class", None) is None:
            raise MiroInputError("variant='classification' needs y_class targets in the training graphs (clusters with a class column)")
        logits = outputs[..., 2:]
        if logits.size(-1) == 0:
            raise MiroInputError("variant='classification' needs a model with out_channels = 2 + number of classes")
        weight = None if class_weights is None else class_weights.to(logits.device, logits.dtype)
        ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), batch.y_class.repeat(k_steps), weight=weight)
        total = total + class_weight * ce
        parts["ce"] = ce.detach()
    if return_parts:
        return total, parts
    return total


def training_step(model, optimizer, batch, connectivity_radius: float, *, num_steps: int, **loss_settings) -> Tensor:
    """One optimisation step on ``batch`` (already on the model's device): forward
    over ``num_steps`` recurrent steps, :func:`miro_loss` with ``loss_settings``
    (``nd_weight``, ``variant``, ``cutoff_step``, ``class_weight``,
    ``class_weights``), backward, ``optimizer.step()``. Returns the detached loss."""
    optimizer.zero_grad(set_to_none=True)
    outputs = model(batch.x, batch.edge_index, batch.edge_attr, num_steps=num_steps)
    loss = miro_loss(outputs, batch, connectivity_radius, **loss_settings)
    loss.backward()
    optimizer.step()
    return loss.detach()


# --------------------------------------------------------------------------
# Helpers: device, determinism, RNG state, logs
# --------------------------------------------------------------------------


def balanced_class_weights(graphs, num_classes: int) -> Tensor:
    r"""Cross-entropy weights that balance the classes of a training set.

    .. math:: w_c = \frac{N}{C\,n_c}

    with :math:`N` the nodes of all ``graphs``, :math:`n_c` the nodes of class
    :math:`c` (``y_class``) and :math:`C` the number of classes present; a
    class absent from the graphs gets weight 0. Every node then contributes as if the
    classes were equally frequent (scikit-learn's ``class_weight="balanced"``).

    Returns
    -------
    Tensor of shape (num_classes,), float32
    """
    counts = torch.zeros(num_classes, dtype=torch.float64)
    for graph in graphs:
        y = graph.y_class.long()
        if y.numel() and int(y.max()) >= num_classes:
            raise MiroInputError(f"dataset: class {int(y.max())} found, but the model has {num_classes} classes")
        counts += torch.bincount(y, minlength=num_classes).double()
    present = counts > 0
    weights = torch.zeros(num_classes, dtype=torch.float64)
    weights[present] = counts.sum() / (int(present.sum()) * counts[present])
    return weights.float()


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


def write_loss_log(history: Sequence[dict], path) -> Path:
    """Write the per-epoch history as TSV with columns ``epoch``, ``loss``, ``seconds``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["epoch\tloss\tseconds"]
    lines += [f"{h['epoch']}\t{h['loss']:.9g}\t{h['seconds']:.3f}" for h in history]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return path


def read_loss_log(path) -> list[dict]:
    """Read a TSV written by :func:`write_loss_log`."""
    rows = Path(path).read_text().strip().splitlines()[1:]
    out = []
    for row in rows:
        epoch, loss, seconds = row.split("\t")
        out.append({"epoch": int(epoch), "loss": float(loss), "seconds": float(seconds)})
    return out


def plot_loss_curve(history: Sequence[dict], path, title: str | None = None) -> Path:
    """Save the loss curve (mean training loss per epoch) as a PNG (matplotlib Agg)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(4.5, 3.2), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    epochs = [h["epoch"] for h in history]
    losses = [h["loss"] for h in history]
    ax.plot(epochs, losses, marker="o", ms=3, lw=1.2)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean training loss")
    if losses and min(losses) > 0 and max(losses) / min(losses) > 20:
        ax.set_yscale("log")
    if title:
        ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    return path


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


# --------------------------------------------------------------------------
# Training loop
# --------------------------------------------------------------------------


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
        :func:`balanced_class_weights` of the training graphs (ours; the
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
