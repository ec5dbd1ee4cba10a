r"""Choose DBSCAN's ``eps`` and ``min_samples`` on held-in point clouds.

The authors picked the MIRO + DBSCAN parameters "through visual inspection"
(``benchmark-metadata.json``, ``MIRO_DBSCAN_params``). This module replaces
that step by a grid search that maximises (or, for lower-is-better scores,
minimises) a metric of :mod:`miro.evaluation.metrics`, averaged over *held-in* point
clouds only: the training FOVs themselves, or point clouds synthesised from
the training clusters (:func:`miro.training.training_sets.synthesize`, positions
multiplied by the FOV size in nm). Test FOVs are never needed: every function
takes the point clouds explicitly.

Two searches:

* :func:`tune_dbscan` — plain DBSCAN on the raw coordinates (nm).
* :func:`tune_miro_dbscan` — DBSCAN on MIRO-squeezed coordinates (nm, e.g.
  from :func:`miro.inference.squeeze_fov`), scored against the raw
  coordinates (the metrics that use positions, IoU, JIc, RMSRE_N and
  RMSE_xy, see the original localizations, as in the benchmark). The squeezed
  coordinates are passed in, so tuning does not depend on the model.

The neighbourhoods of each cloud are found once per ``eps``
(:func:`miro.inference.clustering.radius_graph`) and labelled at every
``min_samples`` from there, with scikit-learn's DBSCAN labels
(``benchmarks/bench_tuning.py``: the quick preset's 14 x 20 grid on Scenario 6
blinking's 3 training FOVs, clustering 5x and the whole search 2.3-2.7x faster
than a DBSCAN per grid point, same grid scores).

For each grid point the metric is computed per point cloud and averaged
(NaN, e.g. RMSE_xy with no matched cluster, is skipped by the mean; a grid
point whose every cloud is NaN ranks last). Ties go to the first grid point
in the order (eps ascending, min_samples ascending).

With ``smoothing`` :math:`s > 0` the grid point is chosen by its *smoothed* score,

.. math:: \tilde s(i, j) = \operatorname{mean}\{\bar s(i', j') : |i' - i| \le s,\ |j' - j| \le s\},

the mean over its neighbours within :math:`s` grid steps along eps (index :math:`i`)
and min_samples (:math:`j`), cut at the grid's edges, NaN skipped: a few held-in
clouds make a noisy score surface, and its highest point can be a narrow spike whose
parameters generalise worse than those of a broad plateau.

With ``smoothing_among="one_se"`` the smoothed score only chooses among the grid points
the held-in clouds cannot tell from the best one (the one-standard-error rule of model
selection): with :math:`b` the grid point of the best own score and
:math:`d_c(g) = \pm(s_c(b) - s_c(g))` the paired per-cloud differences (signed so that
positive is worse), :math:`g` is a candidate when

.. math:: \pm(\bar s(b) - \bar s(g)) \le \operatorname{SD}_c\, d_c(g) / \sqrt{n_g}

(SD with ddof 1 over the :math:`n_g` clouds finite at both points; with one such cloud
only exact ties are candidates). A best point that clearly beats its neighbours keeps
its place; one the clouds cannot separate from a plateau gives way to it.

A third kind of objective, a *target* ``{metric name: value}``, reproduces
published scores instead of maximising one: each metric is averaged over the
clouds, and the grid point with the smallest largest deviation

.. math:: \Delta(\epsilon, m) = \max_k \left| \bar s_k(\epsilon, m) - t_k \right|

wins. It finds parameters that reproduce the scores a paper printed without
its parameters (Pineda et al.'s DBSCAN rows of the simulated scenarios).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from miro._validation import as_cloud, check_choice, check_count, grid_values
from miro.errors import MiroInputError
from miro.evaluation.geometric import iou, jic, rmse_xy, rmsre_n
from miro.evaluation.metrics import HIGHER_IS_BETTER, METRICS
from miro.evaluation.partition import ami, ari, ari_c, ari_dagger
from miro.inference.clustering import dbscan_labels_of_graph, radius_graph

#: Grid points the smoothed score chooses among (:func:`grid_search`): every one, or those within one paired standard error of the best.
SMOOTHING_AMONG = ("all", "one_se")

__all__ = [
    "TuningResult", "grid_search", "tune_dbscan", "tune_miro_dbscan", "tune_clusterer", "choose_parameters", "metric_function",
    "metric_target",
]


_FUNCTIONS = {
    "ARI_dagger": lambda xy, t, p: ari_dagger(t, p),
    "IoU": lambda xy, t, p: iou(xy, t, p),
    "JIc": lambda xy, t, p: jic(xy, t, p),
    "RMSRE_N": lambda xy, t, p: rmsre_n(xy, t, p),
    "RMSE_xy": lambda xy, t, p: rmse_xy(xy, t, p),
    "AMI": lambda xy, t, p: ami(t, p),
    "ARI_c": lambda xy, t, p: ari_c(t, p),
    "ARI": lambda xy, t, p: ari(t, p),
}


class TuningResult(NamedTuple):
    """Result of a grid search.

    Attributes
    ----------
    best : dict
        ``{"eps": float, "min_samples": int, "score": float, "metric": str}``; with
        smoothing also ``"smoothing"``, ``"smoothed_score"`` and, with
        ``smoothing_among="one_se"``, ``"smoothing_among"``.
    grid : pandas.DataFrame
        One row per grid point: ``eps``, ``min_samples``, ``score`` (mean over
        clouds), ``score_sd`` (SD over clouds, ddof 0), ``n_valid`` (clouds
        with a finite score), ``rank`` (1 = best; by ``smoothed_score``, a
        column of its own, with smoothing; with ``smoothing_among="one_se"``
        the candidates first, flagged in a column ``near_best``), then
        ``cloud_<i>``, the score of every cloud.
    """

    best: dict
    grid: pd.DataFrame


def metric_function(metric) -> tuple[Callable, bool, str]:
    """``(f(xy, labels_true, labels_pred) -> float, higher_is_better, name)`` for a metric.

    ``metric`` is a name in :data:`miro.evaluation.METRICS`, a list of such names
    whose scores are all higher-is-better (their mean is maximised; named
    ``"JIc+ARI_c"`` for ``["JIc", "ARI_c"]``), or a tuple
    ``(callable, higher_is_better)``. Targets (mappings) are handled by
    :func:`grid_search` itself, see :func:`metric_target`.
    """
    if isinstance(metric, (list, tuple)) and metric and all(isinstance(m, str) for m in metric):
        names = list(dict.fromkeys(metric))
        parts = [metric_function(name) for name in names]
        lower = [name for name, (_, higher, _) in zip(names, parts) if not higher]
        if lower:
            raise MiroInputError(
                f"metric: a list may only combine higher-is-better metrics; {', '.join(lower)} is lower-is-better, tune on it alone"
            )
        if len(parts) == 1:
            return parts[0]

        def combined(xy, labels_true, labels_pred):
            return float(np.mean([fn(xy, labels_true, labels_pred) for fn, _, _ in parts]))

        return combined, True, "+".join(names)
    if isinstance(metric, str):
        check_choice(metric, METRICS, "metric")
        return _FUNCTIONS[metric], bool(HIGHER_IS_BETTER[metric]), metric
    if isinstance(metric, tuple) and len(metric) == 2 and callable(metric[0]):
        fn, higher = metric
        return fn, bool(higher), getattr(fn, "__name__", "custom")
    raise MiroInputError(
        f"metric: give a name from miro.evaluation.METRICS or a (callable(xy, labels_true, labels_pred), higher_is_better) pair, got {metric!r}"
    )


def metric_target(metric) -> tuple[dict[str, float], str] | None:
    """``(target, name)`` when ``metric`` is a mapping ``{metric name: value}``, else None.

    The name reads ``"max deviation from ARI_dagger 0.69, JIc 0.55"``.
    """
    if not isinstance(metric, Mapping):
        return None
    if not metric:
        raise MiroInputError("metric: the target is empty; give {metric name: published value, ...}")
    target = {}
    for key, value in metric.items():
        if key not in _FUNCTIONS:
            raise MiroInputError(f"metric: target key {key!r} is not a metric; use names from {', '.join(METRICS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not math.isfinite(value):
            raise MiroInputError(f"metric: target {key}: expected a finite number (the published score), got {value!r}")
        target[key] = float(value)
    return target, "max deviation from " + ", ".join(f"{k} {v:g}" for k, v in target.items())


def _cloud_scores(functions, clouds, graphs, min_samples: int) -> np.ndarray:
    """Scores (clouds × functions) of DBSCAN at ``min_samples`` on every held-in cloud, from the
    clouds' :func:`~miro.inference.clustering.radius_graph` at one ``eps``."""
    rows = []
    for (_, sxy, lab), graph in zip(clouds, graphs):
        pred = dbscan_labels_of_graph(graph, min_samples)
        rows.append([fn(sxy, lab, pred) for fn in functions])
    return np.asarray(rows, dtype=float)


