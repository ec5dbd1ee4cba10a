"""DBSCAN parameters of one scenario and method: the authors' fixed values and a
grid search on the training FOVs (never a test FOV); writes both and the one used."""

import json
import logging

from script_utils import run, set_torch_threads

from miro.data.io import list_fovs, read_localizations
from miro.inference.tuning import tune_dbscan, tune_miro_dbscan


def main(smk):
    selection, files = smk.params.selection, list_fovs(smk.input.data)
    tables = [read_localizations(files[fov], require_labels=True) for fov in smk.params.training_fovs]
    xy = [t[["x", "y"]].to_numpy() for t in tables]
    truth = [t["index"].to_numpy() for t in tables]
    grid = dict(eps=selection["eps"], min_samples=selection["min_samples"], metric=selection["metric"])
    if smk.input.weights:
        from miro.inference.estimator import MiroDBSCAN  # torch is loaded by the MIRO methods' jobs only

        set_torch_threads(smk)
        squeezer = MiroDBSCAN.from_files(smk.input.weights, **smk.params.miro)
        squeezed = [squeezer.squeeze(points) for points in xy]
        tuned = tune_miro_dbscan(xy, squeezed, truth, **grid).best
    else:
        tuned = tune_dbscan(xy, truth, **grid).best
    tuned = {key: (value.item() if hasattr(value, "item") else value) for key, value in tuned.items()}
    fixed = dict(smk.params.fixed)
    chosen = fixed if selection["mode"] == "fixed" else {"eps": tuned["eps"], "min_samples": tuned["min_samples"]}
    result = {"mode": selection["mode"], "chosen": chosen, "fixed": fixed, "tuned": tuned, "tuned_on_fovs": list(smk.params.training_fovs)}
    if smk.input.weights:
        result["squeezed"] = dict(smk.params.miro)  # R, K and the step (0-based, -1 = last) DBSCAN ran on
    with open(smk.output.params, "w") as handle:
        json.dump(result, handle, indent=2)
    logging.info("%s", result)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
