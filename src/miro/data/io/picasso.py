"""Picasso localization files: the HDF5 ``/locs`` table in nm.

Coordinates are converted from camera pixels with the pixel size given, or
that of the YAML sidecar, or that of the metadata embedded in the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from miro._validation import check_pixel_size, existing_file, fail, finite_column, need_rows
from miro.data.io._common import NOT_A_FOLDER, finish

__all__ = ["read_picasso"]


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

    path = existing_file(path, NOT_A_FOLDER)
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
    return finish(path, table, x, y, ["x", "y"], "picasso", require_labels, check_units, fix, pixel_size_nm=pixel_size, pixel_size_from=source)
