"""Synthetic few-shot training sets (miro.training.training_sets): statistics, targets, determinism."""

import numpy as np
import pandas as pd
import pytest
import torch

from miro.errors import MiroInputError
from miro.training import training_sets as ts


R = 0.2

# A scalene triangle and a small square, centred on their own means.
TRIANGLE = np.array([[0.0, 0.0], [0.012, 0.0], [0.0, 0.006]])
TRIANGLE = TRIANGLE - TRIANGLE.mean(axis=0)
SQUARE = np.array([[-0.005, -0.005], [0.005, -0.005], [0.005, 0.005], [-0.005, 0.005]])


def _source(backgrounds=True):
    rng = np.random.default_rng(123)
    bgs = [rng.uniform(0, 1, (300, 2)), rng.uniform(0, 1, (250, 2))] if backgrounds else []
    clusters = [pd.DataFrame(TRIANGLE, columns=["x", "y"]), pd.DataFrame(SQUARE, columns=["x", "y"])]
    return ts.TrainingSource(clusters, bgs)


GD_KW = {
    "connectivity_radius": R,
    "noise_point_range": [10, 20],
    "cluster_count_range": [2, 5],
    "cluster_sampling_range": [1, 1],
    "pupulation_std_sigma": 0,  # the authors' spelling
    "num_additions": 0,
}


def _cross(a, b):
    return a[0] * b[1] - a[1] * b[0]


# ---------------------------------------------------------------- GraphDataset


def test_graph_dataset_counts_and_targets():
    graphs = ts.build_training_set("GraphDataset", GD_KW, _source(False), seed=0, dataset_size=12)
    assert len(graphs) == 12
    for g in graphs:
        labels = g.label.numpy()
        n_clusters = len(np.unique(labels[labels > 0]))
        assert 2 <= n_clusters < 5  # upper bound exclusive, as numpy randint
        assert 10 <= int((labels == 0).sum()) < 20
        # clusters first, then background
        assert np.all(np.diff((labels == 0).astype(int)) >= 0)
        pos = g.position.double().numpy()
        y = g.y.double().numpy()
        # background targets are exactly 0
        assert np.all(y[labels == 0] == 0)
        # the squeezed point p - R y is the placement centre, shared by the whole cluster, in U(0.05, 0.95)^2
        centres = pos - R * y
        for k in np.unique(labels[labels > 0]):
            c = centres[labels == k]
            assert np.allclose(c, c[0], atol=1e-6)
            assert np.all((c[0] >= 0.05 - 1e-6) & (c[0] <= 0.95 + 1e-6))
            # y = (p - c)/R is the rotated training cluster: its distances to the centre are the cluster's
            norms = np.sort(np.linalg.norm(R * y[labels == k], axis=1))
            ref = [np.sort(np.linalg.norm(shape, axis=1)) for shape in (TRIANGLE, SQUARE) if len(shape) == len(norms)]
            assert np.allclose(norms, ref[0], atol=1e-6)
        # background uniform in the unit square
        bg = pos[labels == 0]
        assert np.all((bg >= 0) & (bg <= 1))


def test_graph_dataset_features_match_inference():
    from miro.nn.graph import build_graph

    graphs = ts.build_training_set("GraphDataset", GD_KW, _source(False), seed=3, dataset_size=2)
    for g in graphs:
        ref = build_graph(g.position.double().numpy(), R)
        # float32 positions round-trip: same graph as inference builds
        assert torch.equal(ref.edge_index, g.edge_index)
        assert torch.allclose(ref.edge_attr, g.edge_attr, atol=1e-5)
        assert g.x.shape == (g.num_nodes, 5) and g.edge_attr.shape[1] == 3


