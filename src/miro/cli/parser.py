"""The ``miro`` command line: cluster localization files, score labels, train models.

::

    miro cluster locs.csv --model model_scenario_8.pt --out labels.csv
    miro cluster locs.csv --dbscan-only --eps 50 --min-samples 4 --out dbscan.csv
    miro evaluate labels.csv ground_truth.csv
    miro train fov_32.csv fov_48.csv fov_28.csv --out my_model.pt

Every length is in nm. :func:`main` returns the exit status (0 success,
2 bad input or usage); a bad file or value prints one line
``miro: error: ...`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from miro._validation import existing_file, label_column
from miro.errors import MiroInputError

__all__ = ["main", "build_parser", "cluster_table", "RELEASED_MODELS", "released_defaults"]

#: Settings of the authors' released benchmark models (``benchmark-metadata.json``
#: of DeepTrackAI/MIRO: ``builder_kwargs.connectivity_radius``,
#: ``recurrent_iterations``, ``MIRO_DBSCAN_params``), keyed by scenario and
#: blinking: ``(R, K, eps_nm, min_samples)``.
RELEASED_MODELS: dict[tuple[int, bool], tuple[float, int, float, int]] = {
    (2, False): (0.2, 12, 40.06, 13),
    (3, False): (0.2, 12, 15.58, 12),
    (4, False): (0.2, 12, 52.28, 5),
    (5, False): (0.1, 15, 26.0, 13),
    (6, False): (0.2, 15, 16.0, 10),
    (7, False): (0.2, 12, 67.97, 8),
    (8, False): (0.2, 12, 40.62, 4),
    (9, False): (0.1, 20, 13.0, 6),
    (10, False): (0.2, 12, 34.02, 7),
    (2, True): (0.1, 25, 20.01, 38),
    (3, True): (0.1, 15, 9.92, 50),
    (4, True): (0.1, 25, 31.45, 23),
    (5, True): (0.1, 10, 22.0, 42),
    (6, True): (0.1, 25, 31.34, 63),
    (7, True): (0.1, 15, 53.73, 35),
    (8, True): (0.1, 20, 20.0, 30),
    (9, True): (0.1, 25, 23.0, 55),
    (10, True): (0.1, 15, 20.71, 38),
}

#: Used when neither the model file name nor its metadata say otherwise:
#: the released Scenario 8 model (R 0.2, K 12, eps 40.62 nm, min_samples 4).
DEFAULT_RADIUS, DEFAULT_STEPS, DEFAULT_EPS, DEFAULT_MIN_SAMPLES = RELEASED_MODELS[(8, False)]
#: Plain DBSCAN defaults: the benchmark's Scenario 8 ``DBSCAN_params``.
DEFAULT_DBSCAN_EPS, DEFAULT_DBSCAN_MIN_SAMPLES = 50.0, 4

_RELEASED_NAME = re.compile(r"model_scenario_(\d+)(_blinking)?\.pt$")

MODEL_SOURCES = (
    "Models: the authors' released weights model_scenario_<n>[_blinking].pt "
    "(github.com/DeepTrackAI/MIRO, folder benchmark/models), or one you train with 'miro train'."
)

METRIC_MEANINGS = {
    "ARI_dagger": "ARI-dagger: per-cluster adjusted pair agreement (higher is better)",
    "IoU": "overlap of ground-truth and predicted cluster hulls (higher is better)",
    "JIc": "Jaccard index of matched clusters (higher is better)",
    "RMSRE_N": "relative error of localizations per matched cluster (lower is better)",
    "RMSE_xy": "centroid error of matched clusters, nm (authors' sqrt(mean d); lower is better)",
    "AMI": "adjusted mutual information (higher is better)",
    "ARI_c": "ARI over ground-truth clustered localizations only (higher is better)",
    "ARI": "adjusted Rand index over all localizations (higher is better)",
}


# --------------------------------------------------------------------------- helpers


class _UsageError(Exception):
    def __init__(self, message: str, prog: str):
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors become one line (see :func:`main`)."""

    def error(self, message):  # noqa: D401 - argparse API
        raise _UsageError(message, self.prog)


def _positive(kind, name):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a {'whole ' if kind is int else ''}number, got {text!r}") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"{name} must be > 0, got {text!r}")
        return value

    return parse


