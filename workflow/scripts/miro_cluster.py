"""MIRO + DBSCAN on every test FOV of a scenario with a trained or released model."""

import logging

from script_utils import chosen_dbscan, job_device, run, set_torch_threads

from miro.inference import miro_dbscan
from miro.io import list_fovs, read_localizations, write_labels
from miro.weights import load_checkpoint


def main(smk):
    set_torch_threads(smk)
    device = job_device(smk)
    miro = smk.params.miro
    dbscan = chosen_dbscan(smk.input.params)
    model, _ = load_checkpoint(smk.input.weights, num_steps=miro["num_steps"], map_location=device)
    files = list_fovs(smk.input.data)
    labels = {}
    for fov in smk.params.fovs:
        xy = read_localizations(files[fov])[["x", "y"]].to_numpy()
        labels[fov] = miro_dbscan(
            model, xy, miro["connectivity_radius"], dbscan["eps"], dbscan["min_samples"],
            num_steps=miro["num_steps"], step=miro["step"], device=device,
        )
        logging.info("FOV %d: %d localizations, %d clusters (%s)", fov, len(xy), labels[fov].max(), device)
    write_labels(smk.output.labels, labels)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
