"""Training-time estimate (miro.training.cost): measured per node, extrapolated, and without side effects."""

import pytest
import torch

from miro.errors import MiroInputError
from miro.training import completed_epochs, train
from miro.training.cost import estimate_training_seconds, format_duration
from test_train import R, _model, graphs  # noqa: F401  (graphs: the module-scoped fixture of six small graphs)


def test_estimate_scales_with_epochs_and_nodes(graphs):
    cost = estimate_training_seconds(_model(), graphs, epochs=10, batch_size=2, connectivity_radius=R)
    assert cost.seconds > 0 and cost.probe_batches >= 2 and cost.device == "cpu"
    nodes = sum(g.num_nodes for g in graphs)
    assert cost.seconds_per_epoch == pytest.approx(cost.seconds_per_node * nodes)
    assert cost.seconds == pytest.approx(10 * cost.seconds_per_epoch)
    assert estimate_training_seconds(_model(), graphs, epochs=0, batch_size=2, connectivity_radius=R).seconds == 0
    # tiles: the probe steps on pieces, the epoch still counts every node once
    tiled = estimate_training_seconds(_model(), graphs, epochs=10, batch_size=1, connectivity_radius=R, tiles=2)
    assert tiled.seconds_per_epoch == pytest.approx(tiled.seconds_per_node * nodes)


def test_estimate_leaves_model_and_random_state_alone(graphs):
    model = _model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    estimate_training_seconds(model, graphs, epochs=1, batch_size=2, connectivity_radius=R)
    assert torch.equal(torch.rand(3), expected)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    # the training after an estimate is the training without one
    plain, _ = train(_model(), graphs, epochs=1, batch_size=2, connectivity_radius=R, seed=0, progress=False)
    estimated = _model()
    estimate_training_seconds(estimated, graphs, epochs=1, batch_size=2, connectivity_radius=R)
    estimated, _ = train(estimated, graphs, epochs=1, batch_size=2, connectivity_radius=R, seed=0, progress=False)
    for a, b in zip(plain.state_dict().values(), estimated.state_dict().values()):
        assert torch.equal(a, b)


def test_time_budget_stops_probing(graphs):
    cost = estimate_training_seconds(_model(), graphs, epochs=1, batch_size=1, connectivity_radius=R,
                                     max_probe_batches=5, time_budget=0.0)
    assert cost.probe_batches == 1  # the warm-up alone, timed


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": -1}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"max_probe_batches": 1}, "max_probe_batches"),
    ],
)
def test_estimate_rejects_bad_arguments(graphs, kwargs, message):
    settings = {"epochs": 1, "batch_size": 2, "connectivity_radius": R, **kwargs}
    with pytest.raises(MiroInputError, match=message):
        estimate_training_seconds(_model(), graphs, **settings)
    with pytest.raises(MiroInputError, match="no training graphs"):
        estimate_training_seconds(_model(), [], epochs=1, batch_size=1, connectivity_radius=R)


def test_completed_epochs_reads_the_training_state(graphs, tmp_path):
    assert completed_epochs(tmp_path) == 0
    train(_model(), graphs, epochs=2, batch_size=2, connectivity_radius=R, seed=0, progress=False, checkpoint_dir=tmp_path)
    assert completed_epochs(tmp_path) == 2
    (tmp_path / "last.pt").write_bytes(b"truncated")
    assert completed_epochs(tmp_path) == 0


@pytest.mark.parametrize(
    "seconds, text",
    [(5, "5 s"), (89, "89 s"), (600, "10 min"), (3 * 3600, "3.0 h"), (3 * 86400, "3.0 days"), (float("inf"), "an unknown time")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text
