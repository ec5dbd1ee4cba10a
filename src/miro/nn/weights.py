"""Load the authors' released MIRO weights, and save and load our own.

The authors release plain PyTorch ``state_dict`` files (``torch.save`` of an
``OrderedDict`` of 14 float32 tensors, keys prefixed ``model.``; method notes
§4). Their keys follow deeplay's module tree; :data:`AUTHORS_KEYS` maps each
layer onto the layer of :class:`miro.nn.model.MIRO` that plays the same role, with
the same shape, so the mapping is a renaming only.

Files read here:

* **Released files** — ``benchmark-models/model_scenario_*.pt``,
  ``multiscale/checkpoint.pt`` and ``multishape/checkpoint.pt`` are all plain
  state_dicts (despite the name, the two ``checkpoint.pt`` files are not
  Lightning checkpoints). ``multishape`` has a 5-output head (2 + 3 classes).
* **Lightning checkpoints** — a dict with a ``"state_dict"`` entry; unwrapped.
* **Our checkpoints** — written by :func:`save_checkpoint`: a dict
  ``{"format": "miro-smlm-checkpoint", "version": 1, "state_dict": ...,
  "metadata": {...}}`` whose ``state_dict`` uses the authors' key layout, so
  the authors' code can load it too.

Checkpoints hold no number of steps :math:`K` or radius :math:`R` (the
authors keep them in ``benchmark-metadata.json``); pass ``num_steps``, or
store them in our own checkpoint's metadata.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import torch

from miro._outputs import atomic_output
from miro.data.download import check_stamp
from miro.errors import MiroInputError
from miro.nn.graph import NODE_FEATURES
from miro.nn.model import MIRO

__all__ = [
    "AUTHORS_KEYS",
    "read_state_dict",
    "to_model_state_dict",
    "to_authors_state_dict",
    "infer_config",
    "load_state_dict_into",
    "load_released",
    "save_checkpoint",
    "load_checkpoint",
    "load_torch_file",
    "check_finite_weights",
]

#: deeplay layer name (after the ``model.`` prefix) -> :class:`~miro.nn.model.MIRO` layer.
AUTHORS_KEYS = {
    "encoder.0.blocks.0.layer": "node_encoder",
    "encoder.1.blocks.0.layer": "edge_encoder",
    "backbone.layer.0.0.blocks.0.layer": "node_input",
    "backbone.layer.0.1.blocks.0.layer": "edge_input",
    "backbone.layer.1.blocks.0.transform.layer": "edge_transform",
    "backbone.layer.1.blocks.0.update.blocks.0.layer": "node_update",
    "backbone.head.blocks.0.layer": "head",
}
AUTHORS_PREFIX = "model."
FORMAT_NAME = "miro-smlm-checkpoint"
FORMAT_VERSION = 1

_TO_MODEL = {f"{a}.{p}": f"{m}.{p}" for a, m in AUTHORS_KEYS.items() for p in ("weight", "bias")}
_TO_AUTHORS = {m: a for a, m in _TO_MODEL.items()}


_CHECKPOINT_FIX = "pass a .pt file written by torch.save(state_dict) or miro.nn.weights.save_checkpoint"


def load_torch_file(path, what: str = "checkpoint", fix: str = _CHECKPOINT_FIX, map_location="cpu"):
    """``torch.load(path, weights_only=True)``; a missing, truncated or foreign file is one
    :class:`~miro.errors.MiroInputError` naming ``path``, ``what`` it should be and the ``fix``
    (model checkpoints, training states and training sets are all read through here)."""
    path = Path(path)
    if path.is_dir():
        raise MiroInputError(f"{path}: is a folder, not a {what} file; {fix}")
    if not path.is_file():
        raise MiroInputError(f"{path}: no such {what} file; check the path")
    check_stamp(path)
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # pickle, zip and torch errors all mean "damaged or not a checkpoint"
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise MiroInputError(
            f"{path}: truncated, damaged or not a PyTorch {what} that loads with weights_only=True ({reason[:120]}); {fix}"
        ) from None


def _unwrap(obj, source: str):
    """(state_dict, metadata or None) from any of the accepted layouts."""
    if not isinstance(obj, Mapping):
        raise MiroInputError(f"{source}: holds a {type(obj).__name__}, not a state_dict; pass a MIRO checkpoint (.pt of a dict of tensors)")
    if obj.get("format") == FORMAT_NAME:
        return obj["state_dict"], dict(obj.get("metadata") or {})
    if "state_dict" in obj and isinstance(obj["state_dict"], Mapping):  # Lightning
        return obj["state_dict"], None
    return obj, None


def to_model_state_dict(state_dict: Mapping, source: str = "state_dict") -> dict:
    """Rename the authors' keys (with or without the ``model.`` prefix) to :class:`~miro.nn.model.MIRO` keys.

    Keys already in our layout pass through. Raises :class:`~miro.errors.MiroInputError`
    naming the missing or unexpected keys.
    """
    out = {}
    unexpected = []
    for key, value in state_dict.items():
        stem = key[len(AUTHORS_PREFIX) :] if key.startswith(AUTHORS_PREFIX) else key
        if stem in _TO_MODEL:
            out[_TO_MODEL[stem]] = value
        elif stem in _TO_AUTHORS:
            out[stem] = value
        else:
            unexpected.append(key)
    missing = sorted(set(_TO_AUTHORS) - set(out))
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing {len(missing)} key(s) such as {AUTHORS_PREFIX}{_TO_AUTHORS[missing[0]]}")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected key(s) such as {unexpected[0]}")
        raise MiroInputError(
            f"{source}: not a MIRO state_dict ({'; '.join(parts)}); "
            "pass one of the authors' released .pt files or a checkpoint from miro.nn.weights.save_checkpoint"
        )
    for key, value in out.items():
        if not isinstance(value, torch.Tensor):
            raise MiroInputError(f"{source}: entry {_TO_AUTHORS[key]} is a {type(value).__name__}, not a tensor; the file is not a MIRO state_dict")
    return out


def to_authors_state_dict(model_or_state_dict) -> dict:
    """Our state_dict in the authors' layout (``model.``-prefixed deeplay keys)."""
    sd = model_or_state_dict.state_dict() if isinstance(model_or_state_dict, torch.nn.Module) else model_or_state_dict
    return {AUTHORS_PREFIX + _TO_AUTHORS[k]: v for k, v in sd.items()}


