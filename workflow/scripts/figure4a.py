"""Figure 4a: JIc of cluster pairs vs their distance (d / sigma), DBSCAN vs MIRO + DBSCAN.

For every distance d in params.distances and FOV 1..n_fovs, a FOV of cluster
pairs is simulated (miro.data.simulation.cluster_pairs, separation = d, seeded by
miro.experiments.fov_rng(seed, "figure4a:<d>", fov)), clustered by plain DBSCAN and by
MIRO + DBSCAN and scored by JIc. DBSCAN parameters of each method: with
dbscan "tuned" a grid search (miro.inference.tuning, the tuning metric, default the mean
of JIc and ARI_c) on held-in pair FOVs n_fovs+1..n_fovs+tuning_fovs of every
distance, pooled (one parameter set per method for all distances); with
"scenario" those chosen for the model scenario (its dbscan_params JSONs).
MIRO squeezes the pair FOVs scaled as the model scenario's FOVs were, so
clusters have the size the model saw in training: min-max per FOV (length_nm
None, a model trained on pair FOVs of the same layout) or normalised units of
length_nm nm (isotropic).

Outputs: per-FOV JIc (per_fov), mean / SD / n per distance and method (table),
the DBSCAN parameters used (dbscan), and the figure (png, svg).
"""

import json
import logging
import time

import numpy as np
from script_utils import chosen_dbscan, job_device, run, set_torch_threads

from miro.data.io import write_csv
from miro.data.simulation import cluster_pairs
from miro.evaluation import jic_by_distance, summarize_by
from miro.experiments import fov_rng
from miro.inference.clustering import dbscan_labels
from miro.inference.estimator import MiroDBSCAN
from miro.inference.tuning import tune_dbscan, tune_miro_dbscan
from miro.plotting import figure4a, save_figure

METHODS = ("DBSCAN", "MIRO+DBSCAN")


def simulate_pairs(smk, distance, fov):
    table = cluster_pairs(fov_rng(smk.params.seed, f"figure4a:{distance:g}", fov), separation=float(distance), **dict(smk.params.simulation))
    return table[["x", "y"]].to_numpy(), table["index"].to_numpy()


def tune(smk, squeeze):
    """Each method's DBSCAN parameters maximising the tuning metric on held-in pair FOVs
    (FOVs n_fovs+1..n_fovs+tuning_fovs of every distance, pooled; never a plotted FOV)."""
    held_in = range(smk.params.n_fovs + 1, smk.params.n_fovs + smk.params.tuning_fovs + 1)
    clouds = [simulate_pairs(smk, d, fov) for d in smk.params.distances for fov in held_in]
    xy, truth = [c[0] for c in clouds], [c[1] for c in clouds]
    grid = dict(smk.params.tuning)
    plain = tune_dbscan(xy, truth, **grid).best
    squeezed = tune_miro_dbscan(xy, [squeeze(points) for points in xy], truth, **grid).best
    held = {"fovs_per_distance": list(held_in)}
    return ({**plain, **held}, {**squeezed, **held})


def main(smk):
    set_torch_threads(smk)
    device = job_device(smk)
    miro, length = smk.params.miro, smk.params.length_nm
    scaling = {"normalization": "authors"} if length is None else {"normalization": "isotropic", "length_nm": float(length)}
    clusterer = MiroDBSCAN.from_files(smk.input.model, device=device, **miro, **scaling)
    if smk.params.dbscan == "tuned":
        plain, squeezed = tune(smk, clusterer.squeeze)
    else:
        plain, squeezed = chosen_dbscan(smk.input.dbscan_params), chosen_dbscan(smk.input.miro_params)
    used = {"DBSCAN": plain, "MIRO+DBSCAN": squeezed}
    with open(smk.output.dbscan, "w") as handle:
        json.dump({"mode": smk.params.dbscan, "scenario": smk.params.scenario, "length_nm": length, **miro, **used}, handle, indent=2, default=float)
    clusterers = {
        "DBSCAN": lambda xy: dbscan_labels(xy, plain["eps"], int(plain["min_samples"])),
        "MIRO+DBSCAN": clusterer.set_params(eps=squeezed["eps"], min_samples=int(squeezed["min_samples"])).fit_predict,
    }
    fovs = ((d, fov, *simulate_pairs(smk, d, fov)) for d in smk.params.distances for fov in range(1, smk.params.n_fovs + 1))
    start = time.perf_counter()
    per_fov = jic_by_distance(clusterers, fovs)
    # what grows with n_fovs (benchmarks/extrapolate_run.py scales it)
    logging.info("%d FOVs per distance clustered in %.2f s", smk.params.n_fovs, time.perf_counter() - start)
    # example panel: the first pair (clusters 1 and 2) of FOV 1 at the first distance
    distance = smk.params.distances[0]
    xy, truth = simulate_pairs(smk, distance, 1)
    keep = np.isin(truth, [1, 2])
    example = {"distance": distance, "xy": xy[keep],
               "labels": {"Ground truth": truth[keep], **{m: cluster(xy)[keep] for m, cluster in clusterers.items()}}}
    summary = summarize_by(per_fov, ["distance_sigma", "method"], "JIc").sort_values(
        ["distance_sigma", "method"], key=lambda c: c.map(METHODS.index) if c.name == "method" else c
    )
    write_csv(per_fov, smk.output.per_fov)
    write_csv(summary, smk.output.table)
    title = f"Cluster pairs (σ = {dict(smk.params.simulation).get('sd', 25.0):g} nm), MIRO model of scenario {smk.params.scenario}"
    fig = figure4a(summary, example["xy"], example["labels"], example["distance"], methods=METHODS, title=title)
    save_figure(fig, smk.output.png, smk.output.svg)
    logging.info("DBSCAN %s, MIRO+DBSCAN %s (%s; R %s, K %s, %s, %s)\n%s", plain, squeezed, smk.params.dbscan,
                 miro["connectivity_radius"], miro["num_steps"], scaling, device, summary.to_string(index=False))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
