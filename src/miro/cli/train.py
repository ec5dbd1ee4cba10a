"""``miro train``: a MIRO model from annotated fields of view, the authors' way."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from miro._outputs import check_outputs
from miro.cli._common import input_options, output_options, progress, ranged, read_localization_file, say, torch_device
from miro.cli.models import DEFAULT_RADIUS, DEFAULT_STEPS
from miro.errors import MiroInputError

__all__: list[str] = []


def _single_shot_source(args):
    """The one cluster of ``--single-shot`` (nm, centred and scaled by ``--length-nm``) and the
    positional files as real backgrounds (their index-0 localizations, or all of them without
    an index column; each normalised by its own extent)."""
    from miro.training.training_sets import single_shot_source, split_fov

    backgrounds = []
    for path in args.fovs:
        table = read_localization_file(path, args)
        if "index" not in table.columns:
            table = table.assign(index=0)
        backgrounds.append(split_fov(table)[1])
    if args.builder != "GraphDataset" and not backgrounds:
        raise MiroInputError(f"--builder {args.builder} places the cluster in real backgrounds; give background files after --single-shot CLUSTER.csv")
    return single_shot_source(args.single_shot, backgrounds, length_nm=args.length_nm)


def _few_shot_source(args):
    """The clusters and backgrounds of the annotated FOVs, and the FOVs' mean extent (nm)."""
    from miro.training.training_sets import source_from_fovs

    if not args.fovs:
        raise MiroInputError("give annotated FOV files (x, y in nm; index), or one cluster with --single-shot CLUSTER.csv")
    tables = [read_localization_file(path, args, require_labels=True) for path in args.fovs]
    for path, table in zip(args.fovs, tables):
        if not (table["index"] > 0).any():
            raise MiroInputError(f"{path}: no clustered localizations (all index 0); training FOVs need labelled clusters")
    extents = [float(np.mean(t[["x", "y"]].max().to_numpy() - t[["x", "y"]].min().to_numpy())) for t in tables]
    return source_from_fovs(tables), float(np.mean(extents))


def run(args) -> int:
    """Run ``miro train``: build a training set from the FOVs (or one cluster), train, write the checkpoint."""
    import torch

    from miro.nn.model import MIRO
    from miro.nn.weights import save_checkpoint
    from miro.training import check_precision, train
    from miro.training.state import CHECKPOINT_NAME
    from miro.training.training_sets import build_training_set

    state = Path(args.checkpoint_dir) / CHECKPOINT_NAME if args.checkpoint_dir else None
    check_outputs([args.out], inputs=[*args.fovs, args.single_shot, state], fix="choose another --out")
    if args.single_shot:
        source, fov_size_nm = _single_shot_source(args), args.length_nm
        what = f"one cluster of {len(source.clusters[0])} localizations ({args.single_shot}), {len(args.fovs)} background file(s), FOV {fov_size_nm:g} nm"
    else:
        source, fov_size_nm = _few_shot_source(args)
        what = f"{len(args.fovs)} FOV(s), mean extent {fov_size_nm:.0f} nm"
    device = torch_device(args.device)
    check_precision(args.precision, device)  # before the training set is built
    say(
        args,
        f"training on {what}: {args.builder}, "
        f"{args.dataset_size} graphs, R {args.radius:g}, K {args.steps}, hidden {args.hidden}, {args.epochs} epochs, device {device}",
    )
    graphs = build_training_set(
        args.builder,
        {"connectivity_radius": args.radius},
        source,
        seed=args.seed,
        dataset_size=args.dataset_size,
        progress=bool(progress(args) if progress(args) is not None else sys.stderr.isatty()),
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
        lr_schedule=args.lr_schedule,
        tiles=args.tiles,
        precision=args.precision,
        connectivity_radius=args.radius,
        seed=args.seed,
        device=str(device),
        checkpoint_dir=args.checkpoint_dir,
        progress=bool(progress(args) if progress(args) is not None else sys.stderr.isatty()),
    )
    metadata = {
        "builder": args.builder,
        "dataset_size": args.dataset_size,
        "epochs": args.epochs,
        "lr": args.lr,
        "lr_schedule": args.lr_schedule,
        "tiles": args.tiles,
        "precision": args.precision,
        "seed": args.seed,
        "training_files": [str(p) for p in args.fovs],
        "single_shot_cluster": str(args.single_shot) if args.single_shot else None,
        "fov_size_nm": fov_size_nm,
        "final_loss": history[-1]["loss"] if history else None,
    }
    if args.eps is not None:
        metadata["eps"] = args.eps
    if args.min_samples is not None:
        metadata["min_samples"] = args.min_samples
    path = save_checkpoint(model.cpu(), args.out, connectivity_radius=args.radius, metadata=metadata)
    loss = f", final loss {history[-1]['loss']:.4g}" if history else ""
    say(args, f"wrote {path}{loss}")
    return 0


