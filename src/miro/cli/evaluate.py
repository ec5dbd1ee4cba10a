"""``miro evaluate``: the eight scores of Table 1 for predicted labels against ground truth."""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np
import pandas as pd

from miro._validation import existing_file, label_column
from miro.cli._common import input_options, read_localization_file
from miro.errors import MiroInputError

__all__: list[str] = []

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


def run(args) -> int:
    """Run ``miro evaluate``: print the eight scores (a table, or JSON)."""
    from miro.evaluation import METRICS, evaluate

    pred_table = _read_label_table(args.pred)
    pred_column = args.pred_column
    if pred_column is None:
        pred_column = next((c for c in ("cluster", "label") if c in pred_table.columns), "cluster")
    pred = label_column(pred_table, pred_column, args.pred)
    if args.gt is not None:
        gt_table = read_localization_file(args.gt, args)
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
    scores = {name: None if scores[name] is None or math.isnan(scores[name]) else scores[name] for name in METRICS}
    undefined = [name for name, value in scores.items() if value is None]
    if undefined:  # once, on stderr: stdout stays a table or valid JSON
        print(f"miro: note: {', '.join(undefined)} undefined: no predicted cluster matched a ground-truth cluster", file=sys.stderr)
    if args.json:
        print(json.dumps(scores, indent=2, allow_nan=False))
    else:
        width = max(len(name) for name in METRICS)
        print(f"{'metric':<{width}}  {'value':>8}  meaning")
        for name, value in scores.items():
            text = "n/a" if value is None else f"{value:8.4f}"
            print(f"{name:<{width}}  {text:>8}  {METRIC_MEANINGS.get(name, '')}")
    return 0


def add_parser(commands) -> None:
    """The ``evaluate`` subcommand: options and help."""
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
    input_options(evaluate)
    evaluate.set_defaults(func=run)