def _non_negative(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--overlap must be a number of nm, got {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"--overlap must be >= 0 nm, got {text!r}")
    return value


def _progress(args) -> bool | None:
    """True/False from --progress/--no-progress; None (only on a terminal) by default."""
    return getattr(args, "progress", None)


def _say(args, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(message)


def _read(path, args, require_labels=False) -> pd.DataFrame:
    from miro.data.io import read_localizations

    return read_localizations(
        path,
        require_labels=require_labels,
        format=args.format,
        pixel_size=args.pixel_size,
        unit=args.unit,
        check_units=not args.no_unit_check,
    )


def _device(name: str):
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise MiroInputError(f"--device: unknown device {name!r}; use cpu, cuda, cuda:1 or auto") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise MiroInputError(f"--device {name}: no CUDA GPU is available here; use --device cpu")
    return device


def _clusters_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}_clusters{out.suffix}")


def released_defaults(model_path) -> tuple[float, int, float, int] | None:
    """``(R, K, eps_nm, min_samples)`` of a released benchmark model, recognised by its file name."""
    match = _RELEASED_NAME.search(Path(model_path).name)
    if match is None:
        return None
    return RELEASED_MODELS.get((int(match.group(1)), match.group(2) is not None))


def cluster_table(xy_nm, labels) -> pd.DataFrame:
    """One row per cluster (label > 0): size, centroid, radius of gyration and convex-hull area.

    Parameters
    ----------
    xy_nm : array_like of shape (N, 2)
        Localizations (nm).
    labels : array_like of shape (N,)
        Cluster labels, 0 = not clustered.

    Returns
    -------
    pandas.DataFrame
        Columns ``cluster``, ``n_localizations``, ``x_nm``, ``y_nm`` (centroid),
        ``radius_of_gyration_nm`` (:math:`\\sqrt{\\langle\\lVert p - c\\rVert^2\\rangle}`)
        and ``convex_hull_area_nm2`` (0 for fewer than 3 points or collinear
        points), sorted by cluster.
    """
    import shapely

    xy = np.asarray(xy_nm, dtype=np.float64)
    labels = np.asarray(labels)
    clustered = labels > 0
    points, lab = xy[clustered], labels[clustered]
    ids, inverse, counts = np.unique(lab, return_inverse=True, return_counts=True)
    columns = ["cluster", "n_localizations", "x_nm", "y_nm", "radius_of_gyration_nm", "convex_hull_area_nm2"]
    if len(ids) == 0:
        return pd.DataFrame({c: pd.Series(dtype=np.int64 if c in ("cluster", "n_localizations") else float) for c in columns})
    centroid = np.stack([np.bincount(inverse, points[:, a]) / counts for a in range(2)], axis=1)
    offsets = points - centroid[inverse]
    gyration = np.sqrt(np.bincount(inverse, (offsets**2).sum(axis=1)) / counts)
    order = np.argsort(inverse, kind="stable")  # shapely wants the parts grouped
    hulls = shapely.convex_hull(shapely.multipoints(offsets[order], indices=inverse[order]))
    area = np.asarray(shapely.area(hulls), dtype=float)
    area[counts < 3] = 0.0
    return pd.DataFrame(
        {
            "cluster": ids.astype(np.int64),
            "n_localizations": counts.astype(np.int64),
            "x_nm": centroid[:, 0],
            "y_nm": centroid[:, 1],
            "radius_of_gyration_nm": gyration,
            "convex_hull_area_nm2": area,
        }
    )


# --------------------------------------------------------------------------- cluster


def _cmd_cluster(args) -> int:
    from miro.data.io import write_csv
    from miro.inference.clustering import dbscan_labels

    source = Path(args.input)
    out = Path(args.out)
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise MiroInputError(f"{out}: --out would overwrite the input file; choose another name")
    if args.dbscan_only and args.model is not None:
        raise MiroInputError("--dbscan-only runs DBSCAN without a model; drop --model or --dbscan-only")
    if not args.dbscan_only and args.model is None:
        raise MiroInputError("--model is required (or use --dbscan-only for plain DBSCAN). " + MODEL_SOURCES)

    table = _read(source, args)
    xy = table[["x", "y"]].to_numpy(dtype=np.float64)
    _say(args, f"read {len(xy)} localizations from {source} ({table.attrs.get('format', 'csv')} format)")

    if args.dbscan_only:
        eps = args.eps if args.eps is not None else DEFAULT_DBSCAN_EPS
        min_samples = args.min_samples if args.min_samples is not None else DEFAULT_DBSCAN_MIN_SAMPLES
        _say(args, f"plain DBSCAN: eps {eps:g} nm, min_samples {min_samples}")
        labels = dbscan_labels(xy, eps, min_samples)
    else:
        labels = _miro_labels(args, xy)

    result = table.copy() if args.keep_columns else table[["x", "y"]].copy()
    result["cluster"] = labels
    write_csv(result, out)
    stats = cluster_table(xy, labels)
    clusters_out = write_csv(stats, _clusters_path(out))
    n_clustered = int((labels > 0).sum())
    _say(
        args,
        f"{len(stats)} clusters, {n_clustered} of {len(labels)} localizations clustered; "
        f"wrote {out} and {clusters_out}",
    )
    return 0


def _miro_labels(args, xy) -> np.ndarray:
    from miro.nn.weights import load_checkpoint

    model, meta = load_checkpoint(args.model)
    released = released_defaults(args.model)
    ours = "connectivity_radius" in meta  # written by miro.nn.weights.save_checkpoint
    if ours:
        origin = "checkpoint metadata"
        radius = meta.get("connectivity_radius") or DEFAULT_RADIUS
        steps = meta.get("num_steps") or DEFAULT_STEPS
        eps = meta.get("eps") or DEFAULT_EPS
        min_samples = meta.get("min_samples") or DEFAULT_MIN_SAMPLES
        tile = meta.get("fov_size_nm") or 2000.0
    elif released is not None:
        origin = f"released model {Path(args.model).name}"
        radius, steps, eps, min_samples = released
        tile = 2000.0
    else:
        origin = "Scenario 8 defaults"
        radius, steps, eps, min_samples, tile = DEFAULT_RADIUS, DEFAULT_STEPS, DEFAULT_EPS, DEFAULT_MIN_SAMPLES, 2000.0
    radius = args.radius if args.radius is not None else float(radius)
    steps = args.steps if args.steps is not None else int(steps)
    eps = args.eps if args.eps is not None else float(eps)
    min_samples = args.min_samples if args.min_samples is not None else int(min_samples)
    tile = args.tile_size if args.tile_size is not None else float(tile)
    if args.overlap >= tile:
        raise MiroInputError(f"--overlap {args.overlap:g} nm must be smaller than the tile size {tile:g} nm")
    device = _device(args.device)
    _say(
        args,
        f"MIRO: R {radius:g} ({radius * tile:g} nm), K {steps}, eps {eps:g} nm, min_samples {min_samples}, "
        f"tiles {tile:g} nm overlapping {args.overlap:g} nm, device {device} (defaults from {origin})",
    )
    if args.whole_fov:
        from miro.inference import miro_dbscan

        return miro_dbscan(model.to(device), xy, radius, eps, min_samples, num_steps=steps, device=device)
    from miro.inference.tiling import tiled_miro_dbscan

    return tiled_miro_dbscan(
        model,
        xy,
        radius,
        eps,
        min_samples,
        tile_size_nm=tile,
        overlap_nm=args.overlap,
        num_steps=steps,
        batch_tiles=args.batch_tiles,
        device=device,
        progress=_progress(args),
        workers=args.workers,
    )


# --------------------------------------------------------------------------- evaluate


def _read_label_table(path) -> pd.DataFrame:
    path = existing_file(path, "give a CSV of labels")
    try:
        table = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise MiroInputError(f"{path}: file is empty; give a CSV with a label column (e.g. from miro cluster)") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise MiroInputError(f"{path}: not a readable CSV ({reason}); save it as comma-separated text") from None
    if len(table) == 0:
        raise MiroInputError(f"{path}: no rows; give one label per localization")
    return table


def _cmd_evaluate(args) -> int:
    from miro.evaluation import METRICS, evaluate

    pred_table = _read_label_table(args.pred)
    pred_column = args.pred_column
    if pred_column is None:
        pred_column = next((c for c in ("cluster", "label") if c in pred_table.columns), "cluster")
    pred = label_column(pred_table, pred_column, args.pred)
    if args.gt is not None:
        gt_table = _read(args.gt, args)
        if len(gt_table) != len(pred_table):
            raise MiroInputError(
                f"{args.pred}: {len(pred_table)} rows but {args.gt} has {len(gt_table)}; give one label per localization, in the same order"
            )
        xy = gt_table[["x", "y"]].to_numpy(dtype=np.float64)
        if {"x", "y"} <= set(pred_table.columns):
            pred_xy = pred_table[["x", "y"]].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
            if not np.allclose(pred_xy, xy, rtol=1e-6, atol=1e-3):
                raise MiroInputError(
                    f"{args.pred}: x, y differ from {args.gt} (other file or row order); labels must follow the ground-truth rows"
                )
        truth = label_column(gt_table, args.gt_column, args.gt)
    else:
        for column in ("x", "y"):
            if column not in pred_table.columns:
                raise MiroInputError(f"{args.pred}: no column {column}; give the ground-truth file as second argument")
        xy = pred_table[["x", "y"]].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(xy)):
            raise MiroInputError(f"{args.pred}: x, y hold missing or non-numeric values; remove those rows")
        truth = label_column(pred_table, args.gt_column, args.pred)
    scores = evaluate(xy, truth, pred, rmse_convention=args.rmse_convention)
    if args.json:
        print(json.dumps({name: scores[name] for name in METRICS}, indent=2))
    else:
        width = max(len(name) for name in METRICS)
        print(f"{'metric':<{width}}  {'value':>8}  meaning")
        for name in METRICS:
            value = scores[name]
            text = "nan" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:8.4f}"
            print(f"{name:<{width}}  {text:>8}  {METRIC_MEANINGS.get(name, '')}")
    return 0


