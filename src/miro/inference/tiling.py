r"""Tiled MIRO for fields much larger than a training field of view.

A MIRO model is trained on fields of view (FOVs) of one size — 2 µm × 2 µm
for the Nieves et al. (2023) benchmark — normalised so that the FOV spans
one normalised unit. A whole camera field (tens of µm, :math:`10^5`–
:math:`10^7` localizations) is far larger. Squeezing it as one graph would
change the length scale the model sees (one normalised unit would become
the whole field), and the Laplacian eigenvectors of a graph with millions
of nodes are slow to compute and unlike those of training graphs. So the
field is cut into overlapping square **tiles** of the training FOV size and
each tile is squeezed on its own:

1. **Layout** (:func:`tile_layout`). Along each axis the tiles have side
   :math:`T` (``tile_size_nm``) and their origins are spread evenly from
   the field's minimum to its maximum minus :math:`T`, with the smallest
   number of tiles whose spacing :math:`s` is at most :math:`T - o`
   (``overlap_nm`` = :math:`o`). Neighbouring tiles thus overlap by
   :math:`T - s \ge o`. A field narrower than :math:`T` gets one tile
   centred on it.
2. **Core regions.** The *core* of a tile is the set of points closer (per
   axis) to its centre than to any other tile's centre; the cores partition
   the field. The boundary between two cores lies half-way between the
   tile centres, i.e. at least :math:`(T - s)/2 \ge o/2` inside both tiles.
3. **Squeeze** (:func:`tiled_squeeze`). For each tile holding core points,
   all localizations inside the tile (core and margin) are normalised as

   .. math:: \mathbf{u} = (\mathbf{p} - \mathbf{t}) / T,

   with :math:`\mathbf{t}` the tile origin (nm), so a full tile spans
   :math:`[0, 1]^2` exactly as a training FOV does, and the connectivity
   radius :math:`R` (normalised units) is :math:`R\,T` nm as in training.
   The graph (:func:`miro.nn.graph.build_graph`) and the model run per tile
   (several tiles batched into one disjoint-union graph); the squeezed
   positions :math:`\mathbf{s} = \mathbf{u} - R\hat{\mathbf{y}}` are mapped
   back **exactly**, :math:`\mathbf{s}\,T + \mathbf{t}` (nm), and kept only
   for the tile's core points. Every localization therefore gets exactly one
   squeezed position, from the tile in which it is most central.
4. **Cluster** (:func:`tiled_miro_dbscan`). DBSCAN runs **once** on all
   squeezed positions of the field.

Why this is correct
-------------------
MIRO's prediction for a point depends on the graph around it: the model is
translation invariant (edge features are relative vectors, node features are
Laplacian eigenvectors of the graph, no coordinates), so a tile differs from
the whole field only in which points it contains. A point's squeezed
position is taken from the tile whose core holds it, and that tile contains
everything within :math:`o/2` of the point. With ``overlap_nm`` at least
the largest cluster diameter :math:`D`, a cluster that straddles a core
boundary (its centre within :math:`D/2` of the boundary) lies completely in
both tiles, and any cluster lies completely in the tile of each member
whenever :math:`o \ge 2D`; in between, the part of a cluster that a tile
misses lies farther than :math:`o/2` from the member being squeezed and
barely affects where it is moved. Members of one cluster squeezed in
different tiles thus land on the same centre, and because clustering is
done once on the union of the squeezed points (not per tile) a cluster
crossing a tile border is neither split nor counted twice: there are no
per-tile labels to merge. Points squeezed in the overlap of two tiles are
used once, from one tile, so nothing is duplicated.

Scale and ``eps``
-----------------
Squeezed positions are returned in **true nm** (the exact inverse of the
tile normalisation), so ``eps`` is a distance in nm. The authors' benchmark
code instead normalised each 2 µm FOV by its own per-axis min-max and
multiplied the squeezed coordinates by the FOV *maximum* (method notes §7,
:class:`miro.nn.graph.Normalization`). For benchmark FOVs (minimum ≈ 0,
maximum ≈ 2000 nm, extent ≈ 2000 nm) that frame equals true nm to within a
few per cent, and the authors' :math:`R` was :math:`0.2 \times` the FOV
extent ≈ 400 nm, which is :math:`0.2\,T` for :math:`T` = 2000 nm. So use
``tile_size_nm`` = the training FOV size (2000 nm for the released
benchmark models) and the published ``MIRO_DBSCAN_params`` ``eps`` values
as nm.

Speed
-----
The work is linear in the number of localizations: per tile one Delaunay
triangulation, one sparse eigen-decomposition (``eigsh``) for the Laplacian
eigenvectors and :math:`K` message-passing steps. Tiles are processed in
batches of ``batch_tiles`` (their graphs concatenated as PyG batches them, one model call); on the CPU,
``workers`` processes (one PyTorch thread each) build the graphs and run the
model on different tiles in parallel, which on a few cores is faster than
one process with several threads. On a GPU the model runs in the calling
process and the workers only build graphs, which they return as plain numpy
arrays. Overlap costs work: each localization is processed
:math:`(T / s)^2` times on average (1.7 for :math:`T` = 2000 nm,
:math:`o` = 500 nm). The ``miro.inference.tiling`` logger reports at INFO level where
the time went (graphs, model, waiting for the workers).

Worker processes
----------------
Workers are started by a fork server (``spawn`` where there is none), on the
CPU as on a GPU, and never forked from the caller: a process forked after
CUDA initialisation can deadlock. The fork server imports this module once
(about 3 s on 2 cores, on the first call in a process) and later calls reuse
it; ``spawn`` would pay the imports in every worker of every call. Workers
ignore Ctrl-C (the caller cancels the queued tiles and ends them, as on any
error) and exit when the caller dies. As with any fork server or ``spawn``,
a script that uses workers needs the ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import io
import logging
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
import torch

from miro._validation import as_xy, check_radius, check_tiles, check_whole_number
from miro.errors import MiroInputError
from miro.inference.clustering import check_dbscan_params, dbscan_labels
from miro.inference.squeezing import step_output
from miro.nn.graph import GraphTensors, graph_tensors
from miro.nn.model import MIRO

__all__ = [
    "TileLayout",
    "tile_layout",
    "iter_tiles",
    "tiled_squeeze",
    "tiled_miro_dbscan",
    "DEFAULT_TILE_SIZE_NM",
    "DEFAULT_OVERLAP_NM",
]

logger = logging.getLogger(__name__)

#: Side (nm) of a tile: the FOV size of the benchmark training data.
DEFAULT_TILE_SIZE_NM = 2000.0
#: Overlap (nm) of neighbouring tiles: above the largest benchmark cluster
#: diameter (Scenario 6 ellipses and the σ = 75 nm clusters of Scenarios 7
#: and 9 are up to about 450 nm across).
DEFAULT_OVERLAP_NM = 500.0


# --------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------


def _axis_origins(lo: float, hi: float, tile: float, overlap: float) -> np.ndarray:
    """Tile origins along one axis (see the module notes, step 1)."""
    width = hi - lo
    if width <= tile:
        return np.array([lo - (tile - width) / 2.0])
    stride = tile - overlap
    n = int(math.ceil((width - tile) / stride - 1e-9)) + 1
    return lo + np.arange(n) * ((width - tile) / (n - 1))


@dataclass(frozen=True)
class TileLayout:
    """Overlapping square tiles covering a field, and their core regions.

    Attributes
    ----------
    tile_size : float
        Side :math:`T` of every tile (nm).
    overlap : float
        Requested minimum overlap :math:`o` of neighbouring tiles (nm).
    origins_x, origins_y : ndarray
        Lower-left corners of the tile columns and rows (nm); tile
        ``(i, j)`` is ``[origins_x[i], origins_x[i] + T] × [origins_y[j], origins_y[j] + T]``.
    """

    tile_size: float
    overlap: float
    origins_x: np.ndarray
    origins_y: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """Number of tile columns and rows."""
        return len(self.origins_x), len(self.origins_y)

    @property
    def n_tiles(self) -> int:
        return len(self.origins_x) * len(self.origins_y)

    def _bounds(self, origins):
        centres = origins + self.tile_size / 2.0
        return (centres[:-1] + centres[1:]) / 2.0

    def core_index(self, xy_nm) -> tuple[np.ndarray, np.ndarray]:
        """Column and row of the tile whose core holds each point (nearest tile centre per axis)."""
        xy = np.asarray(xy_nm, dtype=np.float64)
        col = np.searchsorted(self._bounds(self.origins_x), xy[:, 0], side="right")
        row = np.searchsorted(self._bounds(self.origins_y), xy[:, 1], side="right")
        return col, row

    def margin(self) -> float:
        """Smallest distance (nm) from a core boundary to the edge of the tile owning it: :math:`(T - s)/2 \\ge o/2`."""
        margins = []
        for origins in (self.origins_x, self.origins_y):
            if len(origins) > 1:
                margins.append((self.tile_size - float(np.max(np.diff(origins)))) / 2.0)
        return min(margins) if margins else math.inf


def tile_layout(xy_nm, tile_size_nm: float = DEFAULT_TILE_SIZE_NM, overlap_nm: float = DEFAULT_OVERLAP_NM) -> TileLayout:
    """Overlapping tiles of side ``tile_size_nm`` covering the bounding box of ``xy_nm``.

    Parameters
    ----------
    xy_nm : array_like of shape (N, 2)
        Localizations (nm), N ≥ 1.
    tile_size_nm : float, default 2000
        Tile side :math:`T` (nm): the FOV size the model was trained on.
    overlap_nm : float, default 500
        Minimum overlap :math:`o` of neighbouring tiles (nm), ``0 <= o < T``.
        Make it at least the largest cluster diameter (module notes).

    Returns
    -------
    TileLayout
    """
    xy = as_xy(xy_nm, "xy_nm")
    tile, overlap = check_tiles(tile_size_nm, overlap_nm)
    if len(xy) == 0:
        raise MiroInputError("xy_nm: no localizations; nothing to tile")
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    return TileLayout(
        tile,
        overlap,
        _axis_origins(lo[0], hi[0], tile, overlap),
        _axis_origins(lo[1], hi[1], tile, overlap),
    )


def iter_tiles(xy_nm, layout: TileLayout) -> Iterator[tuple[tuple[int, int], np.ndarray, np.ndarray]]:
    """Yield ``((col, row), members, core)`` for every tile holding core points.

    ``members`` are the indices of all points inside the tile (closed
    square), ``core`` a boolean mask over ``members`` marking the points
    whose squeezed position comes from this tile. Tiles are visited column
    by column; each point is in exactly one core.
    """
    xy = np.asarray(xy_nm, dtype=np.float64)
    tile = layout.tile_size
    col, row = layout.core_index(xy)
    order_x = np.argsort(xy[:, 0], kind="stable")
    sorted_x = xy[order_x, 0]
    tol = 1e-6  # nm: rounding of origin + T must not drop the field's last points
    for i, ox in enumerate(layout.origins_x):
        a = np.searchsorted(sorted_x, ox - tol, side="left")
        b = np.searchsorted(sorted_x, ox + tile + tol, side="right")
        in_col = order_x[a:b]
        if len(in_col) == 0:
            continue
        order_y = in_col[np.argsort(xy[in_col, 1], kind="stable")]
        sorted_y = xy[order_y, 1]
        for j, oy in enumerate(layout.origins_y):
            c = np.searchsorted(sorted_y, oy - tol, side="left")
            d = np.searchsorted(sorted_y, oy + tile + tol, side="right")
            members = np.sort(order_y[c:d])
            if len(members) == 0:
                continue
            core = (col[members] == i) & (row[members] == j)
            if core.any():
                yield (i, j), members, core


# --------------------------------------------------------------------------
# Work on chunks of tiles (in this process or in worker processes)
# --------------------------------------------------------------------------

_WORKER: dict = {}


def _graphs(chunk, radius: float, num_eigenvectors: int, node_features: str) -> GraphTensors:
    return GraphTensors.concat(graph_tensors(local, radius, num_eigenvectors=num_eigenvectors, node_features=node_features) for local in chunk)


def _squeeze_batch(model, batch, radius: float, num_steps, step: int, device) -> np.ndarray:
    displacement = step_output(model, batch, step=step, num_steps=num_steps, device=device)[:, :2].double().numpy()
    return batch.position.double().numpy() - radius * displacement


def _split(squeezed: np.ndarray, chunk) -> list[np.ndarray]:
    sizes = np.cumsum([len(local) for local in chunk])[:-1]
    return np.split(squeezed, sizes)


def _pool_context():
    """``forkserver`` where there is one, else ``spawn``; never ``fork`` (module notes).

    The fork server preloads ``__main__`` (Python's default) and this module,
    so a worker starts without importing PyTorch again. The preload list is
    process-wide and only read when the server starts, on its first use in
    the process; later pools reuse the running server.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", __name__])
        return context
    return multiprocessing.get_context("spawn")


def _exit_with_parent() -> None:
    """End this worker as soon as the process that started the pool is gone (killed, crashed or exited).

    A daemon thread waits on the parent's sentinel, which works for every
    start method; ``PR_SET_PDEATHSIG`` would follow the fork server, which
    outlives the caller while its workers live.
    """
    sentinel = multiprocessing.parent_process().sentinel

    def watch():
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="miro-parent-watch", daemon=True).start()


