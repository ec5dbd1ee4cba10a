"""Where the network runs: one rule for the library, the command line and the workflow."""

from __future__ import annotations

import torch

from miro.errors import MiroInputError

__all__ = ["has_bf16_units", "resolve_device"]


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


def has_bf16_units(device) -> bool:
    """Whether ``device`` multiplies bfloat16 matrices in hardware, so that bfloat16 autocast
    (mixed precision) is faster than float32 there.

    A CUDA GPU: compute capability 8.0 or newer (A100, H100, RTX 30xx and later;
    ``torch.cuda.is_bf16_supported(including_emulation=False)``), the current GPU of its
    process. A CPU: PyTorch's oneDNN has bfloat16 kernels for it (x86 with AVX-512 or AMX;
    ``torch.ops.mkldnn._is_mkldnn_bf16_supported``, PyTorch's own test of it). Elsewhere
    autocast falls back to slow reference kernels: on an AVX2-only CPU (AMD EPYC Zen 3) a
    training step of the paper's network took 19x as long in bfloat16 as in float32.
    """
    dev = torch.device(device)
    if dev.type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported(including_emulation=False)
    if dev.type == "cpu":
        try:
            return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):  # a build without oneDNN
            return False
    return False
