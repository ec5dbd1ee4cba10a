# Data: the Nieves et al. (2023) benchmark, fetched from its public home and
# verified against the committed manifest.


rule download_benchmark:
    output:
        directory("resources/benchmark/{dataset}"),
    log:
        "logs/download_benchmark/{dataset}.log",
    benchmark:
        "results/benchmarks/download_benchmark/{dataset}.tsv"
    # seconds each, and every training set waits for its data: before any other job
    priority: 3
    conda:
        "../envs/miro.yaml"
    params:
        folder=lambda wildcards: EXPERIMENT.datasets[wildcards.dataset],
        base_url=config["benchmark_base_url"],
        manifest=EXPERIMENT.repo_path(config["benchmark_manifest"]),
    script:
        "../scripts/download_benchmark.py"


rule download_released_weights:
    output:
        "resources/weights/released/{weights}",
    log:
        "logs/download_released_weights/{weights}.log",
    benchmark:
        "results/benchmarks/download_released_weights/{weights}.tsv"
    conda:
        "../envs/miro.yaml"
    params:
        base_url=config["released_weights_base_url"],
        manifest=EXPERIMENT.repo_path(config["released_weights_manifest"]),
    script:
        "../scripts/download_weights.py"


# The authors' single-shot material: training clusters (data/) and weights (models/).


rule download_single_shot:
    output:
        "resources/single_shot/{single_shot_file}",
    log:
        "logs/download_single_shot/{single_shot_file}.log",
    benchmark:
        "results/benchmarks/download_single_shot/{single_shot_file}.tsv"
    conda:
        "../envs/miro.yaml"
    params:
        base_url=config["single_shot_base_url"],
        manifest=EXPERIMENT.repo_path(config["single_shot_manifest"]),
    script:
        "../scripts/download_weights.py"


# Simulated scenarios (`simulator:` instead of `benchmark:`): test FOVs 1..n_fovs
# and training FOVs n_fovs+1..n_fovs+n_training_fovs, one Nieves-format CSV each
# (fov_<i>.csv: "x","y","index"), FOV i seeded by SeedSequence([seed, crc32(id), i]).


rule simulate_dataset:
    output:
        directory("resources/simulated/{scenario}"),
    log:
        "logs/simulate_dataset/{scenario}.log",
    benchmark:
        "results/benchmarks/simulate_dataset/{scenario}.tsv"
    wildcard_constraints:
        scenario="|".join(EXPERIMENT.simulated) or "(?!)",
    # seconds each, and every training set waits for its data: before any other job
    priority: 3
    conda:
        "../envs/miro.yaml"
    params:
        simulator=lambda wildcards: scenario(wildcards).simulation["simulator"],
        simulation=lambda wildcards: scenario(wildcards).simulation["simulation"],
        seed=lambda wildcards: scenario(wildcards).simulation["seed"],
        fovs=lambda wildcards: scenario(wildcards).fovs,
        training_fovs=lambda wildcards: scenario(wildcards).training_fovs,
    script:
        "../scripts/simulate_dataset.py"


# The small-scale row of a multiscale scenario (small_scale:) reads the same FOVs
# with the small structures (sublabel: spots, corners) as ground-truth clusters.


rule small_scale_dataset:
    input:
        data=lambda wildcards: SCENARIOS[scenario(wildcards).scale_of].data_dir,
    output:
        directory("resources/scales/{scenario}"),
    log:
        "logs/small_scale_dataset/{scenario}.log",
    benchmark:
        "results/benchmarks/small_scale_dataset/{scenario}.tsv"
    wildcard_constraints:
        scenario="|".join(EXPERIMENT.small_scale) or "(?!)",
    conda:
        "../envs/miro.yaml"
    script:
        "../scripts/small_scale_dataset.py"