def _worker_init(state: bytes | None, config: dict, threads: int, settings: dict) -> None:
    """Set up a worker: exit with the parent, leave Ctrl-C to it, load the model from ``state`` (CPU only)."""
    _exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which ends the pool
    torch.set_num_threads(max(1, int(threads)))
    _WORKER.clear()
    _WORKER.update(settings)
    if state is not None:
        model = MIRO(**config)
        model.load_state_dict(torch.load(io.BytesIO(state), weights_only=True))
        _WORKER["model"] = model.eval()


def _worker_squeeze(chunk) -> tuple[list[np.ndarray], dict]:
    w = _WORKER
    t0 = time.perf_counter()
    batch = _graphs(chunk, w["radius"], w["num_eigenvectors"], w["node_features"])
    t1 = time.perf_counter()
    squeezed = _squeeze_batch(w["model"], batch, w["radius"], w["num_steps"], w["step"], "cpu")
    return _split(squeezed, chunk), {"graphs_s": t1 - t0, "model_s": time.perf_counter() - t1}


def _worker_graphs(chunk) -> tuple[dict, dict]:
    """The chunk's graphs as numpy arrays (plain pickles: no shared-memory tensors between processes)."""
    w = _WORKER
    t0 = time.perf_counter()
    batch = _graphs(chunk, w["radius"], w["num_eigenvectors"], w["node_features"])
    return {key: value.numpy() for key, value in batch._asdict().items()}, {"graphs_s": time.perf_counter() - t0}


