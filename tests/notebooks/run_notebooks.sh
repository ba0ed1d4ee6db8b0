#!/usr/bin/env bash
# Executes every notebooks/*.ipynb with nbconvert (Debian's jupyter-nbconvert and
# python3-ipykernel, installed by scripts/install-deps.sh) against a built
# fleetsim; fails when a notebook errors or nbconvert is missing. ctest runs it.
# Usage: run_notebooks.sh FLEETSIM SOURCE_DIR
set -euo pipefail
fleetsim=$(realpath "$1") src=$2
python=${NOTEBOOK_PYTHON:-/usr/bin/python3}
if ! "$python" -c "import nbconvert, ipykernel" 2>/dev/null; then
  echo "FAIL: $python cannot import nbconvert and ipykernel; run scripts/install-deps.sh" \
       "(Debian packages jupyter-nbconvert python3-ipykernel)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FLEETSIM="$fleetsim" MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1
shopt -s nullglob
notebooks=("$src"/notebooks/*.ipynb)
[ ${#notebooks[@]} -gt 0 ] || { echo "FAIL: no notebooks in $src/notebooks" >&2; exit 1; }
failed=0
for nb in "${notebooks[@]}"; do
  start=$EPOCHREALTIME
  if "$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
       --output-dir "$tmp" "$nb" >"$tmp/log" 2>&1; then
    awk -v n="${nb#"$src"/}" -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "ok   %s (%.1f s)\n", n, e - s }'
  else
    echo "FAIL $nb:"
    cat "$tmp/log"
    failed=1
  fi
done
exit $failed
