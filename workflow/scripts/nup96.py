"""Figure 5c–f: nuclear pore complexes (NPCs) and their corners in the Nup96 SMLM data.

Segmentation. The multiscale model of nup96.model_scenario squeezes the whole
field tile by tile (miro.inference.tiling). The positions after step cutoff_step
(0-based index cutoff_step - 1) are the localizations moved to the centre of
their corner, those after the last step moved to the centre of their NPC.
DBSCAN on each, with the chosen MIRO parameters of the scenario's small_scale
row (corners) and of the scenario (NPCs), labels every localization at both
scales; miro.analysis.npc counts localizations per NPC and per corner and corners per
NPC, and fits the exponential law of localizations per corner (cut off at the
corner DBSCAN's min_samples, the smallest corner it can find) and the
effective labelling efficiency.

Scale. The model was trained on simulated FOVs of edge length_nm (npc:
1250 nm) min-max normalised to [0, 1], so 1 normalised unit is about
length_nm nm. The field is normalised the same way, isotropically at
length_nm (u = (p - t) / length_nm per tile of side length_nm), so NPCs have
the size the model saw; squeezing the whole field as one unit would shrink
them.

eps. The chosen eps values (results/dbscan_params/<scenario>/MIRO.json) were
tuned on squeezed training FOVs mapped back with the authors' inverse,
u * max(p) per axis. Simulated FOVs span [0, fov] up to the few tens of nm of
the outermost localizations, so max(p) / (max(p) - min(p)) = 1 within a few
per cent and that frame is nm. The tiles are mapped back exactly (s * T + t,
true nm), so the chosen eps values apply unchanged.
"""

import logging
from pathlib import Path

import pandas as pd
from script_utils import chosen_dbscan, job_device, run, set_torch_threads

from miro.analysis.npc import corner_table, fit_exponential, fit_labelling_efficiency, npc_table, summarize
from miro.data.download import verify_file
from miro.data.io import read_localizations, write_csv
from miro.errors import MiroInputError
from miro.inference.estimator import MiroDBSCAN
from miro.plotting import figure5, save_figure


def fit_or_none(fit, *args, **kwargs):
    """A fit, or None (logged) where the data hold too little to fit."""
    try:
        return fit(*args, **kwargs)
    except MiroInputError as error:
        logging.info("%s skipped: %s", fit.__name__, error)
        return None


def main(smk):
    set_torch_threads(smk)
    device = job_device(smk)
    digest = verify_file(smk.input.data, sidecar=smk.input.get("checksum"), sha256=smk.params.sha256, pinned_by="nup96.sha256")
    xy = read_localizations(smk.input.data)[["x", "y"]].to_numpy()
    scales = {"npc": (smk.params.npc, chosen_dbscan(smk.input.npc_params)), "corner": (smk.params.corner, chosen_dbscan(smk.input.corner_params))}
    tiles = dict(tiling=True, tile_size_nm=smk.params.length_nm, overlap_nm=smk.params.overlap_nm, device=device, workers=smk.threads)
    labels = {  # NPCs on the last step, corners on step cutoff_step, of one model
        scale: MiroDBSCAN.from_files(smk.input.model, **miro, **params, **tiles).fit_predict(xy)
        for scale, (miro, params) in scales.items()
    }
    npcs = npc_table(xy, labels["npc"], labels["corner"])
    corners = corner_table(xy, labels["npc"], labels["corner"])
    exponential = fit_or_none(fit_exponential, corners.loc[corners["npc"] > 0, "n_localizations"],
                              lower=int(scales["corner"][1]["min_samples"]))
    efficiency = fit_or_none(fit_labelling_efficiency, npcs["n_corners"])
    settings = {scale: {"step": miro["step"] % miro["num_steps"] + 1, "eps_nm": params["eps"], "min_samples": params["min_samples"]}
                for scale, (miro, params) in scales.items()}  # step: 1-based, of K
    summary = summarize(npcs, corners, exponential, efficiency, n_localizations=len(xy), settings=settings)
    write_csv(pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], **labels}), smk.output.localizations)
    write_csv(npcs, smk.output.npcs)
    write_csv(corners, smk.output.corners)
    write_csv(summary, smk.output.summary)
    title = f"{Path(smk.input.data).name}: {len(npcs)} NPCs; model {smk.params.model_scenario}"
    fig = figure5(xy, labels["npc"], labels["corner"], npcs, corners, exponential, efficiency, zoom_nm=smk.params.zoom_nm, title=title)
    save_figure(fig, smk.output.png, smk.output.svg)
    logging.info("%s (sha256 %s): %d localizations; %s nm per unit, %s\n%s", smk.input.data, digest, len(xy),
                 smk.params.length_nm, device, summary.to_string(index=False))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
