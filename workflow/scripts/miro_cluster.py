"""MIRO + DBSCAN on every test FOV of a scenario with a trained or released model."""

import logging

from script_utils import job_device, run, set_torch_threads

from miro.data.io import list_fovs, read_localizations, write_labels
from miro.inference.estimator import MiroDBSCAN


def main(smk):
    set_torch_threads(smk)
    device = job_device(smk)
    # the chosen eps / min_samples of the parameters file; R, K and step of the scenario
    clusterer = MiroDBSCAN.from_files(smk.input.weights, smk.input.params, device=device, **smk.params.miro)
    files = list_fovs(smk.input.data)
    labels = {}
    for fov in smk.params.fovs:
        xy = read_localizations(files[fov])[["x", "y"]].to_numpy()
        labels[fov] = clusterer.fit_predict(xy)
        logging.info("FOV %d: %d localizations, %d clusters (%s)", fov, len(xy), labels[fov].max(), device)
    write_labels(smk.output.labels, labels)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