def test_determinism_and_seed_dependence():
    a = ts.build_training_set("GraphDataset", GD_KW, _source(False), seed=7, dataset_size=3)
    b = ts.build_training_set("GraphDataset", GD_KW, _source(False), seed=7, dataset_size=3)
    c = ts.build_training_set("GraphDataset", GD_KW, _source(False), seed=8, dataset_size=3)
    for ga, gb in zip(a, b):
        for key in ("position", "y", "label", "edge_index", "edge_attr", "x"):
            assert torch.equal(ga[key], gb[key])
    assert any(ga.num_nodes != gc.num_nodes or not torch.equal(ga.position, gc.position) for ga, gc in zip(a, c))
    # graph i depends on (seed, i) only: a smaller dataset is a prefix of a larger one
    longer = ts.synthesize("GraphDataset", GD_KW, _source(False), seed=7, dataset_size=5)
    for ga, fov in zip(a, longer[:3]):
        assert np.allclose(ga.position.double().numpy(), fov.xy, atol=1e-6)


def test_populate_and_subsample_sizes():
    kw = dict(GD_KW, num_additions=2, pupulation_std_sigma=0.001, cluster_sampling_range=[0.5, 0.5], cluster_count_range=[3, 3])
    fovs = ts.synthesize("GraphDataset", kw, ts.TrainingSource([pd.DataFrame(SQUARE, columns=["x", "y"])]), seed=1, dataset_size=2)
    for fov in fovs:
        sizes = np.bincount(fov.label)[1:]
        # 4 points, populated twice -> 16, half of them sampled
        assert list(sizes) == [8, 8, 8]


def test_reflection_is_optional():
    def orientations(reflect):
        kw = dict(GD_KW, cluster_count_range=[20, 21])
        src = ts.TrainingSource([pd.DataFrame(TRIANGLE, columns=["x", "y"])])
        signs = []
        for fov in ts.synthesize("GraphDataset", kw, src, seed=2, dataset_size=2, reflect_clusters=reflect):
            for k in range(1, fov.label.max() + 1):
                d = fov.xy[fov.label == k] - fov.centre[fov.label == k]
                d = d[np.argsort(np.linalg.norm(d, axis=1))]  # vertices have distinct norms
                signs.append(np.sign(_cross(d[1] - d[0], d[2] - d[0])))
        return np.array(signs)

    ref = TRIANGLE[np.argsort(np.linalg.norm(TRIANGLE, axis=1))]
    original = np.sign(_cross(ref[1] - ref[0], ref[2] - ref[0]))
    assert np.all(orientations(False) == original)  # the authors' code: rotations only
    flipped = orientations(True)
    assert np.any(flipped == original) and np.any(flipped != original)


def test_sublabel_and_class_targets():
    cluster = pd.DataFrame(
        {"x": [-0.01, -0.01, 0.01, 0.01], "y": [-0.002, 0.002, -0.002, 0.002], "sublabel": [1, 1, 2, 2], "class": [2, 2, 2, 2]}
    )
    kw = dict(GD_KW, cluster_count_range=[2, 3])
    (g,) = ts.build_training_set("GraphDataset", kw, ts.TrainingSource([cluster]), seed=0, dataset_size=1)
    labels = g.label.numpy()
    assert torch.equal(g.y_class[labels == 0], torch.zeros(int((labels == 0).sum()), dtype=torch.long))
    assert torch.all(g.y_class[labels > 0] == 2)
    pos = g.position.double().numpy()
    sub_centres = pos - R * g.y_sub.double().numpy()
    assert np.all(g.y_sub[labels == 0].numpy() == 0)
    for k in (1, 2):
        members = np.flatnonzero(labels == k)
        # each sub-cluster collapses onto the mean of its (unaugmented) points
        for pair in np.split(members[np.argsort(sub_centres[members, 0] + 10 * sub_centres[members, 1])], 2):
            assert np.allclose(sub_centres[pair], pos[pair].mean(axis=0), atol=1e-6)


# ---------------------------------------------------------------- blinking builders


