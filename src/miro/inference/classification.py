r"""Shape classes of clustered localizations: the classification variant of MIRO (cMIRO, Fig. 3).

A MIRO with ``out_channels = 2 + C`` predicts, besides the displacement, :math:`C`
class logits per localization and step (class 0 = not clustered, 1..C-1 = the
shapes of the training mixture). The authors' ``cmiro.py`` clusters with DBSCAN
on the squeezed points, takes each localization's class as the argmax of the
last step's logits and then *refines* it: every localization gets the most
frequent class of its DBSCAN cluster, the noise "cluster" included
(``_refine_by_clustering``; method notes §7).

* :func:`classify_fov` — labels and classes of one FOV in nm, in one forward pass;
* :func:`refine_by_cluster` — the majority vote inside each cluster;
* :func:`confusion_matrix`, :func:`classification_report` — scores against the
  ground-truth classes (per-class precision, recall, F1 and the macro F1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn import metrics as _skm

from miro._validation import check_choice, check_radius
from miro.errors import MiroInputError
from miro.inference.clustering import dbscan_labels
from miro.inference.squeezing import fov_graph, step_output
from miro.nn.model import MIRO

__all__ = ["CLUSTERINGS", "refine_by_cluster", "classify_fov", "confusion_matrix", "classification_report"]

CLUSTERINGS = ("joint", "per_class")
"""How :func:`classify_fov` clusters: one DBSCAN over all points (the authors'), or one per predicted class."""


def refine_by_cluster(classes, labels, include_noise: bool = True) -> np.ndarray:
    """Give every localization the most frequent class of its cluster.

    Parameters
    ----------
    classes : array_like of shape (N,), int
        Per-localization classes (argmax of the logits).
    labels : array_like of shape (N,), int
        Cluster labels, 0 = noise.
    include_noise : bool, default True
        Also vote among the noise points (label 0), so that all of them get one
        class, as the authors' code does (its ``-1`` cluster). ``False`` leaves
        noise points with their own class.

    Returns
    -------
    ndarray of shape (N,), int64
        Ties go to the smallest class.
    """
    classes = np.asarray(classes)
    labels = np.asarray(labels)
    if classes.shape != labels.shape or classes.ndim != 1:
        raise MiroInputError(f"classes and labels: expected two arrays of the same length, got shapes {classes.shape} and {labels.shape}")
    if len(classes) and (classes.min() < 0 or not np.issubdtype(classes.dtype, np.integer)):
        raise MiroInputError("classes: expected non-negative integer class ids")
    out = classes.astype(np.int64, copy=True)
    for label in np.unique(labels):
        if label == 0 and not include_noise:
            continue
        members = labels == label
        out[members] = int(np.argmax(np.bincount(out[members])))
    return out


def classify_fov(
    model: MIRO,
    xy_nm,
    connectivity_radius: float,
    eps: float,
    min_samples: int,
    num_steps: int | None = None,
    normalization="authors",
    *,
    refine: bool = True,
    include_noise: bool = True,
    clustering: str = "joint",
    step: int = -1,
    length_nm: float = 2000.0,
    device=None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Cluster labels and shape classes of one FOV (cMIRO + DBSCAN).

    Parameters
    ----------
    model : MIRO
        With ``out_channels = 2 + C`` (``C`` classes, 0 = not clustered).
    xy_nm : array_like of shape (N, 2)
        Localizations (nm).
    connectivity_radius : float
        :math:`R` (normalised units).
    eps : float
        DBSCAN radius in the squeezed frame (nm, the authors' ×max frame; see
        :func:`miro.inference.squeeze_fov`).
    min_samples : int
    num_steps : int, optional
        :math:`K`; default ``model.num_steps``.
    normalization : {"authors", "isotropic"} or Normalization, default "authors"
    refine : bool, default True
        Majority vote of the classes inside each DBSCAN cluster (:func:`refine_by_cluster`).
    include_noise : bool, default True
        Passed to :func:`refine_by_cluster`.
    clustering : {"joint", "per_class"}, default "joint"
        ``"joint"`` (the authors'): one DBSCAN over all squeezed points.
        ``"per_class"`` (ours): DBSCAN separately on the points of each
        predicted shape class (argmax :math:`\geq 1`), points predicted not
        clustered (class 0) are noise; a cluster then never spans two shapes,
        so the vote cannot hand the points of a shape overlapping another one
        to the other shape.
    step : int, default -1
        Step whose displacement and logits are used.
    length_nm : float, default 2000
        nm per normalised unit for ``normalization="isotropic"``.
    device : str or torch.device, optional

    Returns
    -------
    labels : ndarray of shape (N,), int64
        0 = noise, 1..n clusters.
    classes : ndarray of shape (N,), int64
        Class 0..C-1 per localization.
    """
    if model.num_classes < 1:
        raise MiroInputError(
            f"model: a classification model needs out_channels = 2 + number of classes, this one has {model.out_channels}"
        )
    check_choice(clustering, CLUSTERINGS, "clustering")
    r = check_radius(connectivity_radius)
    data, norm = fov_graph(model, xy_nm, r, normalization, length_nm)
    output = step_output(model, data, step=step, num_steps=num_steps, device=device)
    squeezed = norm.to_nm((data.position - r * output[:, :2]).double().numpy())
    classes = output[:, 2:].argmax(dim=1).numpy().astype(np.int64)
    if clustering == "joint":
        labels = dbscan_labels(squeezed, eps, min_samples)
    else:
        labels = np.zeros(len(classes), dtype=np.int64)
        for shape in np.unique(classes[classes > 0]):
            members = classes == shape
            found = dbscan_labels(squeezed[members], eps, min_samples)
            labels[members] = np.where(found > 0, found + labels.max(), 0)
    if refine:
        classes = refine_by_cluster(classes, labels, include_noise=include_noise)
    return labels, classes


def _class_list(true, pred, classes: Sequence[int] | None) -> list[int]:
    true, pred = np.asarray(true), np.asarray(pred)
    if true.shape != pred.shape or true.ndim != 1:
        raise MiroInputError(f"true and predicted classes: expected two arrays of the same length, got shapes {true.shape} and {pred.shape}")
    if classes is None:
        return sorted(set(np.unique(true).tolist()) | set(np.unique(pred).tolist()))
    return [int(c) for c in classes]


def confusion_matrix(true, pred, classes: Sequence[int] | None = None, names: Sequence[str] | None = None) -> pd.DataFrame:
    """Counts of localizations per (true class, predicted class): rows true, columns predicted.

    ``classes`` fixes the order (default: every class seen); ``names``
    labels them (default: the class ids).
    """
    order = _class_list(true, pred, classes)
    matrix = _skm.confusion_matrix(np.asarray(true), np.asarray(pred), labels=order)
    labels = list(names) if names is not None else order
    if len(labels) != len(order):
        raise MiroInputError(f"names: {len(labels)} names for {len(order)} classes")
    return pd.DataFrame(matrix, index=pd.Index(labels, name="true"), columns=pd.Index(labels, name="predicted"))


def classification_report(
    true, pred, classes: Sequence[int] | None = None, names: Sequence[str] | None = None, background: int | None = None
) -> pd.DataFrame:
    r"""Per-class precision, recall, F1 and support, plus a ``macro`` row.

    :math:`F_1 = 2PR/(P + R)` per class (0 where undefined); the macro F1 is
    the unweighted mean over ``classes`` (default every class seen). Pass the
    shape classes only (e.g. ``classes=[1, 2]``) to leave the background class
    out of the macro mean, or name it in ``background`` to get both: a last
    row ``macro (shapes)`` averages the classes other than ``background``.
    """
    order = _class_list(true, pred, classes)
    precision, recall, f1, support = _skm.precision_recall_fscore_support(
        np.asarray(true), np.asarray(pred), labels=order, zero_division=0
    )
    labels = list(names) if names is not None else order
    if len(labels) != len(order):
        raise MiroInputError(f"names: {len(labels)} names for {len(order)} classes")
    table = pd.DataFrame({"class": labels, "precision": precision, "recall": recall, "F1": f1, "support": support})
    rows = [_macro("macro", precision, recall, f1, support)]
    if background is not None:
        shapes = np.asarray(order) != background
        rows.append(_macro("macro (shapes)", precision[shapes], recall[shapes], f1[shapes], support[shapes]))
    return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)


def _macro(name, precision, recall, f1, support) -> dict:
    return {"class": name, "precision": precision.mean(), "recall": recall.mean(), "F1": f1.mean(), "support": support.sum()}
