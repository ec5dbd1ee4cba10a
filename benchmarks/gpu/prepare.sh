#!/usr/bin/env bash
# Build the GPU-check kit of issue 16 in .gpu/ (git-ignored), here, before the one device call
# (benchmarks/gpu/README.md). Idempotent: wheels already there and an unchanged data archive are kept.
#
#   .gpu/whl/      cp312 manylinux x86-64 wheels of what the GPU image lacks: snakemake's closure, shapely
#   .gpu/whl-alt/  wheels of packages the image has, installed there only where its version does not fit
#   .gpu/data.tar.xz   nieves2023-benchmark/<folders of config/config.yaml> + benchmark-models/<its weights>
#
# Environment: PYTHON (default .venv/bin/python), SHARED_DATA (default ../shared/data),
# MAX_KIT_MIB (default 60), MAX_TRAVEL_MIB (default 64).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
SHARED=${SHARED_DATA:-$ROOT/../shared/data}
KIT=$ROOT/.gpu
MAX_KIT_MIB=${MAX_KIT_MIB:-60}
MAX_TRAVEL_MIB=${MAX_TRAVEL_MIB:-64}

# Exact versions: this venv's (pip freeze), all compatible with the device's CPython 3.12.
MAIN=(
  snakemake==9.27.1
  snakemake-interface-common==1.23.0 snakemake-interface-executor-plugins==9.4.0
  snakemake-interface-logger-plugins==2.1.0 snakemake-interface-report-plugins==1.3.0
  snakemake-interface-scheduler-plugins==2.0.2 snakemake-interface-storage-plugins==4.4.1
  argparse-dataclass==2.0.0 ConfigArgParse==1.9.0 conda-inject==1.3.2 docutils==0.22.4 dpath==2.2.0
  GitPython==3.2.1 gitdb==4.0.12 smmap==5.0.3 humanfriendly==10.0 immutables==0.21
  jsonschema==4.26.0 jsonschema-specifications==2025.9.1 referencing==0.37.0 rpds-py==2026.9.1
  nbformat==5.11.1 fastjsonschema==2.22.3 jupyter_core==5.9.1 traitlets==5.16.1 platformdirs==4.14.9
  smart_open==7.7.1 tenacity==9.2.1 throttler==1.2.3 yte==1.9.4
  sqlmodel==0.0.37 SQLAlchemy==2.0.59 greenlet==3.5.6
  pydantic==2.14.4 pydantic_core==2.50.5 annotated-types==0.8.0 typing-inspection==0.4.5
  shapely==2.2.0
)
# Published as an sdist only: built here into a pure-Python wheel.
SDIST_ONLY=(connection_pool==0.0.3)
# On the device already, in versions we cannot see from here: carried, installed only if needed
# (benchmarks/gpu/wheels.py select), e.g. snakemake wants packaging<26, pydantic typing-extensions>=4.16.
ALT=(
  packaging==25.0 typing_extensions==4.16.0 Jinja2==3.1.6 MarkupSafe==3.0.4 attrs==26.1.0
  requests==2.34.2 urllib3==2.8.0 idna==3.21 certifi==2026.10.19.post1 charset-normalizer==3.5.3
  PyYAML==6.0.4 psutil==7.2.2 tabulate==0.10.0 wrapt==2.5.2
)
# pulp (~17 MB, its CBC solver) is left out: run.sh uses --scheduler greedy.

PLATFORMS=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_24_x86_64 manylinux_2_17_x86_64 \
         manylinux2014_x86_64 manylinux_2_5_x86_64 manylinux1_x86_64; do PLATFORMS+=(--platform "$p"); done

