"""Provenance of a workflow run, and the comparison of two runs.

A run's record (``results/provenance.json``) says what produced its outputs
and what they are:

* ``commit``: the git commit of the code (and whether the working tree had
  uncommitted changes), ``config`` and ``config_sha256`` (the resolved
  configuration and the SHA-256 of its canonical JSON), ``seeds`` (every
  configuration key whose name ends in ``seed``, by its dotted path);
* ``packages`` (versions of the scientific stack), ``platform`` (Python, OS,
  machine, CPU model, logical cores, GPUs seen by PyTorch);
* ``files``: SHA-256 and size of every file under ``results/`` except the
  timings in ``results/benchmarks/``, the training states kept for resuming
  (``checkpoints/`` folders) and the record itself.

:func:`compare_runs` lines two records (or two run folders) up: which inputs
of the run differ (commit, config, packages, platform), which output files
differ, and, for a table found in both run folders, by how much each numeric
column differs, so that a metric that moved shows its two values side by side.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from miro.data.download import sha256_of
from miro._outputs import atomic_output
from miro.errors import MiroInputError

__all__ = ["RECORD_NAME", "PACKAGES", "collect", "write_record", "read_record", "compare_runs", "format_comparison"]

#: File name of the record inside ``results/``.
RECORD_NAME = "provenance.json"
#: Distributions whose versions are recorded.
PACKAGES = ("miro-smlm", "torch", "torch-geometric", "numpy", "scipy", "pandas", "scikit-learn", "shapely", "snakemake")
#: Not outputs: the timings of every job, and training states kept for resuming
#: (their loss history holds epoch times).
_TIMINGS, _TRAINING_STATES = "benchmarks", "checkpoints"
_TABLES = (".csv", ".tsv")


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _seeds(config, path: str = "") -> dict:
    found = {}
    if isinstance(config, dict):
        for key, value in config.items():
            dotted = f"{path}.{key}" if path else str(key)
            if str(key).endswith("seed") and not isinstance(value, (dict, list)):
                found[dotted] = value
            found.update(_seeds(value, dotted))
    elif isinstance(config, list):
        for i, value in enumerate(config):
            found.update(_seeds(value, f"{path}[{i}]"))
    return found


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _gpus() -> list[str]:
    import torch

    if not torch.cuda.is_available():
        return []
    return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]


def _versions() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _files(results_dir: Path) -> dict:
    files = {}
    for path in sorted(results_dir.rglob("*")):
        relative = path.relative_to(results_dir)
        if (not path.is_file() or relative.parts[0] == _TIMINGS or _TRAINING_STATES in relative.parts[:-1]
                or relative.as_posix() == RECORD_NAME):
            continue
        files[relative.as_posix()] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
    return files


def collect(results_dir, config: dict, repo=None) -> dict:
    """The provenance record of the run whose outputs are in ``results_dir`` (module notes).

    Parameters
    ----------
    results_dir : path
        The run's ``results/`` folder.
    config : dict
        The resolved configuration of the run.
    repo : path, optional
        The code's git checkout; without one, ``commit`` is null.
    """
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        raise MiroInputError(f"{results_dir}: not a folder; give the run's results/ folder")
    canonical = json.dumps(config, sort_keys=True, default=str)
    commit = _git(Path(repo), "rev-parse", "HEAD") if repo is not None else None
    dirty = bool(_git(Path(repo), "status", "--porcelain", "--untracked-files=no")) if commit else None
    return {
        "format": "miro-provenance",
        "version": 1,
        "commit": commit,
        "uncommitted_changes": dirty,
        "config_sha256": hashlib.sha256(canonical.encode()).hexdigest(),
        "config": json.loads(canonical),
        "seeds": _seeds(config),
        "packages": _versions(),
        "platform": {
            "python": platform.python_version(),
            "system": platform.platform(),
            "machine": platform.machine(),
            "cpu": _cpu_model(),
            "logical_cores": os.cpu_count(),
            "gpus": _gpus(),
        },
        "files": _files(results_dir),
    }


def write_record(record: dict, path) -> Path:
    """Write ``record`` as indented JSON to ``path`` (atomically)."""
    path = Path(path)
    with atomic_output(path) as temporary:
        temporary.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return path


def read_record(path) -> tuple[dict, Path | None]:
    """A record and its run's ``results/`` folder, from a record file or a run folder."""
    path = Path(path)
    candidates = [path] if path.is_file() else [path / "results" / RECORD_NAME, path / RECORD_NAME]
    for candidate in candidates:
        if candidate.is_file():
            try:
                record = json.loads(candidate.read_text())
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise MiroInputError(f"{candidate}: not a provenance record ({error}); give a run's results/{RECORD_NAME}")
            if not isinstance(record, dict) or record.get("format") != "miro-provenance":
                raise MiroInputError(f"{candidate}: not a provenance record; give a run's results/{RECORD_NAME}")
            return record, candidate.parent
    raise MiroInputError(f"{path}: no {RECORD_NAME} found; give a run folder (with results/{RECORD_NAME}) or the record itself")


