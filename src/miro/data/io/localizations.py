"""Reading localization tables.

A localization table is a :class:`pandas.DataFrame` with columns ``x`` and ``y``
(nm) and, when ground truth is known, ``index`` (integer cluster label,
0 = not clustered), as in the Nieves et al. (2023) benchmark files
(``"x","y","index"``). Files of the benchmark are numbered by the trailing
integer of their name (``diffden_DetectionList7.csv`` and
``highden_MoleculeList_7.csv`` are both field of view 7).

:func:`read_localizations` reads the files SMLM software writes and always
returns ``x``, ``y`` in nm:

========================  ===============================================  =================================
format                    how it is recognised                             coordinates
========================  ===============================================  =================================
``"csv"`` (plain)         columns ``x``, ``y`` (optional ``index``)         nm (or ``unit="um"``/``"px"``)
``"thunderstorm"``        columns ``x [unit]``, ``y [unit]``                 unit from the header: nm, µm/um, px
``"smap"``                columns ``xnm``, ``ynm`` (SMAP ``_sml.csv``)      nm
``"picasso"``             HDF5 file with a ``/locs`` table                  camera pixels × ``Pixelsize`` (nm)
========================  ===============================================  =================================

CSV files may be comma-, tab- or semicolon-separated (guessed from the
header line). Every other column is kept unchanged (name and unit), e.g.
``frame``, ``uncertainty [nm]``, ``uncertainty_xy [nm]``, ``lpx`` (Picasso,
still in pixels).

**Unit check.** A field of more than :data:`UNIT_CHECK_MIN_POINTS` (100)
localizations whose x and y extents are both below
:data:`UNIT_CHECK_MAX_EXTENT_NM` (50 nm) is almost certainly not in nm (a
40 µm field written in µm spans "40 nm"); :func:`read_localizations` then
raises :class:`~miro.errors.MiroInputError` instead of clustering nonsense.
Pass ``check_units=False`` (command line: ``--no-unit-check``) for data
that really are that small. Pixel coordinates (a 256-pixel camera spans
"256 nm") cannot be told from a small nm field this way; they are caught
only where the file says so (ThunderSTORM ``[px]``, Picasso).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from miro._validation import check_index_column, check_pixel_size, existing_file, fail, finite_column, need_rows
from miro.errors import MiroInputError

__all__ = [
    "fov_number",
    "list_fovs",
    "FORMATS",
    "UNIT_CHECK_MIN_POINTS",
    "UNIT_CHECK_MAX_EXTENT_NM",
    "detect_format",
    "check_units",
    "read_localizations",
    "read_picasso",
    "write_csv",
    "write_labels",
    "read_labels",
]

_TRAILING_NUMBER = re.compile(r"(\d+)\D*$")


def fov_number(name: str | Path) -> int:
    """Field-of-view number of a benchmark file: the trailing integer of its stem.

    The authors' notebook sorted by the *first* integer, which is wrong for
    stems such as ``normal_50single_MoleculeList_7.csv``; the trailing integer
    is the FOV number in every folder of the benchmark.

    Examples
    --------
    >>> fov_number("diffden_DetectionList12.csv")
    12
    >>> fov_number("normal_50single_MoleculeList_7.csv")
    7
    """
    stem = Path(name).stem
    match = _TRAILING_NUMBER.search(stem)
    if match is None:
        raise MiroInputError(
            f"{name}: file name has no trailing field-of-view number; "
            "name benchmark files <stem><N>.csv or <stem>_<N>.csv"
        )
    return int(match.group(1))


def list_fovs(folder: str | Path, pattern: str = "*.csv") -> dict[int, Path]:
    """Map FOV number → file for every file of ``folder`` matching ``pattern``.

    Raises
    ------
    MiroInputError
        If the folder does not exist, holds no matching file, or two files
        share one FOV number.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise MiroInputError(f"{folder}: folder not found; download the data first (see README)")
    fovs: dict[int, Path] = {}
    for path in sorted(folder.glob(pattern)):
        number = fov_number(path.name)
        if number in fovs:
            raise MiroInputError(
                f"{path}: FOV {number} also given by {fovs[number].name}; keep one file per FOV"
            )
        fovs[number] = path
    if not fovs:
        raise MiroInputError(f"{folder}: no {pattern} files; download the data first (see README)")
    return dict(sorted(fovs.items()))


#: Formats understood by :func:`read_localizations` (``"auto"`` guesses).
FORMATS = ("auto", "csv", "thunderstorm", "smap", "picasso")

#: Unit check: more points than this ...
UNIT_CHECK_MIN_POINTS = 100
#: ... spanning less than this many nm along both axes raise an error.
UNIT_CHECK_MAX_EXTENT_NM = 50.0

