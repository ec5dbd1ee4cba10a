"""Clustering parameters of one scenario and method, chosen on the training FOVs (never a
test FOV): for DBSCAN-type methods the authors' fixed values and a grid search, both written
with the one used; for the other methods (HDBSCAN, OPTICS, ToMATo, MIRO_HDBSCAN) the best
point of their config method_grids grid."""

import json
import logging

from script_utils import run, set_torch_threads

from miro.data.io import list_fovs, read_localizations
from miro.inference.tuning import choose_parameters


def main(smk):
    files = list_fovs(smk.input.data)
    tables = [read_localizations(files[fov], require_labels=True) for fov in smk.params.training_fovs]
    xy = [t[["x", "y"]].to_numpy() for t in tables]
    truth = [t["index"].to_numpy() for t in tables]
    clustered = xy
    if smk.input.weights:
        from miro.inference.estimator import MiroDBSCAN  # torch is loaded by the MIRO methods' jobs only

        set_torch_threads(smk)
        squeezer = MiroDBSCAN.from_files(smk.input.weights, **smk.params.miro)
        clustered = [squeezer.squeeze(points) for points in xy]
    result = choose_parameters(clustered, xy, truth, selection=smk.params.selection, fixed=smk.params.fixed,
                               method=smk.params.clusterer, grid=smk.params.grid)
    result["tuned_on_fovs"] = list(smk.params.training_fovs)
    if smk.input.weights:
        result["squeezed"] = dict(smk.params.miro)  # R, K and the step (0-based, -1 = last) the clustering ran on
    with open(smk.output.params, "w") as handle:
        json.dump(result, handle, indent=2)
    logging.info("%s", result)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
