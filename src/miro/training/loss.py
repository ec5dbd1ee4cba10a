r"""The authors' training loss of MIRO, mMIRO and cMIRO.

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
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from miro._validation import check_choice
from miro.errors import MiroInputError

__all__ = ["VARIANTS", "nd_loss", "miro_loss", "balanced_class_weights"]

VARIANTS = ("standard", "multiscale", "classification")


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
