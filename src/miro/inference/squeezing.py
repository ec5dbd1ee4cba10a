r"""Squeeze localizations with a trained MIRO model, then cluster them.

MIRO predicts, for every localization, its displacement to its cluster centre
in units of the connectivity radius :math:`R`. *Squeezing* applies it,
:math:`\mathbf{s}_i = \mathbf{p}_i - R\,\hat{\mathbf{y}}^k_i`, and DBSCAN on
the squeezed points gives the clusters (method notes §7; the authors'
``MIRO.squeeze`` and ``MIRO.clustering``). There is no other
post-processing.
"""

from __future__ import annotations

import numpy as np
import torch

from miro._validation import check_radius
from miro.errors import MiroInputError
from miro.inference.clustering import dbscan_labels
from miro.nn.graph import Normalization, graph_tensors, normalize_fov
from miro.nn.model import MIRO

__all__ = ["MAX_DISPLACEMENT", "step_output", "squeeze", "fov_graph", "squeeze_fov", "miro_dbscan"]

#: Largest predicted displacement accepted, in units of R: trained models predict below 1 (the
#: released ones about 0.2 on the benchmark); far larger ones mean a field unlike any training field.
MAX_DISPLACEMENT = 100.0


def _device(model: MIRO, device):
    if device is None:
        return next(model.parameters()).device
    return torch.device(device)


@torch.no_grad()
def step_output(model: MIRO, data, step: int = -1, num_steps: int | None = None, device=None) -> torch.Tensor:
    """The model's output at one recurrent step: displacement (units of :math:`R`), then any class logits.

    ``model`` is moved to ``device`` (default: where it is) and set to eval
    mode; ``step`` -1 is the last of ``num_steps`` (default ``model.num_steps``).
    Returns a tensor of shape (N, ``model.out_channels``) on the CPU. A displacement
    that is not finite or exceeds :data:`MAX_DISPLACEMENT` raises :class:`MiroInputError`.
    """
    dev = _device(model, device)
    model.to(dev).eval()
    outputs = model(
        data.x.to(dev), data.edge_index.to(dev), data.edge_attr.to(dev), num_steps=num_steps
    )
    k = outputs.size(0)
    if not -k <= step < k:
        raise MiroInputError(f"step: {step} is out of range for {k} recurrent steps; use -1 for the last step")
    output = outputs[step].cpu()
    largest = float(output[:, :2].abs().max()) if len(output) else 0.0
    if not largest <= MAX_DISPLACEMENT:  # NaN fails too
        raise MiroInputError(
            f"model: predicted displacements of {largest:.3g} R (at most {MAX_DISPLACEMENT:g} expected) for this field of "
            f"{len(output)} localizations, unlike any training field (many at one position? wrong unit?); check the "
            "input's positions and units, or use another model"
        )
    return output


def squeeze(
    model: MIRO,
    data,
    connectivity_radius: float,
    step: int = -1,
    num_steps: int | None = None,
    device=None,
) -> torch.Tensor:
    r"""Squeezed positions :math:`\mathbf{p} - R\,\hat{\mathbf{y}}^{k}`, in normalised units.

    Parameters
    ----------
    model : MIRO
        Moved to ``device`` (in place) and set to eval mode.
    data : torch_geometric.data.Data or GraphTensors
        From :func:`miro.nn.graph.build_graph` or :func:`miro.nn.graph.graph_tensors`
        (``x``, ``edge_index``, ``edge_attr``, ``position``).
    connectivity_radius : float
        :math:`R` used to build ``data`` (normalised units).
    step : int, default -1
        Which step's prediction to apply; -1 is the last (the authors'
        ``from_iter=-1``). mMIRO corners use ``cutoff - 1``.
    num_steps : int, optional
        :math:`K`; default ``model.num_steps``.
    device : str or torch.device, optional
        Where to run; default the model's device.

    Returns
    -------
    torch.Tensor of shape (N, 2), float32, on the CPU
    """
    r = check_radius(connectivity_radius)
    displacement = step_output(model, data, step=step, num_steps=num_steps, device=device)[:, :2]
    return data.position.cpu() - r * displacement


