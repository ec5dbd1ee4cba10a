"""miro.inference.baselines (HDBSCAN, OPTICS, ToMATo), their grid search, MIRO + HDBSCAN, and the leaderboard."""

import json

import numpy as np
import pandas as pd
import pytest
import torch

from miro.errors import MiroInputError
from miro.evaluation.partition import ari
from miro.evaluation.ranking import leaderboard, leaderboard_markdown
from miro.inference.baselines import CLUSTERERS, cluster_labels, hdbscan_labels, optics_labels, tomato_labels
from miro.inference.estimator import MiroDBSCAN
from miro.inference.tuning import tune_clusterer, tune_dbscan
from miro.nn.model import MIRO


def blobs(seed=0, noise=40):
    """Two well-separated Gaussian blobs (SD 15 nm, 60 localizations each) in uniform noise over 2 x 2 um."""
    rng = np.random.default_rng(seed)
    xy = np.vstack([rng.normal((600, 600), 15, (60, 2)), rng.normal((1400, 1400), 15, (60, 2)), rng.uniform(0, 2000, (noise, 2))])
    return xy, np.repeat([1, 2, 0], [60, 60, noise])


KNOWN = {
    "HDBSCAN": dict(min_cluster_size=20, min_samples=10),
    "OPTICS": dict(min_samples=10, eps=40),
    "ToMATo": dict(radius=40, merge_threshold=5, min_density=5),
}


@pytest.mark.parametrize("method", sorted(KNOWN))
def test_two_blobs_in_noise_are_found(method):
    xy, truth = blobs()
    labels = cluster_labels(method, xy, **KNOWN[method])
    assert labels.dtype == np.int64 and labels.min() == 0  # 0 = not clustered
    assert set(labels[truth == 1]) - {0} and set(labels[truth == 1]).isdisjoint(set(labels[truth == 2]) - {0})
    blob = truth > 0  # the blobs are split apart whole; HDBSCAN, without a distance, also takes in noise near them
    assert ari(truth[blob], labels[blob]) > 0.95 and ari(truth, labels) > (0.7 if method == "HDBSCAN" else 0.9)
    assert np.array_equal(labels, cluster_labels(method, xy, **KNOWN[method]))  # deterministic


def test_optics_xi_and_tomato_knn_graph():
    xy, truth = blobs(noise=0)
    assert ari(truth, optics_labels(xy, min_samples=10, xi=0.1)) > 0.9
    assert ari(truth, tomato_labels(xy, radius=40, merge_threshold=5, graph="knn", k=10)) > 0.9
    # one blob: a small merge threshold keeps noise modes, a large one merges them into the blob
    one = xy[truth == 1]
    assert tomato_labels(one, radius=20, merge_threshold=1e9).max() == 1


def test_tomato_min_cluster_size_and_density_make_noise():
    xy, truth = blobs()
    labels = tomato_labels(xy, radius=40, merge_threshold=5, min_density=1, min_cluster_size=30)
    assert set(np.unique(labels)) == {0, 1, 2}  # isolated noise localizations are their own tiny modes
    assert (labels[truth == 0] == 0).mean() > 0.9


def test_too_few_points_are_not_clustered():
    xy = np.array([[0.0, 0.0], [5.0, 5.0]])
    for method, params in KNOWN.items():
        assert list(cluster_labels(method, xy, **params)) == [0, 0]
    assert hdbscan_labels(np.zeros((0, 2))).shape == (0,)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda xy: hdbscan_labels(xy, min_cluster_size=1), "min_cluster_size=1"),
        (lambda xy: optics_labels(xy, xi=1.5), "xi=1.5"),
        (lambda xy: optics_labels(xy, max_eps=-3), "max_eps=-3"),
        (lambda xy: tomato_labels(xy, radius=0), "radius=0"),
        (lambda xy: tomato_labels(xy, graph="delaunay"), "graph"),
        (lambda xy: cluster_labels("KMeans", xy), "KMeans"),
        (lambda xy: cluster_labels("HDBSCAN", xy, eps=3), "unknown parameter 'eps'"),
        (lambda xy: hdbscan_labels(np.ones((4, 3))), "(n, 2)"),
    ],
)
def test_bad_parameters_are_one_line(call, message):
    with pytest.raises(MiroInputError) as error:
        call(blobs()[0])
    assert message in str(error.value) and "\n" not in str(error.value)


