import numpy as np
import pandas as pd
import pytest

from miro.data.io import list_fovs, read_localizations
from miro.errors import MiroInputError
from miro.evaluation import evaluate_fovs, jic_by_distance, summarize_by
from miro.evaluation import METRICS


def test_evaluate_fovs_on_ground_truth_is_perfect(benchmark_dir):
    files = list_fovs(benchmark_dir / "Ground Truth - Scenario 8")
    labels = {fov: read_localizations(files[fov])["index"].to_numpy() for fov in (1, 2)}
    table = evaluate_fovs(files, labels)
    assert list(table.columns) == ["fov", *METRICS] and list(table["fov"]) == [1, 2]
    assert np.allclose(table[["ARI_dagger", "IoU", "JIc", "AMI", "ARI_c", "ARI"]], 1.0)
    with pytest.raises(MiroInputError, match="labels"):
        evaluate_fovs(files, {1: labels[1][:-1]})


def test_summarize_by_groups_in_first_seen_order():
    per_fov = pd.DataFrame({"d": [2, 2, 1], "method": ["a", "a", "a"], "JIc": [0.5, 0.7, 0.9]})
    out = summarize_by(per_fov, ["d", "method"], "JIc")
    assert list(out["d"]) == [2, 1]
    assert out.loc[0, "mean"] == pytest.approx(0.6) and out.loc[0, "sd"] == pytest.approx(np.std([0.5, 0.7], ddof=1))
    assert out.loc[1, "sd"] == 0.0 and list(out["n_fov"]) == [2, 1]


def test_jic_by_distance_scores_every_method_and_fov():
    from miro.data.simulation import cluster_pairs
    from miro.inference.clustering import dbscan_labels

    fovs = []
    for distance in (1.0, 8.0):
        table = cluster_pairs(0, separation=distance, mean_localizations=200, grid=2, spacing=500)
        fovs.append((distance, 1, table[["x", "y"]].to_numpy(), table["index"].to_numpy()))
    rows = jic_by_distance(
        {"truth": lambda xy: next(t for d, f, p, t in fovs if p.shape == xy.shape and np.array_equal(p, xy)),
         "DBSCAN": lambda xy: dbscan_labels(xy, 15, 5)},
        fovs,
    )
    assert list(rows.columns) == ["distance_sigma", "fov", "method", "JIc", "n_true", "n_predicted"]
    assert len(rows) == 4 and (rows["n_true"] == 8).all()
    assert (rows.loc[rows["method"] == "truth", "JIc"] == 1).all()
    # well separated pairs (8 sigma) are found, bar clusters of 1 and 4 localizations
    # (geometric counts); touching ones (1 sigma) are merged
    dbscan = rows[rows["method"] == "DBSCAN"].set_index("distance_sigma")
    assert dbscan.loc[8.0, "n_predicted"] >= 6 and dbscan.loc[1.0, "n_predicted"] <= 4
    assert dbscan.loc[8.0, "JIc"] > dbscan.loc[1.0, "JIc"] + 0.25
    with pytest.raises(MiroInputError, match="returned 3 labels"):
        jic_by_distance({"bad": lambda xy: np.zeros(3)}, fovs[:1])
