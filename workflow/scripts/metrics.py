"""The eight Table-1 metrics for every test FOV of a scenario and method."""

import logging

from script_utils import run

from miro.data.io import list_fovs, read_labels, write_csv
from miro.evaluation import evaluate_fovs


def main(smk):
    table = evaluate_fovs(list_fovs(smk.input.data), read_labels(smk.input.labels), smk.params.rmse_convention)
    logging.info("%d FOVs\n%s", len(table), table.drop(columns="fov").mean().to_string())
    write_csv(table, smk.output.metrics)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
