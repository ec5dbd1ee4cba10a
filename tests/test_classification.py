"""Shape classes of clustered localizations (miro.inference.classification)."""

import numpy as np
import pandas as pd
import pytest
import torch

from miro.data.simulation import MULTISHAPE_MIXTURES, multishape
from miro.errors import MiroInputError
from miro.inference import squeeze_fov
from miro.inference.classification import classification_report, classify_fov, confusion_matrix, refine_by_cluster
from miro.nn.model import MIRO
from miro.nn.weights import load_released


def test_refine_by_cluster_majority_vote_with_and_without_noise():
    labels = np.array([1, 1, 1, 2, 2, 0, 0, 0])
    classes = np.array([1, 2, 1, 2, 1, 0, 2, 2])
    # cluster 1: two 1s, one 2 -> 1; cluster 2: a tie 1/2 -> the smaller class, 1; noise: 2
    np.testing.assert_array_equal(refine_by_cluster(classes, labels), [1, 1, 1, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(refine_by_cluster(classes, labels, include_noise=False), [1, 1, 1, 1, 1, 0, 2, 2])
    # relabelling the clusters changes nothing
    np.testing.assert_array_equal(refine_by_cluster(classes, labels * 7), refine_by_cluster(classes, labels))
    with pytest.raises(MiroInputError, match="same length"):
        refine_by_cluster(classes, labels[:-1])
    with pytest.raises(MiroInputError, match="non-negative integer"):
        refine_by_cluster(classes - 1, labels)


def test_confusion_matrix_and_report_by_hand():
    true = np.array([1, 1, 1, 1, 2, 2, 2, 0])
    pred = np.array([1, 1, 1, 2, 2, 2, 1, 0])
    matrix = confusion_matrix(true, pred, classes=[1, 2], names=["spot", "ring"])
    assert matrix.loc["spot", "spot"] == 3 and matrix.loc["spot", "ring"] == 1
    assert matrix.loc["ring", "spot"] == 1 and matrix.loc["ring", "ring"] == 2
    assert matrix.index.name == "true" and matrix.columns.name == "predicted"
    report = classification_report(true, pred, classes=[1, 2]).set_index("class")
    # spot: P = 3/4, R = 3/4; ring: P = 2/3, R = 2/3
    assert report.loc[1, "F1"] == pytest.approx(0.75) and report.loc[2, "F1"] == pytest.approx(2 / 3)
    assert report.loc["macro", "F1"] == pytest.approx((0.75 + 2 / 3) / 2)
    assert report.loc["macro", "support"] == 7
    # background named: a second macro row over the shape classes only
    both = classification_report(true, pred, classes=[0, 1, 2], background=0).set_index("class")
    assert both.loc["macro (shapes)", "F1"] == pytest.approx(report.loc["macro", "F1"])
    assert both.loc["macro", "F1"] == pytest.approx((1 + 0.75 + 2 / 3) / 3)
    # identical partitions: every F1 is 1, whatever the class order
    perfect = classification_report(true, true)
    assert (perfect["F1"] == 1).all() and list(perfect["class"]) == [0, 1, 2, "macro"]
    with pytest.raises(MiroInputError, match="2 names for 3 classes"):
        confusion_matrix(true, pred, names=["a", "b"])


def test_classify_fov_labels_match_squeeze_and_classes_are_refined():
    torch.manual_seed(0)
    model = MIRO(hidden_channels=8, num_steps=3, out_channels=5)
    fov = multishape(0, **MULTISHAPE_MIXTURES["spots_rings"])
    xy = fov[["x", "y"]].to_numpy()
    labels, classes = classify_fov(model, xy, 0.2, eps=20, min_samples=5)
    squeezed = squeeze_fov(model, xy, 0.2)
    from miro.inference.clustering import dbscan_labels

    np.testing.assert_array_equal(labels, dbscan_labels(squeezed, 20, 5))
    assert classes.min() >= 0 and classes.max() < 3
    for label in np.unique(labels):
        assert len(np.unique(classes[labels == label])) == 1
    raw = classify_fov(model, xy, 0.2, eps=20, min_samples=5, refine=False)[1]
    np.testing.assert_array_equal(refine_by_cluster(raw, labels), classes)
    with pytest.raises(MiroInputError, match="out_channels = 2 \\+ number of classes"):
        classify_fov(MIRO(hidden_channels=8, num_steps=2), xy, 0.2, eps=20, min_samples=5)



def test_per_class_clustering_never_mixes_predicted_shapes(monkeypatch):
    import miro.inference.classification as classification
    from miro.inference.clustering import dbscan_labels

    fov = multishape(1, **MULTISHAPE_MIXTURES["spots_rings"])
    xy = fov[["x", "y"]].to_numpy()
    # no displacement; predicted class 0 for every 10th point, else 1 left of x = 3200 nm and 2 right of it
    shapes = np.where(xy[:, 0] < 3200, 1, 2)
    shapes[::10] = 0
    logits = torch.nn.functional.one_hot(torch.from_numpy(shapes), 3).float() * 5
    monkeypatch.setattr(classification, "step_output", lambda *args, **kwargs: torch.cat([torch.zeros(len(xy), 2), logits], 1))
    model = MIRO(hidden_channels=8, num_steps=3, out_channels=5)
    labels, classes = classify_fov(model, xy, 0.2, eps=60, min_samples=3, refine=False, clustering="per_class")
    np.testing.assert_array_equal(classes, shapes)
    assert (labels[shapes == 0] == 0).all()  # predicted not clustered: noise
    from miro.nn.graph import normalize_fov

    normalized, norm = normalize_fov(xy, "authors")
    frame = norm.to_nm(normalized)  # the squeezed frame with zero displacement
    for shape in (1, 2):  # each shape's clusters: DBSCAN on its points alone, numbered apart from the other's
        members = shapes == shape
        expected = dbscan_labels(frame[members], 60, 3)
        assert expected.max() > 1
        assert ((labels[members] == 0) == (expected == 0)).all()
        assert len(np.unique(labels[members][expected > 0])) == expected.max()
    for label in np.unique(labels[labels > 0]):
        assert len(np.unique(shapes[labels == label])) == 1
    joint = classify_fov(model, xy, 0.2, eps=60, min_samples=3, refine=False)[0]
    assert any(len(np.unique(shapes[(joint == label) & (shapes > 0)])) == 2 for label in np.unique(joint[joint > 0]))
    with pytest.raises(MiroInputError, match="clustering"):
        classify_fov(model, xy, 0.2, eps=60, min_samples=3, clustering="by_shape")

def test_released_multishape_checkpoint_classifies(authors_dir):
    """The authors' multishape model (5-wide head: background + 3 shapes) runs through classify_fov."""
    model = load_released(authors_dir / "multishape" / "checkpoint.pt", num_steps=20)
    assert model.num_classes == 3
    fov = multishape(1, **MULTISHAPE_MIXTURES["spots_rings"])
    labels, classes = classify_fov(model, fov[["x", "y"]].to_numpy(), 0.2, eps=26, min_samples=5, normalization="isotropic")
    assert len(labels) == len(classes) == len(fov) and classes.max() <= 3
    assert isinstance(confusion_matrix(fov["class"].to_numpy(), classes), pd.DataFrame)
