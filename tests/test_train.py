"""MIRO training (miro.training): the loss by hand, determinism, exact resume, variants."""

import math

import numpy as np
import pandas as pd
import pytest
import torch
from torch_geometric.data import Batch, Data

from miro.errors import MiroInputError
from miro.nn.model import MIRO
from miro.training import training_sets as ts
from miro.nn.device import has_bf16_units, resolve_device
from miro.plotting.loss_curve import LossCurve
from miro.training import LossLog, balanced_class_weights, estimate_training_seconds, miro_loss, nd_loss, read_loss_log, train


R = 0.2
SQUARE = np.array([[-0.01, -0.01], [0.01, -0.01], [0.01, 0.01], [-0.01, 0.01]])
GD_KW = {
    "connectivity_radius": R,
    "noise_point_range": [8, 12],
    "cluster_count_range": [2, 4],
    "cluster_sampling_range": [1, 1],
    "pupulation_std_sigma": 0,
    "num_additions": 0,
}


@pytest.fixture(scope="module")
def graphs():
    cluster = pd.DataFrame({"x": SQUARE[:, 0], "y": SQUARE[:, 1], "sublabel": [1, 1, 2, 2], "class": [1, 1, 1, 1]})
    return ts.build_training_set("GraphDataset", GD_KW, ts.TrainingSource([cluster]), seed=0, dataset_size=6)


def _model(out_channels=2, seed=0):
    torch.manual_seed(seed)
    return MIRO(hidden_channels=16, num_steps=3, out_channels=out_channels)


def _weights(model):
    return [p.detach().cpu() for p in model.state_dict().values()]


# ---------------------------------------------------------------- loss by hand


def _three_nodes():
    position = torch.tensor([[0.0, 0.0], [0.3, 0.0], [0.0, 0.4]])
    edge_index = torch.tensor([[0, 1, 0, 2, 1, 2], [1, 0, 2, 0, 2, 1]])
    # nodes 0 and 1 form a cluster with centre (0.15, 0); node 2 is background
    y = torch.tensor([[-0.15, 0.0], [0.15, 0.0], [0.0, 0.0]]) / R
    return Data(position=position, edge_index=edge_index, y=y, num_nodes=3)


def test_nd_loss_by_hand():
    g = _three_nodes()
    # prediction 0 everywhere: the squeezed points stay where they are
    pred = torch.zeros(3, 2)
    # GT squeezed: (0.15, 0), (0.15, 0), (0, 0.4); GT distances 0-1: 0, 0-2 and 1-2: d = sqrt(0.15^2 + 0.4^2)
    # predicted distances 0-1: 0.3, 0-2: 0.4, 1-2: 0.5; every edge appears in both directions
    d = math.hypot(0.15, 0.4)
    expected = (2 * 0.3 + 2 * abs(0.4 - d) + 2 * abs(0.5 - d)) / 6
    assert math.isclose(float(nd_loss(pred, g.y, g.position, g.edge_index, R)), expected, rel_tol=1e-6)
    # perfect prediction -> 0
    assert float(nd_loss(g.y, g.y, g.position, g.edge_index, R)) == pytest.approx(0.0, abs=1e-7)


def test_miro_loss_by_hand():
    g = _three_nodes()
    perfect = g.y.unsqueeze(0).repeat(4, 1, 1)
    assert float(miro_loss(perfect, g, R)) == pytest.approx(0.0, abs=1e-7)
    # K = 2 steps: step 1 predicts 0 (L1 = mean|y| , ND as above), step 2 is perfect
    outputs = torch.stack([torch.zeros(3, 2), g.y])
    l1_step1 = float(g.y.abs().mean())  # (0.75 + 0.75) / 6
    d = math.hypot(0.15, 0.4)
    nd_step1 = (2 * 0.3 + 2 * abs(0.4 - d) + 2 * abs(0.5 - d)) / 6
    expected = (l1_step1 + 10 * nd_step1 + 0.0) / 2
    total, parts = miro_loss(outputs, g, R, return_parts=True)
    assert float(total) == pytest.approx(expected, rel=1e-6)
    assert float(parts["l1"]) == pytest.approx(l1_step1 / 2, rel=1e-6)
    assert float(miro_loss(outputs, g, R, nd_weight=0)) == pytest.approx(l1_step1 / 2, rel=1e-6)


