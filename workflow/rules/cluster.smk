# Clustering: one label file per scenario and method, covering its test FOVs
# (columns fov, label; 0 = not clustered; rows in file order).
# HDBSCAN, OPTICS, ToMATo: cluster_baseline; MIRO_HDBSCAN: miro_dbscan.


rule dbscan_baseline:
    input:
        data=scenario_data_dir,
        params="results/dbscan_params/{scenario}/DBSCAN.json",
    output:
        labels="results/labels/{scenario}/DBSCAN.csv",
    log:
        "logs/dbscan_baseline/{scenario}.log",
    benchmark:
        "results/benchmarks/dbscan_baseline/{scenario}.tsv"
    conda:
        "../envs/miro.yaml"
    params:
        fovs=lambda wildcards: scenario(wildcards).test_fovs,
    script:
        "../scripts/dbscan_baseline.py"


rule cluster_baseline:
    input:
        data=scenario_data_dir,
        params="results/dbscan_params/{scenario}/{method}.json",
    output:
        labels="results/labels/{scenario}/{method}.csv",
    log:
        "logs/cluster_baseline/{scenario}/{method}.log",
    benchmark:
        "results/benchmarks/cluster_baseline/{scenario}/{method}.tsv"
    wildcard_constraints:
        method="HDBSCAN|OPTICS|ToMATo",
    conda:
        "../envs/miro.yaml"
    params:
        fovs=lambda wildcards: scenario(wildcards).test_fovs,
    script:
        "../scripts/dbscan_baseline.py"


rule miro_dbscan:
    input:
        data=scenario_data_dir,
        weights=lambda wildcards: method(wildcards).weights,
        params="results/dbscan_params/{scenario}/{method}.json",
    output:
        labels="results/labels/{scenario}/{method}.csv",
    log:
        "logs/miro_dbscan/{scenario}/{method}.log",
    benchmark:
        "results/benchmarks/miro_dbscan/{scenario}/{method}.tsv"
    wildcard_constraints:
        method="MIRO|MIRO_released|MIRO_single_shot|MIRO_single_shot_released|MIRO_HDBSCAN",
    conda:
        "../envs/miro.yaml"
    threads: config["torch_threads"]
    resources:
        gpu=LOCAL_GPU,
    params:
        fovs=lambda wildcards: scenario(wildcards).test_fovs,
        miro=lambda wildcards: method(wildcards).miro,
    script:
        "../scripts/miro_cluster.py"
