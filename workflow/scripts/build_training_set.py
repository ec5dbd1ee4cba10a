"""Augmented training set of one scenario from the clusters of its training FOVs."""

import logging

from script_utils import run

from miro.training_sets import build_training_set, save_training_set, source_from_benchmark


def main(smk):
    settings, spec = smk.params.settings, smk.params.training_set
    source = source_from_benchmark(smk.input.data, smk.params.training_fovs)
    kwargs = {**spec["kwargs"], "connectivity_radius": smk.params.connectivity_radius}
    graphs = build_training_set(
        spec["builder"], kwargs, source,
        seed=settings["seed"], dataset_size=settings["dataset_size"], reflect_clusters=settings["reflect_clusters"],
        node_features=settings["node_features"],
    )
    metadata = {"builder": spec["builder"], **kwargs, "seed": settings["seed"], "node_features": settings["node_features"]}
    save_training_set(graphs, smk.output.graphs, metadata=metadata)
    logging.info("%d graphs, %d nodes in all", len(graphs), sum(g.num_nodes for g in graphs))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