# --------------------------------------------------------------------------- train


def _cmd_train(args) -> int:
    import torch

    from miro.nn.model import MIRO
    from miro.nn.weights import save_checkpoint
    from miro.training import train
    from miro.training.training_sets import build_training_set, source_from_fovs

    tables = [_read(path, args, require_labels=True) for path in args.fovs]
    for path, table in zip(args.fovs, tables):
        if not (table["index"] > 0).any():
            raise MiroInputError(f"{path}: no clustered localizations (all index 0); training FOVs need labelled clusters")
    extents = [float(np.mean(t[["x", "y"]].max().to_numpy() - t[["x", "y"]].min().to_numpy())) for t in tables]
    device = _device(args.device)
    _say(
        args,
        f"training on {len(tables)} FOV(s), mean extent {np.mean(extents):.0f} nm: {args.builder}, "
        f"{args.dataset_size} graphs, R {args.radius:g}, K {args.steps}, hidden {args.hidden}, {args.epochs} epochs, device {device}",
    )
    source = source_from_fovs(tables)
    graphs = build_training_set(
        args.builder,
        {"connectivity_radius": args.radius},
        source,
        seed=args.seed,
        dataset_size=args.dataset_size,
        progress=bool(_progress(args) if _progress(args) is not None else sys.stderr.isatty()),
        node_features=args.node_features,
    )
    torch.manual_seed(args.seed)
    model = MIRO(hidden_channels=args.hidden, num_steps=args.steps, node_features=args.node_features)
    model, history = train(
        model,
        graphs,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        connectivity_radius=args.radius,
        seed=args.seed,
        device=str(device),
        checkpoint_dir=args.checkpoint_dir,
        progress=bool(_progress(args) if _progress(args) is not None else sys.stderr.isatty()),
    )
    metadata = {
        "builder": args.builder,
        "dataset_size": args.dataset_size,
        "epochs": args.epochs,
        "seed": args.seed,
        "training_files": [str(p) for p in args.fovs],
        "fov_size_nm": float(np.mean(extents)),
        "final_loss": history[-1]["loss"] if history else None,
    }
    if args.eps is not None:
        metadata["eps"] = args.eps
    if args.min_samples is not None:
        metadata["min_samples"] = args.min_samples
    path = save_checkpoint(model.cpu(), args.out, connectivity_radius=args.radius, metadata=metadata)
    loss = f", final loss {history[-1]['loss']:.4g}" if history else ""
    _say(args, f"wrote {path}{loss}")
    return 0


