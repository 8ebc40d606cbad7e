#!/usr/bin/env bash
# brief's speed benchmark on the lent GPU (nvidia-h200), in under 4 minutes of device time.
#
# 1. Here, once (needs pip's registry; everything lands in git-ignored folders, ~45 MB in all):
#        bash benchmarks/gpu_check.sh --prepare
#    .whl/       ctranslate2 4.8.5 for the device's Python 3.12 (its image has torch, transformers, sentencepiece,
#                tokenizers, click, numpy, pyyaml, but no ctranslate2) and platformdirs
#    .standins/  build.py from ../shared/tools/standins, and the French/English text its tokenizers are trained on
#                here (the device has no such text), so the device builds the same stand-ins as this machine.
# 2. On the device (the device tool carries only the repo, plus these two folders):
#        run(command="bash benchmarks/gpu_check.sh", carry=[".whl", ".standins"], timeout_s=330)
#    It builds the stand-ins in /tmp, runs benchmarks/bench_translate.py with --device cuda (transformers in float16,
#    then bfloat16 for the batched baseline; CTranslate2 int8_float16), and writes to $OUT: bench-gpu.json,
#    bench-gpu.txt (table + verdicts), log.txt, env.txt. A step that fails is logged and the rest still runs;
#    the benchmark stops starting new parts at its deadline and keeps what it measured.
# 3. `bash benchmarks/gpu_check.sh serve` (same carry, timeout_s=330): instead of step 2's benchmark, brief serve's
#    (benchmarks/bench_serve.py --device cuda on the opus-mt stand-in: 50 article-sized requests at once vs one at a
#    time vs in-process translate_many, then an overload run) → $OUT/serve-gpu.json, serve-gpu.txt. --prepare also
#    carries the serve extra's wheels and the WMT newstest2013 French side the articles are cut from.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

if [ "${1:-}" = "--prepare" ]; then
    set -e
    PY=${PYTHON:-python3}
    mkdir -p .whl .standins
    "$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 -d .whl ctranslate2==4.8.5 platformdirs
    # brief serve's extra and what the checks import (the image may lack them); ~15 MB
    "$PY" -m pip download -q --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 -d .whl fastapi uvicorn python-multipart fastapi-offline babel markdown-it-py
    WMT=${BRIEF_WMT_DIR:-$REPO/../shared/data/wmt13-fr-en}
    if [ -d "$WMT" ]; then  # bench_serve's articles; carried to the device only, never committed (git-ignored)
        mkdir -p .standins/wmt13-fr-en && cp -f "$WMT/newstest2013.fr" "$WMT/newstest2013.docs.jsonl" .standins/wmt13-fr-en/
    fi
    cp -f "${STANDINS_BUILD:-$REPO/../shared/tools/standins/build.py}" .standins/build.py
    "$PY" - <<'EOF'
import gzip, importlib.util
spec = importlib.util.spec_from_file_location("build", ".standins/build.py")
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)
for lang in ("fr", "en"):
    with gzip.open(f".standins/corpus.{lang}.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(build.corpus(lang)) + "\n")
EOF
    du -sh .whl .standins
    exit 0
fi

MODE=${1:-translate}  # translate (step 2) or serve (step 3)
START=$(date +%s)
OUT=${OUT:-$REPO/benchmarks/results/gpu}
DEVICE=${GPU_CHECK_DEVICE:-cuda}        # cpu: a dry run of this script's plumbing on a machine without a GPU
STANDINS=${STANDINS:-/tmp/standins}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 BRIEF_CACHE=/tmp/brief-cache TOKENIZERS_PARALLELISM=false
elapsed() { echo $(( $(date +%s) - START )); }
step() { echo "== [$(elapsed) s] $*"; }

step "environment"
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; python3 --version; nproc;
  python3 -m pip list 2>/dev/null | grep -iE '^(torch|transformers|sentencepiece|tokenizers|numpy|click) '; } \
    > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

