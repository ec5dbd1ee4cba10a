"""Checksum-verified downloads from file:// and a loopback HTTP server; never the internet."""

import functools
import hashlib
import http.server
import shutil
import threading

import pytest

from miro.data.download import build_manifest, fetch_file, fetch_folder, file_url, read_manifest, sha256_of
from miro.errors import MiroInputError

from conftest import REPO

FOLDER = "Multiple Blinking - Scenario 8"  # the folder with the naming trap (no '_' before the number)


@pytest.fixture(scope="module")
def manifest():
    return read_manifest(REPO / "config" / "nieves2023-manifest.tsv")


@pytest.fixture(scope="module")
def http_base(benchmark_dir):
    """A loopback HTTP server serving ../shared/data/nieves2023-benchmark."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(benchmark_dir))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_committed_manifest_covers_the_whole_benchmark(manifest):
    assert len(manifest) == 965
    assert manifest["folder"].nunique() == 20
    assert manifest.groupby("folder").size().drop("FGFR1 C8 nb AF647 on MCF7 cells").eq(50).all()


def test_committed_manifest_agrees_with_the_shared_copy(benchmark_dir, manifest):
    local = build_manifest(benchmark_dir)
    # at least GT and MB of scenarios 5, 6, 8, 9 (Table 1) and FGFR1; any further folder must match too
    per_folder = local.groupby("folder").size()
    for scenario in (5, 6, 8, 9):
        for kind in ("Ground Truth", "Multiple Blinking"):
            assert per_folder[f"{kind} - Scenario {scenario}"] == 50
    assert per_folder["FGFR1 C8 nb AF647 on MCF7 cells"] == 15
    merged = local.merge(manifest, on=["folder", "file"], suffixes=("_local", "_manifest"), how="left")
    assert merged["sha256_manifest"].notna().all()
    assert (merged["sha256_local"] == merged["sha256_manifest"]).all()
    assert (merged["bytes_local"] == merged["bytes_manifest"]).all()


def test_file_url_encodes_folder_and_file():
    url = file_url("https://example.org/repo/main/", "Ground Truth - Scenario 8", "a b.csv")
    assert url == "https://example.org/repo/main/Ground%20Truth%20-%20Scenario%208/a%20b.csv"
    assert file_url("/data", ".", "w.pt") == "file:///data/w.pt"


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_fetch_folder_good(tmp_path, benchmark_dir, manifest, http_base, scheme):
    base = benchmark_dir.as_uri() if scheme == "file" else http_base
    subset = manifest[manifest["folder"] == FOLDER].head(3)
    paths = fetch_folder(base, subset, FOLDER, tmp_path / "out")
    assert [p.name for p in paths] == list(subset["file"])
    for path, row in zip(paths, subset.itertuples()):
        assert sha256_of(path) == row.sha256
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted([*subset["file"], *(f".{name}.verified" for name in subset["file"])])  # stamps, no temp files


def _serve_copy(tmp_path, benchmark_dir, mangle):
    """A file:// base holding one benchmark file, changed by ``mangle(bytes) -> bytes``."""
    source = benchmark_dir / FOLDER / "diffden_DetectionList1.csv"
    (tmp_path / "remote" / FOLDER).mkdir(parents=True)
    (tmp_path / "remote" / FOLDER / source.name).write_bytes(mangle(source.read_bytes()))
    return (tmp_path / "remote").as_uri(), hashlib.sha256(source.read_bytes()).hexdigest(), source.stat().st_size


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda data: data.replace(b"1", b"7", 1), "checksum mismatch"),
        (lambda data: data[: len(data) // 2], "truncated"),
    ],
)
def test_corrupt_or_truncated_download_leaves_nothing(tmp_path, benchmark_dir, mangle, message):
    base, sha, size = _serve_copy(tmp_path, benchmark_dir, mangle)
    target = tmp_path / "out" / "diffden_DetectionList1.csv"
    with pytest.raises(MiroInputError, match=message) as info:
        fetch_file(file_url(base, FOLDER, target.name), target, sha, size)
    assert target.name in str(info.value) and "\n" not in str(info.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_missing_file_over_http_and_file(tmp_path, http_base):
    for base in (http_base, (tmp_path / "empty").as_uri()):
        target = tmp_path / "out" / "nothere.csv"
        with pytest.raises(MiroInputError, match="download from .* failed"):
            fetch_file(file_url(base, FOLDER, "nothere.csv"), target, "0" * 64, 10)
        assert not target.exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_existing_good_files_are_kept(tmp_path, benchmark_dir, manifest):
    subset = manifest[manifest["folder"] == FOLDER].head(1)
    target = tmp_path / "out" / subset["file"].iloc[0]
    target.parent.mkdir()
    shutil.copy(benchmark_dir / FOLDER / target.name, target)
    # an unreachable base URL proves nothing is fetched again
    fetch_folder("http://127.0.0.1:9/none", subset, FOLDER, tmp_path / "out")


def test_unknown_folder(manifest, tmp_path):
    with pytest.raises(MiroInputError, match="not in the download manifest"):
        fetch_folder("file:///x", manifest, "Scenario 99", tmp_path)


def test_fetch_recorded_verifies_or_records_the_checksum(tmp_path):
    """A file without a manifest entry (the Nup96 data): record its SHA-256 next to it, or check a given one."""
    from miro.data.download import fetch_recorded, read_sha256

    source = tmp_path / "cell_sml.csv"
    source.write_text("xnm,ynm\n1,2\n3,4\n")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    target = tmp_path / "out" / "cell_sml.csv"
    assert fetch_recorded(source.as_uri(), target) == digest
    assert target.read_bytes() == source.read_bytes() and read_sha256(tmp_path / "out" / "cell_sml.csv.sha256") == digest
    assert fetch_recorded(source.as_uri(), target, digest.upper()) == digest  # verified
    target.unlink()
    with pytest.raises(MiroInputError, match="checksum mismatch") as info:
        fetch_recorded(source.as_uri(), target, "0" * 64)
    assert "\n" not in str(info.value) and not target.exists()


def test_verify_file_against_the_download_record_or_a_pinned_digest(tmp_path):
    from miro.data.download import verify_file, write_sha256

    data = tmp_path / "cell_sml.csv"
    data.write_text("xnm,ynm\n1,2\n")
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    assert verify_file(data) == digest  # nothing to check against
    assert verify_file(data, sha256=digest.upper()) == digest
    sidecar = write_sha256(data, digest)
    assert verify_file(data, sidecar=sidecar, sha256="0" * 64) == digest  # the download record wins
    data.write_text("xnm,ynm\n1,3\n")
    with pytest.raises(MiroInputError, match=r"cell_sml.csv: checksum mismatch .*changed since it was downloaded: delete it and cell_sml.csv.sha256"):
        verify_file(data, sidecar=sidecar)
    with pytest.raises(MiroInputError, match=r"cell_sml.csv: checksum mismatch .*use the file nup96.sha256 names, or change nup96.sha256") as info:
        verify_file(data, sha256=digest, pinned_by="nup96.sha256")
    assert "\n" not in str(info.value)


def test_fetch_recorded_failure_is_one_line_with_advice(tmp_path, http_base):
    from miro.data.download import fetch_recorded

    for url in (f"{http_base}/nothere_sml.csv", (tmp_path / "nothere_sml.csv").as_uri()):
        with pytest.raises(MiroInputError, match=r"nothere_sml.csv: download from .* failed \(.*\); put it by hand") as info:
            fetch_recorded(url, tmp_path / "out" / "nothere_sml.csv", advice="put it by hand")
        assert "\n" not in str(info.value)
    assert list((tmp_path / "out").iterdir()) == []
