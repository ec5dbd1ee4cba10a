"""The training state: what a training writes after every epoch so that it can resume exactly.

``<checkpoint_dir>/last.pt`` holds the model and Adam states, the epoch, the loss
history, the random-number states (torch, numpy, python, the DataLoader's
shuffle generator, CUDA) and a fingerprint of the settings. Restoring it and
training on gives, on the CPU, weights bit-identical to an uninterrupted run;
a state written with other settings is refused.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch

from miro._outputs import atomic_output
from miro.errors import MiroInputError
from miro.nn.weights import load_torch_file

__all__ = ["CHECKPOINT_NAME", "completed_epochs", "fingerprint", "restore_state", "save_state"]

#: File name of the training state inside ``checkpoint_dir``.
CHECKPOINT_NAME = "last.pt"
_STATE_FORMAT = "miro-training-state"


def fingerprint(**settings) -> dict:
    """The settings a training state must match to be resumed (floats as Python floats)."""
    return {key: (float(value) if isinstance(value, float) else value) for key, value in settings.items()}


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


def _on_cpu(obj):
    """A copy of a (nested) state with every tensor detached on the CPU."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu().clone()
    if isinstance(obj, dict):
        return {key: _on_cpu(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_on_cpu(value) for value in obj]
    return obj


def save_state(path, *, epoch: int, settings: dict, model, optimizer, history: list, loader_generator: torch.Generator) -> None:
    """Write the training state after ``epoch`` to ``path`` atomically (a temporary file, then a rename)."""
    state = {
        "format": _STATE_FORMAT,
        "version": 1,
        "epoch": epoch,
        "fingerprint": settings,
        "model": _on_cpu(model.state_dict()),
        "optimizer": _on_cpu(optimizer.state_dict()),
        "history": history,
        "rng": _rng_state(loader_generator),
    }
    with atomic_output(path) as temporary:
        torch.save(state, temporary)


def restore_state(path, *, settings: dict, model, optimizer, loader_generator: torch.Generator, device) -> tuple[list, int]:
    """Load the training state at ``path`` into ``model``, ``optimizer`` and the random
    generators; return the loss history and the last completed epoch."""
    state = load_torch_file(path, "training state", f"delete {path} to train anew, or pass resume=False")
    if not isinstance(state, dict) or state.get("format") != _STATE_FORMAT:
        raise MiroInputError(f"{path}: not a MIRO training state; delete it or pass resume=False")
    if state["fingerprint"] != settings:
        differ = sorted(key for key in settings if state["fingerprint"].get(key) != settings[key])
        raise MiroInputError(
            f"{path}: written with other settings ({', '.join(differ)} differ); delete the checkpoint directory or pass resume=False"
        )
    model.load_state_dict(state["model"])
    model.to(device)
    optimizer.load_state_dict(state["optimizer"])
    _set_rng_state(state["rng"], loader_generator)
    return [dict(entry) for entry in state["history"]], int(state["epoch"])


def completed_epochs(checkpoint_dir) -> int:
    """Epochs already done by the training state in ``checkpoint_dir`` (:func:`miro.training.train`
    resumes after them); 0 when there is none or it cannot be read."""
    path = Path(checkpoint_dir) / CHECKPOINT_NAME
    if not path.is_file():
        return 0
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # torch.load raises many types for a damaged file; train() reports it
        return 0
    return int(state["epoch"]) if isinstance(state, dict) and state.get("format") == _STATE_FORMAT else 0
