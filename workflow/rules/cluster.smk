# Clustering: one label file per scenario and method, covering its test FOVs
# (columns fov, label; 0 = not clustered; rows in file order).


rule dbscan_baseline:
    input:
        data=scenario_data_dir,
    output:
        labels="results/labels/{scenario}/DBSCAN.csv",
    params:
        fovs=test_fovs,
        dbscan=dbscan_params,
    log:
        "logs/dbscan_baseline/{scenario}.log",
    benchmark:
        "results/benchmarks/dbscan_baseline/{scenario}.tsv"
    conda:
        "../envs/miro.yaml"
    script:
        "../scripts/dbscan_baseline.py"


rule miro_released:
    input:
        data=scenario_data_dir,
        weights=released_weights_file,
    output:
        labels="results/labels/{scenario}/MIRO_released.csv",
    params:
        fovs=test_fovs,
        miro=miro_params,
    threads: 2
    resources:
        gpu=1,
    log:
        "logs/miro_released/{scenario}.log",
    benchmark:
        "results/benchmarks/miro_released/{scenario}.tsv"
    conda:
        "../envs/miro.yaml"
    script:
        "../scripts/miro_cluster.py"
