# Metrics: the eight metrics of Table 1 for every test FOV of a scenario.


rule metrics:
    input:
        data=scenario_data_dir,
        labels="results/labels/{scenario}/{method}.csv",
    output:
        metrics="results/metrics/{scenario}/{method}.csv",
    log:
        "logs/metrics/{scenario}/{method}.log",
    benchmark:
        "results/benchmarks/metrics/{scenario}/{method}.tsv"
    conda:
        "../envs/miro.yaml"
    params:
        rmse_convention=config["metrics"]["rmse_convention"],
    script:
        "../scripts/metrics.py"
