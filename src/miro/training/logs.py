"""The loss log of a training: one row per epoch (``epoch``, ``loss``, ``seconds``), as TSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from miro._outputs import atomic_output

__all__ = ["LossLog", "read_loss_log", "write_loss_log"]


def write_loss_log(history: Sequence[dict], path) -> Path:
    """Write the per-epoch history as TSV with columns ``epoch``, ``loss``, ``seconds`` (atomically)."""
    path = Path(path)
    lines = ["epoch\tloss\tseconds"]
    lines += [f"{h['epoch']}\t{h['loss']:.9g}\t{h['seconds']:.3f}" for h in history]
    with atomic_output(path) as temporary:
        temporary.write_text("\n".join(lines) + "\n")
    return path


def read_loss_log(path) -> list[dict]:
    """Read a TSV written by :func:`write_loss_log`."""
    rows = Path(path).read_text().strip().splitlines()[1:]
    out = []
    for row in rows:
        epoch, loss, seconds = row.split("\t")
        out.append({"epoch": int(epoch), "loss": float(loss), "seconds": float(seconds)})
    return out


class LossLog:
    """Training callback: rewrite the loss log at ``path`` after every epoch."""

    def __init__(self, path):
        self.path = path

    def __call__(self, history: Sequence[dict]) -> None:
        write_loss_log(history, self.path)