def _as_graph(arrays: dict) -> GraphTensors:
    return GraphTensors(**{key: torch.from_numpy(value) for key, value in arrays.items()})


@contextmanager
def _interrupts_held():
    """Hold Ctrl-C and SIGTERM while the pool may start a worker, then deliver them.

    ``ProcessPoolExecutor.submit`` starts workers on demand in the calling thread,
    which sends each its start-up data through a pipe. An exception raised by a
    signal handler halfway through that send leaves a worker half-started: it
    prints an unpickling traceback, or waits for the rest of its data while the
    pool shuts down. Outside the main thread (no handlers there) nothing is held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    held = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(sig) is not None}  # None: set outside Python
    for sig in held:
        signal.signal(sig, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        for sig, handler in held.items():
            signal.signal(sig, handler)
        for sig in caught:
            signal.raise_signal(sig)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued chunks and end the workers now (as Python 3.14's ``terminate_workers``)."""
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def tiled_squeeze(
    model: MIRO,
    xy_nm,
    connectivity_radius: float,
    tile_size_nm: float = DEFAULT_TILE_SIZE_NM,
    overlap_nm: float = DEFAULT_OVERLAP_NM,
    num_steps: int | None = None,
    batch_tiles: int | None = None,
    device=None,
    progress: bool | None = True,
    *,
    step: int = -1,
    num_eigenvectors: int = 5,
    workers: int | None = None,
    model_in_workers: bool | None = None,
) -> np.ndarray:
    r"""Squeeze a field of any size tile by tile; return the squeezed positions in nm.

    Parameters
    ----------
    model : MIRO
        Trained model (e.g. :func:`miro.nn.weights.load_released`).
    xy_nm : array_like of shape (N, 2)
        Localizations (nm).
    connectivity_radius : float
        :math:`R` in normalised units, i.e. as a fraction of the tile size
        (released benchmark models: 0.2 or 0.1; :math:`R\,T` nm).
    tile_size_nm : float, default 2000
        Tile side :math:`T` (nm) = the side of the FOVs the model was trained
        on, so that the normalisation matches training.
    overlap_nm : float, default 500
        Minimum overlap of neighbouring tiles (nm); at least the largest
        cluster diameter (module notes).
    num_steps : int, optional
        :math:`K`; default ``model.num_steps``.
    batch_tiles : int, optional
        Tiles per model call. Default 4 on the CPU (small graphs stay in
        the cache), 64 on a GPU.
    device : str or torch.device, optional
        Where the model runs; default the model's device.
    progress : bool or None, default True
        tqdm bar over tiles on stderr (``None``: only on a terminal).
    step : int, default -1
        Which recurrent step's prediction to apply.
    num_eigenvectors : int, default 5
    workers : int, optional
        Processes building graphs (and, on the CPU, running the model) in
        parallel, one PyTorch thread each. Default: the number of usable CPU
        cores (at most 8) when there are at least 8 tiles, else 1 (all work
        in this process with PyTorch's current threads). Workers come from a
        fork server (module notes): a script that uses them needs the
        ``if __name__ == "__main__":`` guard.
    model_in_workers : bool, optional
        With ``workers > 1``: run the model in the workers too (default on
        the CPU), or only build graphs there and run the model in this
        process (``False``; always on a GPU: workers never touch CUDA).
        ``False`` on the CPU runs the GPU layout of processes.

    Returns
    -------
    ndarray of shape (N, 2), float64
        Squeezed positions in nm, row by row as ``xy_nm`` (true nm: the
        exact inverse of the tile normalisation).

    Raises
    ------
    MiroInputError
        Bad coordinates or parameters.
    """
    xy = as_xy(xy_nm, "xy_nm")
    radius = check_radius(connectivity_radius)
    tile, overlap = check_tiles(tile_size_nm, overlap_nm)
    if len(xy) == 0:
        return np.zeros((0, 2))
    dev = next(model.parameters()).device if device is None else torch.device(device)
    on_cpu = dev.type == "cpu"
    if batch_tiles is None:
        batch_tiles = 4 if on_cpu else 64
    check_whole_number(batch_tiles, "batch_tiles", 1)
    batch_tiles = int(batch_tiles)
    if num_steps is not None:
        check_whole_number(num_steps, "num_steps", 1, " (K, e.g. 12)")

    layout = tile_layout(xy, tile, overlap)
    tiles = list(iter_tiles(xy, layout))
    if workers is None:
        workers = min(_available_cores(), 8) if len(tiles) >= 8 else 1
    check_whole_number(workers, "workers", 1)
    workers = int(min(workers, max(1, math.ceil(len(tiles) / batch_tiles))))
    if model_in_workers is None:
        model_in_workers = on_cpu
    if model_in_workers and not on_cpu:
        raise MiroInputError(f"model_in_workers: the model runs in worker processes only on the CPU, not on {dev}; use False")

    model = model.to(dev).eval()
    squeezed = np.full_like(xy, np.nan)

    def chunks():
        for start in range(0, len(tiles), batch_tiles):
            part = tiles[start : start + batch_tiles]
            origins = [np.array([layout.origins_x[i], layout.origins_y[j]]) for (i, j), _, _ in part]
            local = [(xy[members] - origin) / tile for (_, members, _), origin in zip(part, origins)]
            yield part, origins, local

    def store(part, origins, results):
        for (_, members, core), origin, s in zip(part, origins, results):
            squeezed[members[core]] = s[core] * tile + origin

    from tqdm.auto import tqdm

    bar = tqdm(total=len(tiles), desc="MIRO tiles", unit="tile", disable=(None if progress is None else not progress))
    timings = {"graphs_s": 0.0, "model_s": 0.0, "wait_s": 0.0}
    t0 = time.perf_counter()
    try:
        if workers == 1:
            for part, origins, local in chunks():
                t1 = time.perf_counter()
                batch = _graphs(local, radius, num_eigenvectors, model.node_features)
                t2 = time.perf_counter()
                store(part, origins, _split(_squeeze_batch(model, batch, radius, num_steps, step, dev), local))
                timings["graphs_s"] += t2 - t1
                timings["model_s"] += time.perf_counter() - t2
                bar.update(len(part))
        else:
            _run_pool(model, chunks(), store, bar, workers, model_in_workers, radius, num_steps, step, num_eigenvectors, dev, timings)
    finally:
        bar.close()
    timings["total_s"] = time.perf_counter() - t0
    if np.isnan(squeezed).any():  # pragma: no cover - every point is in exactly one core
        raise RuntimeError("tiling left some localizations without a squeezed position")
    _log_timings(len(tiles), len(xy), workers, model_in_workers, dev, timings)
    return squeezed