def _aggregate(table: np.ndarray, goal: np.ndarray | None) -> tuple[float, float, int, list[float]]:
    """Grid-point score, its SD over clouds, the number of valid clouds and every cloud's value.

    Without ``goal`` (one column): the mean of the finite per-cloud scores.
    With ``goal``: each cloud's value is its largest deviation from ``goal``;
    the score is the largest deviation of the column means over the clouds
    where every score is finite.
    """
    per_cloud = table[:, 0] if goal is None else np.abs(table - goal).max(axis=1)
    valid = np.isfinite(per_cloud)
    if not valid.any():
        return float("nan"), float("nan"), 0, per_cloud.tolist()
    score = per_cloud[valid].mean() if goal is None else np.abs(table[valid].mean(axis=0) - goal).max()
    return float(score), float(per_cloud[valid].std()), int(valid.sum()), per_cloud.tolist()


def grid_search(
    cluster_xy: Sequence,
    score_xy: Sequence,
    labels_true: Sequence,
    *,
    eps: Sequence[float],
    min_samples: Sequence[int],
    metric="ARI_dagger",
    smoothing: int = 0,
    smoothing_among: str = "all",
) -> TuningResult:
    r"""DBSCAN on ``cluster_xy``, scored on ``score_xy`` against ``labels_true``, for every grid point.

    Parameters
    ----------
    cluster_xy : sequence of array_like (n_i, 2)
        Coordinates DBSCAN sees (nm), one array per held-in point cloud.
    score_xy : sequence of array_like (n_i, 2)
        Coordinates the metric sees (nm), row-aligned with ``cluster_xy``.
    labels_true : sequence of array_like (n_i,)
        Ground truth, 0 = not clustered.
    eps : sequence of float
        Neighbourhood radii (nm, the unit of ``cluster_xy``).
    min_samples : sequence of int
        DBSCAN ``min_samples`` (the point itself included).
    metric : str, list of str, mapping or (callable, bool), default "ARI_dagger"
        A name of :data:`miro.evaluation.METRICS` (its direction from
        :data:`miro.evaluation.HIGHER_IS_BETTER`), a list of higher-is-better
        names (their mean is maximised), a target ``{name: value}`` (the
        largest deviation of the cloud-averaged scores from it is minimised;
        the ``cloud_<i>`` columns then hold each cloud's largest deviation), or
        ``(f, higher_is_better)`` with ``f(xy, labels_true, labels_pred) -> float``.
    smoothing : int, default 0
        Choose by the score averaged over the neighbours within this many grid steps
        (module docstring); 0: by the grid point's own score.
    smoothing_among : {"all", "one_se"}, default "all"
        With smoothing: the grid points the smoothed score chooses among, every one or
        those within one paired standard error of the best own score (module docstring).

    Returns
    -------
    TuningResult
    """
    functions, goal, higher, name = _objective(metric)
    smoothing = check_count(smoothing, "smoothing", 0)
    check_choice(smoothing_among, SMOOTHING_AMONG, "smoothing_among")
    if smoothing_among != "all" and not smoothing:
        raise MiroInputError(f"smoothing_among: {smoothing_among} ranks the near-best grid points by their smoothed score; set smoothing >= 1 with it")
    eps_values = grid_values(eps, "eps", integer=False)
    ms_values = grid_values(min_samples, "min_samples", integer=True)
    clouds = _clouds(cluster_xy, score_xy, labels_true)

    rows = []
    for e in eps_values:
        graphs = [radius_graph(cxy, e) for cxy, _, _ in clouds]  # neighbourhoods once per eps
        for m in ms_values:
            score, sd, n_valid, per_cloud = _aggregate(_cloud_scores(functions, clouds, graphs, m), goal)
            rows.append({"eps": e, "min_samples": m, "score": score, "score_sd": sd, "n_valid": n_valid,
                         **{f"cloud_{i}": c for i, c in enumerate(per_cloud)}})
    grid = pd.DataFrame(rows)
    first = None
    if smoothing:
        scores = grid["score"].to_numpy().reshape(len(eps_values), len(ms_values))  # rows eps, columns min_samples
        grid.insert(3, "smoothed_score", smoothed_scores(scores, smoothing).reshape(-1))
        if smoothing_among == "one_se":
            first = near_best(grid["score"].to_numpy(), grid[[f"cloud_{i}" for i in range(len(clouds))]].to_numpy(), higher)
    grid, best_row = _ranked(grid, higher, 2, by="smoothed_score" if smoothing else "score", first=first)
    best = {"eps": float(best_row["eps"]), "min_samples": int(best_row["min_samples"]), "score": float(best_row["score"]), "metric": name}
    if smoothing:
        best.update(smoothing=smoothing, smoothed_score=float(best_row["smoothed_score"]))
    if first is not None:
        best["smoothing_among"] = smoothing_among
    return TuningResult(best, grid)


