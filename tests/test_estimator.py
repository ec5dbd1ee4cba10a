"""miro.inference.estimator.MiroDBSCAN: the same labels as the functions it wraps, settings from files."""

import json

import numpy as np
import pytest
from sklearn.base import clone

from miro.data.io import list_fovs, read_localizations
from miro.data.released import ReleasedModel
from miro.errors import MiroInputError
from miro.inference import miro_dbscan
from miro.inference.estimator import MiroDBSCAN
from miro.inference.tiling import tiled_miro_dbscan
from miro.nn.weights import load_checkpoint, save_checkpoint

S8 = ReleasedModel("model_scenario_8.pt", "Ground Truth - Scenario 8", 0.2, 12, 40.62, 4)


@pytest.fixture(scope="module")
def fov(benchmark_dir):
    path = list_fovs(benchmark_dir / "Ground Truth - Scenario 8")[1]
    return read_localizations(path)[["x", "y"]].to_numpy()


@pytest.fixture(scope="module")
def weights(authors_dir):
    return authors_dir / "benchmark-models" / "model_scenario_8.pt"


def test_whole_field_labels_are_miro_dbscans(fov, weights):
    model, _ = load_checkpoint(weights, num_steps=12)
    expected = miro_dbscan(model, fov, 0.2, 40.62, 4, num_steps=12)
    estimator = MiroDBSCAN(model, 0.2, 12, eps=40.62, min_samples=4)
    labels = estimator.fit_predict(fov)
    assert np.array_equal(labels, expected) and labels.max() > 5
    assert estimator.squeezed_.shape == fov.shape and np.array_equal(estimator.labels_, labels)


def test_tiled_labels_are_tiled_miro_dbscans(fov, weights):
    model, _ = load_checkpoint(weights, num_steps=12)
    expected = tiled_miro_dbscan(model, fov, 0.2, 40.62, 4, num_steps=12, progress=False, workers=1)
    labels = MiroDBSCAN(model, 0.2, 12, 40.62, 4, tiling=True, workers=1).fit_predict(fov)
    assert np.array_equal(labels, expected)


def test_settings_from_released_row_params_file_and_arguments(tmp_path, weights):
    released = MiroDBSCAN.from_files(weights)  # recognised by its file name in the released-weights manifest
    assert (released.connectivity_radius, released.num_steps, released.eps, released.min_samples) == (0.2, 12, 40.62, 4)
    params = tmp_path / "MIRO.json"
    params.write_text(json.dumps({"chosen": {"eps": 30.0, "min_samples": 6}, "squeezed": {"connectivity_radius": 0.2, "num_steps": 10, "step": 4}}))
    tuned = MiroDBSCAN.from_files(weights, params, released=S8, min_samples=9)
    assert (tuned.eps, tuned.min_samples, tuned.num_steps, tuned.step) == (30.0, 9, 10, 4)
    ours = tmp_path / "ours.pt"
    save_checkpoint(released.model, ours, connectivity_radius=0.1, metadata={"num_steps": 7})
    assert (MiroDBSCAN.from_files(ours).connectivity_radius, MiroDBSCAN.from_files(ours).num_steps) == (0.1, 7)


def test_is_a_scikit_learn_estimator(weights):
    estimator = MiroDBSCAN.from_files(weights, released=S8)
    assert clone(estimator).get_params()["eps"] == 40.62
    assert "MiroDBSCAN(" in repr(estimator.set_params(eps=20.0)) and estimator.eps == 20.0


def test_bad_settings_are_one_line(tmp_path, weights, fov):
    renamed = tmp_path / "renamed.pt"  # not a released file name: no settings of its own
    renamed.write_bytes(weights.read_bytes())
    with pytest.raises(MiroInputError, match="eps and min_samples are needed"):
        MiroDBSCAN.from_files(renamed, connectivity_radius=0.2).fit(fov)
    with pytest.raises(MiroInputError, match="no connectivity radius"):
        MiroDBSCAN.from_files(renamed)
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(MiroInputError, match="not a DBSCAN parameters file"):
        MiroDBSCAN.from_files(weights, bad, released=S8)
    with pytest.raises(MiroInputError, match="eps"):
        MiroDBSCAN.from_files(weights, released=S8, eps=-1).fit(fov)
