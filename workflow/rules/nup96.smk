# Figure 5c-f of the paper: multiscale clustering of nuclear pore complexes in
# the Nup96 SMLM data of Thevathasan et al. (2019, BioImage Archive S-BIAD8).
# The localization file is nup96.file, or downloaded from nup96.url with its
# SHA-256 recorded (or checked against nup96.sha256). The multiscale model of
# scenario nup96.model_scenario squeezes it tile by tile; DBSCAN on the last
# step finds the NPCs, DBSCAN on step cutoff_step their corners (miro.analysis.npc).
# Defined only when the figure is made (see common.smk).

if NUP96:

    rule download_nup96:
        output:
            data=NUP96.download,
            checksum=f"{NUP96.download}.sha256",
        log:
            "logs/download_nup96.log",
        localrule: True
        conda:
            "../envs/miro.yaml"
        params:
            url=NUP96.config["url"],
            sha256=NUP96.config.get("sha256"),
        script:
            "../scripts/download_nup96.py"

    rule nup96:
        input:
            **NUP96.inputs(),
            model=f"results/models/{NUP96.model_scenario}/model.pt",
            npc_params=f"results/dbscan_params/{NUP96.model_scenario}/MIRO.json",
            corner_params=f"results/dbscan_params/{NUP96.corners}/MIRO.json",
        output:
            localizations="results/nup96/localizations.csv",
            npcs=report(
                "results/tables/nup96/npcs.csv",
                caption="../report/nup96.rst",
                category="Figure 5c-f",
                labels={"table": "NPCs"},
            ),
            corners="results/tables/nup96/corners.csv",
            summary=report(
                "results/tables/nup96/summary.csv",
                caption="../report/nup96.rst",
                category="Figure 5c-f",
                labels={"table": "summary"},
            ),
            png=report(
                "results/figures/nup96/figure5.png",
                caption="../report/nup96.rst",
                category="Figure 5c-f",
                labels={"table": "figure"},
            ),
            svg="results/figures/nup96/figure5.svg",
        log:
            "logs/nup96.log",
        benchmark:
            "results/benchmarks/nup96.tsv"
        conda:
            "../envs/miro.yaml"
        threads: config["torch_threads"]
        resources:
            gpu=LOCAL_GPU,
        params:
            sha256=NUP96.config.get("sha256"),
            model_scenario=NUP96.model_scenario,
            npc=NUP96.npc,
            corner=NUP96.corner,
            length_nm=NUP96.length_nm,
            overlap_nm=NUP96.config["overlap_nm"],
            zoom_nm=NUP96.config["zoom_nm"],
        script:
            "../scripts/nup96.py"