def fov_graph(
    model: MIRO, xy_nm, connectivity_radius: float, normalization="authors", length_nm: float = 2000.0, num_eigenvectors: int = 5
):
    """The graph of one FOV given in nm, with the node features ``model`` reads, and its normalisation.

    ``normalization`` is ``"authors"``, ``"isotropic"`` (``length_nm`` nm per
    unit) or a :class:`~miro.nn.graph.Normalization`. Returns
    ``(GraphTensors, Normalization)``: the tensors of
    :func:`~miro.nn.graph.build_graph`'s ``Data`` (``x``, ``edge_index``,
    ``edge_attr``, ``position``), built without importing PyG.
    """
    if isinstance(normalization, Normalization):
        xy_norm, norm = normalization.forward(xy_nm), normalization
    else:
        xy_norm, norm = normalize_fov(xy_nm, mode=normalization, length_nm=length_nm)
    graph = graph_tensors(xy_norm, connectivity_radius, num_eigenvectors=num_eigenvectors, node_features=model.node_features)
    return graph, norm


def squeeze_fov(
    model: MIRO,
    xy_nm,
    connectivity_radius: float,
    num_steps: int | None = None,
    normalization="authors",
    step: int = -1,
    *,
    inverse: str = "authors",
    length_nm: float = 2000.0,
    num_eigenvectors: int = 5,
    device=None,
) -> np.ndarray:
    r"""Squeeze one FOV given in nm; return the squeezed points in nm.

    Parameters
    ----------
    model : MIRO
    xy_nm : array_like of shape (N, 2)
        Localizations (nm).
    connectivity_radius : float
        :math:`R` in normalised units (benchmark: ``builder_kwargs.connectivity_radius``).
    num_steps : int, optional
        :math:`K` (benchmark: ``recurrent_iterations``); default ``model.num_steps``.
    normalization : {"authors", "isotropic"} or Normalization, default "authors"
        How nm become normalised units (:func:`miro.nn.graph.normalize_fov`).
    step : int, default -1
        Which step's prediction to apply.
    inverse : {"authors", "exact"}, default "authors"
        How normalised units go back to nm. ``"authors"`` multiplies by the
        FOV max per axis (the authors' ``scaling = max``; the published
        MIRO + DBSCAN ``eps`` values assume it); ``"exact"`` inverts the
        normalisation. See :class:`miro.nn.graph.Normalization`.
    length_nm : float, default 2000.0
        nm per normalised unit for ``normalization="isotropic"``.
    num_eigenvectors : int, default 5
    device : str or torch.device, optional

    Returns
    -------
    ndarray of shape (N, 2), float64
        Squeezed positions in nm (in the authors' scaled frame by default).
    """
    data, norm = fov_graph(model, xy_nm, connectivity_radius, normalization, length_nm, num_eigenvectors)
    squeezed = squeeze(model, data, connectivity_radius, step=step, num_steps=num_steps, device=device)
    return norm.to_nm(squeezed.double().numpy(), convention=inverse)


def miro_dbscan(
    model: MIRO,
    xy_nm,
    connectivity_radius: float,
    eps: float,
    min_samples: int,
    num_steps: int | None = None,
    normalization="authors",
    step: int = -1,
    *,
    inverse: str = "authors",
    length_nm: float = 2000.0,
    num_eigenvectors: int = 5,
    device=None,
) -> np.ndarray:
    """MIRO + DBSCAN: cluster labels of one FOV (0 = noise, 1..n clusters).

    :func:`squeeze_fov`, then DBSCAN with ``eps`` (nm, in the frame set by
    ``inverse``; benchmark: ``MIRO_DBSCAN_params``) and ``min_samples``.
    Other parameters as in :func:`squeeze_fov`.

    Returns
    -------
    ndarray of shape (N,), int64
    """
    squeezed = squeeze_fov(
        model,
        xy_nm,
        connectivity_radius,
        num_steps=num_steps,
        normalization=normalization,
        step=step,
        inverse=inverse,
        length_nm=length_nm,
        num_eigenvectors=num_eigenvectors,
        device=device,
    )
    return dbscan_labels(squeezed, eps, min_samples)
