"""What the subcommands share: argument types, input and output options, reading an input file, the device."""

from __future__ import annotations

import argparse
import math

import pandas as pd

from miro.errors import MiroInputError

__all__ = [
    "LIMITS",
    "ranged",
    "input_options",
    "output_options",
    "progress",
    "say",
    "read_localization_file",
    "torch_device",
]


#: Every numeric option of the command line: (type, lowest, highest, lowest allowed?, why the highest).
#: Floats above 0 exclude 0; whole numbers include their lowest value.
LIMITS = {
    "--eps": (float, 0, 10_000, False, "nm; a DBSCAN radius beyond 10 µm joins whole cells"),
    "--min-samples": (int, 1, 1_000_000, True, "localizations near a core point; no cluster holds more"),
    "--radius": (float, 0, 1, False, "R is a fraction of the tile or FOV side, 0.1-0.2 for the released models"),
    "--steps": (int, 1, 200, True, "recurrent steps; the released models use 10-25"),
    "--tile-size": (float, 0, 100_000, False, "nm; tiles are the training FOV side, 2000 nm for the released models"),
    "--overlap": (float, 0, 100_000, True, "nm; at least the largest cluster diameter, below the tile size"),
    "--batch-tiles": (int, 1, 4096, True, "tiles per model call; more only costs memory"),
    "--workers": (int, 1, 256, True, "worker processes; more than CPU cores only costs memory"),
    "--pixel-size": (float, 0, 10_000, False, "nm per camera pixel, e.g. 107 or 130"),
    "--length-nm": (float, 0, 100_000, False, "nm per normalised unit, the side of the fields you will cluster"),
    "--epochs": (int, 1, 100_000, True, "training epochs; the authors use 30"),
    "--hidden": (int, 1, 4096, True, "hidden channels; the released models use 256"),
    "--dataset-size": (int, 1, 10_000_000, True, "synthetic graphs kept in memory; the authors use 1500"),
    "--batch-size": (int, 1, 4096, True, "graphs per optimizer step; the authors use 4"),
    "--tiles": (int, 1, 64, True, "pieces per side of a training graph; a piece needs clusters whole to learn from"),
    "--lr": (float, 0, 1, False, "larger Adam steps diverge; the authors use 1e-4"),
    "--seed": (int, 0, 2**32 - 1, True, "numpy seeds are 32-bit"),
}


def ranged(option: str):
    """The argparse type of ``option``: a finite number in its range of :data:`LIMITS`; the
    message names the option, the range and why."""
    kind, low, high, low_allowed, why = LIMITS[option]

    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{option} must be a {'whole ' if kind is int else ''}number, got {text!r}") from None
        if not math.isfinite(value) or value < low or (value == low and not low_allowed):
            raise argparse.ArgumentTypeError(f"{option} must be {'>=' if low_allowed else '>'} {low}, got {text!r}")
        if value > high:
            raise argparse.ArgumentTypeError(f"{option} must be at most {high:g} ({why}), got {text!r}")
        return value

    return parse


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
        type=ranged("--pixel-size"),
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