def _differing_keys(a: dict, b: dict, prefix: str = "") -> list[str]:
    keys = []
    for key in sorted(set(a) | set(b), key=str):
        dotted = f"{prefix}.{key}" if prefix else str(key)
        u, v = a.get(key), b.get(key)
        if isinstance(u, dict) and isinstance(v, dict):
            keys += _differing_keys(u, v, dotted)
        elif u != v:
            keys.append(dotted)
    return keys


def _table_difference(a: Path, b: Path) -> str:
    sep = "\t" if a.suffix == ".tsv" else ","
    try:
        left, right = pd.read_csv(a, sep=sep), pd.read_csv(b, sep=sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return "not comparable as tables"
    if list(left.columns) != list(right.columns) or len(left) != len(right):
        return f"shape {left.shape} vs {right.shape}, columns {list(left.columns)} vs {list(right.columns)}"
    parts = []
    for column in left.columns:
        u, v = left[column], right[column]
        if u.equals(v):
            continue
        if pd.api.types.is_numeric_dtype(u) and pd.api.types.is_numeric_dtype(v):
            delta = np.abs(u.to_numpy(float) - v.to_numpy(float))
            worst = int(np.nanargmax(delta)) if np.isfinite(delta).any() else 0
            parts.append(f"{column}: {int((delta > 0).sum())} rows, max |diff| {np.nanmax(delta):.3g} "
                         f"(row {worst}: {u.iloc[worst]:.6g} vs {v.iloc[worst]:.6g}; means {u.mean():.6g} vs {v.mean():.6g})")
        else:
            parts.append(f"{column}: {int((u != v).sum())} rows differ")
    return "; ".join(parts) or "same values, other bytes"


def compare_runs(a, b) -> dict:
    """Differences between two runs: each a run folder or a record file.

    Returns
    -------
    dict
        ``inputs``: differing keys of commit, config, packages and platform
        (dotted paths); ``only_a``, ``only_b``: output files present in one
        run only; ``differ``: {file: description} of output files present in
        both with other contents (for tables found in both run folders, the
        numeric difference per column); ``same``: the number of identical files.
    """
    (ra, dir_a), (rb, dir_b) = read_record(a), read_record(b)
    inputs = _differing_keys({k: ra.get(k) for k in ("commit", "uncommitted_changes", "config", "packages", "platform")},
                             {k: rb.get(k) for k in ("commit", "uncommitted_changes", "config", "packages", "platform")})
    fa, fb = ra["files"], rb["files"]
    differ = {}
    for name in sorted(set(fa) & set(fb)):
        if fa[name]["sha256"] == fb[name]["sha256"]:
            continue
        pa, pb = dir_a / name, dir_b / name
        if name.endswith(_TABLES) and pa.is_file() and pb.is_file():
            differ[name] = _table_difference(pa, pb)
        else:
            differ[name] = f"{fa[name]['bytes']} vs {fb[name]['bytes']} bytes"
    return {
        "inputs": inputs,
        "only_a": sorted(set(fa) - set(fb)),
        "only_b": sorted(set(fb) - set(fa)),
        "differ": differ,
        "same": sum(1 for name in set(fa) & set(fb) if fa[name]["sha256"] == fb[name]["sha256"]),
    }


def format_comparison(comparison: dict) -> str:
    """The result of :func:`compare_runs` as lines of text for people."""
    lines = [f"identical output files: {comparison['same']}"]
    if comparison["inputs"]:
        lines.append("inputs that differ: " + ", ".join(comparison["inputs"]))
    for side in ("only_a", "only_b"):
        for name in comparison[side]:
            lines.append(f"only in run {side[-1].upper()}: {name}")
    for name, description in comparison["differ"].items():
        lines.append(f"differs: {name}: {description}")
    if not (comparison["differ"] or comparison["only_a"] or comparison["only_b"]):
        lines.append("all output files are byte-identical")
    return "\n".join(lines)