def test_multiscale_and_classification_losses_by_hand():
    g = _three_nodes()
    g.y_sub = torch.zeros(3, 2)
    g.y_class = torch.tensor([1, 1, 0])
    # steps < cutoff train on y_sub, the rest on y: predicting exactly that gives 0
    outputs = torch.stack([g.y_sub, g.y_sub, g.y])
    assert float(miro_loss(outputs, g, R, variant="multiscale", cutoff_step=2)) == pytest.approx(0.0, abs=1e-7)
    assert float(miro_loss(outputs, g, R, variant="multiscale", cutoff_step=1)) > 0
    with pytest.raises(MiroInputError, match="cutoff_step"):
        miro_loss(outputs, g, R, variant="multiscale", cutoff_step=3)
    # classification: perfect displacement, uniform logits over 3 classes -> 0.1 * ln 3
    logits = torch.zeros(2, 3, 3)
    outputs = torch.cat([g.y.unsqueeze(0).repeat(2, 1, 1), logits], dim=-1)
    assert float(miro_loss(outputs, g, R, variant="classification")) == pytest.approx(0.1 * math.log(3), rel=1e-6)
    with pytest.raises(MiroInputError, match="y_class"):
        miro_loss(outputs, _three_nodes(), R, variant="classification")


def test_loss_over_a_batch_uses_all_edges(graphs):
    batch = Batch.from_data_list(graphs[:2])
    outputs = torch.zeros(1, batch.num_nodes, 2)
    per_graph = [miro_loss(torch.zeros(1, g.num_nodes, 2), g, R, return_parts=True)[1]["nd"] for g in graphs[:2]]
    n_edges = [g.edge_index.size(1) for g in graphs[:2]]
    expected = sum(v * n for v, n in zip(per_graph, n_edges)) / sum(n_edges)
    assert float(miro_loss(outputs, batch, R, return_parts=True)[1]["nd"]) == pytest.approx(float(expected), rel=1e-5)


# ---------------------------------------------------------------- training loop


def test_same_seed_same_curve_and_resume_is_exact(graphs, tmp_path):
    kw = dict(connectivity_radius=R, seed=11, progress=False)
    full, hist_full = train(_model(), graphs, epochs=2, **kw)
    again, hist_again = train(_model(), graphs, epochs=2, **kw)
    assert [h["loss"] for h in hist_full] == [h["loss"] for h in hist_again]
    assert all(torch.equal(a, b) for a, b in zip(_weights(full), _weights(again)))

    # interrupted after epoch 1, resumed in a "new process": fresh model, disturbed global RNGs
    ckpt = tmp_path / "ckpt"
    train(_model(), graphs, epochs=1, checkpoint_dir=ckpt, **kw)
    torch.rand(5)
    np.random.rand(5)
    callbacks = [LossLog(tmp_path / "loss.tsv"), LossCurve(tmp_path / "loss.png")]
    resumed, hist_resumed = train(_model(seed=99), graphs, epochs=2, checkpoint_dir=ckpt, callbacks=callbacks, **kw)
    assert all(torch.equal(a, b) for a, b in zip(_weights(full), _weights(resumed)))
    assert [h["loss"] for h in hist_resumed] == [h["loss"] for h in hist_full]
    assert [row["epoch"] for row in read_loss_log(tmp_path / "loss.tsv")] == [1, 2]
    assert (tmp_path / "loss.png").stat().st_size > 0

    # killed after its last epoch, before the outputs were kept (a workflow job): the rerun
    # trains nothing and still writes the loss log and curve of every epoch
    (tmp_path / "loss.tsv").unlink()
    (tmp_path / "loss.png").unlink()
    done, hist_done = train(_model(seed=98), graphs, epochs=2, checkpoint_dir=ckpt, callbacks=callbacks, **kw)
    assert all(torch.equal(a, b) for a, b in zip(_weights(full), _weights(done)))
    assert [row["epoch"] for row in read_loss_log(tmp_path / "loss.tsv")] == [1, 2]
    assert (tmp_path / "loss.png").stat().st_size > 0

    # a different seed gives a different curve
    _, hist_other = train(_model(), graphs, epochs=2, connectivity_radius=R, seed=12, progress=False)
    assert [h["loss"] for h in hist_other] != [h["loss"] for h in hist_full]


def test_resume_refuses_other_settings(graphs, tmp_path):
    train(_model(), graphs, epochs=1, connectivity_radius=R, seed=0, checkpoint_dir=tmp_path, progress=False)
    with pytest.raises(MiroInputError, match="lr"):
        train(_model(), graphs, epochs=2, lr=1e-3, connectivity_radius=R, seed=0, checkpoint_dir=tmp_path, progress=False)
    # resume=False starts over
    _, hist = train(_model(), graphs, epochs=1, lr=1e-3, connectivity_radius=R, seed=0, checkpoint_dir=tmp_path, resume=False, progress=False)
    assert len(hist) == 1