# --------------------------------------------------------------------------- parser


def _input_options(parser) -> None:
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
        type=_positive(float, "--pixel-size"),
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


def _output_options(parser) -> None:
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    bars = parser.add_mutually_exclusive_group()
    bars.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show progress bars (default: on a terminal)")
    bars.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress bars")


CLUSTER_DESCRIPTION = """\
Cluster the localizations of one file. MIRO (a graph neural network) moves
every localization toward the centre of its cluster; DBSCAN then groups the
moved points. Fields of any size are cut into overlapping tiles the size of
the model's training field of view (2000 nm for the released models), so
whole camera fields of millions of localizations work.

Outputs:
  OUT                 the input's x, y (nm) plus 'cluster' (0 = not clustered)
  OUT_clusters.csv    one row per cluster: cluster, n_localizations, centroid
                      x_nm/y_nm, radius_of_gyration_nm, convex_hull_area_nm2
                      (0 for fewer than 3 or collinear points)
"""

CLUSTER_EPILOG = """\
eps and min_samples: DBSCAN puts two moved localizations in one cluster when
they lie within eps nm of each other, and a cluster needs at least
min_samples localizations within eps of a core point (the point included).
After MIRO, cluster members sit close together, so eps is smaller than for
plain DBSCAN.

Defaults: for the authors' released files model_scenario_<n>[_blinking].pt,
R, K, eps and min_samples are those the authors used for that scenario
(benchmark-metadata.json), e.g.
  model_scenario_8.pt            R 0.2  K 12  eps 40.62 nm  min_samples 4
  model_scenario_6.pt            R 0.2  K 15  eps 16 nm     min_samples 10
  model_scenario_5.pt            R 0.1  K 15  eps 26 nm     min_samples 13
  model_scenario_9.pt            R 0.1  K 20  eps 13 nm     min_samples 6
  model_scenario_8_blinking.pt   R 0.1  K 20  eps 20 nm     min_samples 30
Models from 'miro train' carry their own R, K and training field size (and
eps/min_samples if given at training). Otherwise the Scenario 8 values are
used. --dbscan-only defaults to eps 50 nm, min_samples 4 (Scenario 8).

{sources}

Examples:
  miro cluster fov.csv --model model_scenario_8.pt --out fov_labels.csv
  miro cluster cell_locs.hdf5 --model model_scenario_8.pt --out cell.csv   (Picasso + .yaml)
  miro cluster ts.csv --pixel-size 107 --model my_model.pt --out ts_labels.csv
  miro cluster fov.csv --dbscan-only --eps 50 --min-samples 4 --out dbscan.csv
"""


