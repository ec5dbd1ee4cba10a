"""Tests for miro.nn.model: shapes, the fused forward against the literal equations, variants."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from miro.nn.graph import build_graph
from miro.nn.model import MIRO, reference_forward, split_outputs, split_steps


def _random_graph(n, seed, radius=0.3):
    rng = np.random.default_rng(seed)
    return build_graph(rng.uniform(size=(n, 2)), radius)


def _randomise(model, seed, scale=1.0):
    """Random weights large enough that ReLUs switch and every path matters."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            fan_in = p.shape[-1] if p.dim() == 2 else 16
            p.copy_(torch.randn(p.shape, generator=gen) * scale / np.sqrt(fan_in))
    return model


def test_parameters_match_authors_layout():
    model = MIRO()
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert shapes == {
        "node_encoder.weight": (256, 5),
        "node_encoder.bias": (256,),
        "edge_encoder.weight": (256, 3),
        "edge_encoder.bias": (256,),
        "node_input.weight": (256, 512),
        "node_input.bias": (256,),
        "edge_input.weight": (256, 512),
        "edge_input.bias": (256,),
        "edge_transform.weight": (256, 768),
        "edge_transform.bias": (256,),
        "node_update.weight": (256, 256),
        "node_update.bias": (256,),
        "head.weight": (2, 256),
        "head.bias": (2,),
    }
    assert sum(p.numel() for p in model.parameters()) == 528_386
    assert sum(p.numel() for p in MIRO(out_channels=5).parameters()) == 529_157


def test_output_shape_and_num_steps_override():
    g = _random_graph(30, 0)
    model = MIRO(hidden_channels=16, num_steps=4)
    out = model.forward_data(g)
    assert out.shape == (4, 30, 2)
    out7 = model(g.x, g.edge_index, g.edge_attr, num_steps=7)
    assert out7.shape == (7, 30, 2)
    # weights are shared: the first 4 steps do not depend on K
    torch.testing.assert_close(out7[:4], out)
    with pytest.raises(ValueError, match="num_steps"):
        model.forward_data(g, num_steps=0)


@pytest.mark.parametrize(
    "hidden,out_channels,n,seed",
    [(16, 2, 25, 0), (32, 5, 60, 1), (256, 2, 80, 2)],
)
def test_fused_forward_equals_reference_outputs_and_gradients(hidden, out_channels, n, seed):
    g = _random_graph(n, seed)
    model = _randomise(MIRO(hidden_channels=hidden, num_steps=6, out_channels=out_channels), seed)
    weight = torch.randn(6, n, out_channels, generator=torch.Generator().manual_seed(seed))

    out = model.forward_data(g)
    ref = reference_forward(model, g.x, g.edge_index, g.edge_attr)
    # random recurrent weights grow the outputs over the steps (to ~400 here):
    # compare relative to the output scale, float32 rounding is ~1e-7 of it
    scale = max(ref.abs().max().item(), 1.0)
    assert out.abs().max() > 0.1  # not a trivially small output
    torch.testing.assert_close(out / scale, ref / scale, atol=1e-5, rtol=1e-5)

    grads = torch.autograd.grad((out * weight).sum(), list(model.parameters()))
    ref_grads = torch.autograd.grad((ref * weight).sum(), list(model.parameters()))
    for (name, _), a, b in zip(model.named_parameters(), grads, ref_grads):
        scale = max(b.abs().max().item(), 1.0)
        torch.testing.assert_close(a / scale, b / scale, atol=1e-5, rtol=1e-5, msg=name)


def test_fused_forward_equals_reference_with_released_weights(authors_dir, benchmark_dir):
    """Absolute 1e-5 at the real output scale: released scenario-6 weights, a real FOV crop, K = 15."""
    import pandas as pd

    from miro.nn.graph import normalize_fov
    from miro.nn.weights import load_released

    model = load_released(authors_dir / "benchmark-models" / "model_scenario_6.pt", num_steps=15)
    df = pd.read_csv(benchmark_dir / "Ground Truth - Scenario 6" / "elliptical_w_noise_MoleculeList_1.csv")
    u, _ = normalize_fov(df[["x", "y"]].to_numpy())
    g = build_graph(u[(u[:, 0] < 0.35) & (u[:, 1] < 0.35)], 0.2)
    assert g.num_nodes > 150
    out = model.forward_data(g)
    ref = reference_forward(model, g.x, g.edge_index, g.edge_attr)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    target = torch.randn(out.shape, generator=torch.Generator().manual_seed(0))
    ga = torch.autograd.grad((out - target).abs().mean(), list(model.parameters()))
    gb = torch.autograd.grad((ref - target).abs().mean(), list(model.parameters()))
    for (name, _), a, b in zip(model.named_parameters(), ga, gb):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5, msg=name)