def near_best(scores: np.ndarray, per_cloud: np.ndarray, higher: bool = True) -> np.ndarray:
    r"""Which grid points lie within one paired standard error of the best one.

    Parameters
    ----------
    scores : array (n_points,)
        Each grid point's score (NaN ranks last); the best is the first of the highest
        (``higher``) or lowest.
    per_cloud : array (n_points, n_clouds)
        Each grid point's value on every held-in cloud (NaN where undefined).
    higher : bool, default True
        Whether higher scores are better.

    Returns
    -------
    numpy.ndarray of bool (n_points,)
        True where :math:`\pm(\bar s(b) - \bar s(g)) \le \operatorname{SD}(d) / \sqrt{n}`, with
        :math:`d` the paired differences to the best point :math:`b` on the :math:`n` clouds finite at
        both (SD ddof 1; 0 when :math:`n < 2`); always True at the best point.
    """
    scores = np.asarray(scores, dtype=float)
    per_cloud = np.asarray(per_cloud, dtype=float)
    sign = 1.0 if higher else -1.0
    ranked = np.where(np.isnan(scores), -np.inf, sign * scores)
    best = int(np.argmax(ranked))  # first of ties
    differences = sign * (per_cloud[best] - per_cloud)
    n = np.isfinite(differences).sum(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # fewer than two finite differences: SD undefined
        se = np.where(n >= 2, np.nanstd(differences, axis=1, ddof=1) / np.sqrt(np.maximum(n, 1)), 0.0)
    gap = sign * (scores[best] - scores)
    se = np.nan_to_num(se)
    near = np.isfinite(scores) & ((gap <= se) | np.isclose(gap, se, rtol=1e-9, atol=1e-12))  # a gap of exactly one SE is in, whatever the rounding
    near[best] = True
    return near


def smoothed_scores(scores: np.ndarray, half_width: int) -> np.ndarray:
    """Each entry of a 2-D score grid replaced by the mean of the entries within ``half_width``
    steps along both axes (a (2w+1) x (2w+1) window cut at the edges; NaN skipped, NaN where
    the whole window is)."""
    padded = np.pad(np.asarray(scores, dtype=float), half_width, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (2 * half_width + 1, 2 * half_width + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Mean of empty slice": an all-NaN window stays NaN
        return np.nanmean(windows, axis=(-2, -1))


def _objective(metric) -> tuple[list, np.ndarray | None, bool, str]:
    """(score functions, target values or None, higher_is_better, name) of a tuning metric."""
    target = metric_target(metric)
    if target is None:
        fn, higher, name = metric_function(metric)
        return [fn], None, higher, name
    values, name = target
    return [_FUNCTIONS[k] for k in values], np.array(list(values.values())), False, name


def _clouds(cluster_xy, score_xy, labels_true) -> list:
    """Checked (cluster_xy, score_xy, labels) of every held-in cloud."""
    if not (len(cluster_xy) == len(score_xy) == len(labels_true)):
        raise MiroInputError(
            f"point clouds: {len(cluster_xy)} clustering arrays, {len(score_xy)} scoring arrays and "
            f"{len(labels_true)} label arrays; give one of each per held-in cloud"
        )
    if len(cluster_xy) == 0:
        raise MiroInputError("point clouds: none given; pass the training FOVs or simulated held-in clouds")
    clouds = []
    for i, (cxy, sxy, lab) in enumerate(zip(cluster_xy, score_xy, labels_true)):
        cxy = as_cloud(cxy, f"cluster_xy[{i}]")
        sxy = as_cloud(sxy, f"score_xy[{i}]")
        lab = np.asarray(lab).reshape(-1)
        if not (len(cxy) == len(sxy) == len(lab)):
            raise MiroInputError(f"cloud {i}: {len(cxy)}, {len(sxy)} and {len(lab)} rows; coordinates and labels must be row-aligned")
        clouds.append((cxy, sxy, lab.astype(np.int64)))
    return clouds


def _ranked(grid: pd.DataFrame, higher: bool, n_params: int, by: str = "score", first: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """The grid with its ``rank`` by column ``by`` (inserted after the parameters and score, score_sd,
    n_valid, and smoothed_score if any) and its best row; with ``first`` (bool per row, kept as
    column ``near_best``) those rows rank ahead of the others."""
    key = grid[by] if higher else -grid[by]
    key = key.fillna(-np.inf).to_numpy()
    order = np.argsort(-key, kind="stable")  # stable: ties keep grid order
    if first is not None:
        order = order[np.argsort(~first[order], kind="stable")]
    rank = np.empty(len(grid), dtype=np.int64)
    rank[order] = np.arange(1, len(grid) + 1)
    at = n_params + 3 + int("smoothed_score" in grid)
    grid.insert(at, "rank", rank)
    if first is not None:
        grid.insert(at + 1, "near_best", first)
    return grid, grid.iloc[int(order[0])]


def tune_dbscan(
    xy: Sequence,
    labels_true: Sequence,
    *,
    eps: Sequence[float],
    min_samples: Sequence[int],
    metric="ARI_dagger",
    smoothing: int = 0,
    smoothing_among: str = "all",
) -> TuningResult:
    """Best plain-DBSCAN parameters on held-in point clouds (raw coordinates, nm).

    Parameters
    ----------
    xy : sequence of array_like (n_i, 2)
        Held-in point clouds, nm.
    labels_true : sequence of array_like (n_i,)
        Their ground truth, 0 = not clustered.
    eps, min_samples, metric, smoothing, smoothing_among
        See :func:`grid_search`.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(0, 5, (30, 2)); b = rng.normal(300, 5, (30, 2))
    >>> bg = rng.uniform(-200, 500, (20, 2))
    >>> xy = np.vstack([a, b, bg]); lab = np.repeat([1, 2, 0], [30, 30, 20])
    >>> res = tune_dbscan([xy], [lab], eps=[5, 20, 200], min_samples=[3, 10])
    >>> res.best["eps"]
    20.0
    """
    return grid_search(xy, xy, labels_true, eps=eps, min_samples=min_samples, metric=metric, smoothing=smoothing,
                       smoothing_among=smoothing_among)


def tune_miro_dbscan(
    xy: Sequence,
    squeezed_xy: Sequence,
    labels_true: Sequence,
    *,
    eps: Sequence[float],
    min_samples: Sequence[int],
    metric="ARI_dagger",
    smoothing: int = 0,
    smoothing_among: str = "all",
) -> TuningResult:
    """Best MIRO + DBSCAN parameters: DBSCAN on squeezed coordinates, scored on the raw ones.

    Parameters
    ----------
    xy : sequence of array_like (n_i, 2)
        Raw held-in point clouds, nm (what the metric sees).
    squeezed_xy : sequence of array_like (n_i, 2)
        The same clouds after MIRO, in the nm frame in which DBSCAN will run
        at inference (the authors': normalised × FOV max, see
        :func:`miro.inference.squeeze_fov`).
    labels_true : sequence of array_like (n_i,)
    eps, min_samples, metric, smoothing, smoothing_among
        See :func:`grid_search`.
    """
    return grid_search(squeezed_xy, xy, labels_true, eps=eps, min_samples=min_samples, metric=metric, smoothing=smoothing,
                       smoothing_among=smoothing_among)


def _combinations(grid: Mapping, clusterer) -> tuple[list, list]:
    """Parameter names and every combination of their values (first name slowest) of a grid."""
    if not isinstance(grid, Mapping) or not grid:
        raise MiroInputError(f"grid: give {{parameter: [values]}} for {clusterer.name}, e.g. {{{clusterer.cut_params[0]}: [...]}}")
    known = clusterer.fit_params + clusterer.cut_params
    lists = []
    for key, values in grid.items():
        if key not in known:
            raise MiroInputError(f"grid: {clusterer.name} has no parameter {key!r}; it takes {', '.join(known)}")
        values = list(values) if isinstance(values, (list, tuple, np.ndarray)) else [values]
        if not values:
            raise MiroInputError(f"grid: {key}: the grid is empty; give at least one value")
        lists.append(list(dict.fromkeys(values)))
    return list(grid), list(itertools.product(*lists))


def tune_clusterer(
    method: str,
    cluster_xy: Sequence,
    score_xy: Sequence,
    labels_true: Sequence,
    *,
    grid: Mapping[str, Sequence],
    metric="ARI_dagger",
) -> TuningResult:
    r"""Best parameters of any method of :data:`miro.inference.baselines.CLUSTERERS` on held-in clouds.

    The search of :func:`grid_search` for other methods: every combination of the
    values in ``grid`` clusters ``cluster_xy`` (raw localizations, or MIRO-squeezed
    ones for MIRO + HDBSCAN) and is scored on ``score_xy`` against ``labels_true`` by
    ``metric`` (same forms and tie rule: the first combination, first parameter
    slowest, wins ties). A fit is shared by the combinations that differ only in
    parameters that cut it (OPTICS' ``xi``, ToMATo's ``merge_threshold``).

    Parameters
    ----------
    method : str
        A name of :data:`~miro.inference.baselines.CLUSTERERS` (``HDBSCAN``, ``OPTICS``, ``ToMATo``, ``DBSCAN``).
    cluster_xy, score_xy, labels_true
        See :func:`grid_search` (nm; 0 = not clustered).
    grid : mapping of str to sequence
        Parameter name -> values, e.g. ``{"min_cluster_size": [5, 10], "min_samples": [3, 5]}``.
    metric
        See :func:`grid_search`.

    Returns
    -------
    TuningResult
        ``best`` holds the parameters of the best combination, ``score`` and ``metric``;
        ``grid`` one row per combination (parameters, ``score``, ``score_sd``,
        ``n_valid``, ``rank``, ``cloud_<i>``).
    """
    from miro.inference.baselines import CLUSTERERS

    clusterer = CLUSTERERS[check_choice(method, CLUSTERERS, "method")]
    functions, goal, higher, name = _objective(metric)
    names, combos = _combinations(grid, clusterer)
    clouds = _clouds(cluster_xy, score_xy, labels_true)
    scores = np.full((len(combos), len(clouds), len(functions)), np.nan)
    fit_names = [key for key in names if key in clusterer.fit_params]
    for c, (cxy, sxy, lab) in enumerate(clouds):
        groups: dict = {}
        for g, combo in enumerate(combos):
            params = dict(zip(names, combo))
            groups.setdefault(tuple(params[key] for key in fit_names), []).append((g, params))
        for fit_values, members in groups.items():
            fitted = clusterer.fit(cxy, **dict(zip(fit_names, fit_values)))
            for g, params in members:
                pred = clusterer.cut(fitted, **{key: params[key] for key in names if key not in fit_names})
                scores[g, c] = [fn(sxy, lab, pred) for fn in functions]
    rows = []
    for g, combo in enumerate(combos):
        score, sd, n_valid, per_cloud = _aggregate(scores[g], goal)
        rows.append({**dict(zip(names, combo)), "score": score, "score_sd": sd, "n_valid": n_valid,
                     **{f"cloud_{i}": v for i, v in enumerate(per_cloud)}})
    table, best_row = _ranked(pd.DataFrame(rows), higher, len(names))
    best = dict(zip(names, combos[int(best_row.name)]))  # the values as given (a row would make them all floats)
    return TuningResult({**best, "score": float(best_row["score"]), "metric": name}, table)


def _plain(value):
    """A numpy scalar as the Python number JSON writes."""
    return value.item() if hasattr(value, "item") else value


def choose_parameters(
    cluster_xy: Sequence,
    score_xy: Sequence,
    labels_true: Sequence,
    *,
    selection: Mapping,
    fixed: Mapping | None = None,
    method: str = "DBSCAN",
    grid: Mapping[str, Sequence] | None = None,
) -> dict:
    """A method's clustering parameters chosen on held-in clouds, as the record the workflow
    writes (``results/dbscan_params/<scenario>/<method>.json``).

    Parameters
    ----------
    cluster_xy, score_xy, labels_true
        See :func:`grid_search`: the raw training FOVs (nm), or MIRO-squeezed ones in
        ``cluster_xy`` for a MIRO method.
    selection : mapping
        Config ``dbscan_selection``: ``mode`` (``fixed`` or ``tuned``), ``metric``, the
        DBSCAN grid ``eps``, ``min_samples``, and optionally ``smoothing`` and ``smoothing_among``
        (:func:`grid_search`).
    fixed : mapping, optional
        The authors' DBSCAN ``eps``, ``min_samples`` (chosen in mode ``fixed``).
    method : str, default "DBSCAN"
        The clustering method (:data:`~miro.inference.baselines.CLUSTERERS`).
    grid : mapping, optional
        Parameter -> values of a method other than DBSCAN (config ``method_grids``);
        such a method is always tuned.

    Returns
    -------
    dict
        DBSCAN: ``mode``, ``chosen``, ``fixed``, ``tuned`` (the best grid point, its score and
        metric); another method: ``clusterer``, ``mode`` ("tuned"), ``chosen``, ``grid``, ``tuned``.
    """
    if grid is None:
        tuned = grid_search(cluster_xy, score_xy, labels_true, eps=selection["eps"], min_samples=selection["min_samples"],
                            metric=selection["metric"], smoothing=selection.get("smoothing", 0),
                            smoothing_among=selection.get("smoothing_among", "all")).best
        tuned = {key: _plain(value) for key, value in tuned.items()}
        fixed = dict(fixed or {})
        chosen = fixed if selection["mode"] == "fixed" else {"eps": tuned["eps"], "min_samples": tuned["min_samples"]}
        return {"mode": selection["mode"], "chosen": chosen, "fixed": fixed, "tuned": tuned}
    grid = dict(grid)
    tuned = tune_clusterer(method, cluster_xy, score_xy, labels_true, grid=grid, metric=selection["metric"]).best
    tuned = {key: _plain(value) for key, value in tuned.items()}
    chosen = {key: value for key, value in tuned.items() if key in grid}
    return {"clusterer": method, "mode": "tuned", "chosen": chosen, "grid": grid, "tuned": tuned}
