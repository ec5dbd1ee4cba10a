"""Figures 4b–e for one dataset: every field clustered by plain DBSCAN and by MIRO + DBSCAN,
the statistics of every cluster (miro.analysis.nanoclusters), a summary per method and the figure.

Scale. The model was trained on simulated FOVs of edge length_nm (integrin:
10000 nm) min-max normalised to [0, 1], so 1 normalised unit = length_nm nm
and R = 0.04 is 400 nm. Real fields are normalised the same way, isotropically
at length_nm (miro.inference.tiling: u = (p - t) / length_nm per tile of side length_nm,
one tile for a field no larger than that), so clusters have the size the
model saw; a larger field is cut into overlapping tiles rather than squeezed
into one unit, which would shrink its clusters.

eps. The chosen MIRO eps (results/dbscan_params/<model_scenario>/MIRO.json)
was tuned on squeezed training FOVs mapped back with the authors' inverse,
u * max(p) per axis. Simulated FOVs span [0, fov] up to the few tens of nm by
which border clusters stick out, so max(p) / (max(p) - min(p)) = 1 within
about 1 %: that frame is true nm. The tiles are mapped back exactly (s * T +
t, true nm; for isotropic normalisation the authors' inverse is the same map),
so the chosen eps applies unchanged. Plain DBSCAN runs on the localizations in
nm with the chosen DBSCAN.json parameters.
"""

import logging

import pandas as pd
from script_utils import chosen_dbscan, job_device, run, set_torch_threads

from miro.analysis.nanoclusters import CLUSTER_COLUMNS, cluster_statistics, example_regions, extra_clusters, summarize_clusters
from miro.data.io import read_localizations, write_csv
from miro.inference.clustering import dbscan_labels
from miro.inference.estimator import MiroDBSCAN
from miro.plotting import figure4b_e, save_figure

METHODS = ("MIRO+DBSCAN", "DBSCAN")


def main(smk):
    set_torch_threads(smk)
    device = job_device(smk)
    miro, length = smk.params.miro, float(smk.params.length_nm)
    params = {"MIRO+DBSCAN": chosen_dbscan(smk.input.miro_params), "DBSCAN": chosen_dbscan(smk.input.dbscan_params)}
    plain = params["DBSCAN"]
    # fields of any size: tiles of the model's FOV size, one DBSCAN over the whole field
    miro_dbscan = MiroDBSCAN.from_files(
        smk.input.model, smk.input.miro_params, tiling=True, tile_size_nm=length, device=device, workers=smk.threads, **miro
    )
    clusterers = {
        "MIRO+DBSCAN": miro_dbscan.fit_predict,
        "DBSCAN": lambda xy: dbscan_labels(xy, plain["eps"], int(plain["min_samples"])),
    }
    tables, per_localization, example = [], [], None
    for name, path in smk.params.files.items():
        xy = read_localizations(path, pixel_size=smk.params.pixel_size)[["x", "y"]].to_numpy()
        labels = {method: cluster(xy) for method, cluster in clusterers.items()}
        for method, values in labels.items():
            tables.append(cluster_statistics(xy, values).assign(file=name, method=method))
        per_localization.append(pd.DataFrame({"file": name, "x": xy[:, 0], "y": xy[:, 1], **labels}))
        # the example field: where DBSCAN clusters hold the most extra MIRO clusters
        regions = example_regions(xy, labels["DBSCAN"], labels["MIRO+DBSCAN"], smk.params.zoom_regions)
        split = extra_clusters(regions)
        if example is None or split > example["split"]:
            example = {"name": name, "xy": xy, "labels": labels, "regions": regions, "split": split}
    clusters = pd.concat(tables, ignore_index=True)
    clusters = clusters[["file", "method", *CLUSTER_COLUMNS]]
    clusters["method"] = pd.Categorical(clusters["method"], categories=METHODS)
    summary = summarize_clusters(clusters, by="method")
    summary["eps_nm"] = [params[m]["eps"] for m in summary["method"]]
    summary["min_samples"] = [params[m]["min_samples"] for m in summary["method"]]
    write_csv(clusters, smk.output.clusters)
    write_csv(pd.concat(per_localization, ignore_index=True), smk.output.labels)
    write_csv(summary, smk.output.summary)
    title = f"{smk.params.title}: {len(smk.params.files)} field(s), MIRO model of {smk.params.model_scenario}"
    fig = figure4b_e(clusters, example["xy"], example["labels"], example["regions"], methods=METHODS,
                     example_name=example["name"], title=title)
    save_figure(fig, smk.output.png, smk.output.svg)
    logging.info("MIRO+DBSCAN %s, DBSCAN %s (R %s, K %s, step %s, %s nm per unit, %s)\n%s", params["MIRO+DBSCAN"], plain,
                 miro["connectivity_radius"], miro["num_steps"], miro["step"], length, device,
                 summary.to_string(index=False, float_format=lambda v: f"{v:.1f}"))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