def test_tune_clusterer_finds_the_known_partition_and_matches_tune_dbscan():
    xy, truth = blobs()
    result = tune_clusterer("ToMATo", [xy], [xy], [truth], grid={"radius": [5, 40], "merge_threshold": [5, 1e9], "min_density": [5]},
                            metric=["JIc", "ARI_c"])
    assert result.best["radius"] == 40 and result.best["merge_threshold"] == 5 and result.best["metric"] == "JIc+ARI_c"
    assert list(result.grid.columns[:7]) == ["radius", "merge_threshold", "min_density", "score", "score_sd", "n_valid", "rank"]
    grid = {"eps": [20, 40, 400], "min_samples": [3, 10]}
    ours = tune_clusterer("DBSCAN", [xy], [xy], [truth], grid=grid)
    theirs = tune_dbscan([xy], [truth], **grid)
    assert ours.best["eps"] == theirs.best["eps"] and ours.best["min_samples"] == theirs.best["min_samples"]
    assert np.allclose(ours.grid["score"], theirs.grid["score"])
    with pytest.raises(MiroInputError, match="has no parameter 'k2'"):
        tune_clusterer("ToMATo", [xy], [xy], [truth], grid={"k2": [3]})


def test_miro_then_hdbscan_clusters_the_squeezed_points(tmp_path):
    xy, truth = blobs()
    model = MIRO(hidden_channels=8, num_steps=2)
    with torch.no_grad():  # a model that moves nothing: MIRO + HDBSCAN = HDBSCAN
        model.head.weight.zero_()
        model.head.bias.zero_()
    params = dict(min_cluster_size=20, min_samples=10)
    estimator = MiroDBSCAN(model, 0.2, 2, clusterer="HDBSCAN", cluster_params=params)
    assert np.array_equal(estimator.fit_predict(xy), hdbscan_labels(estimator.squeezed_, **params))
    record = tmp_path / "MIRO_HDBSCAN.json"
    record.write_text(json.dumps({"clusterer": "HDBSCAN", "mode": "tuned", "chosen": params, "squeezed": {"num_steps": 2}}))
    from miro.inference.estimator import _read_params  # what MiroDBSCAN.from_files takes from a workflow parameters file

    assert _read_params(record) == {"clusterer": "HDBSCAN", "cluster_params": params, "num_steps": 2}
    with pytest.raises(MiroInputError, match="min_cluster_size=1"):
        MiroDBSCAN(model, 0.2, 2, clusterer="HDBSCAN", cluster_params={"min_cluster_size": 1}).fit(xy)


def test_every_method_is_registered():
    assert set(CLUSTERERS) == {"DBSCAN", "HDBSCAN", "OPTICS", "ToMATo"}


def _per_fov(scores):
    return pd.DataFrame({"fov": [1, 2, 3, 4, 5], **{m: scores for m in ("ARI_dagger", "IoU", "JIc", "ARI_c")}})


def test_leaderboard_ranks_and_tests_the_best_against_miro():
    good, mid, bad = [0.9, 0.91, 0.92, 0.95, 0.93], [0.6, 0.62, 0.65, 0.61, 0.64], [0.2, 0.3, 0.25, 0.22, 0.21]
    board = leaderboard({("s", "DBSCAN"): _per_fov(bad), ("s", "MIRO_released"): _per_fov(mid), ("s", "HDBSCAN"): _per_fov(good),
                         ("t", "DBSCAN"): _per_fov(mid), ("t", "MIRO_released"): _per_fov(good)})
    s = board[board["scenario"] == "s"]
    assert list(s["method"]) == ["HDBSCAN", "MIRO_released", "DBSCAN"] and list(s["rank"]) == [1, 2, 3]
    assert s["compared_with"].iloc[0] == "MIRO_released" and (s["JIc_p"].iloc[0] < 0.05)
    assert s["JIc_stars"].iloc[0] in {"*", "**", "***", "****"} and s["JIc_mean"].iloc[0] == pytest.approx(np.mean(good))
    t = board[board["scenario"] == "t"]
    assert t["method"].iloc[0] == "MIRO_released" and t["compared_with"].iloc[0] == "DBSCAN"  # MIRO best: tested against the runner-up
    text = leaderboard_markdown(board, scenario_labels={"s": "Scenario S"})
    assert "### Scenario S" in text and "| 1 | HDBSCAN |" in text and r"\*" in text
