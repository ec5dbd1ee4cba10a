# Figure 3 of the paper: clustering and shape classification in one pass. For a
# scenario whose model is the classification variant (miro.variant:
# classification, e.g. simulator multishape), every test FOV is clustered by
# cMIRO + DBSCAN (the MIRO DBSCAN parameters of the scenario) and each
# localization's class is the argmax of the last step's logits, refined by a
# majority vote inside its DBSCAN cluster (miro.inference.classification).


rule figure3:
    input:
        data=scenario_data_dir,
        weights="results/models/{scenario}/model.pt",
        params="results/dbscan_params/{scenario}/MIRO.json",
    output:
        classes="results/classes/{scenario}.csv",
        confusion=report(
            "results/tables/figure3/{scenario}_confusion.csv",
            caption="../report/figure3.rst",
            category="Figure 3",
            labels={"scenario": "{scenario}", "table": "confusion matrix"},
        ),
        scores=report(
            "results/tables/figure3/{scenario}_f1.csv",
            caption="../report/figure3.rst",
            category="Figure 3",
            labels={"scenario": "{scenario}", "table": "F1"},
        ),
        png=report(
            "results/figures/figure3/{scenario}.png",
            caption="../report/figure3.rst",
            category="Figure 3",
            labels={"scenario": "{scenario}", "table": "figure"},
        ),
        svg="results/figures/figure3/{scenario}.svg",
    log:
        "logs/figure3/{scenario}.log",
    benchmark:
        "results/benchmarks/figure3/{scenario}.tsv"
    wildcard_constraints:
        scenario="|".join(EXPERIMENT.classification) or "(?!)",
    conda:
        "../envs/miro.yaml"
    threads: config["torch_threads"]
    resources:
        gpu=LOCAL_GPU,
    params:
        fovs=lambda wildcards: scenario(wildcards).test_fovs,
        fov=lambda wildcards: scenario(wildcards).figure_fov,
        miro=lambda wildcards: scenario(wildcards).methods["MIRO"].miro,
        class_names=lambda wildcards: scenario(wildcards).class_names,
        clustering=config["classification"]["clustering"],
        title=lambda wildcards: scenario(wildcards).label,
    script:
        "../scripts/figure3.py"
