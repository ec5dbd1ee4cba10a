"""Table 1: long CSV (scenario, method, metric, mean, sd, n_fov), the paper's
layout in Markdown and LaTeX with significance marks, and the comparison with
the published values."""

import json
from pathlib import Path

import pandas as pd
from script_utils import run

from miro.data.io import write_csv
from miro.evaluation import tables
from miro.evaluation.stats import read_stats, summarize


def main(smk):
    summary = pd.concat(
        [summarize(pd.read_csv(path), scenario, method) for (scenario, method), path in zip(smk.params.pairs, smk.input.metrics)],
        ignore_index=True,
    )
    stats = read_stats(smk.input.stats)
    stats = stats if len(stats) else None
    labels = smk.params.labels
    write_csv(summary, smk.output.csv)
    Path(smk.output.markdown).write_text(tables.table1_markdown(summary, stats, scenario_labels=labels))
    Path(smk.output.latex).write_text(tables.table1_latex(summary, stats, scenario_labels=labels))
    paper = tables.read_paper_table1(smk.input.paper)
    selections = {}
    for pair, path in zip(smk.params.pairs, smk.input.dbscan_params):
        with open(path) as handle:
            selections[tuple(pair)] = json.load(handle)
    others = {pair: record for pair, record in selections.items() if "clusterer" in record}  # HDBSCAN, OPTICS, ToMATo, ...
    dbscan = {pair: record for pair, record in selections.items() if pair not in others}
    Path(smk.output.comparison).write_text(
        tables.paper_comparison_markdown(summary, paper, scenario_labels=labels)
        + "\n"
        + tables.dbscan_parameters_markdown(dbscan, scenario_labels=labels)
        + ("\n" + tables.method_parameters_markdown(others, scenario_labels=labels) if others else "")
    )


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
