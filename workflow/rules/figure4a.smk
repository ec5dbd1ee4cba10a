# Figure 4a of the paper: how well plain DBSCAN and MIRO + DBSCAN resolve two
# Gaussian clusters at a distance d (in units of their SD sigma). Pair FOVs are
# simulated here (miro.data.simulation.cluster_pairs, seeded per distance and FOV);
# the MIRO model, R and K are those of scenario figure4a.scenario (default:
# pairs, trained on simulated pair FOVs at 1-4 sigma). Each method's
# DBSCAN parameters are tuned on held-in pair FOVs (figure4a.dbscan: tuned) or
# taken from that scenario (scenario). Defined only when the figure is made
# (see common.smk).

if FIGURE4A:

    rule figure4a:
        input:
            model=f"results/models/{FIGURE4A.scenario}/model.pt",
            dbscan_params=f"results/dbscan_params/{FIGURE4A.scenario}/DBSCAN.json",
            miro_params=f"results/dbscan_params/{FIGURE4A.scenario}/MIRO.json",
        output:
            png=report(
                "results/figures/figure4a.png",
                caption="../report/figure4a.rst",
                category="Figure 4a",
            ),
            svg="results/figures/figure4a.svg",
            table=report(
                "results/tables/figure4a.csv",
                caption="../report/figure4a.rst",
                category="Figure 4a",
            ),
            per_fov="results/figure4a/per_fov.csv",
            dbscan="results/figure4a/dbscan_params.json",
        log:
            "logs/figure4a.log",
        benchmark:
            "results/benchmarks/figure4a.tsv"
        conda:
            "../envs/miro.yaml"
        threads: config["torch_threads"]
        resources:
            gpu=LOCAL_GPU,
        params:
            scenario=FIGURE4A.scenario,
            distances=FIGURE4A.config["distances"],
            n_fovs=FIGURE4A.config["n_fovs"],
            seed=FIGURE4A.config["seed"],
            dbscan=FIGURE4A.config["dbscan"],
            tuning_fovs=FIGURE4A.config["tuning_fovs"],
            tuning=FIGURE4A.tuning,
            simulation=FIGURE4A.config["simulation"],
            length_nm=FIGURE4A.length_nm,
            miro=FIGURE4A.miro,
        script:
            "../scripts/figure4a.py"