def _cmd_compare_runs(args) -> int:
    from miro.provenance import compare_runs, format_comparison

    comparison = compare_runs(args.run_a, args.run_b)
    print(format_comparison(comparison))
    return 1 if comparison["differ"] or comparison["only_a"] or comparison["only_b"] else 0


def build_parser() -> argparse.ArgumentParser:
    """The ``miro`` argument parser (subcommands cluster, evaluate, train, compare-runs)."""
    from miro import __version__

    parser = _Parser(
        prog="miro",
        description="MIRO: cluster single-molecule localizations with a graph neural network "
        "(Pineda et al.) followed by DBSCAN. All lengths are in nm.",
        epilog=MODEL_SOURCES + " Run 'miro <command> --help' for details.",
    )
    parser.add_argument("--version", action="version", version=f"miro {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)

    # ---- cluster
    cluster = commands.add_parser(
        "cluster",
        help="cluster the localizations of one file (MIRO + DBSCAN, or plain DBSCAN)",
        description=CLUSTER_DESCRIPTION,
        epilog=CLUSTER_EPILOG.format(sources=MODEL_SOURCES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cluster.add_argument("input", metavar="INPUT", help="localization file: CSV (plain x,y in nm, ThunderSTORM, SMAP _sml.csv) or Picasso .hdf5")
    cluster.add_argument("--out", "-o", required=True, metavar="OUT", help="labels CSV to write; the cluster table goes to OUT_clusters.csv beside it")
    method = cluster.add_argument_group("method")
    method.add_argument("--model", "-m", metavar="MODEL.pt", help="trained MIRO weights (.pt); required unless --dbscan-only")
    method.add_argument("--dbscan-only", action="store_true", help="plain DBSCAN on the raw localizations, no model")
    method.add_argument("--eps", type=_positive(float, "--eps"), metavar="NM", help="DBSCAN radius in nm (default: see below)")
    method.add_argument("--min-samples", type=_positive(int, "--min-samples"), metavar="N", help="DBSCAN minimum localizations within eps of a core point, itself included (default: see below)")
    method.add_argument(
        "--radius",
        type=_positive(float, "--radius"),
        metavar="R",
        help="connectivity radius R as a fraction of the tile size, the model's length scale (released models 0.2 or 0.1: 400 or 200 nm for 2000 nm tiles); must be the R the model was trained with",
    )
    method.add_argument("--steps", type=_positive(int, "--steps"), metavar="K", help="recurrent steps K (released models 10-25, see below)")
    tiling = cluster.add_argument_group("large fields (tiling)")
    tiling.add_argument("--tile-size", type=_positive(float, "--tile-size"), metavar="NM", help="tile side in nm = the training field-of-view size (default 2000, or from a 'miro train' model)")
    tiling.add_argument("--overlap", type=_non_negative, default=500.0, metavar="NM", help="overlap of neighbouring tiles in nm, at least the largest cluster diameter (default 500)")
    tiling.add_argument("--whole-fov", action="store_true", help="no tiling: normalise the whole input by its min-max like the authors (reproduces the paper on 2 µm benchmark FOVs; small inputs only)")
    tiling.add_argument("--batch-tiles", type=_positive(int, "--batch-tiles"), metavar="N", help="tiles per model call (default 4 on CPU, 64 on GPU)")
    tiling.add_argument("--workers", type=_positive(int, "--workers"), metavar="N", help="parallel processes for the tiles (default: one per CPU core, at most 8)")
    tiling.add_argument("--device", default="auto", help="cpu, cuda, cuda:1 ... (default auto: a GPU if there is one)")
    cluster.add_argument("--keep-columns", action="store_true", help="copy every input column (frame, uncertainty, index...) into OUT")
    _input_options(cluster)
    _output_options(cluster)
    cluster.set_defaults(func=_cmd_cluster)

    # ---- evaluate
    evaluate = commands.add_parser(
        "evaluate",
        help="score predicted labels against ground truth (the eight metrics of the paper's Table 1)",
        description="Score predicted cluster labels against ground-truth labels with the eight metrics of "
        "Table 1 of Pineda et al. (ARI-dagger, IoU, JIc, RMSRE_N, RMSE_xy, AMI, ARI_c, ARI). Labels are whole "
        "numbers, 0 = not clustered; rows of PRED follow the rows of GT.",
        epilog="Examples:\n  miro evaluate fov_labels.csv diffden_MoleculeList_1.csv\n"
        "  miro evaluate fov_labels.csv --gt-column index   (PRED written with --keep-columns)\n"
        "  miro evaluate fov_labels.csv truth.csv --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument("pred", metavar="PRED", help="CSV with predicted labels (e.g. OUT of miro cluster: x, y, cluster)")
    evaluate.add_argument("gt", metavar="GT", nargs="?", help="localization file with ground truth (x, y in nm and index); omit if PRED holds both")
    evaluate.add_argument("--pred-column", metavar="NAME", help="predicted label column (default: cluster, else label)")
    evaluate.add_argument("--gt-column", metavar="NAME", default="index", help="ground-truth label column (default index)")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument("--rmse-convention", choices=("authors", "paper"), default="authors", help="RMSE_xy as the authors' code (sqrt of mean distance, default) or as the paper's formula")
    _input_options(evaluate)
    evaluate.set_defaults(func=_cmd_evaluate)

    # ---- train
    train = commands.add_parser(
        "train",
        help="train a MIRO model from annotated fields of view",
        description="Train a MIRO model from one or more annotated fields of view (columns x, y in nm and "
        "index: cluster label, 0 = not clustered), as the authors did from 3 benchmark FOVs: their clusters "
        "and background are re-assembled into a static set of synthetic training graphs (rotation, "
        "jitter, subsampling), then the network is trained with Adam. Every FOV is normalised by its own "
        "extent, so train on FOVs the size of the tiles you will cluster (2000 nm for benchmark-like data).",
        epilog="Example:\n  miro train fov_32.csv fov_48.csv fov_28.csv --out my_model.pt --epochs 30\n"
        "  miro cluster big_field.csv --model my_model.pt --eps 40 --min-samples 4 --out labels.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("fovs", metavar="FOV", nargs="+", help="annotated localization files (x, y in nm; index)")
    train.add_argument("--out", "-o", required=True, metavar="MODEL.pt", help="checkpoint to write")
    train.add_argument("--radius", type=_positive(float, "--radius"), default=DEFAULT_RADIUS, metavar="R", help="connectivity radius R as a fraction of the FOV size (default 0.2)")
    train.add_argument("--steps", type=_positive(int, "--steps"), default=DEFAULT_STEPS, metavar="K", help="recurrent steps K (default 12)")
    train.add_argument("--epochs", type=_positive(int, "--epochs"), default=30, help="training epochs (default 30, as the authors)")
    train.add_argument("--hidden", type=_positive(int, "--hidden"), default=256, help="hidden size of the network (default 256, as released)")
    train.add_argument(
        "--node-features",
        choices=("laplacian", "laplacian+meanshift"),
        default="laplacian",
        help="node features: the authors' Laplacian eigenvectors (default), or those plus local density and mean-shift vectors",
    )
    train.add_argument("--dataset-size", type=_positive(int, "--dataset-size"), default=1500, metavar="N", help="number of synthetic training graphs (default 1500)")
    train.add_argument("--builder", choices=("GraphDataset", "GraphBlinkingDataset", "GraphBlinkingCroppedDataset"), default="GraphDataset", help="training-set builder of the authors (default GraphDataset; the blinking ones reuse real backgrounds)")
    train.add_argument("--batch-size", type=_positive(int, "--batch-size"), default=4, help="graphs per optimizer step (default 4)")
    train.add_argument("--lr", type=_positive(float, "--lr"), default=1e-4, help="Adam learning rate (default 1e-4)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--device", default="auto", help="cpu, cuda ... (default auto)")
    train.add_argument("--checkpoint-dir", metavar="DIR", help="save the training state here after every epoch and resume from it")
    train.add_argument("--eps", type=_positive(float, "--eps"), metavar="NM", help="DBSCAN eps (nm) to store in the model as its default for miro cluster")
    train.add_argument("--min-samples", type=_positive(int, "--min-samples"), metavar="N", help="DBSCAN min_samples to store in the model")
    _input_options(train)
    _output_options(train)
    train.set_defaults(func=_cmd_train)

    # ---- compare-runs
    compare = commands.add_parser(
        "compare-runs",
        help="which outputs of two workflow runs differ, and by how much (from their results/provenance.json)",
        description="Compare two runs of the workflow through their provenance records: inputs that differ (commit, "
        "config, packages, platform), output files present in one run only, and output files whose bytes differ, "
        "with the per-column difference of tables found in both run folders. Exit status 0 when every output "
        "file is identical, 1 otherwise.",
    )
    compare.add_argument("run_a", metavar="RUN_A", help="run folder (holding results/provenance.json) or a provenance.json")
    compare.add_argument("run_b", metavar="RUN_B", help="the other run")
    compare.set_defaults(func=_cmd_compare_runs)
    return parser


# --------------------------------------------------------------------------- entry point


def _error(message: str) -> None:
    line = " ".join(str(message).split())
    print(f"miro: error: {line}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the ``miro`` command line; return the exit status.

    0 on success; 2 for usage errors and bad input (one line on stderr:
    ``miro: error: ...``); 130 when interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        _error(f"{error} (see '{error.prog} --help')")
        return 2
    except SystemExit as exit_:  # --help, --version
        return int(exit_.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except MiroInputError as error:
        _error(error)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as error:
        name = f"{error.filename}: " if error.filename else ""
        _error(f"{name}{error.strerror or error}; check the path and its permissions")
    except OSError as error:
        name = f"{error.filename}: " if getattr(error, "filename", None) else ""
        _error(f"{name}{error.strerror or error}")
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    return 2