def test_tiles_train_on_the_tiled_graphs(graphs):
    kw = dict(epochs=1, batch_size=2, connectivity_radius=R, seed=3, progress=False)
    tiled, hist = train(_model(), graphs, tiles=2, **kw)
    by_hand, hist_by_hand = train(_model(), ts.tile_graphs(graphs, 2), **kw)
    assert [h["loss"] for h in hist] == [h["loss"] for h in hist_by_hand]
    assert all(torch.equal(a, b) for a, b in zip(_weights(tiled), _weights(by_hand)))
    whole, _ = train(_model(), graphs, **kw)
    assert not all(torch.equal(a, b) for a, b in zip(_weights(tiled), _weights(whole)))
    with pytest.raises(MiroInputError, match="tiles"):
        train(_model(), graphs, tiles=0, **kw)


def test_bf16_mixed_precision_follows_fp32(graphs, tmp_path, bf16_units):
    """precision="bf16": the forward pass under bfloat16 autocast, everything the optimiser
    keeps in float32; its loss curve follows fp32's closely, it is deterministic, and a
    training state resumes only in the precision it was saved in."""
    kw = dict(epochs=3, lr=3e-3, batch_size=2, connectivity_radius=R, seed=0, progress=False)
    _, fp32 = train(_model(), graphs, **kw)
    model, bf16 = train(_model(), graphs, precision="bf16", **kw)
    _, again = train(_model(), graphs, precision="bf16", **kw)
    assert [h["loss"] for h in bf16] == [h["loss"] for h in again]
    assert [h["loss"] for h in bf16] == pytest.approx([h["loss"] for h in fp32], rel=0.02)
    assert [h["loss"] for h in bf16] != [h["loss"] for h in fp32]
    assert all(p.dtype == torch.float32 for p in model.parameters())
    train(_model(), graphs, epochs=1, connectivity_radius=R, seed=0, checkpoint_dir=tmp_path, progress=False)
    with pytest.raises(MiroInputError, match="precision"):
        train(_model(), graphs, epochs=2, connectivity_radius=R, seed=0, checkpoint_dir=tmp_path, progress=False, precision="bf16")
    with pytest.raises(MiroInputError, match="precision"):
        train(_model(), graphs, epochs=1, connectivity_radius=R, seed=0, progress=False, precision="fp16")


def test_bf16_refused_without_bfloat16_units(graphs, monkeypatch):
    """Where the device has no bfloat16 units (an AVX2-only CPU: 19x slower per step), bf16 is
    refused with one line naming the fix, before any work; fp32 trains as before."""
    monkeypatch.setattr("miro.training.loop.has_bf16_units", lambda device: False)
    kw = dict(epochs=1, connectivity_radius=R, seed=0, progress=False)
    with pytest.raises(MiroInputError, match="no bfloat16 units.*use precision fp32"):
        train(_model(), graphs, precision="bf16", **kw)
    with pytest.raises(MiroInputError, match="no bfloat16 units"):
        estimate_training_seconds(_model(), graphs, epochs=1, batch_size=2, connectivity_radius=R, precision="bf16")
    train(_model(), graphs, **kw)


def test_has_bf16_units_is_pytorchs_own_test():
    """On the CPU: oneDNN's bfloat16 test (True on AVX-512 and AMX machines, False on AVX2-only ones)."""
    assert has_bf16_units("cpu") is bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    assert has_bf16_units("meta") is False


def test_neighbour_sums_stay_float32_under_autocast(graphs):
    """Under bfloat16 autocast the matrix products round to 8 bits but the sums over
    neighbours do not: outputs within a few per cent of float32's."""
    batch = Batch.from_data_list(graphs[:2])
    model = _model().eval()
    with torch.no_grad():
        exact = model(batch.x, batch.edge_index, batch.edge_attr)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            mixed = model(batch.x, batch.edge_index, batch.edge_attr)
    assert mixed.dtype == torch.bfloat16
    assert float((mixed.float() - exact).norm() / exact.norm()) < 0.03


def test_training_reduces_loss(graphs):
    _, hist = train(_model(), graphs, epochs=4, lr=3e-3, batch_size=2, connectivity_radius=R, seed=0, progress=False)
    assert hist[-1]["loss"] < hist[0]["loss"]


def test_multiscale_and_classification_training_run(graphs):
    _, hist = train(_model(), graphs, epochs=1, connectivity_radius=R, seed=0, progress=False, variant="multiscale", cutoff_step=2)
    assert np.isfinite(hist[0]["loss"])
    _, hist = train(_model(out_channels=4), graphs, epochs=1, connectivity_radius=R, seed=0, progress=False, variant="classification")
    assert np.isfinite(hist[0]["loss"])
    with pytest.raises(MiroInputError, match="out_channels"):
        train(_model(), graphs, epochs=1, connectivity_radius=R, seed=0, progress=False, variant="classification")
    with pytest.raises(MiroInputError, match="cutoff_step"):
        train(_model(), graphs, epochs=1, connectivity_radius=R, seed=0, progress=False, variant="multiscale")


