"""Tests of miro.evaluation.stats: test choice, one-sidedness, effect size, stars, summaries."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from miro.errors import MiroInputError
from miro.evaluation import (
    COMPARISON_COLUMNS,
    HIGHER_IS_BETTER,
    METRICS,
    SUMMARY_COLUMNS,
    cohens_d_paired,
    compare_methods,
    paired_test,
    stars,
    summarize,
)

N = 47  # FOVs per scenario in the paper


def normal_scores(n, mean=0.0, sd=1.0, seed=0):
    """Exactly normal-shaped sample (shuffled normal quantiles): Shapiro p ~ 1."""
    q = sps.norm.ppf((np.arange(1, n + 1) - 0.5) / n)
    return mean + sd * np.random.default_rng(seed).permutation(q)


def skewed_scores(n, scale=1.0, seed=0):
    """Strongly right-skewed sample (shuffled exponential quantiles)."""
    q = sps.expon.ppf((np.arange(1, n + 1) - 0.5) / n)
    return scale * np.random.default_rng(seed).permutation(q)


@pytest.fixture
def baseline():
    return normal_scores(N, mean=0.80, sd=0.04, seed=1)


# ----------------------------------------------------------------------------- test choice
def test_normal_homoskedastic_differences_use_paired_t(baseline):
    improved = baseline + normal_scores(N, mean=0.01, sd=0.005, seed=2)
    res = paired_test(improved, baseline)
    assert res.test == "paired t"
    assert res.shapiro_p > 0.05 and res.levene_p > 0.05
    expected = sps.ttest_rel(improved, baseline, alternative="greater")
    assert res.p == pytest.approx(expected.pvalue)
    assert res.statistic == pytest.approx(expected.statistic)


def test_skewed_differences_use_wilcoxon(baseline):
    improved = baseline + skewed_scores(N, scale=0.01, seed=3)
    res = paired_test(improved, baseline)
    assert res.shapiro_p < 0.05
    assert res.test == "wilcoxon"
    expected = sps.wilcoxon(improved, baseline, alternative="greater")
    assert res.p == pytest.approx(expected.pvalue)
    assert res.statistic == pytest.approx(expected.statistic)


def test_lognormal_differences_use_wilcoxon(baseline):
    q = sps.lognorm.ppf((np.arange(1, N + 1) - 0.5) / N, s=1.2)
    improved = baseline + 0.005 * np.random.default_rng(4).permutation(q)
    assert paired_test(improved, baseline).test == "wilcoxon"


def test_unequal_variances_use_wilcoxon_even_with_normal_differences(baseline):
    # normal differences, but the improved sample is ~10x more spread out
    improved = baseline + normal_scores(N, mean=0.02, sd=0.4, seed=5)
    res = paired_test(improved, baseline)
    assert res.shapiro_p > 0.05
    assert res.levene_p < 0.05
    assert res.test == "wilcoxon"


def test_alpha_changes_the_choice(baseline):
    improved = baseline + skewed_scores(N, scale=0.01, seed=3)
    # with a tiny alpha the skewed differences are no longer "rejected as non-normal"
    shapiro_p = sps.shapiro(improved - baseline).pvalue
    res = paired_test(improved, baseline, alpha=shapiro_p / 2)
    assert res.shapiro_p == pytest.approx(shapiro_p)
    assert not math.isnan(res.levene_p)  # computed once normality passes
    assert res.test == "paired t"


# ----------------------------------------------------------------------------- direction
@pytest.mark.parametrize("noise", ["normal", "skewed"])
def test_one_sided_improvement_small_p_worse_large_p(baseline, noise):
    delta = normal_scores(N, 0.02, 0.01, seed=6) if noise == "normal" else skewed_scores(N, 0.02, seed=6)
    better = paired_test(baseline + delta, baseline)
    worse = paired_test(baseline - delta, baseline)
    assert better.p < 1e-4 and better.stars == "****"
    assert better.d > 0 and better.statistic > 0
    assert worse.p > 0.5 and worse.stars == "ns"
    assert worse.d < 0


@pytest.mark.parametrize("noise", ["normal", "skewed"])
def test_error_metrics_improve_downwards(baseline, noise):
    rmse = 3.0 + 10 * (baseline - 0.8)
    delta = normal_scores(N, 0.2, 0.1, seed=7) if noise == "normal" else skewed_scores(N, 0.2, seed=7)
    lower = rmse - delta  # MIRO lowers the error: an improvement
    good = paired_test(lower, rmse, higher_is_better=False)
    assert good.p < 1e-4 and good.d > 0 and good.statistic > 0
    bad = paired_test(lower, rmse, higher_is_better=True)
    assert bad.p > 0.5 and bad.d < 0
    # the oriented test equals the plain "less" alternative
    ref = (sps.ttest_rel if good.test == "paired t" else sps.wilcoxon)(lower, rmse, alternative="less")
    assert good.p == pytest.approx(ref.pvalue)


# ----------------------------------------------------------------------------- effect size
def test_cohens_d_hand_case():
    assert cohens_d_paired([1.0, 2.0, 3.0]) == pytest.approx(2.0)
    res = paired_test([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    assert res.d == pytest.approx(2.0)
    assert paired_test([0.0, 0.0, 0.0], [1.0, 2.0, 3.0], higher_is_better=False).d == pytest.approx(2.0)
    assert paired_test([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]).d == pytest.approx(-2.0)


def test_cohens_d_second_hand_case():
    # diffs [2, 4, 4, 6]: mean 4, sd sqrt(8/3)
    assert cohens_d_paired([2, 4, 4, 6]) == pytest.approx(4 / math.sqrt(8 / 3))


# ----------------------------------------------------------------------------- degenerate inputs
def test_all_differences_zero():
    x = np.array([0.5, 0.6, 0.7, 0.8])
    res = paired_test(x, x.copy())
    assert res.test == "none" and res.p == 1.0 and res.d == 0.0 and res.stars == "ns" and res.n == 4


def test_constant_nonzero_difference_uses_wilcoxon():
    x = np.linspace(0.5, 0.9, 10)
    res = paired_test(x + 0.1, x)
    assert res.test == "wilcoxon" and res.p < 0.01 and res.d == math.inf


def test_too_few_pairs():
    res = paired_test([0.9, 0.8], [0.7, 0.7])
    assert res.test == "none" and math.isnan(res.p) and res.stars == "n/a" and res.n == 2
    assert res.d == pytest.approx(cohens_d_paired([0.2, 0.1]))
    assert paired_test([], []).n == 0


def test_nan_pairs_dropped(baseline):
    improved = baseline + normal_scores(N, 0.01, 0.005, seed=2)
    a, b = improved.copy(), baseline.copy()
    a[0], b[5], a[7], b[7] = np.nan, np.nan, np.nan, np.nan
    res = paired_test(a, b)
    keep = np.ones(N, bool)
    keep[[0, 5, 7]] = False
    ref = paired_test(improved[keep], baseline[keep])
    assert res.n == N - 3
    assert res.p == pytest.approx(ref.p) and res.d == pytest.approx(ref.d)


def test_bad_input_is_reported():
    with pytest.raises(MiroInputError, match="4 and 3"):
        paired_test([1, 2, 3, 4], [1, 2, 3])
    with pytest.raises(MiroInputError, match="alpha"):
        paired_test([1, 2, 3], [1, 2, 3], alpha=5)
    with pytest.raises(MiroInputError, match="1-D"):
        paired_test([[1, 2], [3, 4]], [[1, 2], [3, 4]])


# ----------------------------------------------------------------------------- stars
@pytest.mark.parametrize(
    "p, expected",
    [
        (0.0, "****"),
        (1e-4, "****"),
        (1.0001e-4, "***"),
        (1e-3, "***"),
        (1.0001e-3, "**"),
        (0.01, "**"),
        (0.010001, "*"),
        (0.05, "*"),
        (0.050001, "ns"),
        (0.5, "ns"),
        (1.0, "ns"),
        (float("nan"), "n/a"),
    ],
)
def test_stars_thresholds(p, expected):
    assert stars(p) == expected


# ----------------------------------------------------------------------------- tables of FOVs
def per_fov_table(rng, shift=0.0, fovs=range(1, N + 1)):
    fovs = list(fovs)
    data = {"fov": fovs}
    for m in METRICS:
        base = rng.normal(0.7 if HIGHER_IS_BETTER[m] else 0.5, 0.05, len(fovs))
        data[m] = base + (shift if HIGHER_IS_BETTER[m] else -shift)
    return pd.DataFrame(data)


def test_compare_methods_pairs_by_fov():
    rng = np.random.default_rng(0)
    dbscan = per_fov_table(rng)
    miro = dbscan.copy()
    miro[list(METRICS)] = dbscan[list(METRICS)] + np.where(
        [HIGHER_IS_BETTER[m] for m in METRICS], 1, -1
    ) * rng.normal(0.02, 0.01, (N, len(METRICS)))
    shuffled = miro.sample(frac=1.0, random_state=1).iloc[:-2]  # other order, 2 FOVs missing
    out = compare_methods(shuffled, dbscan, "scenario8", HIGHER_IS_BETTER)
    assert list(out.columns) == list(COMPARISON_COLUMNS)
    assert list(out["metric"]) == list(METRICS)
    assert (out["scenario"] == "scenario8").all()
    assert (out["n"] == N - 2).all()
    assert (out["p"] < 1e-4).all() and (out["d"] > 0).all()
    # identical to testing the aligned arrays directly
    merged = shuffled.merge(dbscan, on="fov", suffixes=("_a", "_b"))
    ref = paired_test(merged["RMSE_xy_a"], merged["RMSE_xy_b"], higher_is_better=False)
    assert out.set_index("metric").loc["RMSE_xy", "p"] == pytest.approx(ref.p)


def test_compare_methods_options_and_errors():
    rng = np.random.default_rng(1)
    a, b = per_fov_table(rng, 0.05), per_fov_table(rng)
    out = compare_methods(a, b, "rings", {"IoU": True, "RMSRE_N": False}, method="MIRO", diagnostics=True)
    assert list(out.columns[:3]) == ["scenario", "method", "metric"]
    assert {"mean_diff", "shapiro_p", "levene_p"} <= set(out.columns)
    assert list(out["metric"]) == ["IoU", "RMSRE_N"]
    with pytest.raises(MiroInputError, match="AMI"):
        compare_methods(a.drop(columns="AMI"), b, "rings")
    with pytest.raises(MiroInputError, match="fov"):
        compare_methods(a.drop(columns="fov"), b, "rings")
    with pytest.raises(MiroInputError, match="unique"):
        compare_methods(pd.concat([a, a.iloc[:1]]), b, "rings")


# ----------------------------------------------------------------------------- summaries
def test_summarize_hand_table():
    df = pd.DataFrame(
        {
            "fov": [1, 2, 3, 4],
            "IoU": [0.5, 0.7, 0.6, np.nan],
            "RMSE_xy": [2.0, 4.0, 6.0, 8.0],
            "JIc": [1.0, np.nan, np.nan, np.nan],
        }
    )
    out = summarize(df, "scenario8", "DBSCAN")
    assert list(out.columns) == list(SUMMARY_COLUMNS)
    assert list(out["metric"]) == ["IoU", "RMSE_xy", "JIc"]
    assert (out["scenario"] == "scenario8").all() and (out["method"] == "DBSCAN").all()
    row = out.set_index("metric")
    assert row.loc["IoU", "mean"] == pytest.approx(0.6)
    assert row.loc["IoU", "sd"] == pytest.approx(0.1)  # ddof=1
    assert row.loc["IoU", "n_fov"] == 3
    assert row.loc["RMSE_xy", "mean"] == pytest.approx(5.0)
    assert row.loc["RMSE_xy", "sd"] == pytest.approx(math.sqrt(20 / 3))
    assert row.loc["RMSE_xy", "n_fov"] == 4
    assert row.loc["JIc", "mean"] == 1.0 and math.isnan(row.loc["JIc", "sd"]) and row.loc["JIc", "n_fov"] == 1


def test_summarize_rejects_non_numeric():
    with pytest.raises(MiroInputError, match="IoU"):
        summarize(pd.DataFrame({"fov": [1, 2], "IoU": ["a", "b"]}), "s", "m")


def test_compare_to_baseline_tests_every_other_method():
    from miro.evaluation.stats import compare_to_baseline

    rng = np.random.default_rng(3)

    def table(shift):
        return pd.DataFrame({"fov": np.arange(1, 31), **{m: rng.normal(0.6 + shift, 0.05, 30) for m in METRICS}})

    per_fov = {("s1", "DBSCAN"): table(0), ("s1", "MIRO"): table(0.1), ("s1", "MIRO_released"): table(0.1), ("s2", "DBSCAN"): table(0)}
    out = compare_to_baseline(per_fov)
    assert list(out.columns) == ["scenario", "method", "metric", "test", "statistic", "p", "d", "stars", "n"]
    assert len(out) == 2 * len(METRICS) and set(out["method"]) == {"MIRO", "MIRO_released"}
    assert (out.loc[out["metric"] == "ARI", "p"] < 0.001).all()
    empty = compare_to_baseline({("s2", "DBSCAN"): table(0)})
    assert empty.empty and "p" in empty.columns


def test_read_stats_keeps_the_na_mark(tmp_path):
    from miro.evaluation.stats import read_stats

    path = tmp_path / "stats.csv"
    pd.DataFrame({"scenario": ["s"], "method": ["MIRO"], "metric": ["ARI"], "test": ["none"], "statistic": [np.nan],
                  "p": [np.nan], "d": [np.nan], "stars": ["n/a"], "n": [2]}).to_csv(path, index=False)
    table = read_stats(path)
    assert table.loc[0, "stars"] == "n/a" and math.isnan(table.loc[0, "p"])
