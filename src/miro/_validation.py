"""Checks of the arguments and files users give to MIRO, shared by every layer.

Each check returns the value in the form the caller needs (an array, a float,
an ``(low, high)`` pair ...) or raises :class:`~miro.errors.MiroInputError`
with one line naming the argument (or file), the problem and the fix. The
modules that used to hold these checks call them with the same names and
get the same messages. Nothing here imports another part of :mod:`miro`
than :mod:`miro.errors`, so every layer can use it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from miro.errors import MiroInputError

__all__ = [
    "fail",
    "existing_file",
    "need_rows",
    "finite_column",
    "check_index_column",
    "label_column",
    "check_pixel_size",
    "seed_generator",
    "check_number",
    "check_range",
    "check_fraction",
    "check_placement",
    "check_training_seed",
    "check_count",
    "check_non_negative",
    "check_int_range",
    "check_float_range",
    "check_whole_number",
    "check_tiles",
    "grid_values",
    "check_choice",
    "check_convention",
    "as_xy",
    "check_xy",
    "check_xy_shape",
    "as_cloud",
    "check_radius",
    "check_training_radius",
    "check_labels",
    "whole_labels",
    "whole_counts",
    "check_label_array",
    "check_label_pair",
    "check_scoring_inputs",
    "as_1d",
    "check_per_fov",
    "check_long_table",
]


# --------------------------------------------------------------------------- files and their columns


def fail(path, problem: str, fix: str):
    """Raise the one-line error ``"<path>: <problem>; <fix>"``."""
    raise MiroInputError(f"{path}: {problem}; {fix}")


def existing_file(path, folder_fix: str) -> Path:
    """``path`` as a Path when it is a file; ``folder_fix`` is the advice when it is a folder."""
    path = Path(path)
    if path.is_dir():
        fail(path, "is a folder, not a file", folder_fix)
    if not path.is_file():
        fail(path, "file not found", "check the path")
    return path


def need_rows(path, table):
    """Refuse a localization table without rows."""
    if len(table) == 0:
        fail(path, "no localizations", "give at least one row")


def finite_column(path, table: pd.DataFrame, column: str, label: str | None = None) -> np.ndarray:
    """The numbers of ``table[column]``; refuses missing, non-numeric and infinite values (first bad line named)."""
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 2  # 1-based, after the header line
        raise MiroInputError(
            f"{path}: column {label or column} has {int(bad.sum())} missing, non-numeric or infinite value(s) "
            f"(first on line {row}); remove those rows"
        )
    return values


def check_index_column(path, table: pd.DataFrame, require_labels: bool) -> None:
    """Check (and make int64) the ground-truth ``index`` column of a localization table; demand it if asked."""
    if require_labels and "index" not in table.columns:
        fail(path, f"missing column(s) index (found {', '.join(map(str, table.columns))})", "give x,y in nm and index (0 = not clustered)")
    if "index" in table.columns:
        labels = pd.to_numeric(table["index"], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)) or np.any(labels < 0):
            raise MiroInputError(
                f"{path}: column index must hold whole numbers >= 0 (0 = not clustered); fix the labels"
            )
        table["index"] = labels.astype(np.int64)


def label_column(table: pd.DataFrame, column: str, path) -> np.ndarray:
    """The cluster labels of ``table[column]`` (whole numbers >= 0) for ``miro evaluate``."""
    if column not in table.columns:
        raise MiroInputError(f"{path}: no column {column!r} (found {', '.join(map(str, table.columns))}); name the label column with --pred-column/--gt-column")
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values != np.round(values)) or np.any(values < 0):
        raise MiroInputError(
            f"{path}: column {column} must hold whole numbers >= 0 (0 = not clustered); "
            "for scikit-learn labels (-1 = noise) add 1 first"
        )
    return values.astype(np.int64)


def check_pixel_size(pixel_size, where: str) -> float:
    """A camera pixel size in nm (refuses values that look like µm or are implausibly large)."""
    try:
        value = float(pixel_size)
    except (TypeError, ValueError):
        raise MiroInputError(f"{where}: pixel size {pixel_size!r} is not a number; give the camera pixel size in nm (e.g. 130)") from None
    if not math.isfinite(value) or value <= 0:
        raise MiroInputError(f"{where}: pixel size {pixel_size!r} is not positive; give the camera pixel size in nm (e.g. 130)")
    if value < 1:
        raise MiroInputError(
            f"{where}: pixel size {value:g} nm looks like µm, not nm; give it in nm (e.g. 0.13 µm -> 130)"
        )
    if value > 10_000:
        raise MiroInputError(f"{where}: pixel size {value:g} nm is implausibly large; give the camera pixel size in nm (e.g. 130)")
    return value


# --------------------------------------------------------------------------- numbers and ranges


def seed_generator(seed) -> np.random.Generator:
    """The random generator for ``seed`` (a non-negative int or a Generator) of a simulated FOV."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise MiroInputError(
        f"seed={seed!r}: give a non-negative integer or a numpy.random.Generator so the FOV is reproducible"
    )


