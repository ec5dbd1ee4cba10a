r"""Graphs of single-molecule localizations, as MIRO sees them.

One field of view (FOV) of localizations (nm) becomes one
:class:`torch_geometric.data.Data` graph (:class:`GraphTensors`, the same
tensors without importing PyG, for inference) in three steps, all following the
authors' code (``lib/load.py`` of DeepTrackAI/MIRO; method notes §1–§3):

1. :func:`normalize_fov` maps nm to *normalised units*. The benchmark
   convention (``mode="authors"``) min-max scales each axis to :math:`[0, 1]`;
   the multiscale/NPC convention (``mode="isotropic"``) divides both axes by a
   fixed length (2000 nm).
2. :func:`build_graph` connects the points by their Delaunay triangulation,
   keeps the edges shorter than the connectivity radius :math:`R`, and attaches
   the edge features :math:`(\mathbf{p}_{src} - \mathbf{p}_{dst},
   \lVert\mathbf{p}_{src} - \mathbf{p}_{dst}\rVert) / R` and the node features
   :math:`|\mathrm{LapPE}|` (absolute Laplacian eigenvectors), optionally
   followed by local density and mean-shift features
   (``node_features="laplacian+meanshift"``, :func:`mean_shift_features`; not
   in the authors' code).
3. :func:`targets` gives the regression targets :math:`(\mathbf{p} -
   \mathbf{c}) / R` used for training.

All positions inside a graph are in normalised units; :math:`R` is in the same
units (0.2 normalised units is about 400 nm for a 2 µm benchmark FOV).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh
from scipy.spatial import Delaunay, QhullError, cKDTree

from miro._validation import as_xy, check_choice, check_radius
from miro.errors import MiroInputError

if TYPE_CHECKING:  # imported where a Data is made: importing PyG takes about 1.6 s
    from torch_geometric.data import Data

__all__ = [
    "Normalization",
    "normalize_fov",
    "build_graph",
    "GraphTensors",
    "graph_tensors",
    "delaunay_edges",
    "laplacian_eigenvector_pe",
    "mean_shift_features",
    "node_feature_size",
    "NODE_FEATURES",
    "MEAN_SHIFT_RADII",
    "targets",
]

#: Default length (nm) of one normalised unit for ``mode="isotropic"``
#: (multiscale/NPC tutorial: ``x = xnm / 2000``).
ISOTROPIC_LENGTH_NM = 2000.0

#: Node feature sets: the authors' absolute Laplacian eigenvectors, or those
#: followed by :func:`mean_shift_features` (an option of ours).
NODE_FEATURES = ("laplacian", "laplacian+meanshift")

#: Radii of :func:`mean_shift_features`, in units of :math:`R`.
MEAN_SHIFT_RADII = (0.25, 0.5, 1.0)

#: Components with fewer nodes than this use a dense eigensolver, as in
#: PyG's ``AddLaplacianEigenvectorPE.SPARSE_THRESHOLD``.
SPARSE_THRESHOLD = 100
#: Seed of the sparse eigensolver's start vector. Without one, ARPACK draws it
#: from a generator whose state carries over from every earlier call in the
#: process, so the same graph got eigenvectors differing by up to 1e-10
#: depending on what was computed before it.
EIGSH_START_SEED = 0
#: Shift of the sparse eigensolver (shift-invert mode): the k + 1 eigenvalues of the
#: positive semi-definite L closest to it are its smallest, those PyG asks ARPACK for
#: with ``which="SA"``. Same eigenpairs (measured: eigenvectors within 2e-14), found in
#: a few iterations instead of thousands on a blinking FOV's 11 000-node component
#: (2.9x faster on a Multiple Blinking Scenario 6 FOV; benchmarks/bench_features.py).
#: ``None``: PyG's own call, ``which="SA"`` without a shift (the reference of that benchmark).
EIGSH_SHIFT = -0.01


# --------------------------------------------------------------------------
# 1. Normalisation
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Normalization:
    r"""How one FOV was mapped from nm to normalised units, and back.

    Forward map: :math:`\mathbf{u} = (\mathbf{p} - \mathbf{o}) / \mathbf{s}`
    with per-axis offset :math:`\mathbf{o}` (nm) and scale :math:`\mathbf{s}`
    (nm per normalised unit).

    Two inverses exist, and they differ:

    * :meth:`inverse` — the exact inverse :math:`\mathbf{u}\,\mathbf{s} +
      \mathbf{o}`; it returns the original nm coordinates.
    * :meth:`authors_inverse` — what the authors' benchmark code does
      (method notes §7: ``squeeze(..., scaling=vdata[["x","y"]].max())``):
      :math:`\mathbf{u} \odot \max_i \mathbf{p}_i`, i.e. multiply by the FOV
      **max** per axis, not by :math:`(\max - \min)`, and do not add back the
      min. This is exact only when the FOV min is 0. The published
      MIRO + DBSCAN ``eps`` values (``benchmark-metadata.json``,
      ``MIRO_DBSCAN_params``) were tuned in this space, so use this inverse to
      reproduce the paper. For ``mode="isotropic"`` the authors scale by the
      fixed length (``scaling=[2000, 2000]``), which equals the exact inverse.

    Attributes
    ----------
    mode : {"authors", "isotropic"}
    offset : ndarray of shape (2,)
        nm subtracted before scaling (per-axis min for ``"authors"``, 0 for
        ``"isotropic"``).
    scale : ndarray of shape (2,)
        nm per normalised unit (per-axis ``max - min`` for ``"authors"``,
        the fixed length for ``"isotropic"``).
    authors_scaling : ndarray of shape (2,)
        nm per normalised unit used by :meth:`authors_inverse` (the per-axis
        FOV max for ``"authors"``, ``scale`` for ``"isotropic"``).
    """

    mode: str
    offset: np.ndarray
    scale: np.ndarray
    authors_scaling: np.ndarray

    def forward(self, xy_nm) -> np.ndarray:
        """Map nm coordinates of shape ``(N, 2)`` to normalised units."""
        return (as_xy(xy_nm, "xy_nm") - self.offset) / self.scale

    def inverse(self, xy_normalized) -> np.ndarray:
        """Exact inverse: normalised units ``(N, 2)`` back to nm."""
        return np.asarray(xy_normalized, dtype=np.float64) * self.scale + self.offset

    def authors_inverse(self, xy_normalized) -> np.ndarray:
        """The authors' inverse, normalised units times the FOV max (nm); see the class notes."""
        return np.asarray(xy_normalized, dtype=np.float64) * self.authors_scaling

    def to_nm(self, xy_normalized, convention: str = "authors") -> np.ndarray:
        """Back to nm with ``convention="authors"`` (:meth:`authors_inverse`) or ``"exact"`` (:meth:`inverse`)."""
        if convention == "authors":
            return self.authors_inverse(xy_normalized)
        if convention == "exact":
            return self.inverse(xy_normalized)
        raise MiroInputError(f"convention: expected 'authors' or 'exact', got {convention!r}")


