"""Tests for miro.nn.graph: normalisation, Delaunay graph, |LapPE| node features, targets."""

import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.transforms import AddLaplacianEigenvectorPE

from miro.errors import MiroInputError
from miro.nn.graph import (
    MEAN_SHIFT_RADII,
    GraphTensors,
    Normalization,
    _sym_laplacian,
    build_graph,
    delaunay_edges,
    laplacian_eigenvector_pe,
    mean_shift_features,
    node_feature_size,
    graph_tensors,
    normalize_fov,
    targets,
)


@pytest.fixture(scope="module")
def gt6_fov(benchmark_dir):
    """FOV 1 of Ground Truth Scenario 6 (2000 points, nm)."""
    df = pd.read_csv(benchmark_dir / "Ground Truth - Scenario 6" / "elliptical_w_noise_MoleculeList_1.csv")
    return df[["x", "y"]].to_numpy(), df["index"].to_numpy()


@pytest.fixture(scope="module")
def gt6_graph(gt6_fov):
    xy, _ = gt6_fov
    u, _ = normalize_fov(xy)
    return u, build_graph(u, 0.2)


def _undirected_set(edge_index):
    return {tuple(e) for e in np.asarray(edge_index).T}


# --- normalisation ---------------------------------------------------------


def test_normalize_authors_minmax_per_axis():
    xy = np.array([[-100.0, 50.0], [900.0, 250.0], [400.0, 2050.0]])
    u, norm = normalize_fov(xy)
    np.testing.assert_allclose(u.min(axis=0), [0, 0])
    np.testing.assert_allclose(u.max(axis=0), [1, 1])
    assert isinstance(norm, Normalization) and norm.mode == "authors"
    np.testing.assert_allclose(norm.inverse(u), xy)
    np.testing.assert_allclose(norm.to_nm(u, "exact"), xy)
    # the authors' quirk: times the FOV max, no min added back
    np.testing.assert_allclose(norm.authors_inverse(u), u * np.array([900.0, 2050.0]))
    np.testing.assert_allclose(norm.to_nm(u), u * np.array([900.0, 2050.0]))
    np.testing.assert_allclose(norm.forward(xy), u)


def test_normalize_isotropic_keeps_aspect_ratio():
    xy = np.array([[0.0, 0.0], [1000.0, 500.0], [3000.0, 100.0]])
    u, norm = normalize_fov(xy, mode="isotropic")
    np.testing.assert_allclose(u, xy / 2000.0)
    np.testing.assert_allclose(norm.inverse(u), xy)
    np.testing.assert_allclose(norm.authors_inverse(u), xy)  # authors use scaling=[2000, 2000]
    u2, _ = normalize_fov(xy, mode="isotropic", length_nm=500.0)
    np.testing.assert_allclose(u2, xy / 500.0)


def test_normalize_zero_extent_axis_and_errors():
    xy = np.array([[5.0, 1.0], [5.0, 3.0]])
    u, norm = normalize_fov(xy)
    np.testing.assert_allclose(u[:, 0], 0.0)
    np.testing.assert_allclose(norm.inverse(u), xy)
    with pytest.raises(MiroInputError, match="mode"):
        normalize_fov(xy, mode="minmax")
    with pytest.raises(MiroInputError, match=r"\(N, 2\)"):
        normalize_fov(np.zeros((3, 3)))
    with pytest.raises(MiroInputError, match="NaN"):
        normalize_fov([[0.0, np.nan], [1.0, 1.0]])
    with pytest.raises(MiroInputError, match="length_nm"):
        normalize_fov(xy, mode="isotropic", length_nm=0)
    with pytest.raises(MiroInputError, match="convention"):
        norm.to_nm(u, "max")


# --- graph on real data ----------------------------------------------------


