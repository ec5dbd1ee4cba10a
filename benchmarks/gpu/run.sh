#!/usr/bin/env bash
# Every GPU check of issue 16 in one command (benchmarks/gpu/README.md). From the repository root:
#
#   bash benchmarks/gpu/run.sh                    # the GPU machine: run tool, carry [".gpu"], timeout_s 600
#   MIRO_GPU_CHECK_TINY=1 OUT=/tmp/gpu-out bash benchmarks/gpu/run.sh   # a CPU test of the kit
#
# Needs the kit of benchmarks/gpu/prepare.sh in .gpu/. Steps, cheap and important first, each with
# its own timeout (capped so that the whole script ends within MIRO_GPU_DEADLINE seconds, default
# 540), each logged under $OUT (default /tmp/gpu-out), going on after a failed step:
#   setup        wheels -> /tmp/site (cp312 only), data -> /tmp/gpu-data, simulated Nup96 _sml.csv
#   env          nvidia-smi, torch and the versions of the packages the checks use
#   cuda_tests   pytest -k "cuda or gpu" (the gpu-marked tests and every test named *cuda*)
#   bench_scale  benchmarks/bench_scale.py --sizes 1e6 --device cuda
#   precision    benchmarks/bench_training.py: the paper's network on 200 Scenario 8 graphs, fp32 vs bf16
#   smoke        the paper DAG, config/smoke.yaml with 100-graph training sets (MIRO_GPU_SMOKE_GRAPHS;
#                tiny: tests/config/tiny.yaml), all local data
#   smoke_timing benchmarks/bench_workflow.py on the smoke run -> smoke_timing.md, and
#                benchmarks/extrapolate_run.py: the paper preset on this machine, predicted from
#                the smoke run -> paper_estimate.md, paper_estimate_jobs.csv
# $OUT gets at most 10 files: summary.txt (step, exit code, seconds), env.log, cuda_tests.log,
# bench_scale.log, precision.log, smoke.log, smoke_timing.md, paper_estimate.md, paper_estimate_jobs.csv,
# smoke_results.tar.gz (tables, benchmarks, losses, provenance.json, logs of failed jobs and of training).
set -uo pipefail
cd "$(dirname "$0")/../.."
export ROOT=$PWD
T0=$(date +%s)
export OUT=${OUT:-/tmp/gpu-out}
TINY=${MIRO_GPU_CHECK_TINY:-0}
DEADLINE=${MIRO_GPU_DEADLINE:-540}
export DATA=${MIRO_GPU_DATA:-/tmp/gpu-data}
export SITE=${MIRO_GPU_SITE:-/tmp/site}
export SMOKE=${MIRO_GPU_SMOKE_DIR:-/tmp/smoke}
export KIT=$ROOT/.gpu
export CORES=$(nproc)
export PYTHONUNBUFFERED=1
export PYTHONPATH=$SITE:$ROOT/src${PYTHONPATH:+:$PYTHONPATH}
export PATH=/tmp/gpu-bin:$PATH
export TINY
mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
printf '%-13s %5s %8s  %s\n' step exit seconds note >"$SUMMARY"

if [ "$TINY" = 1 ]; then
  SMOKE_CONFIG=tests/config/tiny.yaml; TARGET_CONFIG=tests/config/tiny.yaml; GPUS=0; SCALE_SIZES=1e4; NUP96_GRID=2
  PRECISION_ARGS="--graphs 8 --hidden 16 --repeats 1 --device cpu"; PRECISION_GRAPHS=8
else
  SMOKE_CONFIG=config/smoke.yaml; TARGET_CONFIG=""; GPUS=${MIRO_GPU_SMOKE_GPUS:-1}; SCALE_SIZES=1e6; NUP96_GRID=${MIRO_GPU_NUP96_GRID:-8}
  PRECISION_ARGS="--graphs 200 --hidden 256 --repeats 3 --device cuda"; PRECISION_GRAPHS=200
  # the paper's training sets (1000-1500 graphs) take minutes each to build on the CPU, one job
  # each: the smoke run builds and trains on SMOKE_GRAPHS of them, paper_estimate.md scales back
  SMOKE_GRAPHS=${MIRO_GPU_SMOKE_GRAPHS:-100}
fi
export SMOKE_CONFIG TARGET_CONFIG GPUS SCALE_SIZES NUP96_GRID PRECISION_ARGS PRECISION_GRAPHS SMOKE_GRAPHS

elapsed() { echo $(($(date +%s) - T0)); }