def check_number(value, name: str, *, integer: bool, minimum: float, inclusive: bool = True) -> float:
    """Check that ``value`` is a finite (integer) number >= ``minimum`` (> if not inclusive)."""
    kind = numbers.Integral if integer else numbers.Real
    if not isinstance(value, kind) or isinstance(value, bool) or not np.isfinite(value):
        raise MiroInputError(f"{name}={value!r}: give a finite {'integer' if integer else 'number'}")
    if value < minimum or (not inclusive and value == minimum):
        raise MiroInputError(f"{name}={value!r}: must be {'>=' if inclusive else '>'} {minimum}")
    return value


def check_range(value, name: str, *, integer: bool, minimum: float = 0) -> tuple:
    """Read a number or an inclusive ``[low, high]`` range into ``(low, high)``."""
    if isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, (str, bytes)):
        if len(value) != 2:
            raise MiroInputError(f"{name}={value!r}: give one number or a range [low, high]")
        low, high = value
    else:
        low = high = value
    low = check_number(low, name, integer=integer, minimum=minimum)
    high = check_number(high, name, integer=integer, minimum=minimum)
    if low > high:
        raise MiroInputError(f"{name}={value!r}: range [low, high] needs low <= high")
    return low, high


def check_fraction(value, name: str) -> float:
    """Check a fraction in [0, 1)."""
    check_number(value, name, integer=False, minimum=0)
    if value >= 1:
        raise MiroInputError(f"{name}={value!r}: must be in [0, 1)")
    return float(value)


def check_placement(fov: float, margin: float, min_distance: float) -> None:
    """Check a square FOV edge (nm), the margin kept free at its border and the minimum centre spacing."""
    check_number(fov, "fov", integer=False, minimum=0, inclusive=False)
    check_number(margin, "margin", integer=False, minimum=0)
    check_number(min_distance, "min_distance", integer=False, minimum=0)
    if 2 * margin >= fov:
        raise MiroInputError(f"margin={margin!r}: must be less than fov/2 = {fov / 2} nm")


def check_training_seed(seed) -> int:
    """The seed of a training set: a non-negative integer."""
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    raise MiroInputError(f"seed: give a non-negative integer so the training set is reproducible, got {seed!r}")


def check_count(value, name: str, minimum: int = 0) -> int:
    """An integer (not a bool) >= ``minimum``, returned as int."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= minimum:
        return int(value)
    raise MiroInputError(f"{name}: expected an integer >= {minimum}, got {value!r}")


def check_non_negative(value, name: str) -> float:
    """A finite number >= 0, returned as float."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not math.isfinite(v) or v < 0:
        raise MiroInputError(f"{name}: expected a finite number >= 0, got {value!r}")
    return v


