# Paired statistics: every MIRO-type method against plain DBSCAN, per scenario
# and metric, paired over test FOVs.


rule stats:
    input:
        metrics=EXPERIMENT.metrics_files(),
    output:
        stats=report(
            "results/tables/stats.csv",
            caption="../report/stats.rst",
            category="Tables",
        ),
    log:
        "logs/stats.log",
    benchmark:
        "results/benchmarks/stats.tsv"
    conda:
        "../envs/miro.yaml"
    params:
        pairs=EXPERIMENT.pairs(),
    script:
        "../scripts/stats.py"
