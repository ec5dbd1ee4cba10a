# MIRO paper reproduction: data -> clustering (DBSCAN, MIRO) -> metrics -> tables.
# Run: snakemake --cores all [--configfile config/<preset>.yaml]
import os

from snakemake.utils import min_version

min_version("9.20")


configfile: os.path.join(workflow.basedir, "config", "config.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


# Downloads need the internet (often missing on compute nodes); the tables and
# figures take seconds: run them where Snakemake runs, not as cluster jobs.
localrules:
    download_benchmark,
    download_released_weights,
    stats,
    table1,
    leaderboard,
    figure2,
    provenance,


include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/cluster.smk"
include: "workflow/rules/metrics.smk"
include: "workflow/rules/stats.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/figure4a.smk"
include: "workflow/rules/figure3.smk"
include: "workflow/rules/nup96.smk"
include: "workflow/rules/nanoclusters.smk"
include: "workflow/rules/provenance.smk"


rule all:
    default_target: True
    input:
        EXPERIMENT.final_outputs(),
        "results/provenance.json",
