#!/usr/bin/env bash
# The tiny configuration run three times from clean folders, as this CPU and as emulated older CPUs
# (PyTorch, MKL, oneDNN and OpenBLAS each pick their kernels by instruction set and each has a switch),
# then compared with `miro compare-runs` (docs/workflow.md, "Across machines").
#   bash tools/cpu_isa_runs.sh OUT_DIR [DATA_DIR]     # DATA_DIR defaults to ../shared/data
set -euo pipefail
out=${1:?usage: tools/cpu_isa_runs.sh OUT_DIR [DATA_DIR]}
repo=$(cd "$(dirname "$0")/.." && pwd)
data=$(cd "${2:-$repo/../shared/data}" && pwd)
run() {  # label, then the environment of the run
    local label=$1; shift
    rm -rf "$out/$label"; mkdir -p "$out/$label"
    env "$@" "$repo/.venv/bin/snakemake" --snakefile "$repo/Snakefile" --cores 2 --directory "$out/$label" \
        --configfile "$repo/tests/config/tiny.yaml" --resources gpu=0 --config torch_threads=2 \
        "benchmark_base_url=file://$data/nieves2023-benchmark" \
        "released_weights_base_url=file://$data/miro-authors/benchmark-models" > "$out/$label.log" 2>&1
}
run native
run avx2 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell
run sse42 ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2 ONEDNN_MAX_CPU_ISA=SSE41 OPENBLAS_CORETYPE=Nehalem
for label in avx2 sse42; do
    echo "== native vs $label"
    "$repo/.venv/bin/miro" compare-runs "$out/native" "$out/$label" || true  # exit 1 when an output differs
done
