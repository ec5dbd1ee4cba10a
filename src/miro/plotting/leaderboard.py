"""The leaderboard figure: a scenario × method heatmap of one metric, each cell's rank written in."""

from __future__ import annotations

from typing import Mapping

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from miro.errors import MiroInputError
from miro.plotting.style import METRIC_AXIS_LABELS, PAPER_RC

__all__ = ["leaderboard_heatmap"]


def leaderboard_heatmap(board: pd.DataFrame, metric: str = "JIc", *, scenario_labels: Mapping[str, str] | None = None,
                        method_labels: Mapping[str, str] | None = None) -> Figure:
    """Mean ``metric`` of every method (columns) on every scenario (rows) of a leaderboard.

    Parameters
    ----------
    board : DataFrame
        From :func:`miro.evaluation.ranking.leaderboard` (``scenario``, ``method``,
        ``rank``, ``<metric>_mean``).
    metric : str, default "JIc"
        The metric coloured (0 to 1, viridis); each cell shows the mean and the method's
        overall rank in that scenario (#1 in bold). Missing pairs are blank.
    scenario_labels, method_labels : mapping, optional
        Display names.
    """
    if f"{metric}_mean" not in board.columns:
        raise MiroInputError(f"metric: the leaderboard has no column {metric}_mean; use one of its metrics")
    scenario_labels, method_labels = scenario_labels or {}, method_labels or {}
    scenarios = list(dict.fromkeys(board["scenario"]))
    methods = list(dict.fromkeys(board.sort_values("rank", kind="stable")["method"]))
    index = board.set_index(["scenario", "method"])
    values = np.full((len(scenarios), len(methods)), np.nan)
    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=(1.2 + 0.9 * len(methods), 0.9 + 0.45 * len(scenarios)), layout="constrained")
        ax = fig.add_subplot()
        for i, scenario in enumerate(scenarios):
            for j, method in enumerate(methods):
                if (scenario, method) not in index.index:
                    continue
                row = index.loc[(scenario, method)]
                values[i, j] = row[f"{metric}_mean"]
                colour = "black" if values[i, j] > 0.6 else "white"
                weight = "bold" if row["rank"] == 1 else "normal"
                ax.text(j, i, f"{values[i, j]:.2f}\n#{int(row['rank'])}", ha="center", va="center", color=colour, fontweight=weight)
        image = ax.imshow(np.ma.masked_invalid(values), cmap="viridis", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(methods)), [method_labels.get(m, m) for m in methods], rotation=30, ha="right")
        ax.set_yticks(range(len(scenarios)), [scenario_labels.get(s, s) for s in scenarios])
        fig.colorbar(image, ax=ax, label=METRIC_AXIS_LABELS.get(metric, metric) + " (mean over test FOVs)")
        ax.set_title("Leaderboard: mean score and rank (#) per scenario")
    return fig