def normalize_fov(xy, mode: str = "authors", length_nm: float = ISOTROPIC_LENGTH_NM):
    r"""Map one FOV from nm to MIRO's normalised units.

    Parameters
    ----------
    xy : array_like of shape (N, 2)
        Localizations in nm.
    mode : {"authors", "isotropic"}, default "authors"
        ``"authors"``: per-axis min-max to :math:`[0, 1]`,
        :math:`u = (p - \min p) / (\max p - \min p)` (benchmark notebook and
        ``lib/load.py::compute_test_graph(norm=True)``). Anisotropic when the
        FOV is not square. An axis with zero extent is divided by 1 nm instead
        (all its coordinates become 0).
        ``"isotropic"``: :math:`u = p / L` with the fixed length ``length_nm``
        (multiscale tutorial, :math:`L` = 2000 nm); keeps the aspect ratio and
        does not shift the origin.
    length_nm : float, default 2000.0
        :math:`L` for ``mode="isotropic"`` (nm per normalised unit).

    Returns
    -------
    xy_normalized : ndarray of shape (N, 2), float64
    normalization : Normalization
        Maps back to nm, exactly or with the authors' ``×max`` convention.
    """
    arr = as_xy(xy)
    if mode == "authors":
        if len(arr) == 0:
            raise MiroInputError("xy: the FOV holds no localizations; nothing to normalise")
        mins, maxs = arr.min(axis=0), arr.max(axis=0)
        extent = maxs - mins
        scale = np.where(extent > 0, extent, 1.0)
        norm = Normalization("authors", mins, scale, maxs.copy())
    elif mode == "isotropic":
        length = float(length_nm)
        if not np.isfinite(length) or length <= 0:
            raise MiroInputError(f"length_nm: must be a positive length in nm (e.g. 2000), got {length_nm!r}")
        scale = np.full(2, length)
        norm = Normalization("isotropic", np.zeros(2), scale, scale.copy())
    else:
        raise MiroInputError(f"mode: expected 'authors' (per-axis min-max) or 'isotropic' (divide by length_nm), got {mode!r}")
    return (arr - norm.offset) / norm.scale, norm


