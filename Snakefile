# MIRO paper reproduction: data -> clustering (DBSCAN, MIRO) -> metrics -> tables.
# Run: snakemake --cores all [--configfile config/<preset>.yaml]
import os

from snakemake.utils import min_version

min_version("9.20")


configfile: os.path.join(workflow.basedir, "config", "config.yaml")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/cluster.smk"
include: "workflow/rules/metrics.smk"
include: "workflow/rules/stats.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/figures.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