#: nm per unit for the length units accepted in headers and ``unit=``.
_UNIT_NM = {"nm": 1.0, "um": 1000.0, "µm": 1000.0, "μm": 1000.0, "micron": 1000.0, "microns": 1000.0, "mm": 1e6}
_PIXEL_UNITS = ("px", "pixel", "pixels")
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_HDF5_SUFFIXES = (".h5", ".hdf5", ".hdf")
# "x [nm]" (ThunderSTORM), "x (nm)" (Nanoimager), "Position X [nm]" (Zeiss Elyra)
_UNIT_COLUMN = re.compile(r"^\s*(?:position\s+)?([xy])\s*[\[(]\s*([^\])]*?)\s*[\])]\s*$", re.IGNORECASE)
#: Advice when a folder is given where a localization file is expected.
_NOT_A_FOLDER = "give one localization file (CSV or Picasso .hdf5)"


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
    path = existing_file(path, _NOT_A_FOLDER)
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
    if n <= UNIT_CHECK_MIN_POINTS:
        return
    extent_x = float(table["x"].max() - table["x"].min())
    extent_y = float(table["y"].max() - table["y"].min())
    if max(extent_x, extent_y) < UNIT_CHECK_MAX_EXTENT_NM:
        raise MiroInputError(
            f"{path}: {n} localizations span only {extent_x:.3g} x {extent_y:.3g} nm, which looks like µm or "
            f"normalised units, not nm; {fix}, or turn this check off (check_units=False, command line --no-unit-check)"
        )


def _finish(path, table: pd.DataFrame, x_nm, y_nm, drop: list[str], fmt: str, require_labels: bool, check: bool, fix: str, **attrs):
    """x, y (nm) first, then every other column; labels validated; attrs set."""
    rest = table.drop(columns=drop)
    out = pd.concat([pd.DataFrame({"x": x_nm, "y": y_nm}, index=table.index), rest], axis=1)
    check_index_column(path, out, require_labels)
    if check:
        check_units(out, path, fix)
    out.attrs.update({"format": fmt, "source": str(path), **attrs})
    return out


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
    path = existing_file(path, _NOT_A_FOLDER)
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
    return _finish(path, table, x, y, [xcol, ycol], "smap", require_labels, check, "SMAP's xnm, ynm should be nm; check the export")


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
    return _finish(path, table, x, y, [coords["x"][0], coords["y"][0]], "thunderstorm", require_labels, check, fix, **attrs)


# --------------------------------------------------------------------------- Picasso


def _find_key(node, key: str):
    """First value stored under ``key`` in nested lists/dicts (YAML documents), else None."""
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for value in node.values():
            found = _find_key(value, key)
            if found is not None:
                return found
    elif isinstance(node, (list, tuple)):
        for value in node:
            found = _find_key(value, key)
            if found is not None:
                return found
    return None


def _sidecar_pixel_size(path: Path, sidecar: Path):
    import yaml

    try:
        with open(sidecar, encoding="utf-8") as handle:
            documents = list(yaml.safe_load_all(handle))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        fail(sidecar, f"is not valid YAML ({reason})", f"repair or delete it and pass the pixel size (--pixel-size) for {path.name}")
    return _find_key(documents, "Pixelsize")


def _embedded_pixel_size(handle):
    """``Pixelsize`` from ``/metadata`` (Picasso >= 0.11: a JSON string) or its attributes."""
    if "metadata" not in handle:
        return None
    import yaml

    node = handle["metadata"]
    found = _find_key({k: v for k, v in node.attrs.items()}, "Pixelsize")
    if found is not None:
        return found
    try:
        import h5py

        if isinstance(node, h5py.Dataset):
            raw = node[()]
            if isinstance(raw, np.ndarray):
                raw = raw.ravel()[0] if raw.size else b""
            text = raw.decode("utf-8") if isinstance(raw, (bytes, np.bytes_)) else str(raw)
            try:
                document = json.loads(text)
            except ValueError:
                document = list(yaml.safe_load_all(text))
            return _find_key(document, "Pixelsize")
        found = None

        def visit(name, obj):
            nonlocal found
            if found is None:
                found = _find_key(dict(obj.attrs), "Pixelsize")
                if found is None and name.split("/")[-1] == "Pixelsize" and isinstance(obj, h5py.Dataset):
                    found = obj[()]

        node.visititems(visit)
        return found
    except (ValueError, TypeError, UnicodeDecodeError, yaml.YAMLError):
        return None


