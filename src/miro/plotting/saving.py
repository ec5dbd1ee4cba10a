"""Writing a figure as PNG and SVG, byte-for-byte reproducibly."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = ["save_figure"]


def save_figure(fig: Figure, path_png, path_svg=None, *, dpi: int = 300) -> list[Path]:
    """Write a figure as PNG (and optionally SVG), creating parent folders.

    Parameters
    ----------
    fig : Figure
        e.g. from :func:`~miro.plotting.fig2.figure2`.
    path_png : str or Path
        PNG output, rendered by Agg at ``dpi``.
    path_svg : str or Path, optional
        SVG output (text kept as text; localizations are embedded as a raster
        so the file stays small).
    dpi : int, default 300

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    # no date and fixed element ids in SVGs: the same figure gives the same bytes
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "miro"}):
        for path, fmt in ((path_png, "png"), (path_svg, "svg")):
            if path is None:
                continue
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, format=fmt, dpi=dpi, facecolor="white", metadata={"Date": None} if fmt == "svg" else None)
            written.append(path)
    return written
