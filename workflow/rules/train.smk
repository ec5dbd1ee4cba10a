# Training of method MIRO: one model per scenario from its training FOVs.


rule training_set:
    input:
        data=scenario_data_dir,
    output:
        graphs="results/training_sets/{scenario}.pt",
    log:
        "logs/training_set/{scenario}.log",
    benchmark:
        "results/benchmarks/training_set/{scenario}.tsv"
    wildcard_constraints:
        scenario="|".join(EXPERIMENT.trained),
    # trainings first (see rule train)
    priority: 1
    conda:
        "../envs/miro.yaml"
    # as many cores as a training, so that a finished training set frees them for its
    # training instead of a one-core job taking one
    threads: config["torch_threads"]
    params:
        training_fovs=lambda wildcards: scenario(wildcards).training_fovs,
        training_set=lambda wildcards: scenario(wildcards).training_set,
        simulation=lambda wildcards: scenario(wildcards).simulation,
        connectivity_radius=lambda wildcards: scenario(wildcards).spec["miro"]["connectivity_radius"],
        settings=lambda wildcards: scenario(wildcards).training,
    script:
        "../scripts/build_training_set.py"


rule train:
    input:
        graphs="results/training_sets/{scenario}.pt",
    output:
        model="results/models/{scenario}/model.pt",
        loss="results/models/{scenario}/loss.tsv",
        curve=report(
            "results/models/{scenario}/loss.png",
            caption="../report/loss.rst",
            category="Training",
            labels={"scenario": "{scenario}"},
        ),
    log:
        "logs/train/{scenario}.log",
    benchmark:
        "results/benchmarks/train/{scenario}.tsv"
    wildcard_constraints:
        scenario="|".join(EXPERIMENT.trained),
    # the longest jobs start as soon as their training set exists: a GPU is kept busy from
    # the start, and a CPU-only machine reaches the CPU-time check within minutes
    priority: 2
    conda:
        "../envs/miro.yaml"
    threads: config["torch_threads"]
    resources:
        gpu=1,
        mem_mb=8000,
        runtime=600,
    params:
        settings=lambda wildcards: scenario(wildcards).training,
        connectivity_radius=lambda wildcards: scenario(wildcards).spec["miro"]["connectivity_radius"],
        variant=lambda wildcards: scenario(wildcards).variant,
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
    threads: config["torch_threads"]
    params:
        fixed=lambda wildcards: method(wildcards).dbscan,
        selection=lambda wildcards: method(wildcards).dbscan_selection,
        training_fovs=lambda wildcards: scenario(wildcards).training_fovs,
        miro=lambda wildcards: method(wildcards).miro,
    script:
        "../scripts/dbscan_params.py"
