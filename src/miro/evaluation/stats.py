"""Paired significance tests and per-FOV summaries behind Table 1 and Figure 2.

The paper compares DBSCAN with and without MIRO preprocessing field of view
(FOV) by field of view: every simulated FOV is clustered by both methods, so
the two samples of a metric are *paired*. Following the caption of Figure 2,
significance is assessed with a **one-sided paired t-test** when the data are
normal and homoskedastic and with a **Wilcoxon signed-rank test** otherwise;
the effect size is Cohen's d for paired samples (the paper quotes d = 0.3 for
ARI† and IoU in Scenario 8 and d = 0.7 for ARI† in Scenario 8 with blinking).

Tables handled here are plain :class:`pandas.DataFrame` objects:

* a *per-FOV metrics table* has one row per FOV, a ``fov`` column and one
  column per metric id (:data:`~miro.evaluation.metrics.METRICS`);
* the *long summary* (``table1.csv``) has the columns
  :data:`SUMMARY_COLUMNS`, one row per (scenario, method, metric).

Lengths (``RMSE_xy``) are in nanometres, as everywhere in :mod:`miro`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats as _sps

from miro._validation import as_1d, check_per_fov
from miro.errors import MiroInputError
from miro.evaluation.metrics import HIGHER_IS_BETTER

__all__ = [
    "SUMMARY_COLUMNS",
    "COMPARISON_COLUMNS",
    "PairedTestResult",
    "paired_test",
    "stars",
    "cohens_d_paired",
    "compare_methods",
    "summarize",
    "compare_to_baseline",
    "read_stats",
]

#: Columns of the long summary table written as ``table1.csv``.
SUMMARY_COLUMNS: tuple[str, ...] = ("scenario", "method", "metric", "mean", "sd", "n_fov")

#: Columns returned by :func:`compare_methods` (``method`` is inserted after
#: ``scenario`` when a method name is given, diagnostics are appended on request).
COMPARISON_COLUMNS: tuple[str, ...] = ("scenario", "metric", "test", "statistic", "p", "d", "stars", "n")

_DIAGNOSTIC_COLUMNS: tuple[str, ...] = ("mean_diff", "shapiro_p", "levene_p")

#: Star thresholds of Figure 2, checked from the most significant down.
_STAR_LEVELS: tuple[tuple[float, str], ...] = (
    (1e-4, "****"),
    (1e-3, "***"),
    (1e-2, "**"),
    (5e-2, "*"),
)


@dataclass(frozen=True)
class PairedTestResult:
    """Outcome of :func:`paired_test`.

    Attributes
    ----------
    test : str
        ``"paired t"``, ``"wilcoxon"``, or ``"none"`` when no test could be run
        (fewer than 3 usable pairs, or every difference is exactly zero).
    statistic : float
        Test statistic computed on the *oriented* differences (positive =
        improvement): Student's t with ``n - 1`` degrees of freedom, or the
        Wilcoxon W+ (sum of the ranks of the improving differences, zeros
        dropped). NaN when ``test == "none"``.
    p : float
        One-sided p-value for H1 "the improved method is better than the
        baseline". 1.0 when every difference is zero, NaN when ``n < 3``.
    d : float
        Cohen's d for paired samples, ``mean(diff) / sd(diff, ddof=1)``, with
        ``diff`` oriented so that positive means improvement. 0.0 when every
        difference is zero, ``±inf`` when the differences are a non-zero
        constant, NaN when ``n < 2``.
    stars : str
        :func:`stars` of ``p``.
    n : int
        Number of pairs used (pairs with a NaN on either side are dropped).
    mean_diff : float
        Mean oriented difference (positive = improvement), in the metric's units.
    shapiro_p, levene_p : float
        p-values of the Shapiro–Wilk test on the differences and of Levene's
        test on the two samples that decided between the t-test and Wilcoxon;
        NaN when not computed.
    """

    test: str
    statistic: float
    p: float
    d: float
    stars: str
    n: int
    mean_diff: float = math.nan
    shapiro_p: float = math.nan
    levene_p: float = math.nan

    def as_dict(self) -> dict:
        """Return the fields as a plain ``dict`` (e.g. for a DataFrame row)."""
        return asdict(self)


def stars(p: float) -> str:
    """Significance stars of Figure 2 for a p-value.

    Parameters
    ----------
    p : float
        A p-value in [0, 1].

    Returns
    -------
    str
        ``"****"`` for p ≤ 0.0001, ``"***"`` for p ≤ 0.001, ``"**"`` for
        p ≤ 0.01, ``"*"`` for p ≤ 0.05, ``"ns"`` otherwise, and ``"n/a"`` when
        ``p`` is NaN (no test was run).

    Notes
    -----
    The caption of Figure 2 prints "*: p ≤ 0.5", an evident typo for the
    conventional 0.05 used here.

    Examples
    --------
    >>> stars(0.001), stars(0.02), stars(0.2)
    ('***', '*', 'ns')
    """
    p = float(p)
    if math.isnan(p):
        return "n/a"
    for threshold, mark in _STAR_LEVELS:
        if p <= threshold:
            return mark
    return "ns"


def cohens_d_paired(diff) -> float:
    """Cohen's d for paired samples (often written d_z).

    Parameters
    ----------
    diff : array-like of shape (n,)
        Paired differences (improved − baseline, oriented so that positive is
        better). NaNs are ignored.

    Returns
    -------
    float
        ``mean(diff) / sd(diff, ddof=1)``; 0.0 when every difference is zero,
        ``±inf`` when they are a non-zero constant, NaN with fewer than 2 values.

    Examples
    --------
    >>> cohens_d_paired([1.0, 2.0, 3.0])
    2.0
    """
    diff = np.asarray(diff, dtype=float)
    diff = diff[~np.isnan(diff)]
    if diff.size < 2:
        return math.nan
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1))
    if sd == 0.0:
        return 0.0 if mean == 0.0 else math.copysign(math.inf, mean)
    return mean / sd


def paired_test(improved, baseline, higher_is_better: bool = True, alpha: float = 0.05) -> PairedTestResult:
    """One-sided paired comparison of two methods over the same FOVs.

    Parameters
    ----------
    improved : array-like of shape (n,)
        Per-FOV metric of the candidate method (DBSCAN with MIRO preprocessing).
    baseline : array-like of shape (n,)
        Per-FOV metric of the baseline (DBSCAN alone), same FOV order.
    higher_is_better : bool, default True
        False for error metrics (RMSRE_N, RMSE_xy), where a decrease is an
        improvement.
    alpha : float, default 0.05
        Level of the two assumption checks that choose the test.

    Returns
    -------
    PairedTestResult
        Chosen test, statistic, one-sided p, Cohen's d, stars and the number of
        pairs used.

    Raises
    ------
    MiroInputError
        If the inputs are not 1-D, differ in length, or ``alpha`` is not in (0, 1).

    Notes
    -----
    Let ``diff_i = improved_i − baseline_i`` (``baseline_i − improved_i`` when
    lower is better), so that positive means improvement. Pairs with a NaN on
    either side are dropped first. The paired t-test
    (:func:`scipy.stats.ttest_rel`) is used when

    * the differences look normal: Shapiro–Wilk p > ``alpha``, and
    * the two samples are homoskedastic: Levene (median-centred,
      Brown–Forsythe) p > ``alpha``;

    otherwise the Wilcoxon signed-rank test (:func:`scipy.stats.wilcoxon`,
    zero differences dropped) is used. Both are one-sided with H1 "the
    improved method is better". The effect size is Cohen's d for paired
    samples, ``d = mean(diff) / sd(diff, ddof=1)``.

    Degenerate inputs: with fewer than 3 pairs no test is run (``test="none"``,
    ``p`` NaN, ``stars`` "n/a"); when every difference is exactly zero
    ``test="none"``, ``p = 1`` and ``d = 0`` (no effect); when the differences
    are a non-zero constant, normality cannot be assessed and Wilcoxon is used
    (``d = ±inf``).

    References
    ----------
    Pineda et al., "Spatial Clustering of Molecular Localizations with Graph
    Neural Networks", caption of Figure 2.

    Examples
    --------
    >>> r = paired_test([0.9, 0.8, 0.85, 0.95], [0.8, 0.75, 0.7, 0.9])
    >>> r.n, r.d > 0
    (4, True)
    """
    if not 0.0 < float(alpha) < 1.0:
        raise MiroInputError(f"alpha: expected a level in (0, 1), got {alpha!r}.")
    a = as_1d(improved, "improved")
    b = as_1d(baseline, "baseline")
    if a.shape != b.shape:
        raise MiroInputError(
            f"improved and baseline must hold one value per FOV in the same order; "
            f"got {a.size} and {b.size} values."
        )
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    if not higher_is_better:
        # Negating both samples turns "lower is better" into "higher is better"
        # without changing any p-value, so every statistic below is oriented.
        a, b = -a, -b
    n = int(a.size)
    diff = a - b
    d = cohens_d_paired(diff)
    mean_diff = float(diff.mean()) if n else math.nan

    if n < 3:
        return PairedTestResult("none", math.nan, math.nan, d, stars(math.nan), n, mean_diff)
    if np.all(diff == 0.0):
        return PairedTestResult("none", math.nan, 1.0, 0.0, stars(1.0), n, 0.0)

    shapiro_p = levene_p = math.nan
    if np.ptp(diff) > 0.0:
        shapiro_p = float(_sps.shapiro(diff).pvalue)
        if shapiro_p > alpha:
            levene_p = float(_sps.levene(a, b).pvalue)
    use_t = shapiro_p > alpha and levene_p > alpha  # NaN compares False

    if use_t:
        res = _sps.ttest_rel(a, b, alternative="greater")
        test = "paired t"
    else:
        res = _sps.wilcoxon(a, b, alternative="greater")
        test = "wilcoxon"
    p = float(res.pvalue)
    return PairedTestResult(test, float(res.statistic), p, d, stars(p), n, mean_diff, shapiro_p, levene_p)


def compare_methods(
    metrics_a: pd.DataFrame,
    metrics_b: pd.DataFrame,
    scenario: str,
    higher_is_better: Mapping[str, bool] | None = None,
    *,
    method: str | None = None,
    alpha: float = 0.05,
    diagnostics: bool = False,
) -> pd.DataFrame:
    """Run :func:`paired_test` for every metric of two per-FOV tables.

    Parameters
    ----------
    metrics_a : DataFrame
        Per-FOV metrics of the candidate (MIRO + DBSCAN): ``fov`` plus metric columns.
    metrics_b : DataFrame
        Per-FOV metrics of the baseline (DBSCAN alone), same layout.
    scenario : str
        Scenario id written into every row (e.g. ``"scenario8"``).
    higher_is_better : mapping of str to bool, optional
        Metrics to test, in output order, and their direction; defaults to
        :data:`~miro.evaluation.metrics.HIGHER_IS_BETTER` (all eight metrics of Table 1).
    method : str, optional
        Name of the candidate method; when given, a ``method`` column follows
        ``scenario`` (useful when both ``MIRO`` and ``MIRO_released`` are tested).
    alpha : float, default 0.05
        Level of the assumption checks, see :func:`paired_test`.
    diagnostics : bool, default False
        Append the columns ``mean_diff``, ``shapiro_p`` and ``levene_p``.

    Returns
    -------
    DataFrame
        One row per metric with the columns :data:`COMPARISON_COLUMNS`.

    Raises
    ------
    MiroInputError
        If a table lacks ``fov`` or a tested metric, or repeats an FOV id.

    Notes
    -----
    FOVs are paired by the ``fov`` column (inner join): an FOV present in only
    one table is left out, as is any pair with a NaN; ``n`` gives the count used.
    """
    hib = dict(HIGHER_IS_BETTER if higher_is_better is None else higher_is_better)
    a = check_per_fov(metrics_a, "metrics_a")
    b = check_per_fov(metrics_b, "metrics_b")
    for metric in hib:
        for name, table in (("metrics_a", a), ("metrics_b", b)):
            if metric not in table.columns:
                raise MiroInputError(
                    f"{name}: no column {metric!r}; columns are {list(table.columns)}. "
                    f"Pass higher_is_better with only the metrics to test."
                )
    merged = a[["fov", *hib]].merge(b[["fov", *hib]], on="fov", suffixes=("__a", "__b"))
    rows = []
    for metric, up in hib.items():
        res = paired_test(merged[f"{metric}__a"], merged[f"{metric}__b"], higher_is_better=bool(up), alpha=alpha)
        row = {"scenario": scenario}
        if method is not None:
            row["method"] = method
        row.update(metric=metric, **{k: getattr(res, k) for k in COMPARISON_COLUMNS[2:]})
        if diagnostics:
            row.update({k: getattr(res, k) for k in _DIAGNOSTIC_COLUMNS})
        rows.append(row)
    columns = list(COMPARISON_COLUMNS)
    if method is not None:
        columns.insert(1, "method")
    if diagnostics:
        columns += list(_DIAGNOSTIC_COLUMNS)
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"n": int})


def summarize(per_fov: pd.DataFrame, scenario: str, method: str) -> pd.DataFrame:
    """Mean ± SD of every metric over FOVs, as long rows of ``table1.csv``.

    Parameters
    ----------
    per_fov : DataFrame
        Per-FOV metrics table: ``fov`` plus one column per metric (any order;
        every column except ``fov`` is summarised, in table order).
    scenario : str
        Scenario id written into every row.
    method : str
        Method id written into every row (``DBSCAN``, ``MIRO``, ``MIRO_released``).

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS`: ``mean`` and ``sd`` (sample SD,
        ddof=1, NaN with a single FOV) over the non-NaN values of the metric,
        ``n_fov`` the number of values used.

    Raises
    ------
    MiroInputError
        If ``per_fov`` is not a DataFrame or holds a non-numeric metric column.

    Examples
    --------
    >>> df = pd.DataFrame({"fov": [1, 2, 3], "IoU": [0.5, 0.7, float("nan")]})
    >>> summarize(df, "rings", "DBSCAN")[["metric", "mean", "n_fov"]].values.tolist()
    [['IoU', 0.6, 2]]
    """
    if not isinstance(per_fov, pd.DataFrame):
        raise MiroInputError(f"per_fov: expected a pandas DataFrame, got {type(per_fov).__name__}.")
    rows = []
    for metric in per_fov.columns:
        if metric == "fov":
            continue
        try:
            values = pd.to_numeric(per_fov[metric], errors="raise").astype(float).dropna()
        except (TypeError, ValueError) as exc:
            raise MiroInputError(f"per_fov: column {metric!r} is not numeric ({exc}).") from exc
        n = int(values.size)
        mean = float(values.mean()) if n else math.nan
        sd = float(values.std(ddof=1)) if n > 1 else math.nan
        rows.append({"scenario": scenario, "method": method, "metric": metric, "mean": mean, "sd": sd, "n_fov": n})
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS)).astype({"n_fov": int})


def compare_to_baseline(per_fov: Mapping[tuple[str, str], pd.DataFrame], baseline: str = "DBSCAN") -> pd.DataFrame:
    """Test every method against ``baseline`` in every scenario (the ``stats.csv`` table).

    Parameters
    ----------
    per_fov : mapping of (scenario, method) to DataFrame
        Per-FOV metrics tables.
    baseline : str, default "DBSCAN"
        Method every other method of the same scenario is compared with.

    Returns
    -------
    DataFrame
        Columns ``scenario, method, metric, test, statistic, p, d, stars, n``:
        one row per scenario, non-baseline method and metric; no rows when no
        scenario has both the baseline and another method.
    """
    tables = [
        compare_methods(table, per_fov[(scenario, baseline)], scenario, method=method)
        for (scenario, method), table in per_fov.items()
        if method != baseline and (scenario, baseline) in per_fov
    ]
    columns = [COMPARISON_COLUMNS[0], "method", *COMPARISON_COLUMNS[1:]]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)


def read_stats(path) -> pd.DataFrame:
    """Read a ``stats.csv`` written from :func:`compare_to_baseline`, keeping ``stars`` as text.

    pandas would otherwise read the ``"n/a"`` mark (too few FOVs) as a missing value.
    """
    return pd.read_csv(path, dtype={"stars": str}, keep_default_na=False, na_values={c: ["", "nan", "NaN"] for c in ("statistic", "p", "d")})