def test_blinking_centres_in_empty_cells():
    kw = {
        "connectivity_radius": 0.1,
        "cluster_count_range": [5, 8],
        "cluster_sampling_range": [1.0, 1.0],
        "cluster_std_sigma": 0,
        "num_cluster_additions": 0,
        "background_sampling_range": [0.5, 0.6],
        "num_bkg_additions": 1,
        "background_std_population": 0.002,
    }
    src = _source()
    fovs = ts.synthesize("GraphBlinkingDataset", kw, src, seed=4, dataset_size=4)
    for fov in fovs:
        bg = fov.xy[fov.label == 0]
        # populated once (x2), then half-ish subsampled
        assert 0.5 * 2 * 250 - 1 <= len(bg) <= 0.6 * 2 * 300 + 1
        n_clusters = fov.label.max()
        assert 5 <= n_clusters < 8
        centres = np.array([fov.centre[fov.label == k][0] for k in range(1, n_clusters + 1)])
        cells = np.floor(centres / ts.EMPTY_CELL + 1e-9).astype(int)
        # centres sit in the middle of 0.02 cells, all distinct, none holding a background point
        assert np.allclose(centres, (cells + 0.5) * ts.EMPTY_CELL)
        assert len({tuple(c) for c in cells}) == n_clusters
        bg_cells = {tuple(c) for c in np.floor(bg / ts.EMPTY_CELL).astype(int)}
        assert not bg_cells & {tuple(c) for c in cells}
    graphs = ts.build_training_set("GraphBlinkingDataset", kw, src, seed=4, dataset_size=1)
    assert torch.all(graphs[0].y[graphs[0].label == 0] == 0)


def test_blinking_too_many_clusters_is_an_error():
    kw = {"connectivity_radius": 0.1, "cluster_count_range": [5000, 5001], "cluster_sampling_range": [1, 1]}
    with pytest.raises(MiroInputError, match="empty"):
        ts.synthesize("GraphBlinkingDataset", kw, _source(), seed=0, dataset_size=1)


def test_blinking_cropped_window():
    src = _source()
    fovs = ts.synthesize("GraphBlinkingCroppedDataset", {"connectivity_radius": 0.1}, src, seed=5, dataset_size=6)
    for fov in fovs:
        n_clusters = fov.label.max()
        assert 6 <= n_clusters < 10
        centres = np.array([fov.centre[fov.label == k][0] for k in range(1, n_clusters + 1)])
        assert np.all((centres >= 0.05) & (centres <= 0.4))
        bg = fov.xy[fov.label == 0]
        # a 0.4 crop shifted to the origin (then flipped about its mean): extent below 0.4
        assert np.all(np.ptp(bg, axis=0) < 0.4)
        # resampled with replacement at 90-100 %: about 0.16 of ~300 points
        assert 20 < len(bg) < 90
    # authors' capital-S spelling accepted
    ts.synthesize("GraphBlinkingCroppedDataset", {"connectivity_radius": 0.1, "background_Sampling_range": [1, 1]}, src, seed=0, dataset_size=1)


def test_blinking_needs_backgrounds():
    with pytest.raises(MiroInputError, match="backgrounds"):
        ts.synthesize("GraphBlinkingDataset", {"connectivity_radius": 0.1}, _source(False), seed=0, dataset_size=1)


# ---------------------------------------------------------------- inputs, kwargs, files


def test_kwargs_validation():
    src = _source(False)
    with pytest.raises(MiroInputError, match="no parameter"):
        ts.build_training_set("GraphDataset", dict(GD_KW, bogus=1), src, seed=0, dataset_size=1)
    with pytest.raises(MiroInputError, match="connectivity_radius"):
        ts.build_training_set("GraphDataset", {"dataset_size": 1}, src, seed=0)
    with pytest.raises(MiroInputError, match="builder"):
        ts.build_training_set("Nope", GD_KW, src, seed=0)
    with pytest.raises(MiroInputError, match="seed"):
        ts.build_training_set("GraphDataset", GD_KW, src, seed=-1, dataset_size=1)
    # dataset_size in the kwargs is used, the argument overrides it
    assert len(ts.synthesize("GraphDataset", dict(GD_KW, dataset_size=2), src, seed=0)) == 2
    assert len(ts.synthesize("GraphDataset", dict(GD_KW, dataset_size=2), src, seed=0, dataset_size=3)) == 3


