"""Where the network runs: one rule for the library, the command line and the workflow."""

from __future__ import annotations

import torch

from miro.errors import MiroInputError

__all__ = ["resolve_device"]


def resolve_device(device="auto") -> torch.device:
    """The torch device for ``device``.

    ``"auto"`` (or None): the first CUDA GPU when one is visible, else the CPU.
    Otherwise ``torch.device(device)`` (``"cpu"``, ``"cuda"``, ``"cuda:1"``, a
    :class:`torch.device`); asking for CUDA where no GPU is visible is an error,
    not a silent CPU run.
    """
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise MiroInputError(f"device: unknown device {device!r}; use cpu, cuda, cuda:1 or auto") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise MiroInputError(f"device {device}: no CUDA GPU is visible here; use cpu or auto")
    return dev
