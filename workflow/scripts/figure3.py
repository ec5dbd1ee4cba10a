"""Figure 3 for one cMIRO scenario: labels and shape classes of every test FOV, the
confusion matrix and per-class F1 over all of them, and the example-FOV figure."""

import logging

import pandas as pd
from script_utils import chosen_dbscan, job_device, run, set_torch_threads

from miro.data.io import list_fovs, read_localizations, write_csv
from miro.inference.classification import classification_report, classify_fov, confusion_matrix
from miro.nn.weights import load_checkpoint
from miro.plotting import figure3, save_figure


def main(smk):
    set_torch_threads(smk)
    device = job_device(smk)
    miro, names = smk.params.miro, list(smk.params.class_names)
    dbscan = chosen_dbscan(smk.input.params)
    model, _ = load_checkpoint(smk.input.weights, num_steps=miro["num_steps"], map_location=device)
    files, parts, example = list_fovs(smk.input.data), [], None
    for fov in smk.params.fovs:
        table = read_localizations(files[fov], require_labels=True)
        labels, classes = classify_fov(model, table[["x", "y"]].to_numpy(), miro["connectivity_radius"], dbscan["eps"],
                                       dbscan["min_samples"], num_steps=miro["num_steps"], clustering=smk.params.clustering,
                                       device=device)
        parts.append(pd.DataFrame({"fov": fov, "class": table["class"].to_numpy(), "label": labels, "class_pred": classes}))
        logging.info("FOV %s: %d localizations, %d clusters (%s)", fov, len(table), len(set(labels) - {0}), device)
        if fov == smk.params.fov:
            example = table[["x", "y"]].to_numpy()
    per_loc = pd.concat(parts, ignore_index=True)
    order = list(range(len(names)))
    confusion = confusion_matrix(per_loc["class"], per_loc["class_pred"], classes=order, names=names)
    scores = classification_report(per_loc["class"], per_loc["class_pred"], classes=order, names=names, background=0)
    write_csv(per_loc, smk.output.classes)
    write_csv(confusion.reset_index(), smk.output.confusion)
    write_csv(scores, smk.output.scores)
    shown = per_loc[per_loc["fov"] == smk.params.fov]
    fig = figure3(example, shown["class"].to_numpy(), shown["class_pred"].to_numpy(), confusion, names,
                  title=f"{smk.params.title}: FOV {smk.params.fov}; confusion over {len(smk.params.fovs)} test FOVs")
    save_figure(fig, smk.output.png, smk.output.svg)
    logging.info("DBSCAN %s, K %s (%s)\n%s\n%s", dbscan, miro["num_steps"], device, confusion.to_string(),
                 scores.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    run(main, snakemake)  # noqa: F821
