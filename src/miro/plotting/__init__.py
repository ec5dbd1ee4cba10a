"""Figures of the paper, drawn without a display.

* :mod:`miro.plotting.style` — font sizes, colours and scale-bar lengths
  shared by every figure;
* :mod:`miro.plotting.panels` — example FOVs coloured by cluster, and per-FOV
  metric distributions with significance brackets;
* :mod:`miro.plotting.fig2`, :mod:`~miro.plotting.fig3`,
  :mod:`~miro.plotting.fig4a`, :mod:`~miro.plotting.fig4b_e` and
  :mod:`~miro.plotting.fig5` — one module per figure;
* :mod:`miro.plotting.loss_curve` — the loss curve of a training;
* :mod:`miro.plotting.leaderboard` — the leaderboard heatmap of every method;
* :mod:`miro.plotting.saving` — PNG and SVG files.

Everything here draws on :class:`matplotlib.figure.Figure` objects that are not
registered with :mod:`matplotlib.pyplot`, so no display is needed and no
global backend is changed; :func:`save_figure` writes through matplotlib's Agg
(PNG) and SVG canvases. Coordinates are in nanometres.
"""

from miro.plotting import fig2, fig3, fig4a, fig4b_e, fig5, leaderboard, loss_curve, panels, saving, style
from miro.plotting.fig2 import *  # noqa: F403
from miro.plotting.fig3 import *  # noqa: F403
from miro.plotting.fig4a import *  # noqa: F403
from miro.plotting.fig4b_e import *  # noqa: F403
from miro.plotting.fig5 import *  # noqa: F403
from miro.plotting.leaderboard import *  # noqa: F403
from miro.plotting.loss_curve import *  # noqa: F403
from miro.plotting.panels import *  # noqa: F403
from miro.plotting.saving import *  # noqa: F403
from miro.plotting.style import *  # noqa: F403

__all__ = [
    *fig2.__all__,
    *fig3.__all__,
    *fig4a.__all__,
    *fig4b_e.__all__,
    *fig5.__all__,
    *leaderboard.__all__,
    *loss_curve.__all__,
    *panels.__all__,
    *saving.__all__,
    *style.__all__,
]