def test_split_fov_normalises_and_centres():
    table = pd.DataFrame(
        {"x": [0, 1000, 1010, 990, 2000, 500], "y": [0, 1000, 990, 1010, 1000, 200], "index": [0, 1, 1, 1, 0, 0]}
    )
    clusters, background = ts.split_fov(table)
    assert len(clusters) == 1
    assert np.allclose(clusters[0][["x", "y"]].mean().to_numpy(), 0)
    # per-axis min-max: x / 2000, y / 1010
    assert np.allclose(clusters[0]["x"].to_numpy(), np.array([0, 10, -10]) / 2000)
    assert np.allclose(background, [[0, 0], [1, 1000 / 1010], [0.25, 200 / 1010]])


def test_empty_cells():
    pts = np.array([[0.001, 0.001], [0.05, 0.001]])  # grid x 0..0.06 (3 cells), y 0..0.02 (1 cell)
    cells = ts.empty_cells(pts)
    assert np.allclose(cells, [[0.03, 0.01]])


def test_save_and_load_roundtrip(tmp_path):
    cluster = pd.DataFrame({"x": SQUARE[:, 0], "y": SQUARE[:, 1], "sublabel": [1, 1, 2, 2], "class": [1, 1, 1, 1]})
    graphs = ts.build_training_set("GraphDataset", GD_KW, ts.TrainingSource([cluster]), seed=0, dataset_size=3)
    path = ts.save_training_set(graphs, tmp_path / "set.pt", metadata={"scenario": "test", "seed": 0})
    torch.load(path, weights_only=True)  # plain tensors and dicts only
    loaded, meta = ts.load_training_set(path, return_metadata=True)
    assert meta == {"scenario": "test", "seed": 0}
    assert len(loaded) == 3
    for a, b in zip(graphs, loaded):
        for key in ("x", "edge_index", "edge_attr", "position", "y", "y_sub", "y_class", "label"):
            assert torch.equal(a[key], b[key])
    with pytest.raises(MiroInputError):
        ts.load_training_set(tmp_path / "missing.pt")


def test_graph_from_annotated_fov():
    table = pd.DataFrame(
        {
            "x": [100, 110, 120, 130, 600, 610, 1500, 20],
            "y": [100, 120, 100, 120, 600, 620, 300, 1800],
            "index": [1, 1, 1, 1, 2, 2, 0, 0],
            "sublabel": [1, 1, 2, 2, 3, 3, 0, 0],
            "class": [1, 1, 1, 1, 2, 2, 0, 0],
        }
    )
    g = ts.graph_from_annotated_fov(table, 0.2)
    pos = g.position.double().numpy()
    assert np.allclose((pos - 0.2 * g.y.double().numpy())[:4], [0.0575, 0.055], atol=1e-6)
    assert np.allclose((pos - 0.2 * g.y_sub.double().numpy())[:2], [0.0525, 0.055], atol=1e-6)
    assert g.y_class.tolist() == [1, 1, 1, 1, 2, 2, 0, 0]
    assert torch.all(g.y[6:] == 0)


