"""Learning-rate schedules (miro.training.schedule) and their use by train(): shapes, bounds, exact resume."""

import math

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from miro.errors import MiroInputError
from miro.nn.model import MIRO
from miro.training import learning_rate, train
from miro.training import training_sets as ts
from miro.training.schedule import WARMUP_FRACTION

R = 0.2


def test_constant_is_the_authors_rate_at_every_step():
    assert [learning_rate(1e-4, "constant", step, 10) for step in range(10)] == [1e-4] * 10


def test_cosine_warms_up_linearly_then_decays_to_near_zero():
    total = 200
    rates = [learning_rate(1e-3, "cosine", step, total) for step in range(total)]
    warmup = math.ceil(WARMUP_FRACTION * total)
    assert rates[:warmup] == pytest.approx([1e-3 * (step + 1) / warmup for step in range(warmup)])
    assert rates[warmup] == pytest.approx(1e-3)
    assert all(a >= b for a, b in zip(rates[warmup:], rates[warmup + 1:]))
    assert rates[-1] < 1e-3 * 1e-3
    # the middle of the decay is half the peak
    assert rates[warmup + (total - warmup) // 2] == pytest.approx(5e-4, rel=1e-2)


@given(total=st.integers(1, 5000), data=st.data())
def test_cosine_rates_lie_in_zero_to_peak(total, data):
    step = data.draw(st.integers(0, total - 1))
    assert 0 <= learning_rate(2e-3, "cosine", step, total) <= 2e-3


def test_unknown_schedule_is_one_line():
    with pytest.raises(MiroInputError, match="lr_schedule: expected one of constant, cosine, got 'linear'"):
        learning_rate(1e-3, "linear", 0, 10)
    with pytest.raises(MiroInputError, match="lr_schedule"):
        train(_model(), _graphs(), epochs=1, connectivity_radius=R, seed=0, lr_schedule="step", progress=False)


def _graphs():
    square = np.array([[-0.01, -0.01], [0.01, -0.01], [0.01, 0.01], [-0.01, 0.01]])
    cluster = pd.DataFrame({"x": square[:, 0], "y": square[:, 1], "sublabel": [1, 1, 2, 2], "class": [1, 1, 1, 1]})
    kwargs = {"connectivity_radius": R, "noise_point_range": [8, 12], "cluster_count_range": [2, 4],
              "cluster_sampling_range": [1, 1], "pupulation_std_sigma": 0, "num_additions": 0}
    return ts.build_training_set("GraphDataset", kwargs, ts.TrainingSource([cluster]), seed=0, dataset_size=6)


def _model():
    torch.manual_seed(0)
    return MIRO(hidden_channels=16, num_steps=3)


class _Stop(Exception):
    pass


def _stop_after_first_epoch(history):
    if len(history) == 1:
        raise _Stop


def test_cosine_training_resumes_exactly_and_only_with_its_epochs(tmp_path):
    graphs = _graphs()
    kwargs = dict(connectivity_radius=R, seed=3, lr=3e-3, lr_schedule="cosine", batch_size=2, progress=False)
    full, history = train(_model(), graphs, epochs=3, **kwargs)
    constant, constant_history = train(_model(), graphs, epochs=3, **{**kwargs, "lr_schedule": "constant"})
    assert [h["loss"] for h in history] != [h["loss"] for h in constant_history]

    with pytest.raises(_Stop):  # a job killed after its first epoch
        train(_model(), graphs, epochs=3, checkpoint_dir=tmp_path, callbacks=[_stop_after_first_epoch], **kwargs)
    resumed, resumed_history = train(_model(), graphs, epochs=3, checkpoint_dir=tmp_path, **kwargs)
    assert [h["loss"] for h in resumed_history] == [h["loss"] for h in history]
    assert all(torch.equal(a, b) for a, b in zip(full.state_dict().values(), resumed.state_dict().values()))
    # the rates of every step depend on the number of epochs: a state of a 3-epoch schedule is not resumed for 4
    with pytest.raises(MiroInputError, match="epochs differ"):
        train(_model(), graphs, epochs=4, checkpoint_dir=tmp_path, **kwargs)
