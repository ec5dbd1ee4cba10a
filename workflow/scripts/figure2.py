"""Figure 2 for one scenario: example FOV per method + ground truth, metric distributions."""

import pandas as pd
from script_utils import run

from miro.data.io import list_fovs, read_labels, read_localizations
from miro.evaluation.stats import read_stats
from miro.plotting import figure2, save_figure

# short names label the box plots; the FOV panels get the long titles
DISPLAY = {
    "DBSCAN": "DBSCAN",
    "MIRO": "MIRO",
    "MIRO_released": "MIRO rel.",
    "MIRO_single_shot": "MIRO 1-shot",
    "MIRO_single_shot_released": "MIRO 1-shot rel.",
}
TITLES = {
    "MIRO": "MIRO + DBSCAN",
    "MIRO rel.": "MIRO (released) + DBSCAN",
    "MIRO 1-shot": "single-shot MIRO + DBSCAN",
    "MIRO 1-shot rel.": "single-shot MIRO (released) + DBSCAN",
}


def main(smk):
    fov = smk.params.fov
    table = read_localizations(list_fovs(smk.input.data)[fov], require_labels=True)
    labels = {DISPLAY[m]: read_labels(path)[fov] for m, path in zip(smk.params.methods, smk.input.labels)}
    labels["Ground truth"] = table["index"].to_numpy()
    per_fov = {DISPLAY[m]: pd.read_csv(path) for m, path in zip(smk.params.methods, smk.input.metrics)}
    stats = read_stats(smk.input.stats)
    scenario = smk.wildcards.scenario
    # stars of the first MIRO-type method (MIRO if evaluated, else MIRO_released)
    miro_methods = [m for m in smk.params.methods if m != "DBSCAN"]
    stars = None
    if miro_methods:
        rows = stats[(stats["scenario"] == scenario) & (stats["method"] == miro_methods[0])]
        stars = dict(zip(rows["metric"], rows["stars"]))
    fig = figure2(table[["x", "y"]].to_numpy(), labels, per_fov, stars, f"{smk.params.title} (FOV {fov})", title_by_method=TITLES)
    save_figure(fig, smk.output.png, smk.output.svg)


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
