"""The per-epoch loss of a training run: a TSV log and a PNG curve, rewritten after every epoch."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["write_loss_log", "read_loss_log", "plot_loss_curve"]


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
