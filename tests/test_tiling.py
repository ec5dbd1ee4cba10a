"""Tiled MIRO (miro.inference.tiling): layout, cores, worker processes, and agreement with untiled inference."""

import logging
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from sklearn.metrics import adjusted_rand_score

from conftest import still_running
from miro.data.simulation import NIEVES_SCENARIOS, simulate
from miro.errors import MiroInputError
from miro.inference import squeeze_fov
from miro.inference.clustering import dbscan_labels
from miro.inference.tiling import iter_tiles, tile_layout, tiled_miro_dbscan, tiled_squeeze
from miro.nn.model import MIRO
from miro.nn.weights import load_released

R, K, EPS, MIN_SAMPLES = 0.2, 12, 40.62, 4  # released Scenario 8 settings


@pytest.fixture(scope="module")
def released(authors_dir):
    path = authors_dir / "benchmark-models" / "model_scenario_8.pt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return load_released(path, num_steps=K)


def field(seed, side_nm, clusters_per_fov=20):
    """Scenario-8-style field of (side / 2 µm)^2 benchmark FOVs."""
    n_clusters = int(round(clusters_per_fov * (side_nm / 2000.0) ** 2))
    params = {**NIEVES_SCENARIOS["scenario_8"], "n_clusters": n_clusters, "fov": side_nm}
    return simulate("benchmark", seed, **params)


# ---------------------------------------------------------------- layout


def test_layout_covers_field_with_requested_overlap():
    rng = np.random.default_rng(0)
    xy = rng.uniform([100, -50], [9100, 4950], size=(5000, 2))
    layout = tile_layout(xy, 2000, 500)
    assert layout.shape == (6, 3)
    for origins, lo, hi in ((layout.origins_x, 100, 9100), (layout.origins_y, -50, 4950)):
        assert origins[0] == pytest.approx(xy.min(axis=0)[0] if lo == 100 else xy.min(axis=0)[1])
        assert origins[-1] + 2000 == pytest.approx(xy.max(axis=0)[0] if lo == 100 else xy.max(axis=0)[1])
        assert np.all(2000 - np.diff(origins) >= 500 - 1e-9)  # overlap at least as asked
    assert layout.margin() >= 250 - 1e-9


def test_every_point_in_exactly_one_core_with_margin():
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 7000, size=(4000, 2))
    layout = tile_layout(xy, 2000, 400)
    owner = np.full(len(xy), -1)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    for n, ((i, j), members, core) in enumerate(iter_tiles(xy, layout)):
        origin = np.array([layout.origins_x[i], layout.origins_y[j]])
        inside = xy[members]
        assert np.all(inside >= origin - 1e-6) and np.all(inside <= origin + 2000 + 1e-6)
        assert np.all(owner[members[core]] == -1)
        owner[members[core]] = n
        # a core point is >= overlap/2 from every tile edge that is not the field's edge
        p = xy[members[core]]
        for axis in range(2):
            left = p[:, axis] - origin[axis]
            right = origin[axis] + 2000 - p[:, axis]
            assert np.all((left >= 200 - 1e-6) | (origin[axis] <= lo[axis] + 1e-6))
            assert np.all((right >= 200 - 1e-6) | (origin[axis] + 2000 >= hi[axis] - 1e-6))
    assert np.all(owner >= 0)


def test_small_field_is_one_centred_tile():
    xy = np.array([[0.0, 0.0], [500.0, 100.0], [300.0, 900.0]])
    layout = tile_layout(xy, 2000, 500)
    assert layout.shape == (1, 1)
    assert layout.origins_x[0] == pytest.approx(250 - 1000)
    assert layout.margin() == np.inf


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"tile_size_nm": 0}, "tile_size_nm"),
        ({"tile_size_nm": float("nan")}, "tile_size_nm"),
        ({"overlap_nm": 2000}, "overlap_nm"),
        ({"overlap_nm": -1}, "overlap_nm"),
    ],
)
def test_bad_tiling_parameters(kwargs, message):
    xy = np.zeros((3, 2))
    with pytest.raises(MiroInputError, match=message):
        tile_layout(xy, **{"tile_size_nm": 2000, "overlap_nm": 500, **kwargs})


def test_bad_inputs_to_tiled_squeeze():
    model = MIRO(hidden_channels=8, num_steps=2)
    with pytest.raises(MiroInputError, match="NaN"):
        tiled_squeeze(model, [[0.0, np.nan]], R, progress=False)
    with pytest.raises(MiroInputError, match="shape"):
        tiled_squeeze(model, np.zeros((4, 3)), R, progress=False)
    with pytest.raises(MiroInputError, match="connectivity_radius"):
        tiled_squeeze(model, np.zeros((4, 2)), 0, progress=False)
    with pytest.raises(MiroInputError, match="batch_tiles"):
        tiled_squeeze(model, np.zeros((4, 2)), R, batch_tiles=0, progress=False)
    with pytest.raises(MiroInputError, match="eps"):
        tiled_miro_dbscan(model, np.zeros((4, 2)), R, eps=0, min_samples=4, progress=False)
    assert tiled_squeeze(model, np.zeros((0, 2)), R, progress=False).shape == (0, 2)


