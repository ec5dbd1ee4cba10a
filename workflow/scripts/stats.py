"""Paired tests of every MIRO-type method against plain DBSCAN (stats.csv)."""

import pandas as pd
from script_utils import run

from miro.data.io import write_csv
from miro.evaluation.stats import compare_to_baseline


def main(smk):
    per_fov = {tuple(pair): pd.read_csv(path) for pair, path in zip(smk.params.pairs, smk.input.metrics)}
    write_csv(compare_to_baseline(per_fov, baseline="DBSCAN"), smk.output.stats)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