def infer_config(state_dict: Mapping, source: str = "state_dict") -> dict:
    """``hidden_channels``, ``out_channels``, ``node_in`` and ``edge_in`` read from the layer shapes.

    The head's output size is 2 for MIRO/mMIRO and ``2 + num_classes`` for cMIRO.
    """
    sd = to_model_state_dict(state_dict, source)
    w_x = sd["node_encoder.weight"]
    w_a = sd["edge_encoder.weight"]
    w_o = sd["head.weight"]
    if w_x.dim() != 2 or w_a.dim() != 2 or w_o.dim() != 2:
        raise MiroInputError(f"{source}: encoder or head weights are not matrices; the file is not a MIRO state_dict")
    return {
        "hidden_channels": int(w_x.shape[0]),
        "out_channels": int(w_o.shape[0]),
        "node_in": int(w_x.shape[1]),
        "edge_in": int(w_a.shape[1]),
    }


def load_state_dict_into(model: MIRO, state_dict: Mapping, source: str = "state_dict") -> MIRO:
    """Copy a state_dict (authors' or our layout) into ``model``, checking every shape.

    Parameters
    ----------
    model : MIRO
    state_dict : mapping of str to Tensor
    source : str
        Name used in error messages (the file path when loading from disk).

    Returns
    -------
    MIRO
        ``model``, with the weights loaded.
    """
    sd = to_model_state_dict(state_dict, source)
    check_finite_weights(sd, source)
    expected = model.state_dict()
    for key, target in expected.items():
        if tuple(sd[key].shape) != tuple(target.shape):
            raise MiroInputError(
                f"{source}: {AUTHORS_PREFIX}{_TO_AUTHORS[key]} has shape {tuple(sd[key].shape)} but the model expects "
                f"{tuple(target.shape)}; build the model with miro.nn.weights.infer_config(...) or use load_released"
            )
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in sd.items()})
    return model


