"""Tests for miro.inference, and parity of the released scenario-6 model with the authors' output."""

import os
import re

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.cluster import DBSCAN
from sklearn.metrics import adjusted_rand_score

from miro.errors import MiroInputError
from miro.evaluation import evaluate
from miro.inference import miro_dbscan, squeeze, squeeze_fov
from miro.inference.clustering import dbscan_labels
from miro.nn.graph import build_graph, normalize_fov
from miro.nn.model import MIRO
from miro.nn.weights import load_released


def _constant_model(displacement, num_steps=3, out_channels=2):
    """A MIRO whose every step predicts the same displacement (head weight 0)."""
    model = MIRO(hidden_channels=8, num_steps=num_steps, out_channels=out_channels)
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()
        model.head.bias[:2] = torch.tensor(displacement)
    return model


@pytest.fixture(scope="module")
def blobs():
    """Two tight blobs plus sparse background, in nm, FOV min not at 0."""
    rng = np.random.default_rng(0)
    a = rng.normal((600, 700), 15, size=(40, 2))
    b = rng.normal((1400, 1500), 15, size=(40, 2))
    bg = rng.uniform(100, 2000, size=(30, 2))
    return np.concatenate([a, b, bg])


def test_squeeze_applies_displacement_times_radius():
    rng = np.random.default_rng(1)
    g = build_graph(rng.uniform(size=(20, 2)), 0.3)
    s = squeeze(_constant_model([1.0, -2.0]), g, 0.3)
    assert s.shape == (20, 2) and s.dtype == torch.float32
    torch.testing.assert_close(s, g.position - 0.3 * torch.tensor([1.0, -2.0]))
    assert not s.requires_grad


def test_squeeze_step_selection_and_classification_head():
    g = build_graph(np.random.default_rng(2).uniform(size=(15, 2)), 0.3)
    model = MIRO(hidden_channels=8, num_steps=4, out_channels=5)
    out = model.forward_data(g).detach()
    for step in (0, 2, -1):
        torch.testing.assert_close(squeeze(model, g, 0.3, step=step), g.position - 0.3 * out[step, :, :2])
    torch.testing.assert_close(squeeze(model, g, 0.3, num_steps=6), g.position - 0.3 * model.forward_data(g, 6)[-1, :, :2].detach())
    with pytest.raises(MiroInputError, match="step"):
        squeeze(model, g, 0.3, step=4)


def test_squeeze_fov_inverse_conventions(blobs):
    model = _constant_model([0.0, 0.0])
    exact = squeeze_fov(model, blobs, 0.2, 3, inverse="exact")
    np.testing.assert_allclose(exact, blobs, atol=1e-3)  # float32 positions, nm
    authors = squeeze_fov(model, blobs, 0.2, 3)
    mins, maxs = blobs.min(axis=0), blobs.max(axis=0)
    np.testing.assert_allclose(authors, (blobs - mins) / (maxs - mins) * maxs, atol=1e-3)
    iso = squeeze_fov(model, blobs, 0.2, 3, normalization="isotropic", inverse="authors")
    np.testing.assert_allclose(iso, blobs, atol=1e-3)
    _, norm = normalize_fov(blobs, mode="isotropic", length_nm=1000.0)
    np.testing.assert_allclose(squeeze_fov(model, blobs, 0.2, 3, normalization=norm), blobs, atol=1e-3)


def test_squeeze_fov_moves_in_nm(blobs):
    # a displacement of (0.5, 0) R, R = 0.2, with the exact inverse moves x by -0.1 * (max - min) nm
    model = _constant_model([0.5, 0.0])
    moved = squeeze_fov(model, blobs, 0.2, 2, inverse="exact")
    extent = blobs.max(axis=0) - blobs.min(axis=0)
    np.testing.assert_allclose(moved - blobs, np.tile([-0.1 * extent[0], 0.0], (len(blobs), 1)), atol=1e-2)


def test_miro_dbscan_labels_and_noise_zero(blobs):
    model = _constant_model([0.0, 0.0])
    labels = miro_dbscan(model, blobs, 0.2, eps=60, min_samples=5, num_steps=2, inverse="exact")
    assert labels.dtype == np.int64 and labels.shape == (len(blobs),)
    expected = DBSCAN(eps=60, min_samples=5).fit(blobs).labels_ + 1
    assert adjusted_rand_score(expected, labels) > 0.999
    assert labels.min() == 0 and set(np.unique(labels[:80])) == {1, 2}


def test_device_argument():
    g = build_graph(np.random.default_rng(3).uniform(size=(10, 2)), 0.5)
    assert squeeze(_constant_model([0.0, 0.0]), g, 0.5, device="cpu").device.type == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu():
    g = build_graph(np.random.default_rng(4).uniform(size=(200, 2)), 0.2)
    model = MIRO(hidden_channels=32, num_steps=5)
    cpu = squeeze(model, g, 0.2, device="cpu")
    gpu = squeeze(model, g, 0.2, device="cuda")
    assert gpu.device.type == "cpu"
    torch.testing.assert_close(gpu, cpu, atol=1e-5, rtol=1e-5)


# --- parity with the authors' published output ---------------------------------------------

