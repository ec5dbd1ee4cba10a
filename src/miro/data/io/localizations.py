"""Reading a localization file of any supported format in nm, and guessing its format.

:func:`read_localizations` dispatches to the text readers
(:mod:`miro.data.io.csv_formats`) or the Picasso reader
(:mod:`miro.data.io.picasso`); see :mod:`miro.data.io` for the formats.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from miro._validation import check_pixel_size, existing_file
from miro.data.download import check_stamp
from miro.data.io._common import NOT_A_FOLDER
from miro.data.io.csv_formats import _format_from_header, _read_header, _read_plain, _read_smap, _read_table, _read_thunderstorm
from miro.data.io.picasso import read_picasso
from miro.errors import MiroInputError

__all__ = ["FORMATS", "detect_format", "read_localizations"]

#: Formats understood by :func:`read_localizations` (``"auto"`` guesses).
FORMATS = ("auto", "csv", "thunderstorm", "smap", "picasso")

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_HDF5_SUFFIXES = (".h5", ".hdf5", ".hdf")


def detect_format(path: str | Path) -> str:
    """Guess the format of a localization file: ``"csv"``, ``"thunderstorm"``, ``"smap"`` or ``"picasso"``.

    HDF5 files (by signature or suffix ``.h5``/``.hdf5``) are Picasso files.
    For text files the header decides: ``x [unit]``/``y [unit]`` →
    ThunderSTORM, ``xnm``/``ynm`` → SMAP, ``x``/``y`` → plain CSV.

    Raises
    ------
    MiroInputError
        Missing or empty file, or a header matching none (or more than one)
        of the layouts.
    """
    path = existing_file(path, NOT_A_FOLDER)
    if _looks_like_hdf5(path):
        return "picasso"
    header, _ = _read_header(path)
    return _format_from_header(path, header)


def _looks_like_hdf5(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            signature = handle.read(8)
    except OSError:
        return path.suffix.lower() in _HDF5_SUFFIXES
    return signature == _HDF5_SIGNATURE or path.suffix.lower() in _HDF5_SUFFIXES


def read_localizations(
    path: str | Path,
    require_labels: bool = False,
    *,
    format: str = "auto",
    pixel_size: float | None = None,
    unit: str = "nm",
    check_units: bool = True,
) -> pd.DataFrame:
    """Read a localization file; return ``x``, ``y`` in nm plus its other columns.

    Parameters
    ----------
    path : str or Path
        Plain or benchmark CSV (``x,y[,index]``), ThunderSTORM CSV,
        SMAP ``_sml.csv`` or Picasso HDF5 (see the module notes).
    require_labels : bool, default False
        Demand a ground-truth ``index`` column (integer, 0 = not clustered).
    format : {"auto", "csv", "thunderstorm", "smap", "picasso"}, default "auto"
        ``"auto"`` guesses with :func:`detect_format`.
    pixel_size : float, optional
        Camera pixel size in nm. Needed for ThunderSTORM ``[px]`` columns and
        ``unit="px"``; for Picasso files it overrides the ``Pixelsize`` of the
        YAML sidecar or the embedded ``/metadata``.
    unit : {"nm", "um", "µm", "px"}, default "nm"
        Unit of a plain CSV's ``x``, ``y`` (other formats say their unit).
    check_units : bool, default True
        Refuse fields of > 100 points spanning < 50 nm (see the module notes).

    Returns
    -------
    pandas.DataFrame
        ``x`` and ``y`` as float64 nm, ``index`` as int64 when present, and
        the file's other columns. For plain CSVs the column order is the
        file's; for the other formats ``x``, ``y`` come first and replace the
        file's coordinate columns. ``table.attrs`` holds ``format`` and
        ``source`` (and ``pixel_size_nm``, ``pixel_size_from`` where used).

    Raises
    ------
    MiroInputError
        One line naming the file, what is wrong and how to fix it: missing,
        empty or unreadable file, missing or duplicate columns, ambiguous
        layout, non-numeric, NaN or infinite coordinates, unknown units,
        pixels without a pixel size, coordinates that are not nm, negative or
        non-integer labels, and for Picasso files a missing ``/locs`` table,
        sidecar or ``Pixelsize``.
    """
    if format not in FORMATS:
        raise MiroInputError(f"format: unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if pixel_size is not None:
        pixel_size = check_pixel_size(pixel_size, "pixel_size")
    path = existing_file(path, NOT_A_FOLDER)
    check_stamp(path)
    if format == "auto":
        format = "picasso" if _looks_like_hdf5(path) else None
    plain_unit = unit.strip().lower() == "nm"
    if format == "picasso":
        if not plain_unit:
            raise MiroInputError(f"unit: {unit!r} applies to plain x,y CSV files only; the Picasso file {path} is in camera pixels (give --pixel-size)")
        return read_picasso(path, require_labels, pixel_size=pixel_size, check_units=check_units)
    names, delimiter = _read_header(path)
    if format is None:
        format = _format_from_header(path, names)
    if not plain_unit and format != "csv":
        raise MiroInputError(f"unit: {unit!r} applies to plain x,y CSV files only; the {format} file {path} states its own units")
    table = _read_table(path, delimiter)
    table.columns = [str(c).strip() for c in table.columns]
    if format == "csv":
        return _read_plain(path, table, require_labels, unit, pixel_size, check_units)
    if format == "smap":
        return _read_smap(path, table, require_labels, check_units)
    return _read_thunderstorm(path, table, require_labels, pixel_size, check_units)
