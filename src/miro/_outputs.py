"""Writing output files: never onto an input, never half-written, nothing left behind.

Every file MIRO writes (CSV tables, model checkpoints, training states, loss
logs, training sets, provenance records, checksum sidecars) goes through
:func:`atomic_outputs`: it is written to ``<name>.part`` beside its target and
renamed into place only when every output of the call is complete. On any
failure, Ctrl-C or SIGTERM included, the temporary files are removed and the
targets keep their previous content; the error names the target, never the
temporary file. :func:`check_outputs` refuses, before any work is done, an
output that would replace an input of the same run or another output, or that
names a folder. Nothing here imports another part of :mod:`miro` than
:mod:`miro.errors`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from miro.errors import MiroInputError

__all__ = ["check_outputs", "atomic_outputs", "atomic_output"]


def _same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` name one file (symbolic or hard links included)."""
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def check_outputs(outputs: Iterable, inputs: Iterable = (), fix: str = "choose another output name") -> list[Path]:
    """Refuse outputs that name a folder, repeat each other or would replace an input.

    Parameters
    ----------
    outputs : iterable of path-like
        Every file the run will write (companion files included).
    inputs : iterable of path-like or None
        Every file the run reads; None entries are skipped.
    fix : str
        The advice of the message (e.g. the option that names the outputs).

    Returns
    -------
    list of Path
        ``outputs`` as paths.

    Raises
    ------
    MiroInputError
        One line naming the output, the file it would replace and the fix.
    """
    outputs = [Path(path) for path in outputs]
    inputs = [Path(path) for path in inputs if path is not None]
    for position, out in enumerate(outputs):
        _check_folder(out)
        for source in inputs:
            if _same_file(out, source):
                raise MiroInputError(f"{out}: an output of this run would overwrite the input file {source}; {fix}")
        for other in outputs[:position]:
            if _same_file(out, other):
                raise MiroInputError(f"{out}: written twice by this run (also as {other}); {fix}")
    return outputs


def _check_folder(path: Path) -> None:
    """Refuse a target that is a folder, or whose folder would have to be made inside a file."""
    if path.is_dir():
        raise MiroInputError(f"{path}: is a folder; give a file name for the output (e.g. {path / 'labels.csv'})")
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise MiroInputError(f"{path}: {folder} is a file, not a folder; give a path in a folder")
            return


def _partial(path: Path) -> Path:
    """``<name>.part`` beside ``path``: torch.save names its archive after the file without its last
    suffix, so a checkpoint written through it holds the same bytes as one saved at ``path``."""
    return path.with_name(f"{path.name}.part")


@contextmanager
def atomic_outputs(paths: Iterable) -> Iterator[list[Path]]:
    """Temporary files for ``paths``, renamed onto them only when the block succeeds.

    Yields one temporary path per target (``<name>.part`` in the target's
    folder, which is created). The block writes them; on normal exit they
    replace the targets, on any exception they are deleted and the targets are
    left as they were. Write errors become one :class:`~miro.errors.MiroInputError`
    naming the target.

    Example
    -------
    >>> with atomic_outputs(["labels.csv", "labels_clusters.csv"]) as (labels, clusters):  # doctest: +SKIP
    ...     table.to_csv(labels); stats.to_csv(clusters)
    """
    targets = [Path(path) for path in paths]
    temporaries = [_partial(path) for path in targets]
    current = targets[0] if targets else None
    try:
        for current in targets:
            _check_folder(current)
            current.parent.mkdir(parents=True, exist_ok=True)
        current = targets[0] if targets else None
        yield temporaries
        for current, temporary in zip(targets, temporaries):
            os.replace(temporary, current)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise MiroInputError(f"{current}: cannot write it ({reason}); give a file path in a folder you can write to") from None
    finally:
        for temporary in temporaries:
            with suppress(OSError):
                temporary.unlink()


@contextmanager
def atomic_output(path) -> Iterator[Path]:
    """:func:`atomic_outputs` for one file: yields its temporary path."""
    with atomic_outputs([path]) as (temporary,):
        yield temporary