fetch() {  # fetch DIR SPEC...: one pip download per wheel not yet there
  local dir=$1; shift
  mkdir -p "$dir"
  local spec name version
  for spec in "$@"; do
    name=${spec%%==*}; version=${spec#*==}
    # wheel file names normalise - and . in the name to _ and may lower-case it
    if compgen -G "$dir/$(echo "$name" | tr -- '-.' '__')-$version-*.whl" >/dev/null \
       || compgen -G "$dir/$(echo "$name" | tr -- '-.A-Z' '__a-z')-$version-*.whl" >/dev/null; then
      continue
    fi
    "$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
      "${PLATFORMS[@]}" -d "$dir" "$spec" 2>&1 | grep -v "^WARNING: Location" || true
    compgen -G "$dir/*$version*.whl" >/dev/null || { echo "prepare: no cp312 x86-64 wheel of $spec" >&2; exit 1; }
  done
}

echo "== wheels"
fetch "$KIT/whl" "${MAIN[@]}"
for spec in "${SDIST_ONLY[@]}"; do
  compgen -G "$KIT/whl/${spec%%==*}-${spec#*==}-*.whl" >/dev/null \
    || "$PY" -m pip wheel -q --no-deps -w "$KIT/whl" "$spec" 2>&1 | grep -v "^WARNING: Location" || true
  compgen -G "$KIT/whl/${spec%%==*}-${spec#*==}-*.whl" >/dev/null || { echo "prepare: could not build $spec" >&2; exit 1; }
done
fetch "$KIT/whl-alt" "${ALT[@]}"
"$PY" benchmarks/gpu/wheels.py closure "$KIT/whl" "$KIT/whl-alt"

echo "== data"
# Folders and weights the paper preset (config/config.yaml) downloads.
"$PY" - "$ROOT" >"$KIT/data.list.new" <<'EOF'
import sys, yaml
from pathlib import Path
config = yaml.safe_load((Path(sys.argv[1]) / "config" / "config.yaml").read_text())
folders = {s["benchmark"] for s in config["scenarios"] if s.get("benchmark")}
folders |= {d["benchmark"] for d in (config.get("nanoclusters") or {}).get("datasets", []) if d.get("benchmark")}
weights = {s["miro"]["released_weights"] for s in config["scenarios"] if s.get("miro", {}).get("released_weights")}
for folder in sorted(folders):
    print(f"nieves2023-benchmark/{folder}")
for name in sorted(weights):
    print(f"benchmark-models/{name}")
EOF
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
while IFS= read -r item; do
  case $item in
    nieves2023-benchmark/*) src=$SHARED/$item ;;
    benchmark-models/*) src=$SHARED/miro-authors/$item ;;
  esac
  [ -e "$src" ] || { echo "prepare: $src not found (set SHARED_DATA)" >&2; exit 1; }
  mkdir -p "$STAGE/$(dirname "$item")"
  ln -s "$src" "$STAGE/$item"
done <"$KIT/data.list.new"
# the same files in the same sizes: keep the archive (xz -9 of ~80 MB takes minutes on 2 cores)
(cd "$STAGE" && find -L . -type f -printf '%p %s\n' | LC_ALL=C sort) >"$KIT/data.files.new"
if [ -f "$KIT/data.tar.xz" ] && cmp -s "$KIT/data.files.new" "$KIT/data.files" 2>/dev/null; then
  echo "data.tar.xz up to date"
else
  rm -f "$KIT/data.tar.xz"
  echo "packing $(wc -l <"$KIT/data.list.new") folders/weights ($(du -sbL "$STAGE" | cut -f1) bytes) ..."
  tar -C "$STAGE" -chf - --sort=name --owner=0 --group=0 . | xz -T0 -9 >"$KIT/data.tar.xz.part"
  mv "$KIT/data.tar.xz.part" "$KIT/data.tar.xz"
fi
mv "$KIT/data.files.new" "$KIT/data.files"
mv "$KIT/data.list.new" "$KIT/data.list"

echo "== sizes"
bytes() { du -cb "$@" | tail -1 | cut -f1; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
whl=$(bytes "$KIT/whl"); alt=$(bytes "$KIT/whl-alt"); data=$(bytes "$KIT/data.tar.xz"); kit=$(bytes "$KIT")
# what travels besides .gpu: tracked files + untracked files git does not ignore
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | awk '$2 == "total" { s += $1 } END { print s + 0 }')
printf '%-34s %s\n' "wheels (.gpu/whl, $(ls "$KIT"/whl/*.whl | wc -l) files)" "$(mib "$whl")" \
  "fallback wheels (.gpu/whl-alt)" "$(mib "$alt")" "data (.gpu/data.tar.xz)" "$(mib "$data")" \
  ".gpu/ total" "$(mib "$kit")" "working tree without .gpu" "$(mib "$tree")" "travels in all" "$(mib $((kit + tree)))"
if [ "$kit" -gt $((MAX_KIT_MIB * 1048576)) ]; then echo "prepare: .gpu/ is over $MAX_KIT_MIB MiB" >&2; exit 1; fi
if [ $((kit + tree)) -gt $((MAX_TRAVEL_MIB * 1048576)) ]; then echo "prepare: over the $MAX_TRAVEL_MIB MiB a call carries" >&2; exit 1; fi
git check-ignore -q "$KIT" || echo "prepare: warning: .gpu/ is not git-ignored: add /.gpu/ to .gitignore" >&2
echo "kit ready: run benchmarks/gpu/run.sh on the device with carry [\".gpu\"]"
