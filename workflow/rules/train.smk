# Training: one model per TrainedModel of miro.experiments. Method MIRO: model id = the
# scenario id, trained from the clusters of its training FOVs; method MIRO_single_shot:
# <scenario>_single_shot, trained from the one cluster of miro.single_shot.cluster.


rule training_set:
    input:
        data=lambda wildcards: SCENARIOS[trained_model(wildcards).scenario].data_dir,
    output:
        graphs="results/training_sets/{model}.pt",
    log:
        "logs/training_set/{model}.log",
    benchmark:
        "results/benchmarks/training_set/{model}.tsv"
    wildcard_constraints:
        model="|".join(EXPERIMENT.few_shot_models) or "(?!)",
    # trainings first (see rule train), the longest first
    priority: training_priority(1)
    conda:
        "../envs/miro.yaml"
    # as many cores as a training, so that a finished training set frees them for its
    # training instead of a one-core job taking one
    threads: lambda wildcards: trained_model(wildcards).torch_threads
    params:
        settings=lambda wildcards: trained_model(wildcards).training_set_settings,
        training_set=lambda wildcards: trained_model(wildcards).training_set,
        connectivity_radius=lambda wildcards: trained_model(wildcards).connectivity_radius,
        training_fovs=lambda wildcards: SCENARIOS[trained_model(wildcards).scenario].training_fovs,
        simulation=lambda wildcards: SCENARIOS[trained_model(wildcards).scenario].simulation,
    script:
        "../scripts/build_training_set.py"


rule single_shot_training_set:
    input:
        cluster=lambda wildcards: trained_model(wildcards).cluster,
    output:
        graphs="results/training_sets/{model}.pt",
    log:
        "logs/training_set/{model}.log",
    benchmark:
        "results/benchmarks/training_set/{model}.tsv"
    wildcard_constraints:
        model="|".join(EXPERIMENT.single_shot_models) or "(?!)",
    priority: training_priority(1)
    conda:
        "../envs/miro.yaml"
    threads: lambda wildcards: trained_model(wildcards).torch_threads
    params:
        settings=lambda wildcards: trained_model(wildcards).training_set_settings,
        training_set=lambda wildcards: trained_model(wildcards).training_set,
        connectivity_radius=lambda wildcards: trained_model(wildcards).connectivity_radius,
        # nm per normalised unit of a cluster file in nm; None for the authors' normalised files
        length_nm=lambda wildcards: trained_model(wildcards).cluster_length_nm,
    script:
        "../scripts/build_single_shot_training_set.py"


rule train:
    input:
        graphs="results/training_sets/{model}.pt",
    output:
        model="results/models/{model}/model.pt",
        loss="results/models/{model}/loss.tsv",
        curve=report(
            "results/models/{model}/loss.png",
            caption="../report/loss.rst",
            category="Training",
            labels={"model": "{model}"},
        ),
    log:
        "logs/train/{model}.log",
    benchmark:
        "results/benchmarks/train/{model}.tsv"
    # the longest jobs start as soon as their training set exists, the longest first: a GPU is
    # kept busy from the start, and a CPU-only machine reaches the CPU-time check within minutes
    priority: training_priority(2)
    conda:
        "../envs/miro.yaml"
    threads: lambda wildcards: trained_model(wildcards).torch_threads
    resources:
        gpu=LOCAL_GPU,
        mem_mb=8000,
        runtime=600,
    params:
        settings=lambda wildcards: trained_model(wildcards).training,
        connectivity_radius=lambda wildcards: trained_model(wildcards).connectivity_radius,
        variant=lambda wildcards: trained_model(wildcards).variant,
        # survives an interrupted job, so a rerun resumes from the last epoch
        checkpoint_dir=lambda wildcards, output: os.path.join(os.path.dirname(output.model), "checkpoints"),
    script:
        "../scripts/train.py"


rule dbscan_params:
    input:
        data=scenario_data_dir,
        weights=lambda wildcards: method(wildcards).weights or [],
    output:
        params="results/dbscan_params/{scenario}/{method}.json",
    log:
        "logs/dbscan_params/{scenario}/{method}.log",
    benchmark:
        "results/benchmarks/dbscan_params/{scenario}/{method}.tsv"
    conda:
        "../envs/miro.yaml"
    # the network runs only for the MIRO methods (squeezing the training FOVs)
    threads: lambda wildcards: config["torch_threads"] if method(wildcards).weights else 1
    params:
        fixed=lambda wildcards: method(wildcards).dbscan,
        selection=lambda wildcards: method(wildcards).dbscan_selection,
        training_fovs=lambda wildcards: scenario(wildcards).training_fovs,
        miro=lambda wildcards: method(wildcards).miro,
        clusterer=lambda wildcards: method(wildcards).clusterer,
        grid=lambda wildcards: method(wildcards).grid,
    script:
        "../scripts/dbscan_params.py"
