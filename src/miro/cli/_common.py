"""What the subcommands share: argument types, input and output options, reading an input file, the device."""

from __future__ import annotations

import argparse
import math

import pandas as pd

from miro.errors import MiroInputError

__all__ = [
    "positive",
    "non_negative",
    "input_options",
    "output_options",
    "progress",
    "say",
    "read_localization_file",
    "torch_device",
]


def positive(kind, name):
    """An argparse type: ``kind(text)``, finite and > 0 (``name`` in the message)."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a {'whole ' if kind is int else ''}number, got {text!r}") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"{name} must be > 0, got {text!r}")
        return value

    return parse


def non_negative(text):
    """The argparse type of ``--overlap``: a finite number of nm >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--overlap must be a number of nm, got {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"--overlap must be >= 0 nm, got {text!r}")
    return value


def input_options(parser) -> None:
    """The options that say how to read localization files (format, pixel size, unit, unit check)."""
    group = parser.add_argument_group("input files")
    group.add_argument(
        "--format",
        choices=("auto", "csv", "thunderstorm", "smap", "picasso"),
        default="auto",
        help="file format (default: guessed). csv: columns x,y[,index] in nm; thunderstorm: 'x [nm]','y [nm]' "
        "(also [um], [px]); smap: _sml.csv with xnm,ynm; picasso: .hdf5 with /locs in camera pixels",
    )
    group.add_argument(
        "--pixel-size",
        type=positive(float, "--pixel-size"),
        metavar="NM",
        help="camera pixel size in nm, for ThunderSTORM [px] columns, --unit px, or to override a Picasso file's Pixelsize",
    )
    group.add_argument(
        "--unit",
        default="nm",
        choices=("nm", "um", "µm", "px"),
        help="unit of x,y in a plain CSV (default nm)",
    )
    group.add_argument(
        "--no-unit-check",
        action="store_true",
        help="accept fields of >100 localizations spanning <50 nm (normally refused as probably µm, not nm)",
    )


def output_options(parser) -> None:
    """``--quiet`` and ``--progress``/``--no-progress``."""
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    bars = parser.add_mutually_exclusive_group()
    bars.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show progress bars (default: on a terminal)")
    bars.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress bars")


def progress(args) -> bool | None:
    """True/False from --progress/--no-progress; None (only on a terminal) by default."""
    return getattr(args, "progress", None)


def say(args, message: str) -> None:
    """Print ``message`` unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        print(message)


def read_localization_file(path, args, require_labels=False) -> pd.DataFrame:
    """:func:`miro.data.io.read_localizations` with the input options of ``args``."""
    from miro.data.io import read_localizations

    return read_localizations(
        path,
        require_labels=require_labels,
        format=args.format,
        pixel_size=args.pixel_size,
        unit=args.unit,
        check_units=not args.no_unit_check,
    )


def torch_device(name: str):
    """The device of ``--device`` by :func:`miro.nn.device.resolve_device` (``auto``: a GPU if
    there is one); one-line errors for unknown or absent devices."""
    from miro.nn.device import resolve_device

    try:
        return resolve_device(name)
    except MiroInputError as error:
        raise MiroInputError(f"--{error}") from None
