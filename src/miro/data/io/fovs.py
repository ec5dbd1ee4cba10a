"""Files of benchmark fields of view: the FOV number in a file name, and the FOV files of a folder."""

from __future__ import annotations

import re
from pathlib import Path

from miro.errors import MiroInputError

__all__ = ["fov_number", "list_fovs"]

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
