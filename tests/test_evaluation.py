import numpy as np
import pandas as pd
import pytest

from miro.errors import MiroInputError
from miro.evaluation import evaluate_fovs, summarize_by
from miro.io import list_fovs, read_localizations
from miro.metrics import METRICS


def test_evaluate_fovs_on_ground_truth_is_perfect(benchmark_dir):
    files = list_fovs(benchmark_dir / "Ground Truth - Scenario 8")
    labels = {fov: read_localizations(files[fov])["index"].to_numpy() for fov in (1, 2)}
    table = evaluate_fovs(files, labels)
    assert list(table.columns) == ["fov", *METRICS] and list(table["fov"]) == [1, 2]
    assert np.allclose(table[["ARI_dagger", "IoU", "JIc", "AMI", "ARI_c", "ARI"]], 1.0)
    with pytest.raises(MiroInputError, match="labels"):
        evaluate_fovs(files, {1: labels[1][:-1]})


def test_summarize_by_groups_in_first_seen_order():
    per_fov = pd.DataFrame({"d": [2, 2, 1], "method": ["a", "a", "a"], "JIc": [0.5, 0.7, 0.9]})
    out = summarize_by(per_fov, ["d", "method"], "JIc")
    assert list(out["d"]) == [2, 1]
    assert out.loc[0, "mean"] == pytest.approx(0.6) and out.loc[0, "sd"] == pytest.approx(np.std([0.5, 0.7], ddof=1))
    assert out.loc[1, "sd"] == 0.0 and list(out["n_fov"]) == [2, 1]
