"""Plain DBSCAN (or HDBSCAN, OPTICS, ToMATo) on the localizations of each test FOV of a
scenario, with the parameters its dbscan_params job chose."""

import json
import logging

from script_utils import run

from miro.data.io import list_fovs, read_localizations, write_labels
from miro.inference.baselines import cluster_labels
from miro.inference.clustering import dbscan_labels


def main(smk):
    with open(smk.input.params) as handle:
        record = json.load(handle)
    method, chosen = record.get("clusterer", "DBSCAN"), record["chosen"]
    files = list_fovs(smk.input.data)
    labels = {}
    for fov in smk.params.fovs:
        xy = read_localizations(files[fov])[["x", "y"]].to_numpy()
        if method == "DBSCAN":
            labels[fov] = dbscan_labels(xy, chosen["eps"], chosen["min_samples"])
        else:
            labels[fov] = cluster_labels(method, xy, **chosen)
        logging.info("FOV %d: %d localizations, %d clusters (%s)", fov, len(xy), labels[fov].max(), method)
    write_labels(smk.output.labels, labels)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