def test_fused_forward_equals_reference_in_float64():
    g = _random_graph(50, 3)
    model = _randomise(MIRO(hidden_channels=64, num_steps=5), 3).double()
    x, ea = g.x.double(), g.edge_attr.double()
    out = model(x, g.edge_index, ea)
    ref = reference_forward(model, x, g.edge_index, ea)
    torch.testing.assert_close(out, ref, atol=1e-12, rtol=1e-10)
    ga = torch.autograd.grad(out.square().sum(), list(model.parameters()))
    gb = torch.autograd.grad(ref.square().sum(), list(model.parameters()))
    for a, b in zip(ga, gb):
        torch.testing.assert_close(a, b, atol=1e-10, rtol=1e-9)


def test_message_direction_and_sum_aggregation():
    """A node with no incoming edges gets h = ReLU(b_u); messages go src -> dst."""
    model = _randomise(MIRO(hidden_channels=8, num_steps=1), 4)
    x = torch.rand(3, 5)
    edge_attr = torch.rand(2, 3)
    edge_index = torch.tensor([[0, 0], [1, 2]])  # 0 sends to 1 and 2, receives nothing
    out = model(x, edge_index, edge_attr)
    expected0 = model.head(torch.relu(model.node_update.bias))
    torch.testing.assert_close(out[0, 0], expected0)
    torch.testing.assert_close(out, reference_forward(model, x, edge_index, edge_attr))
    # swapping src and dst changes the result (the transform is not symmetric)
    assert not torch.allclose(out, model(x, edge_index.flip(0), edge_attr))


def test_graph_without_edges():
    model = MIRO(hidden_channels=8, num_steps=3)
    out = model(torch.rand(4, 5), torch.empty(2, 0, dtype=torch.long), torch.empty(0, 3))
    assert out.shape == (3, 4, 2)
    torch.testing.assert_close(out[:, 0], out[:, 3])


def test_batched_graphs_equal_separate_runs():
    graphs = [_random_graph(20, 5), _random_graph(35, 6)]
    model = _randomise(MIRO(hidden_channels=16, num_steps=3), 5)
    batch = Batch.from_data_list(graphs)
    out = model.forward_data(batch)
    torch.testing.assert_close(out[:, :20], model.forward_data(graphs[0]))
    torch.testing.assert_close(out[:, 20:], model.forward_data(graphs[1]))


def test_training_updates_the_stored_parameters():
    g = _random_graph(30, 7)
    model = MIRO(hidden_channels=16, num_steps=3)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss = model.forward_data(g).abs().mean()
    loss.backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())
    opt.step()
    after = model.state_dict()
    assert all(not torch.equal(before[k], after[k]) for k in before)
    assert set(after) == set(before)


def test_reset_parameters_and_repr():
    model = MIRO(hidden_channels=8)
    w = model.edge_transform.weight.clone()
    model.reset_parameters()
    assert not torch.equal(w, model.edge_transform.weight)
    assert "hidden_channels=8" in repr(model)


def test_classification_and_multiscale_helpers():
    model = MIRO(hidden_channels=8, num_steps=6, out_channels=5)
    assert model.num_classes == 3 and MIRO().num_classes == 0
    out = model.forward_data(_random_graph(12, 8))
    disp, logits = split_outputs(out)
    assert disp.shape == (6, 12, 2) and logits.shape == (6, 12, 3)
    small, large = split_steps(out, 4)
    assert small.shape[0] == 4 and large.shape[0] == 2
    torch.testing.assert_close(small[-1], out[3])
    with pytest.raises(ValueError, match="cutoff"):
        split_steps(out, 6)
    with pytest.raises(ValueError, match="out_channels"):
        MIRO(out_channels=1)
