"""DBSCAN parameter search on held-in point clouds (miro.inference.tuning)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from miro.errors import MiroInputError
from miro.evaluation import METRICS
from miro.inference.tuning import choose_parameters, grid_search, metric_target, smoothed_scores, tune_dbscan, tune_miro_dbscan


def _cloud(seed, sd=4.0):
    """Three tight clusters of 25 points (nm) far apart, plus 30 sparse background points."""
    rng = np.random.default_rng(seed)
    centres = np.array([[200.0, 200.0], [800.0, 300.0], [500.0, 900.0]])
    clusters = [c + rng.normal(0, sd, (25, 2)) for c in centres]
    background = rng.uniform(0, 1200, (30, 2))
    xy = np.vstack([*clusters, background])
    labels = np.repeat([1, 2, 3, 0], [25, 25, 25, 30])
    return xy, labels


def test_finds_known_optimum():
    clouds = [_cloud(0), _cloud(1)]
    res = tune_dbscan([c[0] for c in clouds], [c[1] for c in clouds], eps=[1, 15, 400], min_samples=[5, 60])
    # eps 1 finds nothing, eps 400 merges everything with the background; 60 > cluster size
    assert res.best["eps"] == 15 and res.best["min_samples"] == 5
    assert res.best["metric"] == "ARI_dagger"
    assert res.best["score"] > 0.9
    grid = res.grid
    assert len(grid) == 6
    assert list(grid.columns[:6]) == ["eps", "min_samples", "score", "score_sd", "n_valid", "rank"]
    assert {"cloud_0", "cloud_1"} <= set(grid.columns)
    assert int(grid.loc[grid["rank"] == 1, "eps"].iloc[0]) == 15
    row = grid[(grid.eps == 15) & (grid.min_samples == 5)].iloc[0]
    assert row["score"] == pytest.approx((row["cloud_0"] + row["cloud_1"]) / 2)


@pytest.mark.parametrize("metric", METRICS)
def test_every_metric_name_runs(metric):
    xy, labels = _cloud(2)
    res = tune_dbscan([xy], [labels], eps=[15], min_samples=[5], metric=metric)
    assert res.best["metric"] == metric


def test_respects_lower_is_better():
    xy, labels = _cloud(3)
    eps = [5, 15, 200]
    # a custom metric, the fraction of points DBSCAN calls noise, falls as eps grows
    noise = lambda xy_, t, p: float(np.mean(p == 0))  # noqa: E731
    low = grid_search([xy], [xy], [labels], eps=eps, min_samples=[3], metric=(noise, False))
    high = grid_search([xy], [xy], [labels], eps=eps, min_samples=[3], metric=(noise, True))
    assert low.grid["score"].is_monotonic_decreasing
    assert low.best["score"] == low.grid["score"].min()
    assert high.best["score"] == high.grid["score"].max()
    assert low.best["eps"] == 200 and high.best["eps"] == 5
    # named lower-is-better metric: RMSRE_N picks the grid minimum
    res = tune_dbscan([xy], [labels], eps=eps, min_samples=[3, 8], metric="RMSRE_N")
    assert res.best["score"] == pytest.approx(res.grid["score"].min())


def test_list_of_metrics_maximises_their_mean():
    xy, labels = _cloud(4)
    grid = dict(eps=[5, 15, 200], min_samples=[3, 8])
    both = tune_dbscan([xy], [labels], metric=["JIc", "ARI_c"], **grid)
    jic = tune_dbscan([xy], [labels], metric="JIc", **grid).grid.set_index(["eps", "min_samples"])["score"]
    ari_c = tune_dbscan([xy], [labels], metric="ARI_c", **grid).grid.set_index(["eps", "min_samples"])["score"]
    mean = both.grid.set_index(["eps", "min_samples"])["score"]
    np.testing.assert_allclose(mean.to_numpy(), ((jic + ari_c) / 2).loc[mean.index].to_numpy())
    assert both.best["metric"] == "JIc+ARI_c" and both.best["score"] == pytest.approx(mean.max())
    # one name in a list is that metric; lower-is-better metrics cannot be averaged
    assert tune_dbscan([xy], [labels], metric=["AMI"], **grid).best["metric"] == "AMI"
    with pytest.raises(MiroInputError, match="RMSRE_N is lower-is-better"):
        tune_dbscan([xy], [labels], metric=["JIc", "RMSRE_N"], **grid)


def test_nan_scores_rank_last():
    xy, labels = _cloud(4)
    # eps 0.01: no cluster at all, RMSE_xy is NaN (nothing matched)
    res = tune_dbscan([xy], [labels], eps=[0.01, 15], min_samples=[5], metric="RMSE_xy")
    assert res.best["eps"] == 15
    nan_row = res.grid[res.grid.eps == 0.01].iloc[0]
    assert np.isnan(nan_row["score"]) and nan_row["n_valid"] == 0 and nan_row["rank"] == 2


def test_miro_space_clusters_squeezed_scores_raw():
    # raw clusters overlap heavily, squeezed ones are points at their centres
    rng = np.random.default_rng(5)
    centres = np.array([[0.0, 0.0], [60.0, 0.0]])
    labels = np.repeat([1, 2], 40)
    raw = centres[labels - 1] + rng.normal(0, 40, (80, 2))
    squeezed = centres[labels - 1] + rng.normal(0, 1, (80, 2))
    plain = tune_dbscan([raw], [labels], eps=[5, 20, 50], min_samples=[5])
    miro = tune_miro_dbscan([raw], [squeezed], [labels], eps=[5, 20, 50], min_samples=[5])
    assert miro.best["score"] == pytest.approx(1.0)
    assert plain.best["score"] < miro.best["score"]


def test_validation():
    xy, labels = _cloud(6)
    with pytest.raises(MiroInputError, match="metric"):
        tune_dbscan([xy], [labels], eps=[10], min_samples=[5], metric="F1")
    with pytest.raises(MiroInputError, match="eps"):
        tune_dbscan([xy], [labels], eps=[], min_samples=[5])
    with pytest.raises(MiroInputError, match="min_samples"):
        tune_dbscan([xy], [labels], eps=[10], min_samples=[2.5])
    with pytest.raises(MiroInputError, match="row-aligned"):
        tune_dbscan([xy], [labels[:-1]], eps=[10], min_samples=[5])
    with pytest.raises(MiroInputError, match="none given"):
        tune_dbscan([], [], eps=[10], min_samples=[5])


def test_target_picks_the_grid_point_whose_mean_scores_are_closest():
    clouds = [_cloud(7), _cloud(8)]
    xy, labels = [c[0] for c in clouds], [c[1] for c in clouds]
    grid = dict(eps=[5, 15, 60, 200], min_samples=[3, 8])
    per_metric = {
        name: tune_dbscan(xy, labels, metric=name, **grid).grid.set_index(["eps", "min_samples"])["score"]
        for name in ("JIc", "ARI_c")
    }
    # aim at the scores of one grid point (eps 5, min_samples 8, the only one with ARI_c near 0.91):
    # the search must return it, with deviation 0
    goal = {name: float(scores.loc[(5.0, 8)]) for name, scores in per_metric.items()}
    assert (per_metric["ARI_c"] == goal["ARI_c"]).sum() == 1
    res = tune_dbscan(xy, labels, metric=goal, **grid)
    assert (res.best["eps"], res.best["min_samples"]) == (5.0, 8)
    assert res.best["score"] == pytest.approx(0.0, abs=1e-12)
    assert res.best["metric"].startswith("max deviation from JIc")
    # every score is the largest deviation of the cloud-averaged metrics, not the mean of per-cloud deviations
    expected = np.maximum(*(abs(per_metric[n] - goal[n]) for n in goal))
    got = res.grid.set_index(["eps", "min_samples"])["score"]
    np.testing.assert_allclose(got.to_numpy(), expected.loc[got.index].to_numpy(), atol=1e-12)
    assert res.grid["score"].min() == res.best["score"]


def test_target_validation():
    xy, labels = _cloud(9)
    assert metric_target("JIc") is None and metric_target(["JIc", "ARI_c"]) is None
    assert metric_target({"JIc": 0.55}) == ({"JIc": 0.55}, "max deviation from JIc 0.55")
    for bad, message in [({}, "target is empty"), ({"F1": 0.5}, "'F1' is not a metric"),
                         ({"JIc": "high"}, "JIc: expected a finite number"), ({"JIc": float("nan")}, "finite number"),
                         ({"JIc": True}, "finite number")]:
        with pytest.raises(MiroInputError, match=message):
            tune_dbscan([xy], [labels], eps=[10], min_samples=[5], metric=bad)


def test_choose_parameters_writes_the_workflows_record():
    """The record of results/dbscan_params/: DBSCAN's fixed and tuned values with the one chosen by
    the mode, another method's grid and best point; JSON-ready (plain Python numbers)."""
    import json

    rng = np.random.default_rng(0)
    xy = np.vstack([rng.normal(0, 5, (30, 2)), rng.normal(300, 5, (30, 2)), rng.uniform(-200, 500, (20, 2))])
    lab = np.repeat([1, 2, 0], [30, 30, 20])
    selection = {"mode": "fixed", "metric": "ARI_dagger", "eps": [5, 20, 200], "min_samples": [3, 10]}
    record = choose_parameters([xy], [xy], [lab], selection=selection, fixed={"eps": 50, "min_samples": 4})
    assert list(record) == ["mode", "chosen", "fixed", "tuned"] and record["chosen"] == {"eps": 50, "min_samples": 4}
    tuned = choose_parameters([xy], [xy], [lab], selection={**selection, "mode": "tuned"}, fixed={"eps": 50, "min_samples": 4})
    assert tuned["chosen"] == {"eps": 20.0, "min_samples": tuned["tuned"]["min_samples"]}
    other = choose_parameters([xy], [xy], [lab], selection=selection, method="HDBSCAN", grid={"min_cluster_size": [5, 10]})
    assert list(other) == ["clusterer", "mode", "chosen", "grid", "tuned"] and set(other["chosen"]) == {"min_cluster_size"}
    json.dumps([record, tuned, other])


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.one_of(st.floats(0, 1), st.just(np.nan))),
       st.integers(0, 3))
