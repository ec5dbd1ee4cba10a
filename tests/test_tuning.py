"""DBSCAN parameter search on held-in point clouds (miro.inference.tuning)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from miro.errors import MiroInputError
from miro.evaluation import METRICS
from miro.inference.tuning import choose_parameters, grid_search, metric_target, near_best, smoothed_scores, tune_dbscan, tune_miro_dbscan


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


def test_near_best_is_the_one_standard_error_rule():
    """Paired differences to the best point (here the first row) on three clouds: row 1 is
    0.02 worse on average with SD 0.01 of its differences (SE 0.0058: out), row 2 is 0.02 worse
    with differences 0.06, -0.03, 0.03 (SD 0.046, SE 0.026: in), row 3 ties the best exactly
    (in), row 4 has no finite score (out)."""
    per_cloud = np.array([
        [0.80, 0.70, 0.60],
        [0.79, 0.68, 0.57],
        [0.74, 0.73, 0.57],
        [0.80, 0.70, 0.60],
        [np.nan, np.nan, np.nan],
    ])
    scores = np.array([0.7, 0.68, 0.68, 0.7, np.nan])
    np.testing.assert_array_equal(near_best(scores, per_cloud), [True, False, True, True, False])
    # lower is better: errors (the negated table) give the same candidates
    np.testing.assert_array_equal(near_best(-scores, -per_cloud, higher=False), [True, False, True, True, False])
    # one cloud: no standard error, only exact ties
    np.testing.assert_array_equal(near_best(per_cloud[:4, 0], per_cloud[:4, :1]), [True, False, False, True])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (7, 3), elements=st.floats(0, 1, width=32)),
    arrays(np.float64, 3, elements=st.floats(-0.5, 0.5, width=32)),
)
def test_near_best_sees_only_paired_differences(per_cloud, offsets):
    """The rule compares grid points cloud by cloud: a constant added to every grid point's
    score on one cloud (an easier or harder cloud) changes no candidate; the best point is
    always one."""
    scores = per_cloud.mean(axis=1)
    near = near_best(scores, per_cloud)
    assert near[int(np.argmax(scores))]
    shifted = per_cloud + offsets
    if np.argmax(shifted.mean(axis=1)) == np.argmax(scores):  # a tie broken the other way by rounding moves the reference
        np.testing.assert_array_equal(near_best(shifted.mean(axis=1), shifted), near)


def test_smoothing_among_near_best_keeps_a_clear_winner():
    """A spike that beats its neighbours on every cloud by far stays chosen under
    smoothing_among="one_se" (smoothing alone moves to the plateau); a spike the clouds cannot
    tell from the plateau gives way to it."""
    rng = np.random.default_rng(3)
    plateau = np.full((5, 6), 0.1)
    plateau[2:5, 3:6] = 0.8
    for spike, noise, kept in ((0.95, 0.005, True), (0.81, 0.05, False)):
        per_cloud = np.repeat(plateau.reshape(-1, 1), 3, axis=1) + rng.normal(0, noise, (30, 3))
        per_cloud[1 * 6 + 1] = spike + np.array([noise, -noise, 0.0])
        scores = per_cloud.mean(axis=1)
        smooth = smoothed_scores(scores.reshape(5, 6), 1).reshape(-1)
        near = near_best(scores, per_cloud)
        chosen = int(np.argmax(np.where(near, smooth, -np.inf)))
        assert int(np.argmax(smooth)) != 7
        assert (chosen == 7) == kept, (spike, noise)


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


def test_grid_search_smoothing_among_near_best():
    """smoothing_among="one_se": a near_best column (near_best of the grid's scores and
    cloud columns), the candidates ranked first by their smoothed score, the chosen point one
    of them; choose_parameters records the rule; an unknown rule is refused."""
    clouds = [_cloud(0, sd=12.0), _cloud(1, sd=12.0), _cloud(2, sd=12.0)]
    kw = dict(eps=[5, 10, 15, 20, 30, 40], min_samples=[3, 5, 8, 12, 20], metric=["JIc", "ARI_c"])
    xys, labels = [c[0] for c in clouds], [c[1] for c in clouds]
    res = tune_dbscan(xys, labels, smoothing=1, smoothing_among="one_se", **kw)
    grid = res.grid
    expected = near_best(grid["score"].to_numpy(), grid[["cloud_0", "cloud_1", "cloud_2"]].to_numpy())
    np.testing.assert_array_equal(grid["near_best"], expected)
    assert 1 < expected.sum() < len(grid)
    candidates = grid[grid["near_best"]]
    assert sorted(candidates["rank"]) == list(range(1, len(candidates) + 1))
    best = grid.loc[grid["rank"] == 1].iloc[0]
    assert best["near_best"] and best["smoothed_score"] == candidates["smoothed_score"].max()
    assert (res.best["eps"], res.best["min_samples"]) == (best["eps"], best["min_samples"]) and res.best["smoothing_among"] == "one_se"
    assert "near_best" not in tune_dbscan(xys, labels, smoothing=1, **kw).grid
    record = choose_parameters(xys, xys, labels, selection={"mode": "tuned", **kw, "smoothing": 1, "smoothing_among": "one_se"})
    assert record["tuned"]["smoothing_among"] == "one_se" and record["chosen"] == {"eps": res.best["eps"], "min_samples": res.best["min_samples"]}
    with pytest.raises(MiroInputError, match="smoothing_among"):
        tune_dbscan(xys, labels, smoothing=1, smoothing_among="best", **kw)
    with pytest.raises(MiroInputError, match="set smoothing >= 1"):
        tune_dbscan(xys, labels, smoothing_among="one_se", **kw)