# --------------------------------------------------------------------------
# 2. Graph
# --------------------------------------------------------------------------


def _line_edges(points: np.ndarray) -> np.ndarray:
    """Undirected edges between consecutive points along their principal axis."""
    n = len(points)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    centred = points - points.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    order = np.argsort(centred @ vt[0], kind="stable")
    return np.stack([order[:-1], order[1:]], axis=1).astype(np.int64)


def _triangulation_edges(points: np.ndarray) -> np.ndarray:
    """Undirected Delaunay edges (i < j) of distinct points; line fallback when flat."""
    if len(points) < 3:
        return _line_edges(points)
    try:
        simplices = Delaunay(points).simplices
    except QhullError:  # all points on one line: the triangulation is flat
        return _line_edges(points)
    pairs = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [2, 0]]])
    return pairs.astype(np.int64)


def delaunay_edges(xy_normalized, connectivity_radius: float) -> np.ndarray:
    r"""Directed edge list of the thresholded Delaunay graph.

    Parameters
    ----------
    xy_normalized : array_like of shape (N, 2)
        Positions in normalised units.
    connectivity_radius : float
        :math:`R` (normalised units). An edge is kept iff its length is
        strictly below :math:`R`.

    Returns
    -------
    edge_index : ndarray of shape (2, E), int64
        Both directions of every kept edge, no self loops, unique, sorted by
        (src, dst) as ``np.unique(edges, axis=0)`` sorts them in the authors'
        ``make_graph_undirected``.

    Notes
    -----
    Delaunay triangulation is ``scipy.spatial.Delaunay`` (the authors use
    ``matplotlib.tri.Triangulation``; both call Qhull and agree for points in
    general position). Degenerate inputs, which the authors' code does not
    handle, are defined here as follows:

    * **Duplicate points** (identical x, y). Qhull would leave all but one copy
      out of every triangle, i.e. isolated. Here the distinct positions are
      triangulated (first occurrences, in input order), every copy inherits
      all edges of its position, and the copies of one position are joined to
      each other by zero-length edges. A position with :math:`m` copies and
      degree :math:`d` thus gives each copy :math:`m d + m - 1` neighbours.
    * **Collinear points** (all distinct positions on one line, including 2
      distinct positions). Qhull fails; consecutive points along the line are
      connected instead (the limit of the Delaunay graph of a slightly
      perturbed line).
    * Fewer than 2 distinct positions: no edges except the zero-length edges
      between copies.
    """
    pts = as_xy(xy_normalized, "xy_normalized")
    r = check_radius(connectivity_radius)
    n = len(pts)
    if n == 0:
        return np.empty((2, 0), dtype=np.int64)

    _, first, inverse = np.unique(pts, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if len(first) == n:  # no duplicates: triangulate the points as given
        pairs = _triangulation_edges(pts)
    else:
        reps = np.sort(first)  # distinct positions, in input order
        rep_of_group = np.empty(len(first), dtype=np.int64)
        rep_of_group[inverse[reps]] = np.arange(len(reps))
        group = rep_of_group[inverse]  # node -> index into reps
        rep_pairs = _triangulation_edges(pts[reps]).reshape(-1, 2)
        between = _member_pairs(group, rep_pairs[:, 0], rep_pairs[:, 1])
        groups = np.arange(len(reps))
        within = _member_pairs(group, groups, groups)
        pairs = np.concatenate([between, within[within[:, 0] < within[:, 1]]])

    if len(pairs) == 0:
        return np.empty((2, 0), dtype=np.int64)
    lengths = np.linalg.norm(pts[pairs[:, 0]] - pts[pairs[:, 1]], axis=1)
    pairs = pairs[lengths < r]
    pairs = np.concatenate([pairs, pairs[:, ::-1]])
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = np.unique(pairs, axis=0)
    return np.ascontiguousarray(pairs.T, dtype=np.int64)


def _member_pairs(group: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Every (i, j) with ``group[i] == a[p]`` and ``group[j] == b[p]``, for all p: the
    Cartesian products of the groups' members, shape (M, 2)."""
    order = np.argsort(group, kind="stable")
    sizes = np.bincount(group, minlength=int(group.max()) + 1 if len(group) else 0)
    starts = np.cumsum(sizes) - sizes
    per_pair = sizes[a] * sizes[b]
    pair = np.repeat(np.arange(len(a)), per_pair)
    k = np.arange(int(per_pair.sum())) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    width = sizes[b][pair]
    return np.stack([order[starts[a][pair] + k // width], order[starts[b][pair] + k % width]], axis=1)


def _sym_laplacian(edge_index: torch.Tensor, n: int):
    r""":math:`L = I - D^{-1/2} A D^{-1/2}` as a CSR matrix (float64), computed as PyG's
    ``get_laplacian(edge_index, normalization="sym")`` computes it, operation for operation in
    float32 (self loops dropped, unit weights, :math:`D_{ii} = 0` gives a zero row and
    :math:`L_{ii} = 1`), entries in its order: the same bits without importing PyG."""
    edge_index = edge_index[:, edge_index[0] != edge_index[1]]
    row, col = edge_index
    weight = torch.ones(edge_index.shape[1])
    deg_inv_sqrt = torch.zeros(n).index_add_(0, row, weight).pow_(-0.5)
    deg_inv_sqrt.masked_fill_(deg_inv_sqrt == float("inf"), 0)
    weight = deg_inv_sqrt[row] * weight * deg_inv_sqrt[col]
    loops = torch.arange(n)
    rows, cols = torch.cat([row, loops]).numpy(), torch.cat([col, loops]).numpy()
    values = torch.cat([-weight, torch.ones(n)]).double().numpy()
    return coo_matrix((values, (rows, cols)), (n, n)).tocsr()


def laplacian_eigenvector_pe(edge_index, num_nodes: int, k: int = 5) -> torch.Tensor:
    r"""Absolute Laplacian eigenvector positional encoding, :math:`|\mathrm{LapPE}|`.

    The eigenvectors of the symmetric-normalised, unweighted Laplacian
    :math:`L = I - D^{-1/2} A D^{-1/2}` (isolated nodes get
    :math:`L_{ii} = 1`, as in PyG's ``get_laplacian(normalization="sym")``)
    for the :math:`k` smallest eigenvalues after the first (trivial) one,
    in absolute value. This is PyG's
    ``AddLaplacianEigenvectorPE(k, is_undirected=True)`` followed by
    ``abs()`` (method notes §2.6): dense ``numpy.linalg.eigh`` below
    100 nodes, otherwise ``scipy.sparse.linalg.eigsh(L, k=k+1, which="SA")``
    (computed here in shift-invert mode, :data:`EIGSH_SHIFT`: the same eigenpairs);
    ``abs()`` removes PyG's random sign. Unlike PyG, ``eigsh`` starts from a
    fixed pseudo-random vector (:data:`EIGSH_START_SEED`), so a graph's
    encoding does not depend on earlier calls (bitwise-reproducible runs).

    Parameters
    ----------
    edge_index : array_like of shape (2, E)
        Undirected graph (both directions present).
    num_nodes : int
    k : int, default 5

    Returns
    -------
    torch.Tensor of shape (num_nodes, k), float32

    Notes
    -----
    * **Few nodes.** With :math:`N \le k` there are fewer than :math:`k`
      non-trivial eigenvectors; the missing columns are zero.
    * **Several connected components.** The zero eigenvalue then has one
      eigenvector per component and any rotation of them is a valid basis, so
      the authors' result is solver-dependent. Here the decomposition is done
      per component (dense or ``eigsh`` by the component's size), and the
      pooled eigenpairs are sorted by eigenvalue (rounded to 1e-8) with ties
      broken by component order (components ordered by their smallest node
      index). For a connected graph this is exactly PyG's computation. Each
      isolated node is its own component with eigenvalue 1.
    * Degenerate non-zero eigenvalues (symmetric lattices) keep the solver's
      basis, as in the authors' code.
    """
    n = int(num_nodes)
    k = int(k)
    if n == 0 or k == 0:
        return torch.zeros((n, k), dtype=torch.float32)
    ei = torch.as_tensor(np.asarray(edge_index), dtype=torch.long).reshape(2, -1)
    lap = _sym_laplacian(ei, n)
    adj = coo_matrix((np.ones(ei.shape[1], dtype=np.float32), (ei[0].numpy(), ei[1].numpy())), (n, n)).tocsr()
    n_comp, comp = connected_components(adj, directed=False)

    values, vectors, comp_rank = [], [], []
    if n_comp == 1:
        components = [np.arange(n)]
    else:
        # order components by their smallest node index
        first_node = np.full(n_comp, n, dtype=np.int64)
        np.minimum.at(first_node, comp, np.arange(n))
        order = np.argsort(first_node, kind="stable")
        components = [np.flatnonzero(comp == c) for c in order]
    for rank, nodes in enumerate(components):
        size = len(nodes)
        sub = lap if n_comp == 1 else lap[nodes][:, nodes]
        if size < SPARSE_THRESHOLD or size <= k + 2:
            w, v = np.linalg.eigh(sub.toarray())
        else:
            start = np.random.default_rng(EIGSH_START_SEED).uniform(-1.0, 1.0, size)
            mode = {"which": "SA"} if EIGSH_SHIFT is None else {"sigma": EIGSH_SHIFT, "which": "LM"}
            w, v = eigsh(sub.tocsc(), k=k + 1, v0=start, return_eigenvectors=True, **mode)
        idx = np.argsort(w, kind="stable")[: k + 1]
        for j in idx:
            values.append(w[j])
            full = np.zeros(n)
            full[nodes] = v[:, j]
            vectors.append(full)
            comp_rank.append(rank)
    values = np.asarray(values)
    key_value = np.round(values / 1e-8)
    order = np.lexsort((np.arange(len(values)), np.asarray(comp_rank), key_value))
    chosen = order[1 : k + 1]
    pe = np.zeros((n, k))
    if len(chosen):
        pe[:, : len(chosen)] = np.abs(np.stack([vectors[j] for j in chosen], axis=1))
    return torch.from_numpy(pe).to(torch.float32)


def node_feature_size(node_features: str = "laplacian", num_eigenvectors: int = 5) -> int:
    """Number of node features of a feature set (see :data:`NODE_FEATURES`)."""
    check_choice(node_features, NODE_FEATURES, "node_features")
    extra = 3 * len(MEAN_SHIFT_RADII) if node_features == "laplacian+meanshift" else 0
    return int(num_eigenvectors) + extra


def mean_shift_features(xy_normalized, connectivity_radius: float, radii=MEAN_SHIFT_RADII) -> torch.Tensor:
    r"""Local density and mean-shift vector of every point at several radii.

    For each radius :math:`r = \rho R` (``radii`` holds :math:`\rho`) and
    point :math:`i` with the set :math:`\mathcal{B}_i` of points within
    distance :math:`r` (itself included),

    .. math::
        \Big[\tfrac{1}{5}\log(1 + |\mathcal{B}_i|),\;
        \frac{\bar{\mathbf{p}}_{\mathcal{B}_i} - \mathbf{p}_i}{r}\Big],
        \qquad \bar{\mathbf{p}}_{\mathcal{B}_i} = \frac{1}{|\mathcal{B}_i|}
        \sum_{j \in \mathcal{B}_i} \mathbf{p}_j ,

    three features per radius: the log count (divided by 5, so that up to a
    few hundred neighbours stay of order 1) and the mean-shift vector, which
    points towards the local centre of mass and lies in the unit disc.

    Not in the authors' code. With only Laplacian eigenvectors, a node learns
    its surroundings through message passing alone; on dense blinking clusters
    (Multiple Blinking Scenario 6) training then stayed at the zero-output
    loss in every CPU budget we tried, while with these features the loss fell
    below the released model's within minutes (see ``config/quick.yaml``).

    Parameters
    ----------
    xy_normalized : array_like of shape (N, 2)
        Positions in normalised units.
    connectivity_radius : float
        :math:`R` in normalised units.
    radii : sequence of float, default (0.25, 0.5, 1.0)
        :math:`\rho` values.

    Returns
    -------
    torch.Tensor of shape (N, 3 len(radii)), float32
        Per radius: log count / 5, then :math:`\Delta x / r`, :math:`\Delta y / r`.
    """
    pts = as_xy(xy_normalized, "xy_normalized")
    r_unit = check_radius(connectivity_radius)
    n = len(pts)
    out = np.zeros((n, 3 * len(radii)))
    if n == 0 or len(radii) == 0:
        return torch.from_numpy(out).to(torch.float32)
    # every pair i < j within the largest radius, once (memory: 16 bytes per pair), sorted into
    # shells by the smallest radius that holds it; per-shell sums, accumulated over the shells,
    # give each ball's count and sum
    rs = np.asarray(radii, dtype=float) * r_unit
    pairs = cKDTree(pts).query_pairs(float(rs.max()), output_type="ndarray")
    first, second = pairs[:, 0], pairs[:, 1]
    squared = ((pts[first] - pts[second]) ** 2).sum(axis=1)
    order = np.argsort(rs)
    shell = np.searchsorted(rs[order] ** 2, squared, side="left")  # index into radii by size
    slots = len(rs) + 1  # the last one holds pairs outside every ball (a float edge case)

    def shell_sums(weights_first, weights_second):
        total = np.bincount(first * slots + shell, weights=weights_first, minlength=n * slots)
        total += np.bincount(second * slots + shell, weights=weights_second, minlength=n * slots)
        return np.cumsum(total.reshape(n, slots)[:, :-1], axis=1)

    counts = 1 + shell_sums(None, None)
    sums = [pts[:, [axis]] + shell_sums(pts[second, axis], pts[first, axis]) for axis in range(2)]
    for rank, c in enumerate(order):
        mean = np.stack([sums[0][:, rank], sums[1][:, rank]], axis=1) / counts[:, [rank]]
        out[:, 3 * c] = np.log1p(counts[:, rank]) / 5.0
        out[:, 3 * c + 1 : 3 * c + 3] = (mean - pts) / rs[c]
    return torch.from_numpy(out).to(torch.float32)


class GraphTensors(NamedTuple):
    """The tensors of one MIRO input graph (or of several concatenated, as PyG batches them),
    without PyG: what inference reads. Fields as in :func:`build_graph`."""

    x: torch.Tensor
    edge_index: torch.Tensor
    edge_attr: torch.Tensor
    position: torch.Tensor

    @property
    def num_nodes(self) -> int:
        return len(self.position)

    @classmethod
    def concat(cls, graphs) -> GraphTensors:
        """Several graphs as one with disconnected parts, as ``torch_geometric.data.Batch``
        concatenates them: node tensors stacked, each graph's ``edge_index`` shifted by the
        nodes before it."""
        graphs = list(graphs)
        offsets = np.cumsum([0] + [g.num_nodes for g in graphs[:-1]])
        return cls(
            x=torch.cat([g.x for g in graphs]),
            edge_index=torch.cat([g.edge_index + int(offset) for g, offset in zip(graphs, offsets)], dim=1),
            edge_attr=torch.cat([g.edge_attr for g in graphs]),
            position=torch.cat([g.position for g in graphs]),
        )


def graph_tensors(
    xy_normalized, connectivity_radius: float, num_eigenvectors: int = 5, node_features: str = "laplacian"
) -> GraphTensors:
    """:func:`build_graph` as :class:`GraphTensors`: the same tensors, without importing PyG
    (about 1.6 s of start-up in every process that only runs inference)."""
    pts = as_xy(xy_normalized, "xy_normalized")
    r = check_radius(connectivity_radius)
    check_choice(node_features, NODE_FEATURES, "node_features")
    edge_index = delaunay_edges(pts, r)
    src, dst = edge_index
    delta = pts[src] - pts[dst]
    dist = np.linalg.norm(delta, axis=1, keepdims=True)
    edge_attr = np.concatenate([delta, dist], axis=1) / r
    x = laplacian_eigenvector_pe(edge_index, len(pts), num_eigenvectors)
    if node_features == "laplacian+meanshift":
        x = torch.cat([x, mean_shift_features(pts, r)], dim=1)
    return GraphTensors(
        x=x,
        edge_index=torch.from_numpy(edge_index),
        edge_attr=torch.from_numpy(edge_attr.reshape(-1, 3)).to(torch.float32),
        position=torch.from_numpy(pts).to(torch.float32),
    )


def build_graph(
    xy_normalized, connectivity_radius: float, num_eigenvectors: int = 5, node_features: str = "laplacian"
) -> Data:
    r"""The MIRO input graph of one FOV.

    Parameters
    ----------
    xy_normalized : array_like of shape (N, 2)
        Positions in normalised units (see :func:`normalize_fov`).
    connectivity_radius : float
        :math:`R` in normalised units: edge cut-off (strict ``<``) and divisor
        of the edge features.
    num_eigenvectors : int, default 5
        Number of Laplacian eigenvectors in the node features.
    node_features : {"laplacian", "laplacian+meanshift"}, default "laplacian"
        ``"laplacian"`` is the authors' choice; ``"laplacian+meanshift"``
        appends :func:`mean_shift_features`.

    Returns
    -------
    torch_geometric.data.Data
        * ``position`` — (N, 2) float32, the normalised positions (the
          authors' attribute name; not PyG's ``pos``).
        * ``edge_index`` — (2, E) int64, see :func:`delaunay_edges`.
        * ``edge_attr`` — (E, 3) float32,
          :math:`(\mathbf{p}_{src} - \mathbf{p}_{dst},
          \lVert\mathbf{p}_{src} - \mathbf{p}_{dst}\rVert) / R` with
          ``src = edge_index[0]``, ``dst = edge_index[1]``: on a message into
          node *i* from node *j* the vector points from receiver to sender.
        * ``x`` — (N, :func:`node_feature_size`) float32,
          :func:`laplacian_eigenvector_pe` (then :func:`mean_shift_features`).

    Notes
    -----
    Follows ``lib/load.py`` of the authors (method notes §2). Duplicate and
    collinear points, isolated nodes and several components are handled as
    documented in :func:`delaunay_edges` and :func:`laplacian_eigenvector_pe`.
    No absolute coordinates enter the node features.
    """
    from torch_geometric.data import Data

    graph = graph_tensors(xy_normalized, connectivity_radius, num_eigenvectors, node_features)
    return Data(**graph._asdict(), num_nodes=graph.num_nodes)


# --------------------------------------------------------------------------
# 3. Targets
# --------------------------------------------------------------------------


def targets(xy_normalized, labels, connectivity_radius: float, centres=None) -> torch.Tensor:
    r"""Regression targets :math:`\mathbf{y}_i = (\mathbf{p}_i - \mathbf{c}_i) / R`.

    Parameters
    ----------
    xy_normalized : array_like of shape (N, 2)
        Positions in normalised units.
    labels : array_like of shape (N,)
        Cluster labels; 0 is background and gets target 0.
    connectivity_radius : float
        :math:`R` (normalised units).
    centres : None, mapping or array_like of shape (N, 2), optional
        :math:`\mathbf{c}`, in normalised units. ``None``: the mean position of
        each label's points. A mapping ``{label: (cx, cy)}``: one centre per
        label (e.g. the placement shift of a simulated cluster, method notes
        §3). An (N, 2) array: the centre of each node's cluster, row by row
        (rows of background nodes are ignored and may be NaN).

    Returns
    -------
    torch.Tensor of shape (N, 2), float32
        Points from the centre to the point, in units of :math:`R`; the
        squeezed position :math:`\mathbf{p} - R\,\mathbf{y}` is the centre.
    """
    pts = as_xy(xy_normalized, "xy_normalized")
    r = check_radius(connectivity_radius)
    lab = np.asarray(labels).reshape(-1)
    if len(lab) != len(pts):
        raise MiroInputError(f"labels: {len(lab)} labels for {len(pts)} positions; pass one label per localization")
    clustered = lab != 0
    c = pts.copy()
    if centres is None:
        for value in np.unique(lab[clustered]):
            members = lab == value
            c[members] = pts[members].mean(axis=0)
    elif isinstance(centres, Mapping):
        for value in np.unique(lab[clustered]):
            key = value.item() if hasattr(value, "item") else value
            if key not in centres:
                raise MiroInputError(f"centres: no centre for label {key!r}; give one centre per non-zero label")
            c[lab == value] = np.asarray(centres[key], dtype=np.float64)
    else:
        per_node = np.asarray(centres, dtype=np.float64)
        if per_node.shape != pts.shape:
            raise MiroInputError(f"centres: shape {per_node.shape} for {len(pts)} positions; pass one (x, y) centre per localization")
        if not np.all(np.isfinite(per_node[clustered])):
            raise MiroInputError("centres: NaN or infinite centre for a clustered localization; give a finite centre to every label > 0")
        c[clustered] = per_node[clustered]
    y = (pts - c) / r
    y[~clustered] = 0.0
    return torch.from_numpy(y).to(torch.float32)
