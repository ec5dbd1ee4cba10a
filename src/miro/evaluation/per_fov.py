"""Per-FOV evaluation of a clustering against the benchmark ground truth.

Glue between files and :mod:`miro.evaluation.metrics`: one row of the eight Table-1
metrics per field of view, and the cluster-pair resolution experiment of
Fig. 4a (:func:`jic_by_distance`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from miro.data.io import read_localizations
from miro.errors import MiroInputError
from miro.evaluation.geometric import jic
from miro.evaluation.metrics import METRICS, evaluate

__all__ = ["evaluate_fovs", "summarize_by", "jic_by_distance"]


def evaluate_fovs(
    fov_files: dict[int, Path],
    labels_by_fov: dict[int, np.ndarray],
    rmse_convention: str = "authors",
) -> pd.DataFrame:
    """Metrics of predicted labels against each FOV's ground truth ``index``.

    Parameters
    ----------
    fov_files : dict
        FOV number → CSV with columns ``x, y, index`` (nm).
    labels_by_fov : dict
        FOV number → predicted labels (0 = not clustered), in file row order.
    rmse_convention : {"authors", "paper"}
        See :func:`miro.evaluation.rmse_xy`.

    Returns
    -------
    pandas.DataFrame
        Column ``fov`` followed by :data:`miro.evaluation.METRICS`, one row per FOV.
    """
    rows = []
    for fov in sorted(labels_by_fov):
        if fov not in fov_files:
            raise MiroInputError(f"FOV {fov}: labels given but no data file; check the data folder")
        table = read_localizations(fov_files[fov], require_labels=True)
        predicted = np.asarray(labels_by_fov[fov])
        if len(predicted) != len(table):
            raise MiroInputError(
                f"{fov_files[fov]}: {len(table)} localizations but {len(predicted)} labels; recompute the labels"
            )
        scores = evaluate(
            table[["x", "y"]].to_numpy(), table["index"].to_numpy(), predicted, rmse_convention=rmse_convention
        )
        rows.append({"fov": fov, **scores})
    return pd.DataFrame(rows, columns=["fov", *METRICS])


def summarize_by(per_fov: pd.DataFrame, keys: list[str], metric: str) -> pd.DataFrame:
    """Mean, sample SD (0 for a single FOV) and FOV count of ``metric`` per group of ``keys``, in first-seen order."""
    grouped = per_fov.groupby(keys, sort=False)[metric]
    return grouped.agg(mean="mean", sd=lambda s: s.std(ddof=1) if len(s) > 1 else 0.0, n_fov="count").reset_index()


def jic_by_distance(
    clusterers: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    fovs: Iterable[tuple[float, int, np.ndarray, np.ndarray]],
) -> pd.DataFrame:
    """JIc of every method on pair FOVs at several distances (Fig. 4a of Pineda et al.).

    Parameters
    ----------
    clusterers : mapping
        Method name → function of the localizations (N, 2) in nm returning
        labels (0 = not clustered), e.g. plain DBSCAN or MIRO + DBSCAN with
        fixed parameters.
    fovs : iterable of (distance, fov, xy, truth)
        Pair FOVs (:func:`miro.data.simulation.cluster_pairs`): the centre distance
        (in units of the cluster SD σ), the FOV number, positions (nm) and
        ground-truth labels.

    Returns
    -------
    pandas.DataFrame
        One row per FOV and method: ``distance_sigma, fov, method, JIc``
        (:func:`miro.evaluation.jic`), ``n_true`` and ``n_predicted`` (number of
        clusters). Summarise with ``summarize_by(rows, ["distance_sigma", "method"], "JIc")``.
    """
    rows = []
    for distance, fov, xy, truth in fovs:
        xy, truth = np.asarray(xy, dtype=np.float64), np.asarray(truth)
        for method, cluster in clusterers.items():
            predicted = np.asarray(cluster(xy))
            if predicted.shape != truth.shape:
                raise MiroInputError(f"{method}: returned {predicted.shape[0]} labels for {truth.shape[0]} localizations")
            rows.append(
                {
                    "distance_sigma": float(distance),
                    "fov": int(fov),
                    "method": method,
                    "JIc": jic(xy, truth, predicted),
                    "n_true": int(np.unique(truth[truth > 0]).size),
                    "n_predicted": int(np.unique(predicted[predicted > 0]).size),
                }
            )
    return pd.DataFrame(rows, columns=["distance_sigma", "fov", "method", "JIc", "n_true", "n_predicted"])