def check_int_range(value, name: str, minimum: int = 0) -> tuple[int, int]:
    """``(low, high)`` drawn as ``randint(low, high)``: high exclusive; low == high fixes the value."""
    try:
        low, high = value
    except (TypeError, ValueError):
        raise MiroInputError(f"{name}: expected [low, high] (high exclusive, as numpy randint), got {value!r}") from None
    low, high = check_count(low, f"{name}[0]", minimum), check_count(high, f"{name}[1]", minimum)
    if high < low:
        raise MiroInputError(f"{name}: low {low} > high {high}; give [low, high]")
    return low, high


def check_float_range(value, name: str, upper: float | None = None) -> tuple[float, float]:
    """``(low, high)`` of non-negative numbers, ``high`` at most ``upper`` when given."""
    try:
        low, high = value
    except (TypeError, ValueError):
        raise MiroInputError(f"{name}: expected [low, high], got {value!r}") from None
    low, high = check_non_negative(low, f"{name}[0]"), check_non_negative(high, f"{name}[1]")
    if high < low:
        raise MiroInputError(f"{name}: low {low} > high {high}; give [low, high]")
    if upper is not None and high > upper:
        raise MiroInputError(f"{name}: {high} exceeds {upper}")
    return low, high


def check_whole_number(value, name: str, minimum: int, hint: str = "") -> None:
    """Refuse ``value`` unless it equals a whole number >= ``minimum``; ``hint`` follows the bound in the message."""
    if int(value) != value or value < minimum:
        raise MiroInputError(f"{name}: must be a whole number >= {minimum}{hint}, got {value!r}")


def check_tiles(tile_size_nm, overlap_nm) -> tuple[float, float]:
    """Tile side (nm, > 0) and overlap (nm, >= 0 and below the side) of tiled inference."""
    tile = float(tile_size_nm)
    if not math.isfinite(tile) or tile <= 0:
        raise MiroInputError(f"tile_size_nm: must be a positive length in nm (the training FOV size, e.g. 2000), got {tile_size_nm!r}")
    overlap = float(overlap_nm)
    if not math.isfinite(overlap) or overlap < 0 or overlap >= tile:
        raise MiroInputError(
            f"overlap_nm: must be >= 0 and smaller than the tile size {tile:g} nm (e.g. 500, at least the largest cluster diameter), got {overlap_nm!r}"
        )
    return tile, overlap


def grid_values(values, name: str, integer: bool) -> list:
    """The sorted distinct values of a search grid: integers >= 1 or positive numbers (nm)."""
    try:
        vals = [v for v in np.asarray(values, dtype=float).reshape(-1)]
    except (TypeError, ValueError):
        raise MiroInputError(f"{name}: expected a sequence of numbers, got {values!r}") from None
    if not vals:
        raise MiroInputError(f"{name}: the grid is empty; give at least one value")
    out = []
    for v in vals:
        if not math.isfinite(v) or v <= 0 or (integer and v != round(v)):
            kind = "integers >= 1" if integer else "positive numbers (nm)"
            raise MiroInputError(f"{name}: values must be {kind}, got {v!r}")
        out.append(int(round(v)) if integer else float(v))
    return sorted(set(out))


# --------------------------------------------------------------------------- choices


def check_choice(value, choices, name: str):
    """``value`` when it is one of ``choices``; the message lists them."""
    if value not in choices:
        raise MiroInputError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def check_convention(convention, name: str, conventions: tuple) -> None:
    """Refuse an RMSE convention not in ``conventions``."""
    if convention not in conventions:
        raise MiroInputError(
            f"{name} must be one of {conventions}, got {convention!r}."
        )


# --------------------------------------------------------------------------- coordinates


def as_xy(xy, name: str = "xy") -> np.ndarray:
    """Coordinates as a float64 (N, 2) array without NaN or infinite rows (graph construction, tiling)."""
    try:
        arr = np.asarray(xy, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MiroInputError(f"{name}: cannot be read as numbers ({exc}); pass an (N, 2) array of x, y") from None
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise MiroInputError(f"{name}: expected shape (N, 2) of x, y coordinates, got {arr.shape}; pass the x and y columns only")
    if not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr).all(axis=1)))
        raise MiroInputError(f"{name}: {bad} row(s) hold NaN or infinite coordinates; drop those localizations first")
    return arr


