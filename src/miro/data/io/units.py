"""Length units of localization files, and the check that coordinates are in nm (see :mod:`miro.data.io`)."""

from __future__ import annotations

import pandas as pd

from miro._validation import check_pixel_size, fail
from miro.errors import MiroInputError

__all__ = ["UNIT_CHECK_MIN_POINTS", "UNIT_CHECK_MAX_EXTENT_NM", "UNIT_CHECK_SMALL_EXTENT_NM", "check_units"]

#: Unit check: more points than this ...
UNIT_CHECK_MIN_POINTS = 100

#: ... spanning less than this many nm along both axes raise an error.
UNIT_CHECK_MAX_EXTENT_NM = 50.0

#: Any 2 or more distinct points spanning less than this many nm along both axes (a 2 µm field in µm
#: spans "2 nm"; localization precision is several nm) raise an error too.
UNIT_CHECK_SMALL_EXTENT_NM = 5.0

#: nm per unit for the length units accepted in headers and ``unit=``.
_UNIT_NM = {"nm": 1.0, "um": 1000.0, "µm": 1000.0, "μm": 1000.0, "micron": 1000.0, "microns": 1000.0, "mm": 1e6}

_PIXEL_UNITS = ("px", "pixel", "pixels")


def _unit_factor(unit: str, pixel_size, path, column: str) -> float:
    """nm per unit of ``column``; ``px`` needs ``pixel_size`` (nm)."""
    key = unit.strip().lower()
    if key in _UNIT_NM or unit.strip() in _UNIT_NM:
        return _UNIT_NM.get(key, _UNIT_NM.get(unit.strip()))
    if key in _PIXEL_UNITS:
        if pixel_size is None:
            fail(path, f"column {column!r} is in camera pixels", "pass the pixel size in nm (pixel_size=..., command line --pixel-size 130)")
        return check_pixel_size(pixel_size, str(path))
    fail(path, f"column {column!r} has unknown unit {unit!r}", "use nm, um (µm) or px (with a pixel size)")


def check_units(table: pd.DataFrame, path, fix: str) -> None:
    """Raise if ``table`` (x, y in nm) is suspiciously small: see the module notes.

    Parameters
    ----------
    table : DataFrame with ``x``, ``y`` (nm)
    path : str or Path
        Named in the message.
    fix : str
        The format-specific advice appended to the message.
    """
    n = len(table)
    if n < 2:
        return
    extent_x = float(table["x"].max() - table["x"].min())
    extent_y = float(table["y"].max() - table["y"].min())
    extent = max(extent_x, extent_y)
    if extent == 0:
        raise MiroInputError(
            f"{path}: all {n} localizations lie at one position ({table['x'].iloc[0]:g}, {table['y'].iloc[0]:g}), so there is "
            f"nothing to cluster (rounded or placeholder coordinates?); check the x, y columns, or turn this check off (check_units=False, command line --no-unit-check)"
        )
    if extent < UNIT_CHECK_SMALL_EXTENT_NM or (n > UNIT_CHECK_MIN_POINTS and extent < UNIT_CHECK_MAX_EXTENT_NM):
        raise MiroInputError(
            f"{path}: {n} localizations span only {extent_x:.3g} x {extent_y:.3g} nm, which looks like µm or "
            f"normalised units, not nm; {fix}, or turn this check off (check_units=False, command line --no-unit-check)"
        )
