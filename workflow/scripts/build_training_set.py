"""Training set of one scenario's few-shot model: augmented from the clusters of its training
FOVs (the authors' builders), or, with builder `simulated`, fresh FOVs of its simulator."""

import logging

from script_utils import run, set_torch_threads

from miro.experiments import fov_rng
from miro.training.training_sets import augmented_training_set, save_training_set, simulated_graphs, source_from_benchmark


def main(smk):
    set_torch_threads(smk)
    settings, spec = smk.params.settings, smk.params.training_set
    if spec["builder"] == "simulated":
        # dataset_size fresh FOVs of the scenario's simulator, seeded by the key '<scenario>:training'
        # (streams apart from every test and training FOV)
        sim, key = smk.params.simulation, f"{smk.wildcards.model}:training"
        generators = (fov_rng(sim["seed"], key, i) for i in range(1, settings["dataset_size"] + 1))
        graphs = simulated_graphs(sim["simulator"], sim["simulation"], generators, smk.params.connectivity_radius,
                                  node_features=settings["node_features"])
        metadata = {"builder": "simulated", **sim, "key": key}
    else:
        source = source_from_benchmark(smk.input.data, smk.params.training_fovs)
        graphs, metadata = augmented_training_set(spec, settings, source, smk.params.connectivity_radius)
    metadata.update(node_features=settings["node_features"], connectivity_radius=smk.params.connectivity_radius)
    save_training_set(graphs, smk.output.graphs, metadata=metadata)
    logging.info("%d graphs, %d nodes in all", len(graphs), sum(g.num_nodes for g in graphs))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