def check_xy(xy_nm, name: str = "xy_nm") -> np.ndarray:
    """Localizations (n, 2) in nm as finite floats (cluster statistics, NPCs)."""
    xy = np.asarray(xy_nm, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise MiroInputError(f"{name}: expected localization coordinates of shape (n, 2) in nm, got shape {xy.shape}")
    if not np.isfinite(xy).all():
        raise MiroInputError(f"{name}: coordinates must be finite numbers (nm); drop rows with NaN or infinite x, y")
    return xy


def check_xy_shape(xy) -> np.ndarray:
    """Localizations of shape (n, 2) in nm as floats (figures; NaN allowed)."""
    xy = np.asarray(xy, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise MiroInputError(f"xy: expected localization coordinates of shape (n, 2) in nm, got {xy.shape}.")
    return xy


def as_cloud(xy, name: str) -> np.ndarray:
    """A finite (n, 2) float64 point cloud in nm (parameter tuning)."""
    arr = np.asarray(xy, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.all(np.isfinite(arr)):
        raise MiroInputError(f"{name}: expected a finite (n, 2) array of coordinates in nm, got shape {arr.shape}")
    return arr


def check_radius(connectivity_radius) -> float:
    """The connectivity radius R (normalised units, > 0) of graph construction and inference."""
    r = float(connectivity_radius)
    if not np.isfinite(r) or r <= 0:
        raise MiroInputError(f"connectivity_radius: must be a positive number in normalised units (e.g. 0.2), got {connectivity_radius!r}")
    return r


def check_training_radius(value) -> float:
    """The connectivity radius R (normalised units, > 0) of a training set."""
    r = check_non_negative(value, "connectivity_radius")
    if r == 0:
        raise MiroInputError("connectivity_radius: must be > 0 (normalised units, e.g. 0.2)")
    return r


# --------------------------------------------------------------------------- labels and counts


def check_labels(labels, n: int, name: str = "labels") -> np.ndarray:
    """``n`` non-negative integer labels (0 = not clustered) as int64."""
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise MiroInputError(f"{name}: expected one label per localization, shape ({n},), got shape {labels.shape}")
    if n and not (np.issubdtype(labels.dtype, np.integer) and labels.min() >= 0):
        raise MiroInputError(f"{name}: expected non-negative integer labels (0 = not clustered), got dtype {labels.dtype} with minimum {labels.min()}")
    return labels.astype(np.int64, copy=False)


def whole_labels(values, name: str, n: int | None = None) -> np.ndarray:
    """A 1-D array of integer labels >= 0 (0 = not clustered), optionally of length ``n``; whole floats accepted."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise MiroInputError(f"{name}: expected one label per localization (1-D), got shape {arr.shape}")
    if n is not None and len(arr) != n:
        raise MiroInputError(f"{name}: expected {n} labels (one per localization), got {len(arr)}")
    whole = np.issubdtype(arr.dtype, np.integer) or (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)))
    if arr.size and not whole:
        raise MiroInputError(f"{name}: labels must be whole numbers (0 = not clustered, 1..n clusters)")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise MiroInputError(f"{name}: labels must be >= 0 (0 = not clustered); shift DBSCAN's -1 noise label by +1")
    return arr


def whole_counts(values, name: str) -> np.ndarray:
    """Counts (whole numbers >= 0), flattened to int64."""
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size and (not np.isfinite(arr).all() or np.any(arr != np.round(arr)) or arr.min() < 0):
        raise MiroInputError(f"{name}: expected whole counts >= 0")
    return arr.astype(np.int64)


def check_label_array(labels, name):
    """A non-empty 1-D integer label array without negative labels (clustering scores)."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise MiroInputError(
            f"{name} must be a 1-D array of cluster labels, got shape {labels.shape}."
        )
    if labels.size == 0:
        raise MiroInputError(f"{name} is empty; there is nothing to score.")
    if not np.issubdtype(labels.dtype, np.integer):
        raise MiroInputError(
            f"{name} must hold integer cluster labels, got dtype {labels.dtype}; "
            "convert with .astype(int)."
        )
    if labels.min() < 0:
        raise MiroInputError(
            f"{name} contains the negative label {labels.min()}; non-clustered "
            "localizations must carry label 0 (for DBSCAN output use labels + 1)."
        )
    return labels


def check_label_pair(labels_true, labels_pred):
    """Ground-truth and predicted labels of the same localizations (clustering scores)."""
    labels_true = check_label_array(labels_true, "labels_true")
    labels_pred = check_label_array(labels_pred, "labels_pred")
    if labels_true.size != labels_pred.size:
        raise MiroInputError(
            f"labels_true and labels_pred must label the same localizations, got "
            f"{labels_true.size} and {labels_pred.size} labels."
        )
    return labels_true, labels_pred


def check_scoring_inputs(xy, labels_true, labels_pred):
    """Coordinates (finite, nm) and the two labellings of the same localizations (clustering scores)."""
    labels_true, labels_pred = check_label_pair(labels_true, labels_pred)
    xy = np.asarray(xy, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise MiroInputError(
            f"xy must be an (n, 2) array of x, y coordinates in nm, got shape {xy.shape}."
        )
    if len(xy) != labels_true.size:
        raise MiroInputError(
            f"xy has {len(xy)} rows but labels_true and labels_pred have "
            f"{labels_true.size} labels; give one label per localization."
        )
    finite = np.isfinite(xy).all(axis=1)
    if not finite.all():
        raise MiroInputError(
            f"xy has NaN or infinite coordinates, first in row {np.flatnonzero(~finite)[0]}."
        )
    return xy, labels_true, labels_pred


# --------------------------------------------------------------------------- per-FOV and summary tables


def as_1d(values, name: str) -> np.ndarray:
    """Per-FOV values as a 1-D float array."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise MiroInputError(f"{name}: expected numbers, got {values!r:.60} ({exc}).") from exc
    if arr.ndim != 1:
        raise MiroInputError(f"{name}: expected a 1-D sequence of per-FOV values, got shape {arr.shape}.")
    return arr


def check_per_fov(table, name: str) -> pd.DataFrame:
    """A per-FOV metrics table: a DataFrame with unique ``fov`` ids."""
    if not isinstance(table, pd.DataFrame):
        raise MiroInputError(f"{name}: expected a per-FOV pandas DataFrame, got {type(table).__name__}.")
    if "fov" not in table.columns:
        raise MiroInputError(f"{name}: no 'fov' column; a per-FOV metrics table needs one to pair FOVs.")
    dup = table["fov"][table["fov"].duplicated()].unique()
    if dup.size:
        raise MiroInputError(f"{name}: FOV ids must be unique, repeated: {list(dup[:5])}.")
    return table


def check_long_table(df, name: str) -> pd.DataFrame:
    """The long summary table (scenario, method, metric, mean, sd), one row per (scenario, method, metric)."""
    if not isinstance(df, pd.DataFrame):
        raise MiroInputError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}.")
    missing = {"scenario", "method", "metric", "mean", "sd"} - set(df.columns)
    if missing:
        raise MiroInputError(
            f"{name}: missing column(s) {sorted(missing)}; expected the long table "
            f"scenario, method, metric, mean, sd[, n_fov]."
        )
    dup = df.duplicated(["scenario", "method", "metric"])
    if dup.any():
        first = df.loc[dup, ["scenario", "method", "metric"]].iloc[0].tolist()
        raise MiroInputError(f"{name}: repeated (scenario, method, metric) row {first}.")
    return df
