# Figure 2 of the paper, one per scenario: an example FOV clustered by DBSCAN
# and every MIRO + DBSCAN method next to the ground truth, and the per-FOV metric distributions.


rule figure2:
    input:
        data=scenario_data_dir,
        labels=scenario_files("labels"),
        metrics=scenario_files("metrics"),
        stats="results/tables/stats.csv",
    output:
        png=report(
            "results/figures/figure2/{scenario}.png",
            caption="../report/figure2.rst",
            category="Figure 2",
            labels={"scenario": "{scenario}"},
        ),
        svg="results/figures/figure2/{scenario}.svg",
    log:
        "logs/figure2/{scenario}.log",
    benchmark:
        "results/benchmarks/figure2/{scenario}.tsv"
    conda:
        "../envs/miro.yaml"
    params:
        methods=figure2_methods,
        fov=lambda wildcards: scenario(wildcards).figure_fov,
        title=lambda wildcards: scenario(wildcards).label,
    script:
        "../scripts/figure2.py"
