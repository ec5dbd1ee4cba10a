"""Figure 4a: JIc of cluster pairs vs their distance (d / sigma), DBSCAN vs MIRO + DBSCAN.

For every distance d in params.distances and FOV 1..n_fovs, a FOV of cluster
pairs is simulated (miro.simulate.cluster_pairs, separation = d, seeded by
seeding.fov_rng(seed, "figure4a:<d>", fov)), clustered by plain DBSCAN and by
MIRO + DBSCAN and scored by JIc. DBSCAN parameters of each method: with
dbscan "tuned" a grid search (miro.tuning, the tuning metric, default JIc) on
held-in pair FOVs n_fovs+1..n_fovs+tuning_fovs of every distance, pooled (one
parameter set per method for all distances); with "scenario" those chosen for
the model scenario (its dbscan_params JSONs). MIRO squeezes the pair FOVs in
normalised units of length_nm nm (isotropic), the FOV edge the model was
trained on, so clusters have the size the model saw in training.

Outputs: per-FOV JIc (per_fov), mean / SD / n per distance and method (table),
the DBSCAN parameters used (dbscan), and the figure (png, svg).
"""

import json
import logging

import numpy as np
import pandas as pd
import torch
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec
from script_utils import run
from seeding import fov_rng

from miro import metrics
from miro.clustering import dbscan_labels
from miro.inference import squeeze_fov
from miro.io import write_csv
from miro.plots import METHOD_PALETTE, NOISE_COLOR, PAPER_RC, save_figure
from miro.simulate import cluster_pairs
from miro.tuning import tune_dbscan, tune_miro_dbscan
from miro.weights import load_checkpoint

METHODS = ("DBSCAN", "MIRO+DBSCAN")


def chosen(path):
    with open(path) as handle:
        return json.load(handle)["chosen"]


def summarize(per_fov: pd.DataFrame) -> pd.DataFrame:
    grouped = per_fov.groupby(["distance_sigma", "method"], sort=False)["JIc"]
    table = grouped.agg(mean="mean", sd=lambda s: s.std(ddof=1) if len(s) > 1 else 0.0, n_fov="count").reset_index()
    return table.sort_values(["distance_sigma", "method"], key=lambda c: c.map(METHODS.index) if c.name == "method" else c)


def pair_colors(labels):
    """Well-separated colours for the few clusters of one pair (tab10 by rank), grey for not clustered."""
    import matplotlib as mpl

    labels = np.asarray(labels)
    colours = np.tile(mpl.colors.to_rgba(NOISE_COLOR), (labels.size, 1))
    palette = mpl.colormaps["tab10"].colors
    for rank, value in enumerate(np.unique(labels[labels > 0])):
        colours[labels == value] = mpl.colors.to_rgba(palette[rank % len(palette)])
    return colours


def draw(summary: pd.DataFrame, example: dict, settings: dict):
    import matplotlib as mpl

    with mpl.rc_context(PAPER_RC):
        fig = Figure(figsize=(7.0, 5.0), layout="constrained")
        grid = GridSpec(2, 3, figure=fig, height_ratios=[1.4, 1.0])
        ax = fig.add_subplot(grid[0, :])
        for colour, method, marker, style in zip(METHOD_PALETTE, METHODS, ("s", "o"), ("--", "-")):
            rows = summary[summary["method"] == method]
            ax.errorbar(rows["distance_sigma"], rows["mean"], yerr=rows["sd"], marker=marker, ms=3.5, capsize=2.5,
                        color=colour, linestyle=style, label=method)
        ax.set_xlabel(r"cluster distance $d/\sigma$")
        ax.set_ylabel(r"JI$_{c}$")
        ax.set_ylim(0, 1.05)
        ax.legend(frameon=False, loc="lower right")
        ax.set_title(f"Cluster pairs (σ = {settings['sd']:g} nm), MIRO model of scenario {settings['scenario']}")
        xy, labels = example["xy"], example["labels"]
        for col, (title, values) in enumerate(labels.items()):
            panel = fig.add_subplot(grid[1, col])
            panel.scatter(xy[:, 0], xy[:, 1], s=3, c=pair_colors(values), linewidths=0)
            panel.set_aspect("equal")
            panel.set_xticks([])
            panel.set_yticks([])
            panel.set_title(f"{title}, d = {example['distance']:g}σ")
    return fig


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
    torch.set_num_threads(smk.threads)
    device = "cuda" if smk.resources.get("gpu", 0) and torch.cuda.is_available() else "cpu"
    miro, length = smk.params.miro, float(smk.params.length_nm)
    model, _ = load_checkpoint(smk.input.model, num_steps=miro["num_steps"], map_location=device)

    def squeeze(xy):
        return squeeze_fov(model, xy, miro["connectivity_radius"], num_steps=miro["num_steps"],
                           normalization="isotropic", length_nm=length, device=device)

    if smk.params.dbscan == "tuned":
        plain, squeezed = tune(smk, squeeze)
    else:
        plain, squeezed = chosen(smk.input.dbscan_params), chosen(smk.input.miro_params)
    used = {"DBSCAN": plain, "MIRO+DBSCAN": squeezed}
    with open(smk.output.dbscan, "w") as handle:
        json.dump({"mode": smk.params.dbscan, "scenario": smk.params.scenario, "length_nm": length, **miro, **used}, handle, indent=2, default=float)
    rows, example = [], None
    for distance in smk.params.distances:
        for fov in range(1, smk.params.n_fovs + 1):
            xy, truth = simulate_pairs(smk, distance, fov)
            labels = {
                "DBSCAN": dbscan_labels(xy, plain["eps"], int(plain["min_samples"])),
                "MIRO+DBSCAN": dbscan_labels(squeeze(xy), squeezed["eps"], int(squeezed["min_samples"])),
            }
            for method, predicted in labels.items():
                rows.append({"distance_sigma": distance, "fov": fov, "method": method, "JIc": metrics.jic(xy, truth, predicted),
                             "n_true": int(truth.max()), "n_predicted": int(predicted.max())})
            if example is None:
                # the first pair (clusters 1 and 2) of the first FOV at the first distance
                keep = np.isin(truth, [1, 2])
                example = {"distance": distance, "xy": xy[keep],
                           "labels": {"Ground truth": truth[keep], **{m: v[keep] for m, v in labels.items()}}}
        logging.info("d = %g sigma: %s", distance, {m: round(float(np.mean([r["JIc"] for r in rows if r["distance_sigma"] == distance and r["method"] == m])), 3) for m in METHODS})
    per_fov = pd.DataFrame(rows)
    summary = summarize(per_fov)
    write_csv(per_fov, smk.output.per_fov)
    write_csv(summary, smk.output.table)
    settings = {"sd": dict(smk.params.simulation).get("sd", 25.0), "scenario": smk.params.scenario}
    save_figure(draw(summary, example, settings), smk.output.png, smk.output.svg)
    logging.info("DBSCAN %s, MIRO+DBSCAN %s (%s; R %s, K %s, %g nm per unit, %s)\n%s", plain, squeezed, smk.params.dbscan,
                 miro["connectivity_radius"], miro["num_steps"], length, device, summary.to_string(index=False))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