def test_smoothed_scores_are_window_means(scores, width):
    """Each entry: the mean of the non-NaN entries within `width` steps on both axes (NaN where
    there are none); width 0 changes nothing."""
    smooth = smoothed_scores(scores, width)
    assert smooth.shape == scores.shape
    for i, j in np.ndindex(scores.shape):
        window = scores[max(i - width, 0):i + width + 1, max(j - width, 0):j + width + 1]
        finite = window[~np.isnan(window)]
        assert (np.isnan(smooth[i, j]) and finite.size == 0) or smooth[i, j] == pytest.approx(finite.mean())
    np.testing.assert_array_equal(smoothed_scores(scores, 0), scores)


def test_smoothing_prefers_a_plateau_to_a_spike():
    scores = np.full((5, 6), 0.1)
    scores[1, 1] = 0.9  # a spike of one grid point
    scores[2:5, 3:6] = 0.8  # a plateau
    smooth = smoothed_scores(scores, 1)
    assert np.unravel_index(np.argmax(scores), scores.shape) == (1, 1)
    assert np.unravel_index(np.argmax(smooth), smooth.shape) == (3, 4)


def test_grid_search_with_smoothing_ranks_by_the_smoothed_score():
    """smoothing=1: a smoothed_score column (3 x 3 window means of the score over the eps x
    min_samples grid), rank 1 at its best; the best point keeps its own score; smoothing=0 is
    the plain search, its record unchanged."""
    clouds = [_cloud(0, sd=12.0), _cloud(1, sd=12.0)]
    kw = dict(eps=[5, 10, 15, 20, 30, 40], min_samples=[3, 5, 8, 12, 20], metric=["JIc", "ARI_c"])
    plain = tune_dbscan([c[0] for c in clouds], [c[1] for c in clouds], **kw)
    res = tune_dbscan([c[0] for c in clouds], [c[1] for c in clouds], smoothing=1, **kw)
    grid = res.grid
    expected = smoothed_scores(grid["score"].to_numpy().reshape(6, 5), 1).reshape(-1)
    np.testing.assert_allclose(grid["smoothed_score"], expected)
    best = grid.loc[grid["rank"] == 1].iloc[0]
    assert best["smoothed_score"] == grid["smoothed_score"].max()
    assert (res.best["eps"], res.best["min_samples"]) == (best["eps"], best["min_samples"])
    assert res.best["score"] == best["score"] and res.best["smoothed_score"] == best["smoothed_score"] and res.best["smoothing"] == 1
    again = tune_dbscan([c[0] for c in clouds], [c[1] for c in clouds], smoothing=0, **kw)
    assert again.best == plain.best and list(again.grid.columns) == list(plain.grid.columns)
    assert "smoothed_score" not in plain.grid
    xy, labels = clouds[0]
    record = choose_parameters([xy], [xy], [labels], selection={"mode": "tuned", **kw, "smoothing": 1})
    assert record["tuned"]["smoothing"] == 1 and "smoothing" not in choose_parameters([xy], [xy], [labels], selection={"mode": "tuned", **kw})["tuned"]
    for bad in (-1, 1.5, True):
        with pytest.raises(MiroInputError, match="smoothing"):
            tune_dbscan([xy], [labels], smoothing=bad, **kw)
