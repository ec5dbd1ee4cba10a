"""Checksum-verified downloads of public data (benchmark CSVs, released weights).

A *manifest* is a TSV with columns ``folder, file, sha256, bytes``: one row
per file of a remote tree whose files live at ``<base_url>/<folder>/<file>``
(each path segment URL-encoded). :func:`fetch_file` writes each file through a
temporary name and renames it only once its size and SHA-256 match, so a
failed download never leaves a half-written file behind. ``base_url`` may be
``https://``, ``http://`` or ``file://`` (tests serve the shared copy of the
data from a local folder or a loopback HTTP server).

Every verified file gets a *stamp* ``.<name>.verified`` beside it (size,
modification time in ns, SHA-256). :func:`check_stamp`, called whenever a
localization file or a checkpoint is read, compares the size and time with the
stamp (one ``stat``) and hashes the file again only when they differ, so a data
file edited, truncated or replaced after its download is refused, not used.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd

from miro._outputs import atomic_output
from miro.errors import MiroInputError

__all__ = [
    "MANIFEST_COLUMNS",
    "sha256_of",
    "read_manifest",
    "build_manifest",
    "file_url",
    "fetch_file",
    "fetch_folder",
    "fetch_recorded",
    "check_sha256",
    "verify_file",
    "write_sha256",
    "read_sha256",
    "write_stamp",
    "check_stamp",
]

MANIFEST_COLUMNS = ["folder", "file", "sha256", "bytes"]
_CHUNK = 1 << 20


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read a manifest TSV (``folder, file, sha256, bytes``)."""
    path = Path(path)
    try:
        manifest = pd.read_csv(path, sep="\t", dtype={"folder": str, "file": str, "sha256": str, "bytes": "int64"})
    except FileNotFoundError:
        raise MiroInputError(f"{path}: manifest not found; check the config key naming it") from None
    missing = [c for c in MANIFEST_COLUMNS if c not in manifest.columns]
    if missing:
        raise MiroInputError(f"{path}: manifest lacks column(s) {', '.join(missing)}; expected {', '.join(MANIFEST_COLUMNS)}")
    return manifest[MANIFEST_COLUMNS]


def build_manifest(root: str | Path, folders: list[str] | None = None) -> pd.DataFrame:
    """Manifest of the files below ``root`` (one level of folders, or ``root`` itself as folder ``.``).

    Parameters
    ----------
    root : path
        Local copy of the remote tree.
    folders : list of str, optional
        Sub-folders to include; all sub-folders by default.
    """
    root = Path(root)
    if folders is None:
        folders = sorted(p.name for p in root.iterdir() if p.is_dir())
    rows = []
    for folder in folders:
        for path in sorted((root / folder).iterdir()):
            if path.is_file():
                rows.append((folder, path.name, sha256_of(path), path.stat().st_size))
    return pd.DataFrame(rows, columns=MANIFEST_COLUMNS)


def file_url(base_url: str, folder: str, file: str) -> str:
    """``<base_url>/<folder>/<file>`` with the folder and file name URL-encoded.

    A ``base_url`` given as a plain local path is turned into a ``file://`` URL.
    """
    if "://" not in base_url:
        base_url = Path(base_url).resolve().as_uri()
    parts = [urllib.parse.quote(part) for part in (folder, file) if part not in ("", ".")]
    return base_url.rstrip("/") + "/" + "/".join(parts)


