"""The leaderboard: every method ranked per scenario (CSV, Markdown) and its heatmap."""

from pathlib import Path

import pandas as pd
from script_utils import run

from miro.data.io import write_csv
from miro.evaluation.ranking import leaderboard, leaderboard_markdown
from miro.evaluation.tables import METHOD_LABELS
from miro.plotting import leaderboard_heatmap, save_figure


def main(smk):
    per_fov = {tuple(pair): pd.read_csv(path) for pair, path in zip(smk.params.pairs, smk.input.metrics)}
    board = leaderboard(per_fov)
    write_csv(board, smk.output.csv)
    labels = smk.params.labels
    Path(smk.output.markdown).write_text(leaderboard_markdown(board, scenario_labels=labels, method_labels=METHOD_LABELS))
    figure = leaderboard_heatmap(board, "JIc", scenario_labels=labels, method_labels=METHOD_LABELS)
    save_figure(figure, smk.output.png, smk.output.svg)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
