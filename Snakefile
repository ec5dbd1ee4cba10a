# MIRO paper reproduction: data -> clustering (DBSCAN, MIRO) -> metrics -> tables.
# Run: snakemake --cores all [--configfile config/<preset>.yaml]
import os

from snakemake.utils import min_version

min_version("9.20")


configfile: os.path.join(workflow.basedir, "config", "config.yaml")


# numpy's and SciPy's OpenBLAS in one thread in every job (jobs inherit this; cluster jobs
# parse this file again): the jobs' linear algebra is small (eigensolvers of graph
# components), where extra BLAS threads only spin against the other jobs' cores: graph
# building took 1.34x longer in the default threads with the second core of a 2-core
# machine busy, 1.04x on idle cores, features bit-identical either way
# (benchmarks/bench_blas_threads.py). PyTorch's threads are torch_threads.
os.environ.update(OPENBLAS_NUM_THREADS="1")  # set, not read: no envvars entry


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
