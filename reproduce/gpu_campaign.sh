#!/usr/bin/env bash
# Train the cifar10-gpu campaign (reproduce/campaigns/cifar10-gpu.yaml) on the device machine, and bring the run folders
# back under $OUT. The machine has PyTorch and torchvision but none of our other dependencies and no network:
# they travel as wheels in .device/whl, the JPEG CIFAR-10 in .device/data (reproduce/README.md, "A CIFAR-10
# campaign on one GPU lease", says how to prepare both). Rows are written on the development machine, from
# the run folders; nothing here writes into data/.
#
#   run: bash reproduce/gpu_campaign.sh    carry: [".device"]    timeout_s: 600
#
# DEVICE (default cuda), PY (default python3) and EXTRA (e.g. --quick) let the same script be tried on a CPU:
#   PY=.venv/bin/python DEVICE=cpu EXTRA=--quick bash reproduce/gpu_campaign.sh
# BUDGET (seconds, default 480) bounds the training: runs still going then are stopped after their last
# finished epoch's checkpoint, packed with the rest, and resume from it in a later lease (unpack them into
# .device/runs before that lease).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/.device/out}
BUDGET=${BUDGET:-480}
DEVICE=${DEVICE:-cuda}
PY=${PY:-python3}
EXTRA=${EXTRA:-}
WORK=$(mktemp -d)  # run folders, the dataset cache and installed wheels: never under $OUT (8 files come back)
RUNS=$WORK/runs
mkdir -p "$OUT" "$RUNS"
if [ -d .device/whl ]; then
  "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$WORK/site" .device/whl/*.whl \
    || { echo "the wheels in .device/whl did not install" | tee "$OUT/campaign.log"; exit 1; }
fi
export PYTHONPATH="$PWD:$WORK/site" PYTHONUNBUFFERED=1 PRUNEATLAS_CACHE=$WORK/cache
export CUBLAS_WORKSPACE_CONFIG=:4096:8  # deterministic cuBLAS under torch.use_deterministic_algorithms
[ -d .device/runs ] && cp -r .device/runs/. "$RUNS/"  # an earlier lease's unfinished runs resume

{
  [ "$DEVICE" = cpu ] || nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  "$PY" -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__)"
  # Decode the JPEGs once (about a minute), before the parallel workers would each do it.
  [ -n "$EXTRA" ] || "$PY" -c "from pathlib import Path; from reproduce.datasets import load_dataset; load_dataset('cifar10-jpeg', root=Path('.device/data'))"
  [ "$DEVICE" = cpu ] || timeout 90 "$PY" bench/bench_gpu_training.py --rounds 2
  started=$(date +%s)
  # shellcheck disable=SC2086  # EXTRA is a list of words
  timeout "$BUDGET" "$PY" -m reproduce.commands campaign run reproduce/campaigns/cifar10-gpu.yaml --device "$DEVICE" --amp --channels-last \
    --parallel-seeds 3 --no-row --no-download --data-root .device/data --runs-dir "$RUNS" -q $EXTRA
  echo "campaign exit $? after $(($(date +%s) - started)) s"
} 2>&1 | tee "$OUT/campaign.log"

# At most 8 files of 16 MiB come back: pack the run folders into 15 MiB parts.
tar czf "$WORK/runs.tgz" -C "$WORK" runs && split -b 15m "$WORK/runs.tgz" "$OUT/runs.tgz.part-"
ls -la "$OUT"