step "install carried wheels"
if ls .whl/*.whl >/dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site \
        .whl/*.whl && export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
else
    echo "no .whl/ carried: the CTranslate2 systems will fail (run --prepare here, carry .whl)"
fi

# CTranslate2 4.8 dlopens libcublas.so.12; the image ships CUDA 13's cuBLAS (pip nvidia-cublas). Use a CUDA 12
# cuBLAS if one is there, else point the .so.12 names at the .so.13 libraries (same entry points for the GEMMs
# CTranslate2 calls); the benchmark's CTranslate2 rows say whether that worked.
step "cuBLAS for CTranslate2"
CUBLAS_DIR=$(python3 - <<'EOF'
import glob, os, site, sys
roots = [os.path.join(p, "nvidia") for p in [*site.getsitepackages(), *sys.path] if p]
roots += ["/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/x86_64-linux-gnu"]
for major in ("12", "13"):
    for root in roots:
        hits = glob.glob(os.path.join(root, "**", f"libcublas.so.{major}*"), recursive=True) if os.path.isdir(root) else []
        if hits:
            print(major, os.path.dirname(sorted(hits)[0]))
            raise SystemExit
EOF
)
echo "cuBLAS found: ${CUBLAS_DIR:-none}"
if [ -n "$CUBLAS_DIR" ]; then
    major=${CUBLAS_DIR%% *}; dir=${CUBLAS_DIR#* }
    if [ "$major" = 12 ]; then
        export LD_LIBRARY_PATH=$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    else
        mkdir -p /tmp/cublas12
        for lib in libcublas libcublasLt; do
            target=$(ls "$dir/$lib.so.13"* 2>/dev/null | head -1)
            [ -n "$target" ] && ln -sf "$target" "/tmp/cublas12/$lib.so.12"
        done
        export LD_LIBRARY_PATH=/tmp/cublas12:$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    fi
fi
python3 -c "import ctranslate2 as c; print('ctranslate2', c.__version__, 'cuda devices', c.get_cuda_device_count(),
      sorted(c.get_supported_compute_types('cuda')) if c.get_cuda_device_count() else '')" || true

step "build the stand-ins (parallel)"
build() {  # $1 = marian | bart
    python3 - "$1" "$STANDINS" <<'EOF'
import gzip, importlib.util, os, sys
spec = importlib.util.spec_from_file_location("build", ".standins/build.py")
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)
carried = {lang: f".standins/corpus.{lang}.txt.gz" for lang in ("fr", "en")}
if all(os.path.exists(p) for p in carried.values()):  # the text this machine's tokenizers were trained on
    build.corpus = lambda lang, limit_chars=3_000_000: gzip.open(carried[lang], "rt", encoding="utf-8").read().splitlines()
kind = sys.argv[1]
out = os.path.join(sys.argv[2], kind)
build.build_marian(out) if kind == "marian" else build.build_bart(out, 12, 6)
EOF
}
if [ ! -f .standins/build.py ]; then
    echo "no .standins/build.py carried (run --prepare here)"; exit 3
fi
if [ "$MODE" = serve ]; then
    build marian > "$OUT/build-marian.txt" 2>&1 || { echo "marian stand-in build failed"; tail -3 "$OUT/build-marian.txt"; exit 3; }
    tail -n 1 "$OUT/build-marian.txt"
    step "brief serve benchmark"
    BRIEF_WMT_DIR=$REPO/.standins/wmt13-fr-en python3 benchmarks/bench_serve.py --translator "$STANDINS/marian" \
        --device "$DEVICE" --max-new-tokens 40 ${SERVE_ARTICLES:+--articles $SERVE_ARTICLES} \
        --json "$OUT/serve-gpu.json" 2>&1 | tee "$OUT/serve-gpu.txt"
    step "done"
    exit 0
fi
build marian > "$OUT/build-marian.txt" 2>&1 & pm=$!
build bart > "$OUT/build-bart.txt" 2>&1 & pb=$!
wait $pm || echo "marian stand-in build failed: $(tail -3 "$OUT/build-marian.txt")"
wait $pb || echo "bart stand-in build failed: $(tail -3 "$OUT/build-bart.txt")"
tail -n 1 "$OUT/build-marian.txt" "$OUT/build-bart.txt"

BART=()
[ -f "$STANDINS/bart/config.json" ] && BART=(--bart "$STANDINS/bart")
if [ "$DEVICE" = cuda ]; then DTYPES=(--torch-dtype float16 --compute-type int8_float16); else DTYPES=(); fi
left=$(( 225 - $(elapsed) ))
step "benchmark, float16 baselines, deadline ${left} s"
python3 benchmarks/bench_translate.py --marian "$STANDINS/marian" "${BART[@]}" --device "$DEVICE" \
    "${DTYPES[@]}" --max-new-tokens 40 --beams 4 --cache /tmp/brief-cache \
    --systems naive,hf-batched,ct2-raw,ct2-raw-brief-inputs,brief-ct2,brief-torch,commands --command-caps 40 \
    --deadline "$left" --timeout 150 --out "$OUT/bench-gpu.json" | tee "$OUT/bench-gpu.txt"

left=$(( 225 - $(elapsed) ))
if [ "$left" -gt 25 ] && [ "$DEVICE" = cuda ]; then
    step "bfloat16 batched baseline, deadline ${left} s"
    python3 benchmarks/bench_translate.py --marian "$STANDINS/marian" --device cuda --torch-dtype bfloat16 \
        --systems hf-batched --lengths "" --max-new-tokens 40 --beams 4 --cache /tmp/brief-cache \
        --deadline "$left" --timeout 60 --out "$OUT/bench-gpu-bf16.json" | tee -a "$OUT/bench-gpu.txt"
fi
step "done"
ls -la "$OUT"