# step NAME CAP RESERVE LOG COMMAND...: COMMAND under `timeout` of min(CAP, time left - RESERVE)
# seconds, where RESERVE is kept for the steps after it; output to the terminal and appended to LOG.
step() {
  local name=$1 cap=$2 reserve=$3 log=$4; shift 4
  local left=$((DEADLINE - $(elapsed) - reserve))
  local limit=$((cap < left ? cap : left))
  if ((limit < 10)); then
    printf '%-13s %5s %8s  %s\n' "$name" - 0 "skipped: deadline ${DEADLINE}s near" | tee -a "$SUMMARY"
    return 0
  fi
  printf '\n=== %s (timeout %ss, at %ss): %s\n' "$name" "$limit" "$(elapsed)" "$*" | tee -a "$log"
  local start rc seconds note=""
  start=$(date +%s.%N)
  timeout -k 20 "$limit" "$@" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  ((rc == 124 || rc == 137)) && note="timed out after ${limit}s"
  printf '=== %s: exit %s after %ss %s\n' "$name" "$rc" "$seconds" "$note" | tee -a "$log"
  printf '%-13s %5s %8s  %s\n' "$name" "$rc" "$seconds" "$note" >>"$SUMMARY"
}

setup() {
  set -e
  echo "python3: $(command -v python3) ($(python3 -V 2>&1)), $CORES cores, OUT=$OUT"
  rm -rf "$SITE" "$DATA" /tmp/gpu-bin
  mkdir -p "$SITE" "$DATA" /tmp/gpu-bin
  if [ "${MIRO_GPU_SKIP_WHEELS:-0}" != 1 ] && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then
    python3 benchmarks/gpu/wheels.py select "$KIT/whl" "$KIT/whl-alt" pyproject.toml >/tmp/gpu-wheels.txt
    echo "installing $(wc -l </tmp/gpu-wheels.txt) wheels into $SITE"
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target "$SITE" \
      $(cat /tmp/gpu-wheels.txt) 2>&1 | grep -v "Running pip as the 'root' user" || true
  else
    echo "python3 is not CPython 3.12 (or MIRO_GPU_SKIP_WHEELS=1): the kit's cp312 wheels are not installed, using python3's own packages"
  fi
  command -v snakemake >/dev/null || printf '#!/bin/sh\nexec python3 -m snakemake "$@"\n' >/tmp/gpu-bin/snakemake
  command -v python >/dev/null || ln -s "$(command -v python3)" /tmp/gpu-bin/python
  chmod +x /tmp/gpu-bin/* 2>/dev/null || true
  python3 - "$KIT/data.tar.xz" "$DATA" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as archive:
    archive.extractall(sys.argv[2], filter="data")
EOF
  echo "data: $(du -sh "$DATA" | cut -f1) in $DATA: $(ls "$DATA"/nieves2023-benchmark | wc -l) benchmark folders, $(ls "$DATA"/benchmark-models | wc -l) weights"
  python3 benchmarks/gpu/make_nup96.py "$DATA/nup96_sml.csv" --grid "$NUP96_GRID"
  # one extra configfile (typed YAML, unlike --config's strings): local data, the simulated Nup96 file
  cat >"$DATA/device.yaml" <<EOF
benchmark_base_url: file://$DATA/nieves2023-benchmark
released_weights_base_url: file://$DATA/benchmark-models
nup96: {file: $DATA/nup96_sml.csv}
EOF
  cat "$DATA/device.yaml"
  if [ -n "${SMOKE_GRAPHS:-}" ]; then
    printf 'training: {dataset_size: %s}\n' "$SMOKE_GRAPHS" >"$DATA/smoke_graphs.yaml"
  else
    echo "{}" >"$DATA/smoke_graphs.yaml"
  fi
  # conftest.py and bench_scale.py look for the data in ../shared/data: give them the unpacked copy
  if [ ! -e "$ROOT/../shared/data" ]; then
    mkdir -p "$ROOT/../shared/data/miro-authors"
    ln -s "$DATA/nieves2023-benchmark" "$ROOT/../shared/data/nieves2023-benchmark"
    ln -s "$DATA/benchmark-models" "$ROOT/../shared/data/miro-authors/benchmark-models"
    echo "linked $ROOT/../shared/data to $DATA"
  fi
  echo "snakemake $(python3 -m snakemake --version)"
}

env_report() {
  nvidia-smi
  python3 - <<'EOF'
import importlib, os, sys
import torch
print("python", sys.version.split()[0], sys.executable)
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(), torch.cuda.get_device_properties(0))
for name in ("torch_geometric", "numpy", "scipy", "pandas", "sklearn", "shapely", "snakemake", "yaml", "h5py", "matplotlib", "packaging", "pydantic"):
    try:
        module = importlib.import_module(name)
        print(f"{name:16} {getattr(module, '__version__', '?'):12} {os.path.dirname(module.__file__)}")
    except Exception as error:
        print(f"{name:16} FAILED {error!r}")
import miro
print("miro from", os.path.dirname(miro.__file__))
EOF
}

cuda_tests() {
  # -k matches marker names too: "gpu" selects the tests marked gpu
  python3 -m pytest -p no:cacheprovider -q -rA --continue-on-collection-errors -k "cuda or gpu" tests/
}

bench_scale() {
  python3 benchmarks/bench_scale.py --sizes $SCALE_SIZES --device cuda \
    --model "$DATA/benchmark-models/model_scenario_8.pt" --timeout "$1"
}

precision() {
  # Scenario 8's training graphs as the paper preset builds them (its own rule, fewer graphs), then
  # training steps of the paper's network (hidden 256, K 12, batches of 4) in fp32 and bf16 autocast
  rm -rf /tmp/gpu-precision
  printf 'training: {overrides: {scenario8: {dataset_size: %s}}}\n' "$PRECISION_GRAPHS" >"$DATA/precision.yaml"
  python3 -m snakemake --snakefile Snakefile --directory /tmp/gpu-precision --cores "$CORES" --quiet \
    --configfile $TARGET_CONFIG "$DATA/device.yaml" "$DATA/precision.yaml" --scheduler greedy \
    results/training_sets/scenario8.pt || return 1
  python3 benchmarks/bench_training.py /tmp/gpu-precision/results/training_sets/scenario8.pt \
    --batch-sizes 4 --precisions fp32 bf16 --steps 12 --threads 2 $PRECISION_ARGS
}

smoke() {
  rm -rf "$SMOKE"
  python3 -m snakemake --snakefile Snakefile --directory "$SMOKE" --cores "$CORES" \
    --configfile "$SMOKE_CONFIG" "$DATA/device.yaml" "$DATA/smoke_graphs.yaml" --scheduler greedy --resources gpu=$GPUS --keep-going
}

smoke_dag() {  # tiny mode: the paper smoke DAG resolves with the kit's configfile (Nup96 included)
  python3 -m snakemake --snakefile Snakefile --directory /tmp/gpu-smoke-dag --cores "$CORES" -n --quiet rules \
    --configfile config/smoke.yaml "$DATA/device.yaml" --scheduler greedy >/tmp/gpu-smoke-dag.txt 2>&1
  local rc=$?
  cat /tmp/gpu-smoke-dag.txt
  ((rc == 0)) && grep -qw nup96 /tmp/gpu-smoke-dag.txt && grep -qw train /tmp/gpu-smoke-dag.txt
}

smoke_timing() {
  python3 benchmarks/bench_workflow.py "$SMOKE" >"$OUT/smoke_timing.md"
  local rc=$?
  cat "$OUT/smoke_timing.md"
  # the target preset (the paper; tiny mode: tiny.yaml itself) predicted from the smoke run on this machine
  python3 benchmarks/extrapolate_run.py "$SMOKE" --configfile $TARGET_CONFIG "$DATA/device.yaml" \
    --cores "$CORES" --gpus "$GPUS" --csv "$OUT/paper_estimate_jobs.csv" >"$OUT/paper_estimate.md"
  local predicted=$?
  cat "$OUT/paper_estimate.md"
  return $((rc || predicted))
}

export -f setup env_report cuda_tests bench_scale precision smoke smoke_dag smoke_timing

step setup 150 0 "$OUT/env.log" bash -c setup
step env 60 0 "$OUT/env.log" bash -c env_report
step cuda_tests 180 180 "$OUT/cuda_tests.log" bash -c cuda_tests
# a measurement that hangs prints its threads' stacks 20 s before the step's timeout
SCALE_CAP=240; SCALE_LEFT=$((DEADLINE - $(elapsed) - 150)); ((SCALE_LEFT < SCALE_CAP)) && SCALE_CAP=$SCALE_LEFT
step bench_scale $SCALE_CAP 150 "$OUT/bench_scale.log" bash -c "bench_scale $((SCALE_CAP > 40 ? SCALE_CAP - 20 : 20))"
step precision 90 150 "$OUT/precision.log" bash -c precision
[ "$TINY" = 1 ] && step smoke_dag 60 60 "$OUT/smoke.log" bash -c smoke_dag
step smoke 420 30 "$OUT/smoke.log" bash -c smoke
step smoke_timing 60 5 "$OUT/smoke.log" bash -c smoke_timing

# one archive: the smoke run's tables, per-job benchmarks, losses, training logs, logs of failed jobs
(
  cd "$SMOKE" 2>/dev/null || exit 0
  failed=$(grep -A15 "Error in rule" "$OUT/smoke.log" | sed -n 's/^ *log: \(.*\) (check log file.*/\1/p' | sed 's/, /\n/g' | sort -u)
  files=$( { find results/tables results/benchmarks -type f \( -name '*.csv' -o -name '*.md' -o -name '*.tsv' \) 2>/dev/null
             find results/models -name loss.tsv 2>/dev/null; find logs/train -type f 2>/dev/null
             [ -f results/provenance.json ] && echo results/provenance.json
             for f in $failed; do [ -f "$f" ] && echo "$f"; done; } | sort -u)
  [ -n "$files" ] && echo "$files" | tar -czf "$OUT/smoke_results.tar.gz" -T - &&
    echo "smoke_results.tar.gz: $(echo "$files" | wc -l) files, $(du -h "$OUT/smoke_results.tar.gz" | cut -f1); failed-job logs: ${failed:-none}"
)

printf '%-13s %5s %8s  %s\n' total "" "$(elapsed)" "deadline ${DEADLINE}s" >>"$SUMMARY"
echo
echo "=== summary ($OUT/summary.txt)"
cat "$SUMMARY"
ls -la "$OUT"