def _run_pool(model, chunks, store, bar, workers, model_in_workers, radius, num_steps, step, num_eigenvectors, dev, timings):
    """Squeeze the chunks in a pool of worker processes; add the phases' seconds to ``timings``.

    The workers build graphs and, with ``model_in_workers``, run a copy of the
    model; otherwise the model runs here on the graphs they return. At most
    ``3 * workers`` chunks are in flight. On any exception (Ctrl-C included)
    the queued chunks are cancelled and the workers ended before it
    propagates; the workers also end if this process dies.
    """
    state = None
    if model_in_workers:  # bytes, not tensors: plain pickles to the new processes
        buffer = io.BytesIO()
        torch.save(model.state_dict(), buffer)
        state = buffer.getvalue()
    settings = {
        "radius": radius,
        "num_steps": num_steps,
        "step": step,
        "num_eigenvectors": num_eigenvectors,
        "node_features": model.node_features,
    }
    threads = max(1, _available_cores() // workers)
    task = _worker_squeeze if model_in_workers else _worker_graphs
    context = _pool_context()
    timings["start_method"] = context.get_start_method()
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init, initargs=(state, model.hparams, threads, settings)) as pool:
        try:
            pending = {}
            source = iter(chunks)
            exhausted = False
            while True:
                while not exhausted and len(pending) < 3 * workers:
                    try:
                        part, origins, local = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    with _interrupts_held():
                        pending[pool.submit(task, local)] = (part, origins, local)
                if not pending:
                    break
                t1 = time.perf_counter()
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                timings["wait_s"] += time.perf_counter() - t1
                timings.setdefault("first_result_s", time.perf_counter() - t0)
                for future in done:
                    part, origins, local = pending.pop(future)
                    result, seconds = future.result()
                    for key, value in seconds.items():
                        timings[key] += value
                    if not model_in_workers:
                        t1 = time.perf_counter()
                        result = _split(_squeeze_batch(model, _as_graph(result), radius, num_steps, step, dev), local)
                        timings["model_s"] += time.perf_counter() - t1
                    store(part, origins, result)
                    bar.update(len(part))
        except BaseException:
            _terminate(pool)
            raise