def fetch_file(url: str, destination: str | Path, sha256: str, size: int | None = None, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``destination`` and verify its size and SHA-256.

    The file is written to a temporary file in the destination folder and
    renamed into place only after verification.

    Raises
    ------
    MiroInputError
        One line naming the file: not found / unreachable, truncated (size
        differs), or corrupt (checksum differs). Nothing is left at
        ``destination`` in any of these cases.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    try:
        digest = hashlib.sha256()
        written = 0
        try:
            with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    out.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
            raise MiroInputError(
                f"{destination.name}: download from {url} failed ({reason}); check the base URL and the network"
            ) from None
        if size is not None and written != size:
            raise MiroInputError(
                f"{destination.name}: truncated or wrong download from {url} ({written} bytes, expected {size}); retry the download"
            )
        if digest.hexdigest() != sha256:
            raise MiroInputError(
                f"{destination.name}: checksum mismatch for {url} (sha256 {digest.hexdigest()[:12]}…, expected {sha256[:12]}…); "
                "the file is corrupt or changed upstream: retry, or check the manifest"
            )
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    write_stamp(destination, sha256)
    return destination


def fetch_folder(base_url: str, manifest: pd.DataFrame, folder: str, destination: str | Path) -> list[Path]:
    """Download every manifest file of ``folder`` into the directory ``destination``.

    Files already present with the right checksum are kept, so an interrupted
    download resumes.
    """
    rows = manifest[manifest["folder"] == folder]
    if rows.empty:
        raise MiroInputError(f"{folder}: not in the download manifest; check the scenario's benchmark folder name")
    destination = Path(destination)
    paths = []
    for row in rows.itertuples(index=False):
        target = destination / row.file
        if target.is_file() and target.stat().st_size == row.bytes and sha256_of(target) == row.sha256:
            write_stamp(target, row.sha256)
        else:
            fetch_file(file_url(base_url, folder, row.file), target, row.sha256, int(row.bytes))
        paths.append(target)
    return paths


def fetch_recorded(
    url: str, destination: str | Path, sha256: str | None = None, *, advice: str = "check the URL and the network", timeout: float = 60.0
) -> str:
    """Download one file that has no manifest entry; verify or record its SHA-256.

    With ``sha256`` the download must match it; without, its digest is
    recorded. Either way ``<destination>.sha256`` is written next to the file
    in ``sha256sum`` format (``<digest>  <name>``, so ``sha256sum -c`` checks
    it) and the digest is returned. As in :func:`fetch_file`, the file is
    written through a temporary name and renamed into place only when
    complete and verified.

    Parameters
    ----------
    url : str
        ``https://``, ``http://`` or ``file://`` URL.
    destination : str or Path
    sha256 : str, optional
        Expected hex digest.
    advice : str
        What to do when the download fails, appended to the error message.
    timeout : float, default 60
        Seconds to wait for the server.

    Raises
    ------
    MiroInputError
        One line: the download failed (with ``advice``), or the checksum
        differs. Nothing is left at ``destination`` in either case.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    try:
        digest = hashlib.sha256()
        try:
            with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    out.write(chunk)
                    digest.update(chunk)
        except (urllib.error.URLError, OSError, ValueError) as error:  # ValueError: not a URL
            reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
            raise MiroInputError(f"{destination.name}: download from {url} failed ({reason}); {advice}") from None
        advice_mismatch = "the file changed upstream or the download is corrupt: retry, or check the expected checksum"
        check_sha256(destination.name, digest.hexdigest(), sha256, advice_mismatch)
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    write_sha256(destination, digest.hexdigest())
    write_stamp(destination, digest.hexdigest())
    return digest.hexdigest()


def check_sha256(name: str, digest: str, expected: str | None, advice: str) -> None:
    """Raise a one-line :class:`MiroInputError` naming ``name`` when ``expected`` is given and ``digest`` differs."""
    if expected is not None and digest.lower() != expected.strip().lower():
        raise MiroInputError(f"{name}: checksum mismatch (sha256 {digest[:12]}…, expected {expected.strip()[:12]}…); {advice}")


def verify_file(
    path: str | Path, *, sidecar: str | Path | None = None, sha256: str | None = None, pinned_by: str = "the pinned checksum"
) -> str:
    """SHA-256 of a file that must be the one downloaded or the one pinned; return its digest.

    Parameters
    ----------
    path : str or Path
        The file.
    sidecar : str or Path, optional
        Its ``<path>.sha256`` written at download (:func:`fetch_recorded`):
        the file must not have changed since.
    sha256 : str, optional
        The digest a user pinned, checked when there is no ``sidecar`` (a
        file given by path rather than downloaded); without either, the
        digest is only returned.
    pinned_by : str, default "the pinned checksum"
        Where ``sha256`` comes from (e.g. a config key), for the error message.

    Raises
    ------
    MiroInputError
        One line naming the file and what to do when the digest differs.
    """
    path = Path(path)
    digest = sha256_of(path)
    if sidecar is not None:
        advice = f"it changed since it was downloaded: delete it and {Path(sidecar).name} to download it again"
        check_sha256(path.name, digest, read_sha256(sidecar), advice)
    else:
        check_sha256(path.name, digest, sha256, f"use the file {pinned_by} names, or change {pinned_by}")
    return digest


def write_sha256(path: str | Path, digest: str) -> Path:
    """Write ``<path>.sha256`` holding ``<digest>  <name>`` (``sha256sum`` format)."""
    path = Path(path)
    sidecar = path.with_name(path.name + ".sha256")
    with atomic_output(sidecar) as temporary:
        temporary.write_text(f"{digest}  {path.name}\n")
    return sidecar


def _stamp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.verified")


def write_stamp(path: str | Path, sha256: str) -> Path:
    """Write the stamp of a verified file (see the module notes); return its path."""
    path = Path(path)
    status = path.stat()
    with atomic_output(_stamp_path(path)) as temporary:
        temporary.write_text(f"{status.st_size} {status.st_mtime_ns} {sha256}\n")
    return _stamp_path(path)


def check_stamp(path: str | Path) -> None:
    """Refuse a file whose content differs from its verified download (no stamp: nothing to check).

    Raises
    ------
    MiroInputError
        One line naming the file and how to get it back.
    """
    path = Path(path)
    try:
        size, mtime_ns, digest = _stamp_path(path).read_text().split()
        status = path.stat()
    except (OSError, ValueError):  # no stamp (not downloaded, or before stamps) or an unreadable one
        return
    if (status.st_size, status.st_mtime_ns) == (int(size), int(mtime_ns)):
        return
    if sha256_of(path) != digest:
        raise MiroInputError(
            f"{path}: changed since its verified download ({status.st_size} bytes, {size} downloaded); "
            f"delete it and {_stamp_path(path).name}, then rerun to download it again"
        )


def read_sha256(sidecar: str | Path) -> str:
    """The hex digest recorded in a ``sha256sum``-format file (its first word)."""
    sidecar = Path(sidecar)
    try:
        words = sidecar.read_text().split()
    except OSError as error:
        raise MiroInputError(f"{sidecar}: cannot read the recorded checksum ({error.strerror}); download the file again") from None
    if not words or len(words[0]) != 64:
        raise MiroInputError(f"{sidecar}: no SHA-256 digest in it; delete it and the file it belongs to, and download again")
    return words[0]
