"""Clustering parameters of one scenario and method, chosen on the training FOVs (never a
test FOV): for DBSCAN-type methods the authors' fixed values and a grid search, both written
with the one used; for the other methods (HDBSCAN, OPTICS, ToMATo, MIRO_HDBSCAN) the best
point of their config method_grids grid."""

import json
import logging

from script_utils import run, set_torch_threads

from miro.data.io import list_fovs, read_localizations
from miro.inference.tuning import tune_clusterer, tune_dbscan, tune_miro_dbscan


def plain(value):
    return value.item() if hasattr(value, "item") else value


def dbscan_choice(smk, xy, squeezed, truth) -> dict:
    """The DBSCAN parameters record: fixed (authors'), tuned, chosen by the mode."""
    selection = smk.params.selection
    grid = dict(eps=selection["eps"], min_samples=selection["min_samples"], metric=selection["metric"])
    tuned = tune_miro_dbscan(xy, squeezed, truth, **grid).best if smk.input.weights else tune_dbscan(xy, truth, **grid).best
    tuned = {key: plain(value) for key, value in tuned.items()}
    fixed = dict(smk.params.fixed)
    chosen = fixed if selection["mode"] == "fixed" else {"eps": tuned["eps"], "min_samples": tuned["min_samples"]}
    return {"mode": selection["mode"], "chosen": chosen, "fixed": fixed, "tuned": tuned}


def other_choice(smk, xy, clustered, truth) -> dict:
    """The record of another method: its grid and the grid point chosen."""
    method, grid = smk.params.clusterer, dict(smk.params.grid)
    tuned = tune_clusterer(method, clustered, xy, truth, grid=grid, metric=smk.params.selection["metric"]).best
    tuned = {key: plain(value) for key, value in tuned.items()}
    chosen = {key: value for key, value in tuned.items() if key in grid}
    return {"clusterer": method, "mode": "tuned", "chosen": chosen, "grid": grid, "tuned": tuned}


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
    result = dbscan_choice(smk, xy, clustered, truth) if smk.params.grid is None else other_choice(smk, xy, clustered, truth)
    result["tuned_on_fovs"] = list(smk.params.training_fovs)
    if smk.input.weights:
        result["squeezed"] = dict(smk.params.miro)  # R, K and the step (0-based, -1 = last) the clustering ran on
    with open(smk.output.params, "w") as handle:
        json.dump(result, handle, indent=2)
    logging.info("%s", result)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
