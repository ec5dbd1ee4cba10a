"""Figure 3: one FOV coloured by true and by predicted shape class, and the confusion matrix."""

from __future__ import annotations

from typing import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from miro._validation import check_xy_shape
from miro.errors import MiroInputError
from miro.plotting.style import NOISE_COLOR, PAPER_RC

__all__ = ["CLASS_PALETTE", "figure3"]

#: Colours of shape classes in Figure 3 (class 0, not clustered, is grey).
CLASS_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


def figure3(
    xy,
    classes_true,
    classes_pred,
    confusion: pd.DataFrame,
    class_names: Sequence[str],
    *,
    title: str | None = None,
) -> Figure:
    """Figure 3: one FOV coloured by true and by predicted shape class, and the confusion matrix.

    Parameters
    ----------
    xy : array-like of shape (n, 2)
        Localizations of the example FOV (nm).
    classes_true, classes_pred : array-like of shape (n,)
        Class per localization, 0 = not clustered (drawn grey).
    confusion : DataFrame
        Counts, rows true and columns predicted (:func:`miro.inference.classification.confusion_matrix`),
        over all test FOVs; shown normalised per row (recall on the diagonal).
    class_names : sequence of str
        Name of class 0, 1, ... (legend).
    title : str, optional
    """
    xy = check_xy_shape(xy)
    panels = {"Ground truth": np.asarray(classes_true), "cMIRO + DBSCAN": np.asarray(classes_pred)}
    for name, values in panels.items():
        if values.shape != (len(xy),):
            raise MiroInputError(f"{name}: expected {len(xy)} classes (one per localization), got shape {values.shape}")
    if len(class_names) > len(CLASS_PALETTE) + 1:
        raise MiroInputError(f"class_names: at most {len(CLASS_PALETTE) + 1} classes can be drawn, got {len(class_names)}")
    colours = np.array([NOISE_COLOR, *CLASS_PALETTE[: len(class_names) - 1]])
    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=(7.0, 2.6), layout="constrained")
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 0.9]})
        for ax, (name, values) in zip(axes[:2], panels.items()):
            order = np.argsort(values > 0, kind="stable")  # not clustered underneath
            ax.scatter(*xy[order].T, s=0.8, c=colours[np.clip(values[order], 0, len(colours) - 1)], lw=0, rasterized=True)
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(name)
        handles = [mpl.lines.Line2D([], [], ls="", marker="o", ms=4, color=c, label=n) for c, n in zip(colours, class_names)]
        axes[0].legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.02), ncol=len(handles), fontsize=6)
        rows = confusion.to_numpy(dtype=float)
        share = rows / np.maximum(rows.sum(axis=1, keepdims=True), 1)
        sns.heatmap(share, ax=axes[2], annot=True, fmt=".2f", cmap="Blues", vmin=0, vmax=1, cbar=False,
                    xticklabels=list(confusion.columns), yticklabels=list(confusion.index), annot_kws={"size": 6})
        axes[2].set_xlabel("predicted")
        axes[2].set_ylabel("true")
        axes[2].set_title("share of true class")
        if title:
            fig.suptitle(title)
    return fig
