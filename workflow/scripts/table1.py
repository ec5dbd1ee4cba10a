"""Table 1: long CSV (scenario, method, metric, mean, sd, n_fov), the paper's
layout in markdown, and the comparison with the published values."""

from pathlib import Path

import pandas as pd
from script_utils import run

from miro import tables
from miro.io import write_csv
from miro.stats import summarize


def main(smk):
    pairs = [(s, m) for s in smk.params.scenarios for m in smk.params.methods]
    summary = pd.concat(
        [summarize(pd.read_csv(path), scenario, method) for (scenario, method), path in zip(pairs, smk.input.metrics)],
        ignore_index=True,
    )
    write_csv(summary, smk.output.csv)
    paper = pd.read_csv(smk.input.paper, sep="\t")
    Path(smk.output.markdown).write_text(tables.table1_markdown(summary, scenario_labels=smk.params.labels))
    Path(smk.output.comparison).write_text(tables.paper_comparison_markdown(summary, paper))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
