"""What every reader of localization files shares.

The advice given when a folder stands where a file is expected, and
:func:`finish`, which puts ``x``, ``y`` (nm) first, checks the labels and the
units and records where the table came from.
"""

from __future__ import annotations

import pandas as pd

from miro._validation import check_index_column
from miro.data.io.units import check_units

__all__ = ["NOT_A_FOLDER", "finish"]

#: Advice when a folder is given where a localization file is expected.
NOT_A_FOLDER = "give one localization file (CSV or Picasso .hdf5)"


def finish(path, table: pd.DataFrame, x_nm, y_nm, drop: list[str], fmt: str, require_labels: bool, check: bool, fix: str, **attrs):
    """x, y (nm) first, then every other column; labels validated; attrs set."""
    rest = table.drop(columns=drop)
    out = pd.concat([pd.DataFrame({"x": x_nm, "y": y_nm}, index=table.index), rest], axis=1)
    check_index_column(path, out, require_labels)
    if check:
        check_units(out, path, fix)
    out.attrs.update({"format": fmt, "source": str(path), **attrs})
    return out
