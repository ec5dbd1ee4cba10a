"""Shared start-up of the workflow scripts: log to the rule's log file, and turn
bad input into one line in the log instead of a traceback; read the DBSCAN
parameters a scenario's dbscan_params rule chose."""

import json
import logging
import sys

from miro.errors import MiroInputError


def run(main, smk):
    """Call ``main(smk)`` with stderr and logging sent to the rule's log."""
    sys.stderr = open(smk.log[0], "w", buffering=1)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        main(smk)
    except MiroInputError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


def set_torch_threads(smk):
    """PyTorch intra-op threads = config torch_threads (a training job: its model's, see
    miro.experiments.scenarios.model_torch_threads), whatever Snakemake allotted the job: a
    sum split over another number of threads rounds differently, so a fixed count keeps
    every model and label independent of --cores."""
    import torch  # here, not at the top: jobs without the network start without torch

    from miro.experiments.scenarios import model_torch_threads

    model = smk.wildcards.get("model")
    torch.set_num_threads(smk.config["torch_threads"] if model is None else model_torch_threads(smk.config, model))


def job_device(smk):
    """A GPU when the job was given one and one is visible, else the CPU."""
    from miro.nn.device import resolve_device

    return str(resolve_device("auto" if smk.resources.get("gpu", 0) else "cpu"))


def chosen_dbscan(path):
    """The DBSCAN parameters (eps, min_samples, ...) chosen in a results/dbscan_params/<scenario>/<method>.json."""
    with open(path) as handle:
        return json.load(handle)["chosen"]
