"""``miro cluster``: MIRO + DBSCAN (or plain DBSCAN) on one localization file; labels and a table of clusters."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from miro._outputs import atomic_outputs, check_outputs
from miro.cli._common import input_options, output_options, progress, ranged, read_localization_file, say, torch_device
from miro.cli.models import DEFAULT_DBSCAN_EPS, DEFAULT_DBSCAN_MIN_SAMPLES, DEFAULT_MODEL, MODEL_SOURCES
from miro.errors import MiroInputError

__all__ = ["cluster_table"]

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


def _clusters_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}_clusters{out.suffix}")


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


def run(args) -> int:
    """Run ``miro cluster``: read, cluster (MIRO + DBSCAN or plain DBSCAN), write labels and the cluster table."""
    from miro.inference.clustering import dbscan_labels

    source = Path(args.input)
    out, clusters_out = check_outputs([args.out, _clusters_path(Path(args.out))], inputs=[source, args.model], fix="choose another --out")
    if args.dbscan_only and args.model is not None:
        raise MiroInputError("--dbscan-only runs DBSCAN without a model; drop --model or --dbscan-only")
    if not args.dbscan_only and args.model is None:
        raise MiroInputError("--model is required (or use --dbscan-only for plain DBSCAN). " + MODEL_SOURCES)

    table = read_localization_file(source, args)
    xy = table[["x", "y"]].to_numpy(dtype=np.float64)
    say(args, f"read {len(xy)} localizations from {source} ({table.attrs.get('format', 'csv')} format)")

    if args.dbscan_only:
        eps = args.eps if args.eps is not None else DEFAULT_DBSCAN_EPS
        min_samples = args.min_samples if args.min_samples is not None else DEFAULT_DBSCAN_MIN_SAMPLES
        say(args, f"plain DBSCAN: eps {eps:g} nm, min_samples {min_samples}")
        labels = dbscan_labels(xy, eps, min_samples)
    else:
        labels = _miro_labels(args, xy)

    result = table.copy() if args.keep_columns else table[["x", "y"]].copy()
    result["cluster"] = labels
    stats = cluster_table(xy, labels)
    with atomic_outputs([out, clusters_out]) as (labels_part, clusters_part):
        result.to_csv(labels_part, index=False)
        stats.to_csv(clusters_part, index=False)
    n_clustered = int((labels > 0).sum())
    say(
        args,
        f"{len(stats)} clusters, {n_clustered} of {len(labels)} localizations clustered; "
        f"wrote {out} and {clusters_out}",
    )
    return 0


def _miro_labels(args, xy) -> np.ndarray:
    """MIRO + DBSCAN labels with the settings of the command line, else of the model: our
    checkpoint's metadata, a released model's row of the manifest, else Scenario 8's."""
    from miro.data.released import released_model
    from miro.inference.estimator import MiroDBSCAN
    from miro.nn.weights import load_checkpoint

    _, meta = load_checkpoint(args.model)
    released = released_model(args.model)
    if "connectivity_radius" in meta:  # written by miro.nn.weights.save_checkpoint
        origin = "checkpoint metadata"
    elif released is not None:
        origin = f"released model {Path(args.model).name}"
    else:
        origin = "Scenario 8 defaults"
    tile = args.tile_size if args.tile_size is not None else float(meta.get("fov_size_nm") or 2000.0)
    if args.overlap >= tile:
        raise MiroInputError(f"--overlap {args.overlap:g} nm must be smaller than the tile size {tile:g} nm")
    given = dict(connectivity_radius=args.radius, num_steps=args.steps, eps=args.eps, min_samples=args.min_samples)
    clusterer = MiroDBSCAN.from_files(
        args.model,
        released=released or released_model(DEFAULT_MODEL),
        tiling=not args.whole_fov,
        tile_size_nm=tile,
        overlap_nm=args.overlap,
        batch_tiles=args.batch_tiles,
        device=torch_device(args.device),
        progress=progress(args),
        workers=args.workers,
        **{key: value for key, value in given.items() if value is not None},
    )
    radius = clusterer.connectivity_radius
    say(
        args,
        f"MIRO: R {radius:g} ({radius * tile:g} nm), K {clusterer.num_steps}, eps {clusterer.eps:g} nm, "
        f"min_samples {clusterer.min_samples}, tiles {tile:g} nm overlapping {args.overlap:g} nm, "
        f"device {clusterer.device} (defaults from {origin})",
    )
    return clusterer.fit_predict(xy)


def add_parser(commands) -> None:
    """The ``cluster`` subcommand: options and help."""
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
    method.add_argument("--eps", type=ranged("--eps"), metavar="NM", help="DBSCAN radius in nm (default: see below)")
    method.add_argument("--min-samples", type=ranged("--min-samples"), metavar="N", help="DBSCAN minimum localizations within eps of a core point, itself included (default: see below)")
    method.add_argument(
        "--radius",
        type=ranged("--radius"),
        metavar="R",
        help="connectivity radius R as a fraction of the tile size, the model's length scale (released models 0.2 or 0.1: 400 or 200 nm for 2000 nm tiles); must be the R the model was trained with",
    )
    method.add_argument("--steps", type=ranged("--steps"), metavar="K", help="recurrent steps K (released models 10-25, see below)")
    tiling = cluster.add_argument_group("large fields (tiling)")
    tiling.add_argument("--tile-size", type=ranged("--tile-size"), metavar="NM", help="tile side in nm = the training field-of-view size (default 2000, or from a 'miro train' model)")
    tiling.add_argument("--overlap", type=ranged("--overlap"), default=500.0, metavar="NM", help="overlap of neighbouring tiles in nm, at least the largest cluster diameter (default 500)")
    tiling.add_argument("--whole-fov", action="store_true", help="no tiling: normalise the whole input by its min-max like the authors (reproduces the paper on 2 µm benchmark FOVs; small inputs only)")
    tiling.add_argument("--batch-tiles", type=ranged("--batch-tiles"), metavar="N", help="tiles per model call (default 4 on CPU, 64 on GPU)")
    tiling.add_argument("--workers", type=ranged("--workers"), metavar="N", help="parallel processes for the tiles (default: one per CPU core, at most 8)")
    tiling.add_argument("--device", default="auto", help="cpu, cuda, cuda:1 ... (default auto: a GPU if there is one)")
    cluster.add_argument("--keep-columns", action="store_true", help="copy every input column (frame, uncertainty, index...) into OUT")
    input_options(cluster)
    output_options(cluster)
    cluster.set_defaults(func=run)
