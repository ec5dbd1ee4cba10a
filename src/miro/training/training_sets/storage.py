"""Saving a training set to one ``.pt`` file (collated tensors) and loading it back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
from torch_geometric.data import Data, InMemoryDataset

from miro._outputs import atomic_output
from miro.errors import MiroInputError
from miro.nn.weights import load_torch_file

__all__ = ["save_training_set", "load_training_set"]

FORMAT_NAME = "miro-training-set"

FORMAT_VERSION = 1


class _Collated(InMemoryDataset):
    def __init__(self, data, slices):
        super().__init__(root=None)
        self.data, self.slices = data, slices


def save_training_set(graphs: Sequence[Data], path, metadata: Mapping | None = None) -> Path:
    """Write a list of graphs to one ``.pt`` file (collated tensors; loads with ``weights_only=True``).

    Parameters
    ----------
    graphs : sequence of Data
    path : path
        Written atomically (temporary file renamed into place).
    metadata : mapping, optional
        JSON-serialisable provenance (scenario, builder, kwargs, seed, FOVs).
    """
    graphs = list(graphs)
    if not graphs:
        raise MiroInputError("graphs: empty training set; nothing to save")
    data, slices = InMemoryDataset.collate(graphs)
    try:
        meta = json.loads(json.dumps(dict(metadata or {})))
    except TypeError as exc:
        raise MiroInputError(f"metadata: entries must be JSON-serialisable: {exc}") from None
    payload = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "num_graphs": len(graphs),
        "data": data.to_dict(),
        "slices": dict(slices),
        "metadata": meta,
    }
    path = Path(path)
    with atomic_output(path) as temporary:
        torch.save(payload, temporary)
    return path


def load_training_set(path, return_metadata: bool = False):
    """Read a file written by :func:`save_training_set`.

    Returns
    -------
    list of Data, or (list of Data, dict) with ``return_metadata=True``
    """
    payload = load_torch_file(path, "training set", "build it again with miro.training.training_sets.save_training_set")
    if not isinstance(payload, Mapping) or payload.get("format") != FORMAT_NAME:
        raise MiroInputError(f"{path}: not a MIRO training set (no '{FORMAT_NAME}' header); rebuild it")
    collated = _Collated(Data.from_dict(payload["data"]), payload["slices"])
    graphs = [collated.get(i) for i in range(payload["num_graphs"])]
    # ``get`` may return cached copies; detach them from the collated storage
    graphs = [g.clone() for g in graphs]
    if return_metadata:
        return graphs, dict(payload["metadata"])
    return graphs