def test_one_device_policy(graphs):
    """auto: a GPU when one is visible, else the CPU; CUDA asked for where none is visible: an error."""
    model, _ = train(_model(), graphs[:2], epochs=1, connectivity_radius=R, seed=0, progress=False)
    assert next(model.parameters()).device == resolve_device("auto")
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(MiroInputError, match="no CUDA GPU is visible"):
            train(_model(), graphs[:2], epochs=1, connectivity_radius=R, seed=0, device="cuda", progress=False)
    with pytest.raises(MiroInputError, match="unknown device"):
        resolve_device("tpu")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_training_with_resident_graphs_matches_cpu(graphs):
    _, cpu = train(_model(), graphs, epochs=2, batch_size=2, connectivity_radius=R, seed=0, progress=False)
    model, gpu = train(_model(), graphs, epochs=2, batch_size=2, connectivity_radius=R, seed=0, device="cuda", progress=False)
    assert next(model.parameters()).is_cuda
    assert [h["loss"] for h in gpu] == pytest.approx([h["loss"] for h in cpu], rel=1e-3)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_bf16_units_follow_compute_capability(graphs):
    """A GPU of compute capability 8.0 or newer (A100, H100) trains bf16; an older one is refused."""
    assert has_bf16_units("cuda") is (torch.cuda.get_device_capability()[0] >= 8)
    if has_bf16_units("cuda"):
        _, history = train(_model(), graphs, epochs=1, batch_size=2, connectivity_radius=R, seed=0, device="cuda",
                           precision="bf16", progress=False)
        assert math.isfinite(history[-1]["loss"])


def test_train_from_file_and_validation(graphs, tmp_path):
    path = ts.save_training_set(graphs, tmp_path / "set.pt")
    _, hist = train(_model(), path, epochs=1, connectivity_radius=R, seed=0, progress=False)
    assert len(hist) == 1
    with pytest.raises(MiroInputError, match="epochs"):
        train(_model(), graphs, epochs=-1, connectivity_radius=R, seed=0)
    with pytest.raises(MiroInputError, match="dataset"):
        train(_model(), [], epochs=1, connectivity_radius=R, seed=0)


def test_node_features_of_dataset_and_model_must_agree():
    cluster = pd.DataFrame({"x": SQUARE[:, 0], "y": SQUARE[:, 1]})
    rich = ts.build_training_set(
        "GraphDataset", GD_KW, ts.TrainingSource([cluster]), seed=0, dataset_size=4, node_features="laplacian+meanshift"
    )
    assert rich[0].x.shape[1] == 14
    with pytest.raises(MiroInputError, match="14 node features but the model reads 5"):
        train(_model(), rich, epochs=1, connectivity_radius=R, seed=0, progress=False)
    torch.manual_seed(0)
    model = MIRO(hidden_channels=16, num_steps=3, node_features="laplacian+meanshift")
    _, history = train(model, rich, epochs=1, connectivity_radius=R, seed=0, progress=False)
    assert math.isfinite(history[0]["loss"])



def test_balanced_class_weights_equalise_the_classes():
    graphs = [Data(y_class=torch.tensor([0, 1, 1, 1])), Data(y_class=torch.tensor([1, 1, 0, 1]))]
    weights = balanced_class_weights(graphs, 3)
    # 2 nodes of class 0, 6 of class 1, none of class 2: w_c = 8 / (2 n_c)
    assert weights.tolist() == pytest.approx([2.0, 8 / 12, 0.0])
    assert float(weights[0] * 2 + weights[1] * 6) == pytest.approx(8.0)  # each present class weighs N / C
    with pytest.raises(MiroInputError, match="2 classes"):
        balanced_class_weights([Data(y_class=torch.tensor([2]))], 2)


def test_class_weights_scale_each_class_in_the_cross_entropy(graphs):
    g = _three_nodes()
    g.y_class = torch.tensor([1, 1, 0])
    logits = torch.zeros(1, 3, 2)
    logits[0, :, 1] = 1.0  # every node says class 1
    outputs = torch.cat([g.y.unsqueeze(0), logits], dim=-1)
    wrong, right = math.log(1 + math.e), math.log(1 + math.exp(-1))  # CE of a class-0 and a class-1 node
    expected = 0.1 * (3.0 * wrong + 2 * right) / (3.0 + 2)  # weighted mean over nodes
    got = miro_loss(outputs, g, R, variant="classification", class_weights=torch.tensor([3.0, 1.0]))
    assert float(got) == pytest.approx(expected, rel=1e-6)
    _, hist = train(_model(out_channels=4), graphs, epochs=1, connectivity_radius=R, seed=0, progress=False,
                    variant="classification", class_balance=True)
    assert np.isfinite(hist[0]["loss"])
