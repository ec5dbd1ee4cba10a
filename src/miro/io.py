"""Reading localization tables.

A localization table is a :class:`pandas.DataFrame` with columns ``x`` and ``y``
(nm) and, when ground truth is known, ``index`` (integer cluster label,
0 = not clustered), as in the Nieves et al. (2023) benchmark files
(``"x","y","index"``). Files of the benchmark are numbered by the trailing
integer of their name (``diffden_DetectionList7.csv`` and
``highden_MoleculeList_7.csv`` are both field of view 7).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import MiroInputError

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


def read_localizations(path: str | Path, require_labels: bool = False) -> pd.DataFrame:
    """Read a CSV of localizations with columns ``x``, ``y`` (nm) and optional ``index``.

    Parameters
    ----------
    path : str or Path
        CSV file; extra columns (``frame``, ``uncertainty`` ...) are kept.
    require_labels : bool, default False
        Demand a ground-truth ``index`` column (integer, 0 = not clustered).

    Returns
    -------
    pandas.DataFrame
        ``x`` and ``y`` as float64 nm, ``index`` as int64 when present.

    Raises
    ------
    MiroInputError
        One line naming the file, what is wrong and how to fix it: unreadable
        or empty file, missing columns, non-numeric, NaN or infinite
        coordinates, negative or non-integer labels.
    """
    path = Path(path)
    if not path.is_file():
        raise MiroInputError(f"{path}: file not found; check the path")
    try:
        table = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise MiroInputError(f"{path}: file is empty; give a CSV with columns x,y in nm") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        first_line = str(error).splitlines()[0]
        raise MiroInputError(f"{path}: not a readable CSV ({first_line}); save it as comma-separated text") from None
    needed = ["x", "y"] + (["index"] if require_labels else [])
    missing = [column for column in needed if column not in table.columns]
    if missing:
        raise MiroInputError(
            f"{path}: missing column(s) {', '.join(missing)} (found {', '.join(map(str, table.columns))}); "
            "give x,y in nm" + (" and index (0 = not clustered)" if require_labels else "")
        )
    if len(table) == 0:
        raise MiroInputError(f"{path}: no localizations; give at least one row")
    for column in ("x", "y"):
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2  # 1-based, after the header line
            raise MiroInputError(
                f"{path}: column {column} has {int(bad.sum())} missing, non-numeric or infinite value(s) "
                f"(first on line {row}); remove those rows"
            )
        table[column] = values
    if "index" in table.columns:
        labels = pd.to_numeric(table["index"], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)) or np.any(labels < 0):
            raise MiroInputError(
                f"{path}: column index must hold whole numbers >= 0 (0 = not clustered); fix the labels"
            )
        table["index"] = labels.astype(np.int64)
    return table


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