# Ground Truth Scenario 6, model_scenario_6.pt, K = 15, R = 0.2, MIRO + DBSCAN eps 16 / min 10
# (nm, authors' x max scaling), plain DBSCAN eps 30 / min 6; test FOVs = all but 25, 15, 8.
# Published means over the 47 test FOVs (benchmark notebook cell 23; method notes §7):
PUBLISHED = {
    "MIRO": {"IoU": 0.67, "ARI": 0.76, "ARI_c": 0.86, "ARI_dagger": 0.72, "AMI": 0.78, "JIc": 0.95, "RMSRE_N": 0.22},
    "DBSCAN": {"IoU": 0.57, "ARI": 0.73, "ARI_c": 0.66, "ARI_dagger": 0.66, "AMI": 0.73, "JIc": 0.67, "RMSRE_N": 0.54},
}
TRAINING_FOVS = (25, 15, 8)
# The default run uses 6 of the 47 test FOVs (every 8th) to stay fast. Their per-FOV
# (ARI, ARI_c) for MIRO + DBSCAN, and the subset means of all metrics, were recorded from the
# run over all 47 FOVs whose means matched PUBLISHED to +-0.01 (MIRO: ARI 0.7564, ARI_c 0.8641,
# IoU 0.6715, ARI_dagger 0.7209, AMI 0.7832, JIc 0.9492, RMSRE_N 0.2152; DBSCAN: 0.7273, 0.6551,
# 0.5714, 0.6574, 0.7309, 0.6702, 0.5375). Set MIRO_FULL_PARITY=1 to check all 47 against
# PUBLISHED (about 40 s of CPU time; 65 s wall on a loaded 2-core machine).
SUBSET_ARI = {
    1: (0.7294, 0.8213), 10: (0.7688, 0.8970), 19: (0.7820, 0.8856),
    28: (0.7667, 0.8763), 36: (0.7705, 0.8844), 44: (0.7962, 0.8605),
}
SUBSET_MEANS = {
    "MIRO": {"ARI_dagger": 0.7394, "IoU": 0.6711, "JIc": 0.9591, "RMSRE_N": 0.2062, "AMI": 0.7931, "ARI_c": 0.8709, "ARI": 0.7690},
    "DBSCAN": {"ARI_dagger": 0.6697, "IoU": 0.5732, "JIc": 0.6652, "RMSRE_N": 0.4481, "AMI": 0.7451, "ARI_c": 0.6987, "ARI": 0.7418},
}


def _gt6_files(benchmark_dir):
    folder = benchmark_dir / "Ground Truth - Scenario 6"
    files = sorted(folder.glob("elliptical_w_noise_MoleculeList_*.csv"), key=lambda p: int(re.search(r"(\d+)\.csv$", p.name).group(1)))
    assert len(files) == 50
    return {i: f for i, f in enumerate(files, start=1) if i not in TRAINING_FOVS}


def test_released_scenario6_parity(benchmark_dir, authors_dir):
    full = os.environ.get("MIRO_FULL_PARITY", "") not in ("", "0")
    files = _gt6_files(benchmark_dir)
    fovs = sorted(files) if full else sorted(SUBSET_ARI)
    model = load_released(authors_dir / "benchmark-models" / "model_scenario_6.pt", num_steps=15)
    ari, scores = {}, {"MIRO": [], "DBSCAN": []}
    for i in fovs:
        df = pd.read_csv(files[i])
        xy, truth = df[["x", "y"]].to_numpy(), df["index"].to_numpy()
        labels = {"MIRO": miro_dbscan(model, xy, 0.2, eps=16, min_samples=10), "DBSCAN": dbscan_labels(xy, 30, 6)}
        clustered = truth != 0
        ari[i] = (
            adjusted_rand_score(truth, labels["MIRO"]),
            adjusted_rand_score(truth[clustered], labels["MIRO"][clustered]),
        )
        for method, pred in labels.items():
            scores[method].append(evaluate(xy, truth, pred))

    mean_ari, mean_ari_c = np.mean([ari[i] for i in fovs], axis=0)
    if full:
        assert abs(mean_ari - PUBLISHED["MIRO"]["ARI"]) <= 0.01, mean_ari
        assert abs(mean_ari_c - PUBLISHED["MIRO"]["ARI_c"]) <= 0.01, mean_ari_c
    else:
        for i in fovs:
            np.testing.assert_allclose(ari[i], SUBSET_ARI[i], atol=0.01, err_msg=f"FOV {i}")
        assert abs(mean_ari - np.mean([v[0] for v in SUBSET_ARI.values()])) <= 0.005
        assert abs(mean_ari_c - np.mean([v[1] for v in SUBSET_ARI.values()])) <= 0.005

    for method in scores:
        means = pd.DataFrame(scores[method]).mean()
        reference = PUBLISHED[method] if full else SUBSET_MEANS[method]
        for name, value in reference.items():
            assert abs(means[name] - value) <= 0.01, f"{method} {name}: {means[name]:.4f} vs {value}"
    miro_means, dbscan_means = (pd.DataFrame(scores[m]).mean() for m in ("MIRO", "DBSCAN"))
    for name in ("IoU", "ARI_c", "JIc"):  # the paper's point: MIRO + DBSCAN beats DBSCAN
        assert miro_means[name] > dbscan_means[name] + 0.05, name
