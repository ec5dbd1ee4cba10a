import numpy as np
import pandas as pd
import pytest

from miro.data.io import fov_number, list_fovs, read_labels, read_localizations, write_labels
from miro.errors import MiroInputError


@pytest.mark.parametrize(
    "name, number",
    [
        ("diffden_DetectionList1.csv", 1),
        ("diffden_DetectionList12.csv", 12),
        ("highden_MoleculeList_50.csv", 50),
        ("normal_50single_MoleculeList_7.csv", 7),
        ("normal_80single_new_MoleculeList_3.csv", 3),
        ("FGFR1_MCF7_AF647_15.csv", 15),
    ],
)
def test_fov_number_is_trailing_integer(name, number):
    assert fov_number(name) == number


def test_fov_number_without_number():
    with pytest.raises(MiroInputError, match="no trailing"):
        fov_number("molecules.csv")


def test_list_fovs_sorts_by_trailing_number(benchmark_dir):
    fovs = list_fovs(benchmark_dir / "Multiple Blinking - Scenario 8")
    assert list(fovs) == list(range(1, 51))
    assert fovs[7].name == "diffden_DetectionList7.csv"


def test_list_fovs_duplicate_and_missing(tmp_path):
    with pytest.raises(MiroInputError, match="folder not found"):
        list_fovs(tmp_path / "nope")
    with pytest.raises(MiroInputError, match="no \\*.csv"):
        list_fovs(tmp_path)
    (tmp_path / "a_1.csv").write_text("x,y\n1,2\n")
    (tmp_path / "b1.csv").write_text("x,y\n1,2\n")
    with pytest.raises(MiroInputError, match="FOV 1 also given"):
        list_fovs(tmp_path)


def test_read_benchmark_file(benchmark_dir):
    table = read_localizations(benchmark_dir / "Ground Truth - Scenario 8" / "diffden_MoleculeList_1.csv", require_labels=True)
    assert list(table.columns[:3]) == ["x", "y", "index"]
    assert table["index"].dtype == np.int64 and table["index"].min() == 0
    assert len(table) == 400  # 200 noise + 20 clusters of 5 or 15 molecules


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "file is empty"),
        ("a,b\n1,2\n", "missing column"),
        ("x,y\n", "no localizations"),
        ("x,y\n1,2\nnan,3\n", "column x has 1 missing"),
        ("x,y\n1,inf\n", "column y has 1 missing"),
        ("x,y\n1,abc\n", "non-numeric"),
        ("x,y,index\n1,2,-1\n", "whole numbers >= 0"),
        ("x,y,index\n1,2,0.5\n", "whole numbers >= 0"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(MiroInputError, match=message) as info:
        read_localizations(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_labels_when_required(tmp_path):
    path = tmp_path / "nolabels.csv"
    path.write_text("x,y\n1,2\n")
    with pytest.raises(MiroInputError, match="index"):
        read_localizations(path, require_labels=True)


def test_labels_round_trip(tmp_path):
    labels = {3: np.array([0, 1, 1, 2]), 1: np.array([5, 0])}
    path = write_labels(tmp_path / "sub" / "labels.csv", labels)
    back = read_labels(path)
    assert list(back) == [1, 3]
    for fov in labels:
        np.testing.assert_array_equal(back[fov], labels[fov])
    assert not list((tmp_path / "sub").glob(".*part"))


def test_read_labels_rejects_other_tables(tmp_path):
    path = tmp_path / "other.csv"
    pd.DataFrame({"a": [1]}).to_csv(path, index=False)
    with pytest.raises(MiroInputError, match="fov,label"):
        read_labels(path)