def add_parser(commands) -> None:
    """The ``train`` subcommand: options and help."""
    train = commands.add_parser(
        "train",
        help="train a MIRO model from annotated fields of view",
        description="Train a MIRO model from one or more annotated fields of view (columns x, y in nm and "
        "index: cluster label, 0 = not clustered), as the authors did from 3 benchmark FOVs: their clusters "
        "and background are re-assembled into a static set of synthetic training graphs (rotation, "
        "jitter, subsampling), then the network is trained with Adam. Every FOV is normalised by its own "
        "extent, so train on FOVs the size of the tiles you will cluster (2000 nm for benchmark-like data). "
        "With --single-shot the training set is built from one annotated cluster instead.",
        epilog="Examples:\n  miro train fov_32.csv fov_48.csv fov_28.csv --out my_model.pt --epochs 30\n"
        "  miro cluster big_field.csv --model my_model.pt --eps 40 --min-samples 4 --out labels.csv\n"
        "  miro train --single-shot one_cluster.csv --out one_shot.pt      # single-shot: one cluster (x, y in nm)\n"
        "  miro train --single-shot one_cluster.csv cell_1.csv --builder GraphBlinkingDataset --out one_shot.pt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument(
        "fovs", metavar="FOV", nargs="*",
        help="annotated localization files (x, y in nm; index); with --single-shot, files whose localizations "
        "(index 0, or all without an index column) are real backgrounds for the blinking builders",
    )
    train.add_argument(
        "--single-shot", metavar="CLUSTER.csv",
        help="train from this one cluster (x, y in nm) instead of annotated FOVs: the builder places rotated, "
        "jittered, subsampled copies of it in synthetic fields (the paper's single-shot training)",
    )
    train.add_argument(
        "--length-nm", type=ranged("--length-nm"), default=2000.0, metavar="NM",
        help="with --single-shot: nm per normalised unit, the side of the fields you will cluster (default 2000, the benchmark's)",
    )
    train.add_argument("--out", "-o", required=True, metavar="MODEL.pt", help="checkpoint to write")
    train.add_argument("--radius", type=ranged("--radius"), default=DEFAULT_RADIUS, metavar="R", help="connectivity radius R as a fraction of the FOV size (default 0.2)")
    train.add_argument("--steps", type=ranged("--steps"), default=DEFAULT_STEPS, metavar="K", help="recurrent steps K (default 12)")
    train.add_argument("--epochs", type=ranged("--epochs"), default=30, help="training epochs (default 30, as the authors)")
    train.add_argument("--hidden", type=ranged("--hidden"), default=256, help="hidden size of the network (default 256, as released)")
    train.add_argument(
        "--node-features",
        choices=("laplacian", "laplacian+meanshift"),
        default="laplacian",
        help="node features: the authors' Laplacian eigenvectors (default), or those plus local density and mean-shift vectors",
    )
    train.add_argument("--dataset-size", type=ranged("--dataset-size"), default=1500, metavar="N", help="number of synthetic training graphs (default 1500)")
    train.add_argument("--builder", choices=("GraphDataset", "GraphBlinkingDataset", "GraphBlinkingCroppedDataset"), default="GraphDataset", help="training-set builder of the authors (default GraphDataset; the blinking ones reuse real backgrounds)")
    train.add_argument("--batch-size", type=ranged("--batch-size"), default=4, help="graphs per optimizer step (default 4)")
    train.add_argument("--lr", type=ranged("--lr"), default=1e-4, help="Adam learning rate (default 1e-4)")
    train.add_argument("--lr-schedule", choices=("constant", "cosine"), default="constant",
                       help="constant learning rate (the authors', default), or a 5 %% warm-up and cosine decay from --lr")
    train.add_argument("--tiles", type=ranged("--tiles"), default=1, metavar="T",
                       help="train on every graph cut into T x T pieces: T² times the optimiser steps per epoch "
                       "for about the same arithmetic (default 1, whole graphs, the authors')")
    train.add_argument("--precision", choices=("fp32", "bf16"), default="fp32",  # miro.training.PRECISIONS (no torch import here)
                       help="fp32 (default, the authors'), or bf16: the forward pass under bfloat16 autocast "
                       "(mixed precision, for GPUs and CPUs with bfloat16 units)")
    train.add_argument("--seed", type=ranged("--seed"), default=0, help="random seed (default 0)")
    train.add_argument("--device", default="auto", help="cpu, cuda ... (default auto)")
    train.add_argument("--checkpoint-dir", metavar="DIR", help="save the training state here after every epoch and resume from it")
    train.add_argument("--eps", type=ranged("--eps"), metavar="NM", help="DBSCAN eps (nm) to store in the model as its default for miro cluster")
    train.add_argument("--min-samples", type=ranged("--min-samples"), metavar="N", help="DBSCAN min_samples to store in the model")
    input_options(train)
    output_options(train)
    train.set_defaults(func=run)
