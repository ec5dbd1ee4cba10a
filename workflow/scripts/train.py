"""Train one MIRO model of the workflow (few-shot: the scenario id; single-shot: <id>_single_shot;
CUDA when the job has a GPU and one is visible)."""

import hashlib
import json
import logging
import os
import platform

import torch
from script_utils import job_device, run, set_torch_threads

from miro.data.download import sha256_of
from miro.errors import MiroInputError
from miro.experiments.scenarios import AUTHORS_TRAINING
from miro.nn.model import MIRO
from miro.nn.weights import save_checkpoint
from miro.plotting.loss_curve import LossCurve
from miro.training import LossLog, completed_epochs, train
from miro.training.cost import estimate_training_seconds, format_duration
from miro.training.training_sets import load_training_set


def main(smk):
    set_torch_threads(smk)
    settings, radius = smk.params.settings, smk.params.connectivity_radius
    device = job_device(smk)
    # one checkpoint folder per (settings, variant, training set): a rerun after a config change starts
    # afresh, a rerun of an interrupted job resumes from its last epoch
    variant = smk.params.variant
    key = json.dumps([settings, radius, variant, sha256_of(smk.input.graphs)], sort_keys=True)
    key = hashlib.sha256(key.encode()).hexdigest()[:16]
    checkpoint_dir = os.path.join(smk.params.checkpoint_dir, key)
    graphs = load_training_set(smk.input.graphs)
    options = {**AUTHORS_TRAINING, **settings}  # the keys left out at the authors' values, back in
    # cMIRO: one logit per class of the training set (0 = not clustered)
    classes = int(max(int(g.y_class.max()) for g in graphs)) + 1 if variant["variant"] == "classification" else 0
    torch.manual_seed(settings["seed"])
    model = MIRO(hidden_channels=settings["hidden_channels"], num_steps=settings["num_steps"], out_channels=2 + classes,
                 node_features=settings["node_features"])
    loss = {"nd_weight": settings["nd_weight"], "variant": variant["variant"], "class_weight": variant["class_weight"],
            "cutoff_step": variant["cutoff_step"] if variant["variant"] == "multiscale" else None,
            "precision": options["precision"]}
    check_training_time(smk, model, graphs, options, radius, loss, device, checkpoint_dir)
    model, history = train(
        model, graphs,
        epochs=settings["epochs"], batch_size=settings["batch_size"], lr=settings["lr"],
        lr_schedule=options["lr_schedule"], tiles=options["tiles"], connectivity_radius=radius, seed=settings["seed"], device=device,
        checkpoint_dir=checkpoint_dir, resume=True, progress=False,
        callbacks=[LossLog(smk.output.loss), LossCurve(smk.output.curve)], class_balance=variant["class_balance"], **loss,
    )
    save_checkpoint(model.cpu(), smk.output.model, connectivity_radius=radius,
                    metadata={"scenario": smk.wildcards.model, "training": settings, "device": device})
    logging.info("trained on %s: final loss %.4f, %.0f s", device, history[-1]["loss"], sum(h["seconds"] for h in history))


def check_training_time(smk, model, graphs, settings, radius, loss, device, checkpoint_dir):
    """Measure what the remaining epochs will cost here; on the CPU refuse a training
    estimated above max_cpu_training_hours (null = no limit) with the ways forward.
    (Class-balancing weights only rescale a loss term: they do not change the cost.)"""
    epochs = settings["epochs"] - completed_epochs(checkpoint_dir)
    if epochs <= 0:
        return
    cost = estimate_training_seconds(
        model, graphs, epochs=epochs, batch_size=settings["batch_size"], lr=settings["lr"], tiles=settings["tiles"],
        connectivity_radius=radius, device=device, **loss,
    )
    logging.info("estimated training time on %s: %s (%d epochs of %s)", device, format_duration(cost.seconds),
                 epochs, format_duration(cost.seconds_per_epoch))
    limit = smk.config["max_cpu_training_hours"]
    if device != "cpu" or limit is None or cost.seconds <= limit * 3600:
        return
    raise MiroInputError(
        f"training {smk.wildcards.model} on the CPU of {platform.node()} would take about "
        f"{format_duration(cost.seconds)} with {torch.get_num_threads()} threads ({epochs} epochs of "
        f"{len(graphs)} graphs, measured here), over max_cpu_training_hours = {limit:g}: run it on a GPU machine "
        "or through a cluster (--workflow-profile profiles/slurm), or run the CPU-sized preset "
        "(make reproduce CONFIG=config/quick.yaml) or the authors' weights without training "
        "(make reproduce CONFIG=config/released.yaml), or train on the CPU anyway "
        "(--config max_cpu_training_hours=inf)"
    )


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
