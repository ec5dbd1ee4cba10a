"""CSV files written through a temporary file, and label files (``fov, label``) of several FOVs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from miro._outputs import atomic_output
from miro.errors import MiroInputError

__all__ = ["write_csv", "write_labels", "read_labels"]


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` as CSV through a temporary file renamed into place (never half-written)."""
    path = Path(path)
    with atomic_output(path) as temporary:
        table.to_csv(temporary, index=False)
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
