"""The loss curve of a training: mean training loss per epoch."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = ["LossCurve", "plot_loss_curve"]


def plot_loss_curve(history: Sequence[dict], path, title: str | None = None) -> Path:
    """Save the loss curve (mean training loss per epoch; log scale when it spans more than
    20x) as a PNG, drawn on its own Agg canvas: matplotlib's global backend is left alone."""
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


class LossCurve:
    """Training callback: redraw the loss curve at ``path`` after every epoch."""

    def __init__(self, path, title: str | None = None):
        self.path, self.title = path, title

    def __call__(self, history: Sequence[dict]) -> None:
        plot_loss_curve(history, self.path, self.title)