def test_build_graph_structure_on_benchmark_fov(gt6_graph):
    u, g = gt6_graph
    assert isinstance(g, Data)
    assert g.num_nodes == 2000
    assert g.position.dtype == torch.float32 and g.position.shape == (2000, 2)
    assert g.x.dtype == torch.float32 and g.x.shape == (2000, 5)
    assert g.edge_attr.dtype == torch.float32 and g.edge_attr.shape == (g.edge_index.shape[1], 3)
    ei = g.edge_index.numpy()
    src, dst = ei
    assert np.all(src != dst)
    # sorted by (src, dst) and unique
    keys = src.astype(np.int64) * 10_000 + dst
    assert np.all(np.diff(keys) > 0)
    # symmetric
    assert _undirected_set(ei) == _undirected_set(ei[::-1])
    # strictly shorter than R, features (p_src - p_dst, |.|) / R
    delta = u[src] - u[dst]
    dist = np.linalg.norm(delta, axis=1)
    assert dist.max() < 0.2
    expected = np.concatenate([delta, dist[:, None]], axis=1) / 0.2
    np.testing.assert_allclose(g.edge_attr.numpy(), expected, atol=1e-6)
    # about 6 neighbours per node, as in the method notes
    assert 5.5 < len(src) / 2000 < 6.5
    assert np.all(g.x.numpy() >= 0)


def test_node_features_equal_pyg_transform_abs(gt6_graph):
    _, g = gt6_graph
    ref = AddLaplacianEigenvectorPE(5, attr_name="x", is_undirected=True)(
        Data(edge_index=g.edge_index, num_nodes=g.num_nodes)
    )
    np.testing.assert_allclose(ref.x.abs().float().numpy(), g.x.numpy(), atol=1e-4)


