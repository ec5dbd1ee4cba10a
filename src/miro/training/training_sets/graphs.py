"""Training graphs with their targets.

Graphs of synthetic FOVs (the authors' builders, :func:`build_training_set`),
of annotated FOVs as they are, and of freshly simulated FOVs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from miro._validation import check_training_radius
from miro.data.simulation import simulate
from miro.errors import MiroInputError
from miro.nn.graph import build_graph, normalize_fov, targets
from miro.training.training_sets.sources import TrainingSource
from miro.training.training_sets.synthesis import (
    SyntheticFOV,
    _normalise_kwargs,
    synthesize,
    synthesize_blinking,
    synthesize_blinking_cropped,
    synthesize_graph_dataset,
)

__all__ = [
    "fov_to_graph",
    "to_graphs",
    "build_training_set",
    "augmented_training_set",
    "graph_dataset",
    "graph_blinking_dataset",
    "graph_blinking_cropped_dataset",
    "simulated_graphs",
    "graph_from_annotated_fov",
    "tile_graphs",
]


def fov_to_graph(
    fov: SyntheticFOV, connectivity_radius: float, num_eigenvectors: int = 5, node_features: str = "laplacian"
) -> Data:
    """The training graph of one synthetic FOV.

    :func:`miro.nn.graph.build_graph` (with ``node_features``) plus the targets: ``y`` (N, 2) float32,
    ``label`` (N,) int64 and, when present, ``y_sub`` (N, 2) float32 and
    ``y_class`` (N,) int64.
    """
    r = check_training_radius(connectivity_radius)
    data = build_graph(fov.xy, r, num_eigenvectors=num_eigenvectors, node_features=node_features)
    data.y = targets(fov.xy, fov.label, r, centres=fov.centre)
    data.label = torch.from_numpy(np.asarray(fov.label, dtype=np.int64))
    if fov.sublabel is not None:
        data.y_sub = targets(fov.xy, fov.sublabel, r, centres=fov.sub_centre)
    if fov.cls is not None:
        data.y_class = torch.from_numpy(np.asarray(fov.cls, dtype=np.int64))
    return data


def to_graphs(
    fovs: Sequence[SyntheticFOV], connectivity_radius: float, progress: bool = False, node_features: str = "laplacian"
) -> list[Data]:
    """:func:`fov_to_graph` for every FOV, with an optional tqdm bar."""
    r = check_training_radius(connectivity_radius)
    iterator = fovs
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(fovs, desc="Building training graphs", unit="graph")
    return [fov_to_graph(f, r, node_features=node_features) for f in iterator]


def build_training_set(
    builder: str,
    builder_kwargs: Mapping,
    source: TrainingSource,
    *,
    seed: int,
    dataset_size: int | None = None,
    reflect_clusters: bool = False,
    progress: bool = False,
    node_features: str = "laplacian",
) -> list[Data]:
    """A training set from a builder name and kwargs in the authors' metadata format.

    Parameters
    ----------
    builder : {"GraphDataset", "GraphBlinkingDataset", "GraphBlinkingCroppedDataset"}
        ``benchmark-metadata.json`` ``builder``.
    builder_kwargs : mapping
        ``benchmark-metadata.json`` ``builder_kwargs``, with the authors' key
        names (``pupulation_std_sigma``, ``background_Sampling_range``; our
        spellings ``population_std_sigma``, ``background_sampling_range`` are
        accepted too). ``connectivity_radius`` (R, normalised units) is
        required. Missing keys take the authors' class defaults.
    source : TrainingSource
        Training clusters (and backgrounds for the blinking builders).
    seed : int
        Seed of every random draw.
    dataset_size : int, optional
        Overrides ``builder_kwargs["dataset_size"]`` (e.g. a quick preset).
    reflect_clusters : bool, default False
        Also mirror clusters (the paper's claim; not in the authors' code).
    progress : bool, default False
        tqdm bar while building graphs.
    node_features : {"laplacian", "laplacian+meanshift"}, default "laplacian"
        Node feature set (:func:`miro.nn.graph.build_graph`); the model must be
        built with the same one.

    Returns
    -------
    list of torch_geometric.data.Data
        See :func:`fov_to_graph`. Save with :func:`save_training_set`.

    Examples
    --------
    >>> meta = json.load(open("benchmark-metadata.json"))["Ground Truth - Scenario 8"]  # doctest: +SKIP
    >>> src = source_from_benchmark(folder, meta["training_indices"])  # doctest: +SKIP
    >>> graphs = build_training_set(meta["builder"], meta["builder_kwargs"], src, seed=0)  # doctest: +SKIP
    """
    _, radius = _normalise_kwargs(builder, builder_kwargs)
    if radius is None:
        raise MiroInputError("builder_kwargs: connectivity_radius (R, normalised units) is required")
    fovs = synthesize(builder, builder_kwargs, source, seed=seed, dataset_size=dataset_size, reflect_clusters=reflect_clusters)
    return to_graphs(fovs, radius, progress=progress, node_features=node_features)


def augmented_training_set(
    spec: Mapping, settings: Mapping, source: TrainingSource, connectivity_radius: float
) -> tuple[list[Data], dict]:
    """A workflow model's training set from its config: :func:`build_training_set`
    with the builder of ``spec`` and the training ``settings``.

    Parameters
    ----------
    spec : mapping
        A scenario's ``training_set`` block: ``builder`` and its ``kwargs``
        (the authors' metadata format, without R).
    settings : mapping
        The model's training settings: ``seed``, ``dataset_size``,
        ``reflect_clusters``, ``node_features``.
    source : TrainingSource
        Training clusters (and backgrounds for the blinking builders).
    connectivity_radius : float
        R, normalised units.

    Returns
    -------
    graphs : list of torch_geometric.data.Data
    metadata : dict
        ``builder``, the builder's kwargs with R, ``seed``: what
        :func:`save_training_set` keeps next to the graphs (callers add their
        own keys).
    """
    kwargs = {**spec["kwargs"], "connectivity_radius": connectivity_radius}
    graphs = build_training_set(
        spec["builder"], kwargs, source,
        seed=settings["seed"], dataset_size=settings["dataset_size"], reflect_clusters=settings["reflect_clusters"],
        node_features=settings["node_features"],
    )
    return graphs, {"builder": spec["builder"], **kwargs, "seed": settings["seed"]}

def graph_dataset(source: TrainingSource, *, connectivity_radius: float, seed: int, progress: bool = False, **kwargs) -> list[Data]:
    """Graphs of the authors' ``GraphDataset``; kwargs as :func:`synthesize_graph_dataset`."""
    return to_graphs(synthesize_graph_dataset(source, seed=seed, **kwargs), connectivity_radius, progress)


def graph_blinking_dataset(source: TrainingSource, *, connectivity_radius: float, seed: int, progress: bool = False, **kwargs) -> list[Data]:
    """Graphs of the authors' ``GraphBlinkingDataset``; kwargs as :func:`synthesize_blinking`."""
    return to_graphs(synthesize_blinking(source, seed=seed, **kwargs), connectivity_radius, progress)


def graph_blinking_cropped_dataset(
    source: TrainingSource, *, connectivity_radius: float, seed: int, progress: bool = False, **kwargs
) -> list[Data]:
    """Graphs of the authors' ``GraphBlinkingCroppedDataset``; kwargs as :func:`synthesize_blinking_cropped`."""
    return to_graphs(synthesize_blinking_cropped(source, seed=seed, **kwargs), connectivity_radius, progress)


def simulated_graphs(
    simulator: str,
    simulation: Mapping,
    generators,
    connectivity_radius: float,
    node_features: str = "laplacian",
) -> list[Data]:
    """Training graphs of fresh simulated FOVs, one per random generator (no augmentation).

    Each FOV is :func:`miro.data.simulation.simulate` ``(simulator, generator,
    **simulation)``, min-max normalised like every scenario FOV
    (``normalization="authors"``) and turned into a graph by
    :func:`graph_from_annotated_fov` (``y``; ``y_class`` and ``y_sub`` when the
    simulator writes ``class`` / ``sublabel``).
    """
    return [
        graph_from_annotated_fov(
            simulate(simulator, generator, **dict(simulation)), connectivity_radius,
            normalization="authors", node_features=node_features,
        )
        for generator in generators
    ]


def graph_from_annotated_fov(
    table: pd.DataFrame,
    connectivity_radius: float,
    normalization: str = "isotropic",
    length_nm: float = 2000.0,
    node_features: str = "laplacian",
) -> Data:
    """A training graph from one annotated FOV as it is, without augmentation.

    The multiscale (NPC) and multishape pipelines train on pre-generated FOVs
    directly (method notes §10). ``y`` points to the mean of each ``index``
    group; ``y_sub`` (when a ``sublabel`` column exists) to the mean of each
    sublabel group; ``y_class`` is the ``class`` column (0 = background).

    Parameters
    ----------
    table : pandas.DataFrame
        ``x``, ``y`` (nm), ``index`` (0 = background), optional ``sublabel``, ``class``.
    connectivity_radius : float
        R, normalised units.
    normalization : {"isotropic", "authors"}, default "isotropic"
        The multiscale tutorial divides by 2000 nm (``"isotropic"``).
    length_nm : float, default 2000
    node_features : {"laplacian", "laplacian+meanshift"}, default "laplacian"
    """
    if "index" not in table.columns:
        raise MiroInputError("table: no index column; a training FOV needs ground-truth labels (0 = not clustered)")
    r = check_training_radius(connectivity_radius)
    xy, _ = normalize_fov(table[["x", "y"]].to_numpy(dtype=np.float64), mode=normalization, length_nm=length_nm)
    labels = table["index"].to_numpy(dtype=np.int64)
    data = build_graph(xy, r, node_features=node_features)
    data.y = targets(xy, labels, r)
    data.label = torch.from_numpy(labels.copy())
    if "sublabel" in table.columns:
        data.y_sub = targets(xy, table["sublabel"].to_numpy(dtype=np.int64), r)
    if "class" in table.columns:
        cls = table["class"].to_numpy(dtype=np.int64).copy()
        cls[labels == 0] = 0
        data.y_class = torch.from_numpy(cls)
    return data


def tile_graphs(graphs: Sequence[Data], tiles: int) -> list[Data]:
    r"""Each graph cut into ``tiles`` x ``tiles`` pieces by its nodes' positions.

    Node :math:`i` of a graph whose positions span :math:`[a, b]` along an axis falls in
    tile :math:`\min(\lfloor t (p_i - a) / (b - a) \rfloor, t - 1)` along it
    (:math:`t` = ``tiles``); each non-empty tile becomes a graph of its nodes
    (``Data.subgraph``: node features, positions and targets as computed on the whole
    graph, edges between tiles dropped), in row-major tile order, graph by graph.

    Not in the authors' code. An epoch then takes :math:`t^2` times as many optimiser
    steps for about the same arithmetic: on a CPU, where one graph per step learns more
    per epoch than batches of four (``config/README.md``, "Shorter pair trainings"),
    smaller steps stretch that further. Where clusters lie apart from the tile borders
    (the grid of pairs of Figure 4a) no cluster is cut; a cluster cut by a border keeps
    in each tile the targets of the whole cluster.

    Parameters
    ----------
    graphs : sequence of torch_geometric.data.Data
        Training graphs with ``position`` (normalised units).
    tiles : int
        Tiles per side; 1 returns the graphs as they are.

    Returns
    -------
    list of torch_geometric.data.Data
    """
    tiles = int(tiles)
    if tiles < 1:
        raise MiroInputError(f"tiles: {tiles} is not a positive number of tiles per side")
    if tiles == 1:
        return list(graphs)
    pieces = []
    for graph in graphs:
        position = graph.position.double()
        low, span = position.min(dim=0).values, position.max(dim=0).values - position.min(dim=0).values
        cell = torch.clamp((tiles * (position - low) / torch.clamp(span, min=1e-12)).long(), max=tiles - 1)
        tile = cell[:, 1] * tiles + cell[:, 0]
        pieces.extend(graph.subgraph(tile == t) for t in range(tiles * tiles) if bool((tile == t).any()))
    return pieces