def test_benchmark_and_single_shot_sources(benchmark_dir, authors_dir):
    src = ts.source_from_benchmark(benchmark_dir / "Ground Truth - Scenario 8", [32, 48, 28])
    assert src.fovs == [32, 48, 28]
    assert len(src.backgrounds) == 3
    for c in src.clusters:
        assert np.allclose(c[["x", "y"]].mean().to_numpy(), 0, atol=1e-12)
    shot = ts.single_shot_source(authors_dir / "single-shot" / "training_cluster_scenario_6.csv")
    assert len(shot.clusters) == 1 and len(shot.clusters[0]) == 50
    kw = {"noise_point_range": [450, 550], "cluster_count_range": [10, 20], "connectivity_radius": 0.2}
    fovs = ts.synthesize("GraphDataset", kw, shot, seed=0, dataset_size=2)
    for fov in fovs:
        sizes = np.bincount(fov.label)[1:]
        # 50 points populated 4 times (800), 5.5-6.2 % sampled: 44-50 points per cluster
        assert np.all((sizes >= 44) & (sizes <= 50))
        assert 10 <= len(sizes) < 20


def test_simulated_graphs_one_per_generator_with_class_targets():
    from miro.data.simulation import MULTISHAPE_MIXTURES

    generators = [np.random.default_rng(seed) for seed in (1, 2)]
    graphs = ts.simulated_graphs("multishape", MULTISHAPE_MIXTURES["spots_rings"], generators, 0.1)
    assert len(graphs) == 2 and graphs[0].num_nodes != graphs[1].num_nodes
    for graph in graphs:
        assert graph.y_class.max() == 2 and graph.x.shape[1] == 5
        assert graph.position.min() >= 0 and graph.position.max() <= 1  # min-max normalised
        assert graph.y[graph.label == 0].abs().sum() == 0


def test_single_shot_source_in_nm_is_centred_and_scaled(tmp_path):
    path = tmp_path / "cluster.csv"
    pd.DataFrame({"x": [1000.0, 1040.0, 1020.0, 1020.0], "y": [500.0, 500.0, 540.0, 460.0]}).to_csv(path, index=False)
    shot = ts.single_shot_source(path, length_nm=2000)
    xy = shot.clusters[0][["x", "y"]].to_numpy()
    np.testing.assert_allclose(xy.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(np.ptp(xy, axis=0), [40 / 2000, 80 / 2000])
    with pytest.raises(MiroInputError, match=r"cluster\.csv: the cluster spans 80 units.*needs length_nm"):
        ts.single_shot_source(path)  # nm read as normalised units
    pd.DataFrame({"x": [0.0, 0.01], "y": [0.0, 0.01]}).to_csv(path, index=False)
    with pytest.raises(MiroInputError, match=r"cluster\.csv: 2 localization\(s\); a single-shot training cluster needs at least 3"):
        ts.single_shot_source(path)


def test_tile_graphs_partition_the_nodes_and_keep_whole_graph_values():
    from miro.data.simulation import MULTISHAPE_MIXTURES

    generators = [np.random.default_rng(seed) for seed in (3, 4)]
    graphs = ts.simulated_graphs("multishape", MULTISHAPE_MIXTURES["spots_rings"], generators, 0.1)
    assert ts.tile_graphs(graphs, 1) == graphs
    tiles = ts.tile_graphs(graphs, 2)
    assert 2 < len(tiles) <= 8 and sum(t.num_nodes for t in tiles) == sum(g.num_nodes for g in graphs)
    first = ts.tile_graphs(graphs[:1], 2)
    assert len(first) == 4  # points in all four quadrants
    for tile in first:
        rows = [int(np.flatnonzero((graphs[0].position == p).all(1))[0]) for p in tile.position[:5]]
        torch.testing.assert_close(tile.x[:5], graphs[0].x[rows])  # features of the whole graph
        torch.testing.assert_close(tile.y[:5], graphs[0].y[rows])  # targets of the whole graph
        src, dst = tile.edge_index
        assert tile.edge_attr.shape[0] == src.numel() and int(tile.edge_index.max()) < tile.num_nodes
    # every edge kept joins two nodes of one tile: none crosses the middle of the graph
    middle = (graphs[0].position.min(0).values + graphs[0].position.max(0).values) / 2
    for tile in first:
        side = tile.position >= middle
        assert (side == side[0]).all()
    with pytest.raises(MiroInputError, match="tiles: 0"):
        ts.tile_graphs(graphs, 0)