def check_finite_weights(state_dict: Mapping, source: str = "state_dict") -> None:
    """Refuse weights holding NaN or infinite values (a damaged file or a diverged training):
    they would turn every squeezed position into NaN."""
    bad = [key for key, value in state_dict.items() if value.is_floating_point() and not bool(torch.isfinite(value).all())]
    if bad:
        name = _TO_AUTHORS.get(bad[0], bad[0])
        raise MiroInputError(
            f"{source}: {len(bad)} weight tensor(s) such as {AUTHORS_PREFIX}{name} hold NaN or infinite values "
            "(a damaged file or a diverged training); use another model file or train again with a lower lr"
        )


def read_state_dict(path, map_location="cpu") -> dict:
    """The state_dict stored in ``path`` (released, Lightning or our format), in the authors' layout as stored."""
    state_dict, _ = _unwrap(load_torch_file(path, map_location=map_location), str(path))
    return dict(state_dict)


def load_checkpoint(path, num_steps: int | None = None, map_location="cpu") -> tuple[MIRO, dict]:
    """Build a :class:`~miro.nn.model.MIRO` from any accepted checkpoint file.

    Parameters
    ----------
    path : str or path-like
    num_steps : int, optional
        :math:`K`. Default: the ``num_steps`` stored in our checkpoint's
        metadata, else 20 (the authors' class default). The released files
        store no :math:`K`: take it from ``benchmark-metadata.json``
        (``recurrent_iterations``).
    map_location : default "cpu"

    Returns
    -------
    model : MIRO
        In eval mode.
    metadata : dict
        Our checkpoint's metadata, or the inferred layer sizes for other files.
    """
    source = str(path)
    state_dict, metadata = _unwrap(load_torch_file(path, map_location=map_location), source)
    config = infer_config(state_dict, source)
    meta = dict(config) if metadata is None else {**config, **metadata}
    steps = num_steps if num_steps is not None else meta.get("num_steps") or 20
    features = meta.get("node_features", "laplacian")
    if features not in NODE_FEATURES:
        raise MiroInputError(f"{source}: unknown node_features {features!r} in the metadata; expected one of {', '.join(NODE_FEATURES)}")
    try:
        model = MIRO(num_steps=int(steps), node_features=features, **config)
    except ValueError as exc:
        raise MiroInputError(f"{source}: {exc}") from None
    load_state_dict_into(model, state_dict, source)
    meta["num_steps"] = model.num_steps
    meta["node_features"] = model.node_features
    return model.eval(), meta


def load_released(path, num_steps: int | None = None, map_location="cpu") -> MIRO:
    """A :class:`~miro.nn.model.MIRO` with the weights of a released (or our own) ``.pt`` file, in eval mode.

    Example
    -------
    >>> model = load_released("benchmark-models/model_scenario_6.pt", num_steps=15)  # doctest: +SKIP
    """
    return load_checkpoint(path, num_steps=num_steps, map_location=map_location)[0]


def save_checkpoint(model: MIRO, path, connectivity_radius: float | None = None, metadata: Mapping | None = None) -> Path:
    """Write ``model`` and its settings to ``path`` (our format, see the module notes).

    Parameters
    ----------
    model : MIRO
    path : str or path-like
    connectivity_radius : float, optional
        :math:`R` (normalised units) the model was trained with.
    metadata : mapping, optional
        Extra JSON-serialisable entries (scenario, training FOVs, seed...).

    Returns
    -------
    Path
        ``path``. The file loads with ``torch.load(..., weights_only=True)``.
    """
    check_finite_weights(model.state_dict(), str(path))
    meta = {
        **model.hparams,
        "connectivity_radius": None if connectivity_radius is None else float(connectivity_radius),
    }
    if metadata:
        meta.update(dict(metadata))
    try:
        meta = json.loads(json.dumps(meta))
    except TypeError as exc:
        raise MiroInputError(f"metadata: entries must be JSON-serialisable (str, numbers, lists, dicts): {exc}") from None
    payload = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "state_dict": {k: v.detach().cpu().clone() for k, v in to_authors_state_dict(model).items()},
        "metadata": meta,
    }
    path = Path(path)
    with atomic_output(path) as temporary:
        torch.save(payload, temporary)
    return path