def test_node_features_equal_pyg_on_small_connected_graph():
    rng = np.random.default_rng(1)
    u = rng.uniform(size=(60, 2))
    g = build_graph(u, 0.5)  # < 100 nodes: dense eigh, as PyG
    ref = AddLaplacianEigenvectorPE(5, attr_name="x", is_undirected=True)(
        Data(edge_index=g.edge_index, num_nodes=g.num_nodes)
    )
    np.testing.assert_allclose(ref.x.abs().float().numpy(), g.x.numpy(), atol=1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_laplacian_is_pygs_bit_for_bit(seed):
    """The symmetric-normalised Laplacian, built without PyG, has the bits of PyG's
    get_laplacian(normalization="sym") + to_scipy_sparse_matrix, on graphs with isolated
    nodes, self loops and duplicate edges."""
    from torch_geometric.utils import get_laplacian, to_scipy_sparse_matrix

    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    ei = torch.as_tensor(rng.integers(0, n - 2, size=(2, 4 * n)))  # the last two nodes isolated
    ei = torch.cat([ei, ei.flip(0), torch.tensor([[0, 1], [0, 1]])], dim=1)
    index, weight = get_laplacian(ei, None, normalization="sym", num_nodes=n)
    ours, theirs = _sym_laplacian(ei, n), to_scipy_sparse_matrix(index, weight.double(), n).tocsr()
    for a, b in ((ours.indptr, theirs.indptr), (ours.indices, theirs.indices), (ours.data, theirs.data)):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_graph_tensors_are_build_graphs_and_concatenate_as_pyg_batches(gt6_graph):
    from torch_geometric.data import Batch

    u, g = gt6_graph
    small = np.random.default_rng(2).uniform(size=(80, 2))
    tensors = [graph_tensors(u, 0.2), graph_tensors(small, 0.5)]
    assert all(torch.equal(getattr(g, key), value) for key, value in tensors[0]._asdict().items())
    assert tensors[0].num_nodes == g.num_nodes
    batch, ours = Batch.from_data_list([g, build_graph(small, 0.5)]), GraphTensors.concat(tensors)
    assert all(torch.equal(batch[key], value) for key, value in ours._asdict().items())


def test_edges_match_brute_force_delaunay_threshold():
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(0)
    u = rng.uniform(size=(300, 2))
    r = 0.08
    ei = delaunay_edges(u, r)
    tri = Delaunay(u).simplices
    expected = set()
    for a, b, c in tri:
        for i, j in ((a, b), (b, c), (c, a)):
            if np.linalg.norm(u[i] - u[j]) < r:
                expected |= {(i, j), (j, i)}
    assert _undirected_set(ei) == expected


def test_threshold_is_strict():
    u = np.array([[0.0, 0.0], [0.5, 0.0], [0.0, 0.25]])
    pairs = _undirected_set(delaunay_edges(u, 0.5))
    assert (0, 1) not in pairs and (0, 2) in pairs
    assert (0, 1) in _undirected_set(delaunay_edges(u, 0.5000001))


# --- degenerate inputs -----------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 7])
def test_few_points(n):
    rng = np.random.default_rng(n)
    u = rng.uniform(size=(n, 2))
    g = build_graph(u, 10.0)
    assert g.x.shape == (n, 5)
    assert (g.edge_index.shape[1] == 0) == (n == 1)
    # n nodes, connected: n - 1 non-trivial eigenvectors at most; the rest are zero columns
    nontrivial = min(n - 1, 5)
    assert torch.all(g.x[:, nontrivial:] == 0)
    if n >= 2:
        assert torch.all(g.x[:, :nontrivial].abs().sum(dim=0) > 0)


def test_single_point_and_empty():
    g = build_graph(np.array([[0.3, 0.3]]), 0.2)
    assert g.edge_index.shape == (2, 0) and g.edge_attr.shape == (0, 3)
    assert torch.all(g.x == 0)
    g0 = build_graph(np.zeros((0, 2)), 0.2)
    assert g0.num_nodes == 0 and g0.x.shape == (0, 5)


def test_collinear_points_connect_consecutive():
    t = np.array([0.3, 0.0, 0.2, 0.5, 0.1])
    u = np.stack([t, 2 * t + 0.1], axis=1)  # one line, unsorted
    g = build_graph(u, 0.5)
    order = np.argsort(t)
    expected = {(int(a), int(b)) for a, b in zip(order[:-1], order[1:])}
    expected |= {(b, a) for a, b in expected}
    assert _undirected_set(g.edge_index.numpy()) == expected
    # the same rule for two distinct positions
    assert _undirected_set(delaunay_edges(np.array([[0.0, 0.0], [0.1, 0.0]]), 0.2)) == {(0, 1), (1, 0)}


def test_duplicates_inherit_edges_and_join_by_zero_length_edges():
    rng = np.random.default_rng(3)
    base = rng.uniform(size=(30, 2))
    u = np.concatenate([base, base[[4, 4, 10]]])  # node 30, 31 copy node 4; node 32 copies node 10
    g = build_graph(u, 0.3)
    pairs = _undirected_set(g.edge_index.numpy())
    base_pairs = _undirected_set(delaunay_edges(base, 0.3))
    copies = {4: [4, 30, 31], 10: [10, 32]}
    group = {i: copies.get(i, [i]) for i in range(30)}
    expected = set()
    for a, b in base_pairs:
        expected |= {(i, j) for i in group[a] for j in group[b]}
    for members in copies.values():
        expected |= {(i, j) for i in members for j in members if i != j}
    assert pairs == expected
    zero = g.edge_attr[:, 2] == 0
    assert _undirected_set(g.edge_index[:, zero].numpy()) == {
        (i, j) for m in copies.values() for i in m for j in m if i != j
    }
    # the copies have identical features
    torch.testing.assert_close(g.x[30], g.x[4])
    torch.testing.assert_close(g.x[31], g.x[4])



@pytest.mark.parametrize("seed", range(5))
def test_many_duplicates_follow_the_copy_rule(seed):
    """Blinking-like clouds, most positions repeated up to 5 times in shuffled order: the
    edges are the distinct positions' edges between all their copies, plus copy-to-copy."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(size=(40, 2))
    position = rng.permutation(np.repeat(np.arange(40), rng.integers(1, 6, size=40)))
    u = base[position]
    first = {p: i for i, p in reversed(list(enumerate(position)))}
    reps = sorted(first.values())  # distinct positions in input order, as delaunay_edges takes them
    rep_edges = _undirected_set(delaunay_edges(u[reps], 0.3))
    members = {p: np.flatnonzero(position == p) for p in first}
    expected = set()
    for a, b in rep_edges:
        expected |= {(i, j) for i in members[position[reps[a]]] for j in members[position[reps[b]]]}
    for m in members.values():
        expected |= {(int(i), int(j)) for i in m for j in m if i != j}
    assert _undirected_set(delaunay_edges(u, 0.3)) == {(int(i), int(j)) for i, j in expected}

def test_several_components_and_isolated_node():
    rng = np.random.default_rng(5)
    a = rng.uniform(0.0, 0.1, size=(20, 2))
    b = rng.uniform(0.5, 0.6, size=(15, 2))
    lone = np.array([[0.95, 0.95]])
    u = np.concatenate([a, b, lone])
    g = build_graph(u, 0.2)
    ei = g.edge_index.numpy()
    assert 35 not in ei  # isolated
    assert not any((i < 20) != (j < 20) for i, j in ei.T)  # no edge between a and b
    x = g.x.numpy()
    # first column: the zero-eigenvalue vector of the second component, sqrt(deg) normalised
    deg = np.bincount(ei[0], minlength=36).astype(float)
    v = np.zeros(36)
    v[20:35] = np.sqrt(deg[20:35])
    v /= np.linalg.norm(v)
    np.testing.assert_allclose(x[:, 0], v, atol=1e-6)
    # every other column lives in one component and is an eigenvector of that component's Laplacian
    for col in range(1, 5):
        support = np.flatnonzero(np.abs(x[:, col]) > 1e-9)
        assert np.all(support < 20) or np.all((support >= 20) & (support < 35))
    # isolated node: eigenvalue 1, not among the 6 smallest here
    assert np.all(x[35] == 0)
    # deterministic
    torch.testing.assert_close(build_graph(u, 0.2).x, g.x)


def test_several_large_components_match_dense_decomposition():
    # components above the sparse threshold go through eigsh; compare with a dense solve
    rng = np.random.default_rng(7)
    u = np.concatenate([rng.uniform(0.0, 0.3, size=(120, 2)), rng.uniform(0.6, 0.9, size=(130, 2))])
    g = build_graph(u, 0.2)
    n = g.num_nodes
    ei = g.edge_index.numpy()
    deg = np.bincount(ei[0], minlength=n).astype(float)
    lap = np.eye(n)
    lap[ei[0], ei[1]] = -1 / np.sqrt(deg[ei[0]] * deg[ei[1]])
    w, v = np.linalg.eigh(lap)
    assert abs(w[1]) < 1e-10 and w[2] > 1e-6  # two components
    np.testing.assert_allclose(g.x[:, 1:].numpy(), np.abs(v[:, 2:6]), atol=1e-4)


def test_laplacian_pe_direct_call_and_k():
    ei = np.array([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])  # path of 4 nodes
    pe = laplacian_eigenvector_pe(ei, 4, k=2)
    assert pe.shape == (4, 2)
    lap = np.eye(4)
    deg = np.array([1, 2, 2, 1.0])
    for i, j in ei.T:
        lap[i, j] = -1 / np.sqrt(deg[i] * deg[j])
    w, v = np.linalg.eigh(lap)
    np.testing.assert_allclose(pe.numpy(), np.abs(v[:, 1:3]), atol=1e-6)


def test_shift_invert_and_pygs_smallest_algebraic_call_agree(monkeypatch):
    from miro.nn import graph

    rng = np.random.default_rng(5)
    u = rng.uniform(0, 1, (400, 2))  # one component of 400 nodes: the sparse solver
    ei = delaunay_edges(u, 0.2)
    shifted = laplacian_eigenvector_pe(ei, len(u))
    monkeypatch.setattr(graph, "EIGSH_SHIFT", None)
    np.testing.assert_allclose(laplacian_eigenvector_pe(ei, len(u)).numpy(), shifted.numpy(), atol=1e-5)


def test_build_graph_rejects_bad_radius():
    with pytest.raises(MiroInputError, match="connectivity_radius"):
        build_graph(np.zeros((3, 2)), 0)
    with pytest.raises(MiroInputError, match="connectivity_radius"):
        build_graph(np.zeros((3, 2)), float("nan"))


# --- targets ---------------------------------------------------------------


def test_targets_cluster_mean_and_background():
    u = np.array([[0.0, 0.0], [0.2, 0.0], [0.1, 0.3], [0.9, 0.9], [0.5, 0.5], [0.7, 0.5]])
    labels = np.array([1, 1, 1, 0, 2, 2])
    y = targets(u, labels, 0.2)
    assert y.dtype == torch.float32 and y.shape == (6, 2)
    c1 = u[:3].mean(axis=0)
    np.testing.assert_allclose(y[:3].numpy(), (u[:3] - c1) / 0.2, atol=1e-6)
    np.testing.assert_allclose(y[3].numpy(), 0)
    np.testing.assert_allclose(y[4:].numpy(), [[-0.5, 0], [0.5, 0]], atol=1e-6)
    # squeezing with the targets lands on the centres
    np.testing.assert_allclose(u[:3] - 0.2 * y[:3].numpy(), np.tile(c1, (3, 1)), atol=1e-6)


def test_targets_given_centres():
    u = np.array([[0.0, 0.0], [0.2, 0.0], [0.9, 0.9]])
    labels = np.array([7, 7, 0])
    y = targets(u, labels, 0.1, centres={7: (0.0, 0.1)})
    np.testing.assert_allclose(y.numpy(), [[0, -1], [2, -1], [0, 0]], atol=1e-6)
    y2 = targets(u, labels, 0.1, centres=np.array([[0.0, 0.1], [0.0, 0.1], [5.0, 5.0]]))
    torch.testing.assert_close(y, y2)
    y3 = targets(u, labels, 0.1, centres=np.array([[0.0, 0.1], [0.0, 0.1], [np.nan, np.nan]]))
    torch.testing.assert_close(y, y3)
    with pytest.raises(MiroInputError, match="centres"):
        targets(u, labels, 0.1, centres=np.full((3, 2), np.nan))
    with pytest.raises(MiroInputError, match="label 7"):
        targets(u, labels, 0.1, centres={3: (0, 0)})
    with pytest.raises(MiroInputError, match="labels"):
        targets(u, labels[:2], 0.1)


# --- optional mean-shift node features ------------------------------------


def test_mean_shift_features_match_brute_force():
    rng = np.random.default_rng(4)
    pts = rng.random((400, 2))
    pts = np.concatenate([pts, pts[rng.integers(0, 400, 100)]])  # with copies, as in blinking data
    feats = mean_shift_features(pts, 0.1).numpy()
    assert feats.shape == (500, 3 * len(MEAN_SHIFT_RADII))
    dist = np.linalg.norm(pts[:, None] - pts[None], axis=-1)
    for c, rho in enumerate(MEAN_SHIFT_RADII):
        r = rho * 0.1
        inside = dist <= r
        count = inside.sum(1)
        mean = inside @ pts / count[:, None]
        np.testing.assert_allclose(feats[:, 3 * c], np.log1p(count) / 5, atol=1e-6)
        np.testing.assert_allclose(feats[:, 3 * c + 1 : 3 * c + 3], (mean - pts) / r, atol=1e-5)
    # shift vectors lie in the unit disc
    assert np.linalg.norm(feats[:, 1:3], axis=1).max() <= 1 + 1e-6
    # radii in any order: the same features, in that order
    reordered = mean_shift_features(pts, 0.1, radii=MEAN_SHIFT_RADII[::-1]).numpy()
    columns = [3 * c + k for c in reversed(range(len(MEAN_SHIFT_RADII))) for k in range(3)]
    np.testing.assert_array_equal(reordered, feats[:, columns])


def test_mean_shift_features_translation_invariant_and_pointing_inward():
    ring = np.stack([np.cos(np.linspace(0, 2 * np.pi, 24, endpoint=False)), np.sin(np.linspace(0, 2 * np.pi, 24, endpoint=False))], 1)
    pts = 0.02 * ring + 0.5
    feats = mean_shift_features(pts, 0.1).numpy()
    np.testing.assert_allclose(feats, mean_shift_features(pts + 0.3, 0.1).numpy(), atol=1e-5)
    # at radius R every point sees the whole ring: the shift points to its centre
    shift = feats[:, 7:9] * 0.1
    np.testing.assert_allclose(shift, 0.5 - pts, atol=1e-6)
    assert mean_shift_features(np.zeros((0, 2)), 0.1).shape == (0, 9)


def test_build_graph_with_mean_shift_features(gt6_graph):
    u, plain = gt6_graph
    graph = build_graph(u, 0.2, node_features="laplacian+meanshift")
    assert graph.x.shape == (plain.num_nodes, node_feature_size("laplacian+meanshift")) == (plain.num_nodes, 14)
    torch.testing.assert_close(graph.x[:, :5], plain.x)
    torch.testing.assert_close(graph.x[:, 5:], mean_shift_features(u, 0.2))
    assert torch.equal(graph.edge_index, plain.edge_index)
    with pytest.raises(MiroInputError, match="node_features: expected one of laplacian, laplacian\\+meanshift"):
        build_graph(u, 0.2, node_features="density")


def test_cli_offers_every_node_feature_set():
    from miro.cli import build_parser
    from miro.nn.graph import NODE_FEATURES

    train = build_parser()._subparsers._group_actions[0].choices["train"]
    (action,) = [a for a in train._actions if a.dest == "node_features"]
    assert tuple(action.choices) == NODE_FEATURES