def _log_timings(n_tiles, n_points, workers, model_in_workers, dev, timings) -> None:
    """Log where the time went (INFO; the numbers are in the record's ``tiling`` attribute)."""
    summary = {"tiles": n_tiles, "localizations": n_points, "workers": workers, "device": str(dev), **timings}
    if workers == 1:
        where = "in this process"
    else:
        summary["model_in_workers"] = model_in_workers
        where = f"{workers} {timings['start_method']} workers, model in {'the workers' if model_in_workers else 'this process'}"
    message = "%d tiles, %d localizations in %.1f s (%s, %s): graphs %.1f s, model %.1f s"
    values = [n_tiles, n_points, timings["total_s"], where, dev, timings["graphs_s"], timings["model_s"]]
    if workers > 1:
        message += " (summed over processes), waiting for workers %.1f s, first result after %.1f s"
        values += [timings["wait_s"], timings["first_result_s"]]
    logger.info(message, *values, extra={"tiling": summary})


def tiled_miro_dbscan(
    model: MIRO,
    xy_nm,
    connectivity_radius: float,
    eps: float,
    min_samples: int,
    tile_size_nm: float = DEFAULT_TILE_SIZE_NM,
    overlap_nm: float = DEFAULT_OVERLAP_NM,
    num_steps: int | None = None,
    batch_tiles: int | None = None,
    device=None,
    progress: bool | None = True,
    *,
    step: int = -1,
    num_eigenvectors: int = 5,
    workers: int | None = None,
    model_in_workers: bool | None = None,
    n_jobs: int | None = None,
    return_squeezed: bool = False,
):
    """Tiled MIRO + one DBSCAN over the whole field: cluster labels, 0 = not clustered.

    :func:`tiled_squeeze`, then :func:`miro.inference.clustering.dbscan_labels` on all
    squeezed positions at once, so clusters that cross tile borders are
    neither split nor counted twice (module notes).

    Parameters
    ----------
    eps : float
        DBSCAN radius in **true nm** on the squeezed positions (benchmark:
        ``MIRO_DBSCAN_params``, e.g. 40.62 nm for Scenario 8).
    min_samples : int
        Squeezed neighbours within ``eps`` (the point included) for a core
        point (Scenario 8: 4).
    n_jobs : int, optional
        Threads for DBSCAN's neighbour search.
    return_squeezed : bool, default False
        Also return the squeezed positions (nm).
    Other parameters
        As in :func:`tiled_squeeze`.

    Returns
    -------
    labels : ndarray of shape (N,), int64
        0 = noise, clusters 1..n.
    squeezed : ndarray of shape (N, 2)
        Only with ``return_squeezed=True``.
    """
    eps = float(eps)
    check_dbscan_params(eps, min_samples)  # before the squeeze, so a bad value fails at once
    squeezed = tiled_squeeze(
        model,
        xy_nm,
        connectivity_radius,
        tile_size_nm=tile_size_nm,
        overlap_nm=overlap_nm,
        num_steps=num_steps,
        batch_tiles=batch_tiles,
        device=device,
        progress=progress,
        step=step,
        num_eigenvectors=num_eigenvectors,
        workers=workers,
        model_in_workers=model_in_workers,
    )
    labels = dbscan_labels(squeezed, eps, int(min_samples), n_jobs=n_jobs)
    return (labels, squeezed) if return_squeezed else labels