def test_one_tile_equals_plain_inference_with_tile_normalisation():
    """A field inside one tile: tiled squeeze == squeeze_fov with the same (isotropic) normalisation."""
    torch.manual_seed(0)
    model = MIRO(hidden_channels=16, num_steps=3)
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 1500, size=(300, 2))
    tiled = tiled_squeeze(model, xy, R, progress=False)
    from miro.nn.graph import Normalization

    origin = xy.min(axis=0) - (2000 - (xy.max(axis=0) - xy.min(axis=0))) / 2
    norm = Normalization("isotropic", origin, np.full(2, 2000.0), np.full(2, 2000.0))
    plain = squeeze_fov(model, xy, R, normalization=norm, inverse="exact")
    np.testing.assert_allclose(tiled, plain, atol=1e-3)


def test_worker_processes_give_the_same_result():
    torch.manual_seed(0)
    model = MIRO(hidden_channels=16, num_steps=3)
    xy = field(3, 5000)[["x", "y"]].to_numpy()
    one = tiled_squeeze(model, xy, R, progress=False, workers=1)
    two = tiled_squeeze(model, xy, R, progress=False, workers=2, batch_tiles=2)
    np.testing.assert_allclose(one, two, atol=1e-5)


def test_graph_workers_with_the_model_here_give_the_same_result(caplog):
    """The GPU layout of processes (workers build graphs, the model runs in the caller) on the CPU."""
    torch.manual_seed(0)
    model = MIRO(hidden_channels=16, num_steps=3)
    xy = field(3, 5000)[["x", "y"]].to_numpy()
    one = tiled_squeeze(model, xy, R, progress=False, workers=1)
    with caplog.at_level(logging.INFO, logger="miro.inference.tiling"):
        two = tiled_squeeze(model, xy, R, progress=False, workers=2, batch_tiles=2, model_in_workers=False)
    np.testing.assert_allclose(one, two, atol=1e-5)
    (summary,) = [record.tiling for record in caplog.records if hasattr(record, "tiling")]
    assert summary["workers"] == 2 and summary["model_in_workers"] is False
    assert summary["start_method"] in ("forkserver", "spawn")  # never fork: the caller may hold CUDA
    assert summary["graphs_s"] > 0 and summary["model_s"] > 0


def test_model_in_workers_only_on_the_cpu():
    model = MIRO(hidden_channels=8, num_steps=2)
    xy = field(3, 5000)[["x", "y"]].to_numpy()
    with pytest.raises(MiroInputError, match="model_in_workers"):
        tiled_squeeze(model, xy, R, progress=False, device="cuda", workers=2, model_in_workers=True)


_LONG_TILING = """
import signal
import numpy as np, torch
from miro.inference.tiling import tiled_squeeze
from miro.nn.model import MIRO

if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C as in a terminal, even if started with SIGINT ignored
    xy = np.random.default_rng(0).uniform(0, 60000, size=(400000, 2))
    tiled_squeeze(MIRO(hidden_channels=8, num_steps=2), xy, 0.2, progress=False, workers=2, batch_tiles=1)
"""


def _busy_workers(psutil, pid: int) -> list:
    """Processes below ``pid`` that work on tiles: no children (not the fork server), not the resource tracker, > 1 s of CPU."""
    busy = []
    for process in psutil.Process(pid).children(recursive=True):
        try:
            if not process.children() and "resource_tracker" not in " ".join(process.cmdline()) and sum(process.cpu_times()[:2]) > 1:
                busy.append(process)
        except psutil.NoSuchProcess:
            pass
    return busy


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "Ctrl-C"])  # SIGTERM: as SIGKILL
def test_workers_end_with_their_parent(tmp_path, sig):
    """Killing or interrupting a process in the middle of a tiled squeeze leaves no process of its pool behind."""
    psutil = pytest.importorskip("psutil")
    script = tmp_path / "long_tiling.py"
    script.write_text(_LONG_TILING)
    parent = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while len(_busy_workers(psutil, parent.pid)) < 2:
            assert parent.poll() is None, parent.stderr.read()
            assert time.monotonic() < deadline, "the pool did not start"
            time.sleep(0.5)
        family = psutil.Process(parent.pid).children(recursive=True)  # workers, fork server, resource tracker
        parent.send_signal(sig)
        parent.wait(timeout=60)
    finally:
        if parent.poll() is None:
            parent.kill()
    assert still_running([p.pid for p in family], within=30) == []


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_with_workers_matches_cpu():
    """Graph workers next to a model on CUDA (the path that deadlocked with fork) give the CPU result."""
    torch.manual_seed(0)
    model = MIRO(hidden_channels=16, num_steps=3)
    xy = field(3, 5000)[["x", "y"]].to_numpy()
    cpu = tiled_squeeze(model, xy, R, progress=False, workers=1, device="cpu")
    gpu = tiled_squeeze(model, xy, R, progress=False, workers=2, batch_tiles=2, device="cuda")
    np.testing.assert_allclose(gpu, cpu, rtol=1e-4, atol=1e-4 * 2000)


