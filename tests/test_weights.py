"""Tests for miro.nn.weights: released checkpoints, our checkpoint format, errors."""

import pickle

import pytest
import torch

from miro.errors import MiroInputError
from miro.nn.model import MIRO
from miro.nn.weights import (
    AUTHORS_KEYS,
    infer_config,
    load_checkpoint,
    load_released,
    load_state_dict_into,
    read_state_dict,
    save_checkpoint,
    to_authors_state_dict,
)


RELEASED = [
    f"benchmark-models/model_scenario_{s}{b}.pt" for s in (5, 6, 8, 9) for b in ("", "_blinking")
] + ["multiscale/checkpoint.pt", "multishape/checkpoint.pt"]


@pytest.mark.parametrize("name", RELEASED)
def test_load_every_released_file(authors_dir, name):
    path = authors_dir / name
    raw = torch.load(path, map_location="cpu", weights_only=True)
    model = load_released(path, num_steps=12)
    assert not model.training and model.num_steps == 12
    expected_out = 5 if "multishape" in name else 2
    assert model.out_channels == expected_out
    assert model.num_classes == expected_out - 2
    # every authors' tensor lands, unchanged, on the layer with the same role
    ours = model.state_dict()
    assert len(raw) == 14
    for authors_layer, layer in AUTHORS_KEYS.items():
        for p in ("weight", "bias"):
            assert torch.equal(raw[f"model.{authors_layer}.{p}"], ours[f"{layer}.{p}"])


def test_infer_config_and_default_steps(authors_dir):
    sd = read_state_dict(authors_dir / "multishape" / "checkpoint.pt")
    assert infer_config(sd) == {"hidden_channels": 256, "out_channels": 5, "node_in": 5, "edge_in": 3}
    model, meta = load_checkpoint(authors_dir / "multiscale" / "checkpoint.pt")
    assert model.num_steps == 20 and meta["num_steps"] == 20 and meta["out_channels"] == 2


def test_lightning_style_checkpoint_and_unprefixed_keys(authors_dir, tmp_path):
    sd = read_state_dict(authors_dir / "benchmark-models" / "model_scenario_8.pt")
    wrapped = tmp_path / "lightning.ckpt"
    torch.save({"epoch": 29, "global_step": 11250, "state_dict": sd}, wrapped)
    a = load_released(wrapped, num_steps=3)
    bare = {k[len("model.") :]: v for k, v in sd.items()}
    b = load_state_dict_into(MIRO(num_steps=3), bare)
    for k, v in a.state_dict().items():
        assert torch.equal(v, b.state_dict()[k])


def test_save_and_load_round_trip(tmp_path):
    torch.manual_seed(0)
    model = MIRO(hidden_channels=16, num_steps=7, out_channels=5)
    path = save_checkpoint(model, tmp_path / "sub" / "ours.pt", connectivity_radius=0.2, metadata={"scenario": "GT-6", "seed": 3})
    loaded, meta = load_checkpoint(path)
    assert meta["num_steps"] == 7 and meta["connectivity_radius"] == 0.2
    assert meta["scenario"] == "GT-6" and meta["seed"] == 3 and meta["hidden_channels"] == 16
    assert loaded.out_channels == 5 and loaded.num_steps == 7
    x, ei, ea = torch.rand(6, 5), torch.tensor([[0, 1, 2], [1, 2, 0]]), torch.rand(3, 3)
    torch.testing.assert_close(loaded(x, ei, ea), model(x, ei, ea), rtol=0, atol=0)
    assert load_released(path, num_steps=2).num_steps == 2
    # the stored state_dict is in the authors' layout and loads without pickled code
    raw = torch.load(path, weights_only=True)
    assert set(raw["state_dict"]) == set(to_authors_state_dict(model))
    assert all(k.startswith("model.") for k in raw["state_dict"])


def test_node_features_travel_with_the_checkpoint(tmp_path):
    torch.manual_seed(0)
    model = MIRO(hidden_channels=8, num_steps=2, node_features="laplacian+meanshift")
    assert model.node_in == 14
    loaded, meta = load_checkpoint(save_checkpoint(model, tmp_path / "m.pt"))
    assert loaded.node_features == meta["node_features"] == "laplacian+meanshift" and loaded.node_in == 14
    # released files carry no metadata: the authors' features
    plain, meta = load_checkpoint(save_checkpoint(MIRO(hidden_channels=8), tmp_path / "p.pt"))
    assert plain.node_features == meta["node_features"] == "laplacian"
    with pytest.raises(ValueError, match="node_in"):
        MIRO(node_in=5, node_features="laplacian+meanshift")


def test_error_missing_file(tmp_path):
    with pytest.raises(MiroInputError, match="no such checkpoint file"):
        load_released(tmp_path / "nope.pt")


def test_error_not_a_checkpoint(tmp_path):
    text = tmp_path / "notes.pt"
    text.write_text("x,y\n1,2\n")
    with pytest.raises(MiroInputError, match="not a PyTorch checkpoint") as info:
        load_released(text)
    assert str(text) in str(info.value) and "\n" not in str(info.value)


def test_error_unsafe_pickle(tmp_path):
    path = tmp_path / "obj.pt"
    with open(path, "wb") as fh:
        pickle.dump(object(), fh, protocol=2)
    with pytest.raises(MiroInputError, match="not a PyTorch checkpoint"):
        load_released(path)


def test_error_not_a_mapping(tmp_path):
    path = tmp_path / "list.pt"
    torch.save([torch.zeros(2)], path)
    with pytest.raises(MiroInputError, match="not a state_dict"):
        load_released(path)


def test_error_wrong_keys(tmp_path):
    path = tmp_path / "other.pt"
    torch.save({"conv1.weight": torch.zeros(3, 3)}, path)
    with pytest.raises(MiroInputError, match="not a MIRO state_dict") as info:
        load_released(path)
    message = str(info.value)
    assert str(path) in message and "missing 14 key(s)" in message and "conv1.weight" in message


def test_error_wrong_shape(authors_dir):
    sd = read_state_dict(authors_dir / "benchmark-models" / "model_scenario_6.pt")
    with pytest.raises(MiroInputError, match=r"has shape \(256, 5\) but the model expects \(64, 5\)"):
        load_state_dict_into(MIRO(hidden_channels=64), sd, source="model_scenario_6.pt")


def test_error_metadata_not_serialisable(tmp_path):
    with pytest.raises(MiroInputError, match="metadata"):
        save_checkpoint(MIRO(hidden_channels=4), tmp_path / "m.pt", metadata={"bad": object()})
