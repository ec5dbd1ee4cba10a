"""Plain DBSCAN on the localizations of each test FOV of a scenario."""

import logging

from script_utils import chosen_dbscan, run

from miro.data.io import list_fovs, read_localizations, write_labels
from miro.inference.clustering import dbscan_labels


def main(smk):
    dbscan = chosen_dbscan(smk.input.params)
    files = list_fovs(smk.input.data)
    labels = {}
    for fov in smk.params.fovs:
        xy = read_localizations(files[fov])[["x", "y"]].to_numpy()
        labels[fov] = dbscan_labels(xy, dbscan["eps"], dbscan["min_samples"])
        logging.info("FOV %d: %d localizations, %d clusters", fov, len(xy), labels[fov].max())
    write_labels(smk.output.labels, labels)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
