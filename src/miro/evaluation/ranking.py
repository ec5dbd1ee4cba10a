r"""A leaderboard of every clustering method, per scenario.

For each scenario and method, the mean and sample SD over the test FOVs of ARI†,
IoU, JIc and ARI_c (:data:`LEADERBOARD_METRICS`, all higher-is-better). Methods are
ranked per scenario by their mean rank over these metrics,

.. math:: \bar r_m = \frac{1}{|M|} \sum_{k \in M} \operatorname{rank}_k(m),

(rank 1 = highest mean score on metric :math:`k`; ties share the lowest rank), then
by the mean of their metric means. The best method is tested against MIRO + DBSCAN
(the scenario's ``MIRO``, else ``MIRO_released``) per metric with the one-sided
paired test of :func:`miro.evaluation.stats.paired_test` over the FOVs both scored
(H1: the best method scores higher). When MIRO + DBSCAN is itself the best, it is
tested against the runner-up.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from miro.errors import MiroInputError
from miro.evaluation.stats import paired_test

__all__ = ["LEADERBOARD_METRICS", "REFERENCE_METHODS", "leaderboard", "leaderboard_markdown"]

#: Metrics of the leaderboard, as named in the metrics CSVs.
LEADERBOARD_METRICS: tuple[str, ...] = ("ARI_dagger", "IoU", "JIc", "ARI_c")
#: MIRO + DBSCAN in order of preference: our trained model, else the released weights.
REFERENCE_METHODS: tuple[str, ...] = ("MIRO", "MIRO_released")

_LABELS = {"ARI_dagger": "ARI†", "IoU": "IoU", "JIc": "JIc", "ARI_c": "ARI_c"}


def _scenario_rows(scenario: str, tables: dict, metrics: Sequence[str]) -> pd.DataFrame:
    rows = []
    for method, table in tables.items():
        missing = [m for m in metrics if m not in table.columns]
        if missing or "fov" not in table.columns:
            raise MiroInputError(f"per_fov[{scenario!r}, {method!r}]: no column {(missing or ['fov'])[0]!r}; give the metrics CSV of the method")
        row = {"scenario": scenario, "method": method}
        for metric in metrics:
            values = pd.to_numeric(table[metric], errors="coerce").astype(float)
            row[f"{metric}_mean"] = float(values.mean())
            row[f"{metric}_sd"] = float(values.std(ddof=1)) if values.notna().sum() > 1 else np.nan
        row["n_fov"] = int(len(table))
        rows.append(row)
    frame = pd.DataFrame(rows)
    ranks = pd.concat([frame[f"{m}_mean"].rank(ascending=False, method="min", na_option="bottom") for m in metrics], axis=1)
    frame["mean_rank"] = ranks.mean(axis=1)
    overall = frame[[f"{m}_mean" for m in metrics]].mean(axis=1)
    order = sorted(range(len(frame)), key=lambda i: (frame["mean_rank"][i], -np.nan_to_num(overall[i], nan=-np.inf), frame["method"][i]))
    frame["rank"] = 0
    frame.loc[order, "rank"] = np.arange(1, len(frame) + 1)
    return frame.sort_values("rank", kind="stable").reset_index(drop=True)


def _test(frame: pd.DataFrame, tables: dict, metrics: Sequence[str], alpha: float) -> pd.DataFrame:
    """The paired tests of the best method against the reference (or the reference against the runner-up)."""
    reference = next((m for m in REFERENCE_METHODS if m in tables), None)
    for metric in metrics:
        frame[f"{metric}_p"], frame[f"{metric}_stars"] = np.nan, ""
    frame["compared_with"] = ""
    if reference is None or len(frame) < 2:
        return frame
    best = frame["method"][0]
    challenger, other = (best, reference) if best != reference else (reference, frame["method"][1])
    merged = tables[challenger].merge(tables[other], on="fov", suffixes=("", "_other"))
    where = frame.index[frame["method"] == challenger][0]
    frame.loc[where, "compared_with"] = other
    for metric in metrics:
        result = paired_test(merged[metric].to_numpy(float), merged[f"{metric}_other"].to_numpy(float), alpha=alpha)
        frame.loc[where, f"{metric}_p"] = result.p
        frame.loc[where, f"{metric}_stars"] = result.stars
    return frame


def leaderboard(
    per_fov: Mapping[tuple[str, str], pd.DataFrame], *, metrics: Sequence[str] = LEADERBOARD_METRICS, alpha: float = 0.05
) -> pd.DataFrame:
    """Every method of every scenario ranked, and the best one tested against MIRO + DBSCAN.

    Parameters
    ----------
    per_fov : mapping of (scenario, method) to DataFrame
        Per-FOV metrics tables (``fov`` and one column per metric; ``results/metrics/<scenario>/<method>.csv``).
    metrics : sequence of str, default :data:`LEADERBOARD_METRICS`
        Higher-is-better metrics that rank the methods.
    alpha : float, default 0.05
        Level of the assumption checks of :func:`~miro.evaluation.stats.paired_test`.

    Returns
    -------
    DataFrame
        One row per scenario and method, best first within a scenario (scenarios in
        input order): ``scenario, method, rank, mean_rank``, ``<metric>_mean`` and
        ``<metric>_sd`` per metric, ``n_fov``, then, on the row of the tested method
        only, ``compared_with`` and ``<metric>_p``, ``<metric>_stars`` (one-sided p and
        :func:`~miro.evaluation.stats.stars`; "n/a" with fewer than 3 FOVs).
    """
    scenarios: dict = {}
    for (scenario, method), table in per_fov.items():
        scenarios.setdefault(scenario, {})[method] = table
    if not scenarios:
        raise MiroInputError("per_fov: no metrics tables; give {(scenario, method): per-FOV metrics}")
    frames = [_test(_scenario_rows(s, tables, metrics), tables, metrics, alpha) for s, tables in scenarios.items()]
    columns = ["scenario", "method", "rank", "mean_rank", *(f"{m}_{part}" for m in metrics for part in ("mean", "sd")), "n_fov",
               "compared_with", *(f"{m}_{part}" for m in metrics for part in ("p", "stars"))]
    return pd.concat(frames, ignore_index=True)[columns]


def leaderboard_markdown(board: pd.DataFrame, *, scenario_labels: Mapping[str, str] | None = None,
                         method_labels: Mapping[str, str] | None = None, metrics: Sequence[str] = LEADERBOARD_METRICS) -> str:
    """The :func:`leaderboard` as Markdown: one table per scenario, stars on the tested method's cells."""
    from miro.evaluation.tables import format_mean_sd

    scenario_labels, method_labels = scenario_labels or {}, method_labels or {}
    lines = [
        "Mean ± SD over the test FOVs; rank by the mean rank over the four metrics. The best method is tested "
        "against MIRO + DBSCAN (MIRO, else MIRO_released), or MIRO + DBSCAN against the runner-up when it is the best "
        "(one-sided paired t-test or Wilcoxon signed-rank; * p ≤ 0.05, ** p ≤ 0.01, *** p ≤ 0.001, **** p ≤ 0.0001, ns not significant).",
    ]
    for scenario, rows in board.groupby("scenario", sort=False):
        lines += ["", f"### {scenario_labels.get(scenario, scenario)}", "",
                  "| Rank | Method | " + " | ".join(_LABELS.get(m, m) for m in metrics) + " | Tested against |",
                  "|--:|:--|" + ":-:|" * len(metrics) + ":--|"]
        for row in rows.itertuples(index=False):
            row = row._asdict()
            cells = []
            for metric in metrics:
                text = format_mean_sd(row[f"{metric}_mean"], row[f"{metric}_sd"])
                stars = row[f"{metric}_stars"]
                cells.append(text + (f" {stars}" if stars else "").replace("*", r"\*"))
            versus = method_labels.get(row["compared_with"], row["compared_with"])
            lines.append(f"| {row['rank']} | {method_labels.get(row['method'], row['method'])} | " + " | ".join(cells) + f" | {versus} |")
    return "\n".join(lines) + "\n"
