import numpy as np
import pytest
from sklearn.cluster import DBSCAN

from miro.inference.clustering import dbscan_labels


def test_noise_is_zero_and_clusters_start_at_one():
    rng = np.random.default_rng(0)
    blob_a = rng.normal([0, 0], 5, size=(20, 2))
    blob_b = rng.normal([500, 500], 5, size=(20, 2))
    lonely = np.array([[250.0, 250.0]])
    labels = dbscan_labels(np.vstack([blob_a, blob_b, lonely]), eps=30, min_samples=4)
    assert labels[-1] == 0
    assert set(labels[:20]) == {1} and set(labels[20:40]) == {2}


def test_matches_sklearn_plus_one():
    xy = np.random.default_rng(1).uniform(0, 1000, size=(300, 2))
    expected = DBSCAN(eps=60, min_samples=3).fit(xy).labels_ + 1
    np.testing.assert_array_equal(dbscan_labels(xy, 60, 3), expected)


def test_min_samples_counts_the_point_itself():
    # two points 1 nm apart form a cluster with min_samples=2 (each has itself + one neighbour)
    labels = dbscan_labels(np.array([[0.0, 0.0], [1.0, 0.0]]), eps=2, min_samples=2)
    np.testing.assert_array_equal(labels, [1, 1])


@pytest.mark.parametrize("eps, min_samples", [(0, 3), (-1, 3), (10, 0), (10, 2.5)])
def test_bad_parameters(eps, min_samples):
    with pytest.raises(ValueError):
        dbscan_labels(np.zeros((3, 2)), eps, min_samples)


def test_empty_input():
    assert dbscan_labels(np.zeros((0, 2)), 10, 3).shape == (0,)


def _clouds(benchmark_dir):
    """A blinking benchmark field (dense clusters, border points between them), and random clouds with
    duplicated points and touching clusters."""
    from miro.data.io import list_fovs, read_localizations

    rng = np.random.default_rng(3)
    blobs = np.vstack([rng.normal(c, 15, size=(60, 2)) for c in rng.uniform(0, 400, size=(12, 2))])
    noisy = np.vstack([blobs, rng.uniform(0, 400, size=(200, 2))])
    with_duplicates = np.vstack([noisy, noisy[::7]])
    field = read_localizations(list_fovs(benchmark_dir / "Multiple Blinking - Scenario 6")[25])[["x", "y"]].to_numpy()
    return [with_duplicates, rng.permutation(with_duplicates), field]


def test_labels_of_a_radius_graph_are_dbscans(benchmark_dir):
    """The law the grid search rests on: one radius graph per eps, labelled at any min_samples, gives
    scikit-learn's DBSCAN labels point for point (cluster numbers and border points included)."""
    from miro.inference.clustering import dbscan_labels_of_graph, radius_graph

    for xy in _clouds(benchmark_dir):
        for eps in (5, 30, 80):
            graph = radius_graph(xy, eps)
            for min_samples in (1, 3, 8, 60, 150):
                np.testing.assert_array_equal(dbscan_labels_of_graph(graph, min_samples), dbscan_labels(xy, eps, min_samples))
    assert dbscan_labels_of_graph(radius_graph(np.zeros((0, 2)), 10), 3).shape == (0,)
