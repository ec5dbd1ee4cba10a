"""Text localization files: plain CSV, ThunderSTORM and SMAP.

The delimiter and the layout are read from the header line; each layout has
its reader, which returns ``x``, ``y`` in nm and the other columns.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from miro._validation import check_index_column, fail, finite_column, need_rows
from miro.data.io._common import finish
from miro.data.io.units import _PIXEL_UNITS, _unit_factor, check_units

__all__: list[str] = []

# "x [nm]" (ThunderSTORM), "x (nm)" (Nanoimager), "Position X [nm]" (Zeiss Elyra)
_UNIT_COLUMN = re.compile(r"^\s*(?:position\s+)?([xy])\s*[\[(]\s*([^\])]*?)\s*[\])]\s*$", re.IGNORECASE)


def _read_header(path: Path) -> tuple[list[str], str]:
    """(column names, delimiter) of a text table; names stripped, BOM removed."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            line = handle.readline()
    except UnicodeDecodeError:
        fail(path, "is not UTF-8 text (a binary file?)", "give a CSV exported as UTF-8 text, or a Picasso .hdf5 file")
    if not line.strip():
        fail(path, "file is empty", "give a CSV with columns x,y in nm")
    counts = {sep: line.count(sep) for sep in (",", "\t", ";")}
    delimiter = max(counts, key=counts.get) if max(counts.values()) > 0 else ","
    names = [name.strip() for name in next(csv.reader([line], delimiter=delimiter))]
    seen, duplicates = set(), []
    for name in names:
        if name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    if duplicates:
        fail(path, f"column name(s) {', '.join(repr(d) for d in duplicates)} appear more than once", "rename or delete the duplicate columns")
    return names, delimiter


def _format_from_header(path, names: list[str]) -> str:
    lower = {n.lower() for n in names}
    plain = {"x", "y"} <= set(names)
    smap = {"xnm", "ynm"} <= lower
    unit_axes = {m.group(1).lower() for n in names if (m := _UNIT_COLUMN.match(n))}
    thunder = {"x", "y"} <= unit_axes
    found = [name for name, hit in (("csv", plain), ("thunderstorm", thunder), ("smap", smap)) if hit]
    if len(found) > 1:
        fail(
            path,
            f"columns fit several layouts ({', '.join(found)}: found {', '.join(names)})",
            "pass the format explicitly (format=..., command line --format) or delete the extra x/y columns",
        )
    if not found:
        fail(
            path,
            f"missing column(s) x, y (found {', '.join(names)})",
            "give x,y in nm, or ThunderSTORM 'x [nm]','y [nm]', or SMAP xnm,ynm",
        )
    return found[0]


def _read_table(path: Path, delimiter: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, sep=delimiter, encoding="utf-8-sig", skipinitialspace=True)
    except pd.errors.EmptyDataError:
        fail(path, "file is empty", "give a CSV with columns x,y in nm")
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        fail(path, f"not a readable CSV ({first_line})", "save it as comma-separated text")


def _read_plain(path, table, require_labels, unit, pixel_size, check):
    needed = ["x", "y"] + (["index"] if require_labels else [])
    missing = [column for column in needed if column not in table.columns]
    if missing:
        fail(
            path,
            f"missing column(s) {', '.join(missing)} (found {', '.join(map(str, table.columns))})",
            "give x,y in nm" + (" and index (0 = not clustered)" if require_labels else ""),
        )
    need_rows(path, table)
    factor = _unit_factor(unit, pixel_size, path, "x") if unit.strip().lower() != "nm" else 1.0
    for column in ("x", "y"):
        table[column] = finite_column(path, table, column) * factor
    check_index_column(path, table, require_labels)
    if check:
        hint = "convert to nm, or give the unit (unit='um', command line --unit um)"
        check_units(table, path, hint)
    table.attrs.update({"format": "csv", "source": str(path)})
    if factor != 1.0:
        table.attrs["unit"] = unit
    return table


def _read_smap(path, table, require_labels, check):
    by_lower = {c.lower(): c for c in table.columns}
    xcol, ycol = by_lower.get("xnm"), by_lower.get("ynm")
    if xcol is None or ycol is None:
        fail(path, f"missing column(s) xnm, ynm (found {', '.join(table.columns)})", "export the SMAP localizations as _sml.csv with xnm, ynm")
    need_rows(path, table)
    x = finite_column(path, table, xcol)
    y = finite_column(path, table, ycol)
    return finish(path, table, x, y, [xcol, ycol], "smap", require_labels, check, "SMAP's xnm, ynm should be nm; check the export")


def _read_thunderstorm(path, table, require_labels, pixel_size, check):
    coords = {}
    for column in table.columns:
        match = _UNIT_COLUMN.match(column)
        if match:
            axis = match.group(1).lower()
            if axis in coords:
                fail(path, f"columns {coords[axis][0]!r} and {column!r} both give {axis}", "keep one coordinate column per axis")
            coords[axis] = (column, match.group(2))
    missing = [a for a in ("x", "y") if a not in coords]
    if missing:
        fail(
            path,
            f"missing column(s) {', '.join(f'{a} [nm]' for a in missing)} (found {', '.join(table.columns)})",
            "export x and y with units from ThunderSTORM, e.g. 'x [nm]','y [nm]'",
        )
    need_rows(path, table)
    factors = {a: _unit_factor(coords[a][1], pixel_size, path, coords[a][0]) for a in ("x", "y")}
    x = finite_column(path, table, coords["x"][0]) * factors["x"]
    y = finite_column(path, table, coords["y"][0]) * factors["y"]
    units = f"{coords['x'][1]}/{coords['y'][1]}"
    attrs = {"units": units}
    if any(coords[a][1].strip().lower() in _PIXEL_UNITS for a in ("x", "y")):
        attrs.update(pixel_size_nm=pixel_size, pixel_size_from="argument")
    fix = f"the header says [{coords['x'][1]}] but the values look smaller; check the ThunderSTORM export units"
    return finish(path, table, x, y, [coords["x"][0], coords["y"][0]], "thunderstorm", require_labels, check, fix, **attrs)