def test_tiles_use_the_model_node_features():
    """A model trained with mean-shift features gets them in every tile (one process and a pool)."""
    torch.manual_seed(0)
    model = MIRO(hidden_channels=16, num_steps=3, node_features="laplacian+meanshift")
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 1500, size=(300, 2))
    from miro.nn.graph import Normalization

    origin = xy.min(axis=0) - (2000 - (xy.max(axis=0) - xy.min(axis=0))) / 2
    norm = Normalization("isotropic", origin, np.full(2, 2000.0), np.full(2, 2000.0))
    plain = squeeze_fov(model, xy, R, normalization=norm, inverse="exact")
    np.testing.assert_allclose(tiled_squeeze(model, xy, R, progress=False), plain, atol=1e-3)
    np.testing.assert_allclose(tiled_squeeze(model, xy, R, progress=False, workers=2, batch_tiles=1), plain, atol=1e-3)


# ---------------------------------------------------------------- released model


def test_tiled_equals_untiled_on_large_field(released):
    """2.25 x 2.25 benchmark FOVs (2000 localizations, 3 x 3 tiles): same clusters tiled or as one graph at the training scale."""
    fov = field(0, 4500)
    xy = fov[["x", "y"]].to_numpy()
    untiled = squeeze_fov(released, xy, R, normalization="isotropic", length_nm=2000.0, inverse="exact")
    labels_untiled = dbscan_labels(untiled, EPS, MIN_SAMPLES)
    labels_tiled = tiled_miro_dbscan(released, xy, R, EPS, MIN_SAMPLES, progress=False, workers=1)
    assert tile_layout(xy).n_tiles > 4
    assert adjusted_rand_score(labels_untiled, labels_tiled) >= 0.99
    assert abs(int(labels_tiled.max()) - int(labels_untiled.max())) <= 2
    # and MIRO still finds the ground truth about as well as untiled
    truth = fov["index"].to_numpy()
    assert adjusted_rand_score(truth, labels_tiled) >= adjusted_rand_score(truth, labels_untiled) - 0.01


def test_cluster_on_tile_corner_is_one_cluster(released):
    rng = np.random.default_rng(3)
    background = rng.uniform(0, 4500, size=(1000, 2))
    layout = tile_layout(background, 2000, 500)
    centres_x = layout.origins_x + 1000
    centres_y = layout.origins_y + 1000
    corner = np.array([(centres_x[0] + centres_x[1]) / 2, (centres_y[1] + centres_y[2]) / 2])  # 4 cores meet
    cluster = corner + rng.normal(0, 25, size=(15, 2))
    xy = np.vstack([background, cluster])
    assert tile_layout(xy, 2000, 500).shape == layout.shape
    col, row = layout.core_index(cluster)
    assert len(set(zip(col.tolist(), row.tolist()))) >= 3  # squeezed in several tiles
    labels, squeezed = tiled_miro_dbscan(released, xy, R, EPS, MIN_SAMPLES, progress=False, workers=1, return_squeezed=True)
    member_labels = labels[-15:]
    found = set(member_labels[member_labels > 0].tolist())
    assert len(found) == 1  # one cluster, not split at the borders
    (label,) = found
    assert (member_labels == label).sum() >= 13  # a Gaussian straggler may stay unclustered, as untiled
    assert (labels == label).sum() < 20  # not merged with another cluster
    assert np.median(np.linalg.norm(squeezed[-15:] - cluster.mean(axis=0), axis=1)) < EPS / 2
    # same verdict as squeezing the whole field as one graph
    untiled = dbscan_labels(squeeze_fov(released, xy, R, normalization="isotropic", inverse="exact"), EPS, MIN_SAMPLES)
    assert adjusted_rand_score(untiled[-15:], member_labels) == 1.0


def test_ctrl_c_while_a_worker_starts_comes_after_the_start():
    """A signal that arrives while the pool may be sending a new worker its start-up data is
    delivered once that is done (an exception in the middle would leave the worker half-started)."""
    from miro.inference.tiling import _interrupts_held

    done = []
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal (a background job ignores it)
    try:
        with pytest.raises(KeyboardInterrupt):
            with _interrupts_held():
                signal.raise_signal(signal.SIGINT)
                done.append("the worker started")
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, inherited)
    assert done == ["the worker started"]
