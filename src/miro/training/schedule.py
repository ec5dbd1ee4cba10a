r"""Learning-rate schedules of a training, as a pure function of the optimisation step.

The authors train with a constant learning rate (method notes §5). A schedule that
warms up and then decays lets a short training reach a lower loss than the same
number of steps at a constant rate (ours; ``training.lr_schedule`` in the workflow):

* ``"constant"``: :math:`\eta_t = \eta` (the authors');
* ``"cosine"``: a linear warm-up over the first :math:`w = \lceil 0.05\,T \rceil`
  steps, then a cosine decay that would reach zero at step :math:`T`,

  .. math::
      \eta_t = \eta\,\frac{t + 1}{w} \quad (t < w), \qquad
      \eta_t = \frac{\eta}{2}\Bigl(1 + \cos\frac{\pi\,(t - w)}{T - w}\Bigr) \quad (t \ge w),

  with :math:`t = 0 \dots T-1` the step and :math:`T` the steps of the whole training.

The rate depends on the step only, so a resumed training sets the same rates as an
uninterrupted one (no scheduler state to save).
"""

from __future__ import annotations

import math

from miro._validation import check_choice, check_count

__all__ = ["LR_SCHEDULES", "WARMUP_FRACTION", "learning_rate"]

#: Names of the schedules :func:`learning_rate` knows.
LR_SCHEDULES = ("constant", "cosine")
#: Share of the steps that the cosine schedule spends warming up.
WARMUP_FRACTION = 0.05


def learning_rate(lr: float, schedule: str, step: int, total_steps: int) -> float:
    """The learning rate of optimisation step ``step`` (0-based) of ``total_steps``.

    Parameters
    ----------
    lr : float
        Peak (and, for ``"constant"``, only) learning rate :math:`\\eta`.
    schedule : {"constant", "cosine"}
    step : int
        :math:`t`, counted over the whole training (epochs times batches per epoch).
    total_steps : int
        :math:`T`.
    """
    check_choice(schedule, LR_SCHEDULES, "lr_schedule")
    total_steps = check_count(total_steps, "total_steps", 1)
    if schedule == "constant":
        return float(lr)
    warmup = math.ceil(WARMUP_FRACTION * total_steps)
    if step < warmup:
        return float(lr) * (step + 1) / warmup
    decay = max(total_steps - warmup, 1)
    return 0.5 * float(lr) * (1.0 + math.cos(math.pi * min(step - warmup, decay) / decay))
