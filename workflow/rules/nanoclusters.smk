# Figures 4b-e of the paper: nanoclusters of real data. Every field of a
# dataset (a benchmark folder such as the FGFR1 dSTORM fields, or the user's
# files) is clustered by plain DBSCAN and by MIRO + DBSCAN with the model and
# chosen DBSCAN parameters of scenario nanoclusters.model_scenario (default
# integrin, trained on simulated integrin-like nanoclusters; the paper's
# integrin data are not public). Per cluster: localizations, centre, radius of
# gyration and nearest-neighbour distance (miro.analysis.nanoclusters). Defined only
# when the figures are made (see common.smk).

if NANOCLUSTERS:

    rule nanoclusters:
        input:
            data=lambda wildcards: NANOCLUSTERS.data(wildcards.nanoclusters_dataset),
            model=f"results/models/{NANOCLUSTERS.model_scenario}/model.pt",
            dbscan_params=f"results/dbscan_params/{NANOCLUSTERS.model_scenario}/DBSCAN.json",
            miro_params=f"results/dbscan_params/{NANOCLUSTERS.model_scenario}/MIRO.json",
        output:
            clusters="results/nanoclusters/{nanoclusters_dataset}/clusters.csv",
            labels="results/nanoclusters/{nanoclusters_dataset}/labels.csv",
            summary=report(
                "results/tables/nanoclusters/{nanoclusters_dataset}_summary.csv",
                caption="../report/nanoclusters.rst",
                category="Figure 4b-e",
                labels={"dataset": "{nanoclusters_dataset}", "table": "summary"},
            ),
            png=report(
                "results/figures/nanoclusters/{nanoclusters_dataset}.png",
                caption="../report/nanoclusters.rst",
                category="Figure 4b-e",
                labels={"dataset": "{nanoclusters_dataset}", "table": "figure"},
            ),
            svg="results/figures/nanoclusters/{nanoclusters_dataset}.svg",
        log:
            "logs/nanoclusters/{nanoclusters_dataset}.log",
        benchmark:
            "results/benchmarks/nanoclusters/{nanoclusters_dataset}.tsv"
        wildcard_constraints:
            nanoclusters_dataset="|".join(NANOCLUSTERS.datasets),
        conda:
            "../envs/miro.yaml"
        threads: config["torch_threads"]
        resources:
            gpu=LOCAL_GPU,
        params:
            files=lambda wildcards: NANOCLUSTERS.files(wildcards.nanoclusters_dataset),
            pixel_size=lambda wildcards: NANOCLUSTERS.datasets[wildcards.nanoclusters_dataset].get("pixel_size"),
            title=lambda wildcards: NANOCLUSTERS.title(wildcards.nanoclusters_dataset),
            model_scenario=NANOCLUSTERS.model_scenario,
            miro=NANOCLUSTERS.miro,
            length_nm=NANOCLUSTERS.length_nm,
            zoom_regions=NANOCLUSTERS.zoom_regions,
        script:
            "../scripts/nanoclusters.py"
