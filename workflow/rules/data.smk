# Data: the Nieves et al. (2023) benchmark, fetched from its public home and
# verified against the committed manifest.


rule download_benchmark:
    output:
        directory("resources/benchmark/{dataset}"),
    params:
        folder=lambda wildcards: DATASETS[wildcards.dataset],
        base_url=config["benchmark_base_url"],
        manifest=repo_path(config["benchmark_manifest"]),
    log:
        "logs/download_benchmark/{dataset}.log",
    conda:
        "../envs/miro.yaml"
    script:
        "../scripts/download_benchmark.py"


rule download_released_weights:
    output:
        "resources/weights/released/{weights}",
    params:
        base_url=config["released_weights_base_url"],
        manifest=repo_path(config["released_weights_manifest"]),
    log:
        "logs/download_released_weights/{weights}.log",
    conda:
        "../envs/miro.yaml"
    script:
        "../scripts/download_weights.py"
