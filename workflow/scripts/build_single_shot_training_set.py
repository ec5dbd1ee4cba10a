"""Training set of a single-shot model: the authors' builder augments one annotated cluster."""

import logging

from script_utils import run, set_torch_threads

from miro.training.training_sets import augmented_training_set, save_training_set, single_shot_source


def main(smk):
    set_torch_threads(smk)
    settings, spec = smk.params.settings, smk.params.training_set
    source = single_shot_source(smk.input.cluster, length_nm=smk.params.length_nm)
    graphs, metadata = augmented_training_set(spec, settings, source, smk.params.connectivity_radius)
    metadata.update(single_shot_cluster=str(smk.input.cluster), length_nm=smk.params.length_nm, node_features=settings["node_features"])
    save_training_set(graphs, smk.output.graphs, metadata=metadata)
    logging.info("%d graphs from one cluster of %d localizations, %d nodes in all",
                 len(graphs), len(source.clusters[0]), sum(g.num_nodes for g in graphs))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