def read_picasso(
    path: str | Path,
    require_labels: bool = False,
    *,
    pixel_size: float | None = None,
    sidecar: str | Path | None = None,
    check_units: bool = True,
) -> pd.DataFrame:
    """Read a Picasso localization file (HDF5 ``/locs`` table); x, y converted from camera pixels to nm.

    Parameters
    ----------
    path : str or Path
        ``*_locs.hdf5``. ``/locs`` is a structured array (written with h5py,
        not pandas ``to_hdf``) with at least ``x``, ``y`` in camera pixels.
    require_labels : bool, default False
        Demand an ``index`` field (Picasso's ``group`` is kept as is, it is
        not taken as ground truth).
    pixel_size : float, optional
        nm per camera pixel. Default: ``Pixelsize`` from the YAML sidecar
        (``<name>.yaml`` beside the file; several YAML documents, the first
        that holds the key wins), else from the ``/metadata`` embedded in the
        HDF5 file by Picasso >= 0.11.
    sidecar : str or Path, optional
        Another YAML file to take ``Pixelsize`` from.
    check_units : bool, default True

    Returns
    -------
    pandas.DataFrame
        ``x``, ``y`` (nm), then the other ``/locs`` fields unchanged
        (``frame``, ``photons``, ``lpx``/``lpy`` in pixels, ``z`` in nm...).
        ``attrs["pixel_size_nm"]`` and ``attrs["pixel_size_from"]`` say which
        pixel size was used.
    """
    import h5py

    path = existing_file(path, _NOT_A_FOLDER)
    if pixel_size is not None:
        pixel_size = check_pixel_size(pixel_size, "pixel_size")
    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        fail(path, f"is not a readable HDF5 file ({reason})", "give a Picasso _locs.hdf5 file, or a CSV with x,y in nm")
    with handle:
        if "locs" not in handle:
            found = ", ".join(sorted(handle.keys())) or "nothing"
            fail(path, f"has no /locs table (found {found})", "give a Picasso localization file (_locs.hdf5)")
        locs = handle["locs"]
        if not isinstance(locs, h5py.Dataset) or locs.dtype.names is None:
            fail(
                path,
                "/locs is not a table of named columns",
                "write it with h5py as a structured array (pandas to_hdf files are not Picasso files)",
            )
        fields = locs.dtype.names
        missing = [f for f in ("x", "y") if f not in fields]
        if missing:
            fail(path, f"/locs has no field(s) {', '.join(missing)} (found {', '.join(fields)})", "give x, y in camera pixels")
        try:
            records = locs[()]
        except OSError as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            fail(path, f"/locs cannot be read ({reason})", "the file is damaged; export it again from Picasso")
        embedded = _embedded_pixel_size(handle) if pixel_size is None else None

    if pixel_size is not None:
        source = "argument"
    else:
        sidecar_path = Path(sidecar) if sidecar is not None else path.with_suffix(".yaml")
        value = None
        if sidecar_path.is_file():
            value = _sidecar_pixel_size(path, sidecar_path)
            if value is not None:
                pixel_size, source = check_pixel_size(value, f"{sidecar_path} (Pixelsize)"), "sidecar"
        elif sidecar is not None:
            fail(sidecar_path, "sidecar file not found", "check the path")
        if pixel_size is None and embedded is not None:
            pixel_size, source = check_pixel_size(embedded, f"{path} (/metadata Pixelsize)"), "metadata"
        if pixel_size is None:
            where = f"{sidecar_path.name} has no Pixelsize" if sidecar_path.is_file() else f"no sidecar {sidecar_path.name}"
            fail(
                path,
                f"camera pixel size unknown ({where} and no Pixelsize in /metadata)",
                "put the YAML sidecar from Picasso next to the file, or pass the pixel size in nm (--pixel-size 130)",
            )

    table = pd.DataFrame({name: records[name] for name in fields if records[name].ndim == 1})
    need_rows(path, table)
    x = finite_column(path, table, "x", "x (/locs)") * pixel_size
    y = finite_column(path, table, "y", "y (/locs)") * pixel_size
    fix = f"the pixel size {pixel_size:g} nm (from {source}) looks wrong; Picasso's Pixelsize is nm per camera pixel (e.g. 130)"
    return _finish(path, table, x, y, ["x", "y"], "picasso", require_labels, check_units, fix, pixel_size_nm=pixel_size, pixel_size_from=source)


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` as CSV through a temporary file renamed into place (never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    table.to_csv(temporary, index=False)
    temporary.replace(path)
    return path


def write_labels(path: str | Path, labels_by_fov: dict[int, np.ndarray]) -> Path:
    """Write cluster labels of several FOVs as one CSV with columns ``fov, label``.

    Rows of one FOV follow the row order of its localization file; label 0
    means not clustered.
    """
    fovs = sorted(labels_by_fov)
    table = pd.DataFrame(
        {
            "fov": np.concatenate([np.full(len(labels_by_fov[f]), f, dtype=np.int64) for f in fovs]) if fovs else [],
            "label": np.concatenate([np.asarray(labels_by_fov[f], dtype=np.int64) for f in fovs]) if fovs else [],
        }
    )
    return write_csv(table, path)


def read_labels(path: str | Path) -> dict[int, np.ndarray]:
    """Read a label file written by :func:`write_labels` into ``{fov: labels}``."""
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype={"fov": np.int64, "label": np.int64})
    except (FileNotFoundError, pd.errors.EmptyDataError, ValueError) as error:
        raise MiroInputError(f"{path}: not a label file ({str(error).splitlines()[0]}); expected columns fov,label") from None
    if list(table.columns) != ["fov", "label"]:
        raise MiroInputError(f"{path}: expected columns fov,label, found {', '.join(table.columns)}")
    return {int(fov): group["label"].to_numpy() for fov, group in table.groupby("fov", sort=True)}
