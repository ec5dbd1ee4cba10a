r"""The MIRO recurrent graph network (Pineda et al.; method notes §4).

:class:`MIRO` is the authors' ``RecurrentMessagePassingModel`` (deeplay,
``rmpm.py`` / ``rgb.py``) rewritten for PyTorch: seven linear layers, one set
of weights applied for :math:`K` recurrent steps, a displacement read out
after every step. :mod:`miro.nn.weights` loads the released checkpoints into it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Linear, Module

from miro.nn.graph import node_feature_size

__all__ = ["MIRO", "reference_forward", "split_outputs", "split_steps"]


class MIRO(Module):
    r"""Recurrent message passing network that predicts, for every
    localization, its displacement to its cluster centre in units of
    :math:`R`.

    With node features :math:`\mathbf{x}_i` (absolute Laplacian eigenvectors)
    and edge features :math:`\mathbf{a}_{ij}` (the edge runs from
    :math:`i` = ``edge_index[0]`` (src) to :math:`j` = ``edge_index[1]``
    (dst)), the inputs are encoded once,

    .. math::
        \tilde{\mathbf{x}}_i = \mathbf{W}_x \mathbf{x}_i + \mathbf{b}_x, \qquad
        \tilde{\mathbf{e}}_{ij} = \mathbf{W}_a \mathbf{a}_{ij} + \mathbf{b}_a,

    the hidden states start at :math:`\mathbf{h}^0_i = \mathbf{0}`,
    :math:`\mathbf{e}^0_{ij} = \mathbf{0}`, and for :math:`k = 1, \dots, K`
    the same weights are applied:

    .. math::
        \hat{\mathbf{h}}_i &= \mathbf{W}_h [\mathbf{h}^{k-1}_i \,\|\,
            \tilde{\mathbf{x}}_i] + \mathbf{b}_h \\
        \hat{\mathbf{e}}_{ij} &= \mathbf{W}_g [\mathbf{e}^{k-1}_{ij} \,\|\,
            \tilde{\mathbf{e}}_{ij}] + \mathbf{b}_g \\
        \mathbf{e}^k_{ij} &= \mathrm{ReLU}\big(\mathbf{W}_t
            [\hat{\mathbf{h}}_i \,\|\, \hat{\mathbf{h}}_j \,\|\,
            \hat{\mathbf{e}}_{ij}] + \mathbf{b}_t\big) \\
        \mathbf{h}^k_j &= \mathrm{ReLU}\Big(\mathbf{W}_u
            \sum_{i:\,(i, j) \in \mathcal{E}} \mathbf{e}^k_{ij}
            + \mathbf{b}_u\Big) \\
        \hat{\mathbf{y}}^k_j &= \mathbf{W}_o \mathbf{h}^k_j + \mathbf{b}_o

    The message *is* the new edge state; the node update sees only the sum of
    incoming messages (no skip term). There is no normalisation or dropout.

    Args:
        hidden_channels (int): Size :math:`H` of node and edge states
            (default 256, as released).
        num_steps (int): Default number of recurrent steps :math:`K`
            (benchmark 10–25 per scenario; authors' default 20). Weights are
            shared, so :meth:`forward` can use any other number.
        out_channels (int): Head size: 2 (displacement, MIRO and mMIRO) or
            :math:`2 + C` (displacement plus :math:`C` class logits, cMIRO).
        node_in (int, optional): Node feature size; default the size of
            ``node_features`` (5 for the authors' Laplacian eigenvectors).
        node_features (str): The feature set the model reads
            (:data:`miro.nn.graph.NODE_FEATURES`); inference builds its graphs
            with it, and checkpoints record it.
        edge_in (int): Edge feature size (3: :math:`\Delta x, \Delta y, d`,
            divided by :math:`R`).

    Shapes:
        - **input:** node features :math:`(N, \text{node\_in})`, edge indices
          :math:`(2, E)`, edge features :math:`(E, \text{edge\_in})`
        - **output:** :math:`(K, N, \text{out\_channels})`, the prediction
          after every step (the last one, ``[-1]``, is used for inference)

    Notes:
        The parameters are the authors' seven layers, unsplit (for example
        ``node_input.weight`` is :math:`H \times 2H`), so checkpoints map
        one-to-one (see :mod:`miro.nn.weights`). :meth:`forward` computes the
        same function more cheaply by linearity, building fused matrices from
        these parameters on every call (products in float64, rounded once;
        gradients reach the stored parameters):

        * the input parts of :math:`\mathbf{W}_h, \mathbf{W}_g`, the encoders
          and the src/dst/edge blocks of :math:`\mathbf{W}_t` compose into
          one :math:`5 \to 2H` node map and one :math:`3 \to H` edge map,
          evaluated once;
        * per step, :math:`\mathbf{W}_t^{src} \mathbf{W}_h^{h}` and
          :math:`\mathbf{W}_t^{dst} \mathbf{W}_h^{h}` act on the
          :math:`N` node states *before* gathering along the :math:`E` edges,
          and :math:`\mathbf{W}_t^{e} \mathbf{W}_g^{e}` is one
          :math:`H \times H` map on the edge states;
        * step 1 skips the state terms (:math:`\mathbf{h}^0 = \mathbf{e}^0 = 0`)
          and the head runs once on all stacked states.

        Per step this costs about :math:`E H^2 + 3 N H^2` multiply-adds
        instead of :math:`5 E H^2 + 3 N H^2`. :func:`reference_forward` is
        the literal concatenate-then-linear form, kept for tests.
    """

    def __init__(
        self,
        hidden_channels: int = 256,
        num_steps: int = 20,
        out_channels: int = 2,
        node_in: int | None = None,
        edge_in: int = 3,
        node_features: str = "laplacian",
    ) -> None:
        super().__init__()
        size = node_feature_size(node_features)
        if node_in is None:
            node_in = size
        elif node_features != "laplacian" and int(node_in) != size:
            raise ValueError(f"node_in: node_features={node_features!r} gives {size} features, got node_in={node_in}")
        if out_channels < 2:
            raise ValueError(f"out_channels: must be at least 2 (the displacement), got {out_channels}")
        if num_steps < 1:
            raise ValueError(f"num_steps: must be at least 1, got {num_steps}")
        self.hidden_channels = int(hidden_channels)
        self.num_steps = int(num_steps)
        self.out_channels = int(out_channels)
        self.node_in = int(node_in)
        self.node_features = node_features
        self.edge_in = int(edge_in)
        h = self.hidden_channels
        self.node_encoder = Linear(node_in, h)  # W_x
        self.edge_encoder = Linear(edge_in, h)  # W_a
        self.node_input = Linear(2 * h, h)  # W_h on [h ; x~]
        self.edge_input = Linear(2 * h, h)  # W_g on [e ; e~]
        self.edge_transform = Linear(3 * h, h)  # W_t on [h^_src ; h^_dst ; e^]
        self.node_update = Linear(h, h)  # W_u on the summed messages
        self.head = Linear(h, out_channels)  # W_o

    @property
    def hparams(self) -> dict:
        """The constructor arguments: ``MIRO(**model.hparams)`` builds the same architecture."""
        return {
            "hidden_channels": self.hidden_channels,
            "num_steps": self.num_steps,
            "out_channels": self.out_channels,
            "node_in": self.node_in,
            "edge_in": self.edge_in,
            "node_features": self.node_features,
        }

    @property
    def num_classes(self) -> int:
        """Number of class logits after the displacement (0 for plain MIRO)."""
        return self.out_channels - 2

    def reset_parameters(self) -> None:
        """Re-initialise all layers (PyTorch's default ``Linear`` initialisation)."""
        for layer in (
            self.node_encoder,
            self.edge_encoder,
            self.node_input,
            self.edge_input,
            self.edge_transform,
            self.node_update,
            self.head,
        ):
            layer.reset_parameters()

    def _fused(self):
        """Fused matrices of the efficient forward, built from the parameters.

        The products are formed in float64 and rounded once to the parameter
        dtype: float32 products would perturb the effective weights by about
        1e-6 relative, and that error, repeated at every step, grows over
        :math:`K` steps (about 1e-5 after 15 steps with the released
        weights, against 6e-7 this way; the literal form reaches 8e-7).
        """
        h = self.hidden_channels
        dtype = self.node_input.weight.dtype
        device = self.node_input.weight.device
        acc = torch.float64 if dtype in (torch.float32, torch.float64) and device.type != "mps" else torch.float32

        def p(layer):
            return layer.weight.to(acc), layer.bias.to(acc)

        w_h, b_h = p(self.node_input)
        w_g, b_g = p(self.edge_input)
        w_t, b_t = p(self.edge_transform)
        w_x, b_x = p(self.node_encoder)
        w_a, b_a = p(self.edge_encoder)
        w_hh, w_hx = w_h[:, :h], w_h[:, h:]
        w_ge, w_ga = w_g[:, :h], w_g[:, h:]
        w_tn, w_te = w_t[:, : 2 * h], w_t[:, 2 * h :]
        # [W_t^src ; W_t^dst] as a (2H, H) map on h^
        w_sd = torch.cat([w_tn[:, :h], w_tn[:, h:]], dim=0)
        # constant node part: W_sd (W_hx (W_x x + b_x) + b_h) = A x + a
        w_node_in = w_sd @ (w_hx @ w_x)
        b_node_in = w_sd @ (w_hx @ b_x + b_h)
        # constant edge part: W_te (W_ga (W_a a + b_a) + b_g) + b_t = B a + b
        w_edge_in = w_te @ (w_ga @ w_a)
        b_edge_in = w_te @ (w_ga @ b_a + b_g) + b_t
        # recurrent parts
        w_node_rec = w_sd @ w_hh  # (2H, H) on h^{k-1}
        w_edge_rec = w_te @ w_ge  # (H, H) on e^{k-1}
        fused = (w_node_in, b_node_in, w_edge_in, b_edge_in, w_node_rec, w_edge_rec)
        return tuple(t.to(dtype) for t in fused)

    def forward(
        self,
        x: Tensor,
        edge_index: Tensor,
        edge_attr: Tensor,
        num_steps: int | None = None,
    ) -> Tensor:
        r"""Run :math:`K` recurrent steps.

        Args:
            x (Tensor): Node features :math:`(N, \text{node\_in})`.
            edge_index (Tensor): :math:`(2, E)`, messages flow from
                ``edge_index[0]`` to ``edge_index[1]``.
            edge_attr (Tensor): Edge features :math:`(E, \text{edge\_in})`.
            num_steps (int, optional): :math:`K`; defaults to
                ``self.num_steps``.

        Returns:
            Tensor: :math:`(K, N, \text{out\_channels})`, the prediction
            after each step, displacement first, in units of :math:`R`.
        """
        k_steps = self.num_steps if num_steps is None else int(num_steps)
        if k_steps < 1:
            raise ValueError(f"num_steps: must be at least 1, got {k_steps}")
        h = self.hidden_channels
        n = x.size(0)
        src, dst = edge_index[0], edge_index[1]
        w_node_in, b_node_in, w_edge_in, b_edge_in, w_node_rec, w_edge_rec = self._fused()
        w_src_rec, w_dst_rec = w_node_rec[:h], w_node_rec[h:]

        node_const = F.linear(x, w_node_in, b_node_in)  # (N, 2H)
        src_const = node_const[:, :h].contiguous()
        dst_const = node_const[:, h:].contiguous()
        edge_const = F.linear(edge_attr, w_edge_in, b_edge_in)  # (E, H)

        states = []
        node_state = None
        edge_state = None
        for _ in range(k_steps):
            if node_state is None:
                s, d = src_const, dst_const
            else:
                s = torch.addmm(src_const, node_state, w_src_rec.t())
                d = torch.addmm(dst_const, node_state, w_dst_rec.t())
            if edge_state is None:
                pre = edge_const
            else:
                pre = torch.addmm(edge_const, edge_state, w_edge_rec.t())
            pre = pre + s.index_select(0, src)
            pre.add_(d.index_select(0, dst))
            edge_state = torch.relu_(pre)
            # neighbour sums in float32 also under reduced-precision autocast (bfloat16 keeps 8 bits)
            acc = torch.float32 if edge_state.dtype in (torch.bfloat16, torch.float16) else edge_state.dtype
            aggr = edge_state.new_zeros(n, h, dtype=acc).index_add_(0, dst, edge_state.to(acc))
            node_state = torch.relu(self.node_update(aggr))
            states.append(node_state)
        return self.head(torch.stack(states))

    def forward_data(self, data, num_steps: int | None = None) -> Tensor:
        """:meth:`forward` on a :class:`~torch_geometric.data.Data` (``x``, ``edge_index``, ``edge_attr``)."""
        return self(data.x, data.edge_index, data.edge_attr, num_steps=num_steps)

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(hidden_channels={self.hidden_channels}, "
            f"num_steps={self.num_steps}, out_channels={self.out_channels}, "
            f"node_in={self.node_in}, edge_in={self.edge_in})"
        )


def reference_forward(
    model: MIRO,
    x: Tensor,
    edge_index: Tensor,
    edge_attr: Tensor,
    num_steps: int | None = None,
) -> Tensor:
    """The literal concatenate-then-linear form of :meth:`MIRO.forward`.

    Same parameters, same result up to float rounding, about four times the
    work per step; kept as the executable specification for tests and
    ``benchmarks/bench_model.py``.
    """
    k_steps = model.num_steps if num_steps is None else int(num_steps)
    src, dst = edge_index[0], edge_index[1]
    x_t = model.node_encoder(x)
    e_t = model.edge_encoder(edge_attr)
    node_state = x_t.new_zeros(x.size(0), model.hidden_channels)
    edge_state = e_t.new_zeros(edge_attr.size(0), model.hidden_channels)
    outputs = []
    for _ in range(k_steps):
        h_hat = model.node_input(torch.cat([node_state, x_t], dim=-1))
        e_hat = model.edge_input(torch.cat([edge_state, e_t], dim=-1))
        edge_state = torch.relu(model.edge_transform(torch.cat([h_hat[src], h_hat[dst], e_hat], dim=-1)))
        aggr = edge_state.new_zeros(x.size(0), model.hidden_channels).index_add_(0, dst, edge_state)
        node_state = torch.relu(model.node_update(aggr))
        outputs.append(model.head(node_state))
    return torch.stack(outputs)


def split_outputs(outputs: Tensor) -> tuple[Tensor, Tensor]:
    """Split head outputs ``(..., 2 + C)`` into displacement ``(..., 2)`` and class logits ``(..., C)`` (cMIRO)."""
    return outputs[..., :2], outputs[..., 2:]


def split_steps(outputs: Tensor, cutoff: int) -> tuple[Tensor, Tensor]:
    """Split step outputs ``(K, N, C)`` at ``cutoff`` for mMIRO (method notes §5).

    Steps ``1..cutoff`` (``outputs[:cutoff]``) are trained against the small
    scale (``y_sub``, NPC corners), steps ``cutoff+1..K`` against the large
    scale (``y``, rings). At inference the corners use step ``cutoff`` (index
    ``cutoff - 1``) and the rings the last step.
    """
    if not 0 < cutoff < outputs.size(0):
        raise ValueError(f"cutoff: must lie in 1..{outputs.size(0) - 1} for {outputs.size(0)} steps, got {cutoff}")
    return outputs[:cutoff], outputs[cutoff:]
