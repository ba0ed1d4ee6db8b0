#!/usr/bin/env bash
# `mpirun -n 2` and `-n 3` of the example sweep write the same aggregate bytes as
# a run on threads (ctest runs this where CMake found OpenMPI).
# Usage: sweep_mpi_test.sh MPIEXEC FLEETSIM SOURCE_DIR
set -euo pipefail
mpiexec=$1 fleetsim=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
spec="$src/sweeps/placement-by-size.yaml"
flags=(--oversubscribe)
[ "$(id -u)" -eq 0 ] && flags+=(--allow-run-as-root)
"$fleetsim" sweep "$spec" --out "$tmp/threads" --threads 2 --quiet
for n in 2 3; do
  out=$("$mpiexec" "${flags[@]}" -n "$n" "$fleetsim" sweep "$spec" --out "$tmp/mpi$n")
  echo "$out"
  grep -q "on $n MPI ranks" <<<"$out" || { echo "FAIL: not run on $n ranks"; exit 1; }
  for f in sweep.csv summary.csv paired.csv effects.csv surface.csv sweep.h5; do
    cmp "$tmp/threads/$f" "$tmp/mpi$n/$f" || { echo "FAIL: $f differs with $n ranks"; exit 1; }
  done
done
# Resume under MPI: drop some run records and the aggregate, rerun, same bytes.
rm -f "$tmp/mpi2/sweep.csv" "$tmp/mpi2/points/000003.json" "$tmp/mpi2/points/000017.json"
out=$("$mpiexec" "${flags[@]}" -n 2 "$fleetsim" sweep "$spec" --out "$tmp/mpi2")
grep -q "ran         2 (43 recorded before)" <<<"$out" || { echo "FAIL: resume ran $out"; exit 1; }
cmp "$tmp/threads/sweep.csv" "$tmp/mpi2/sweep.csv"
echo "OK: 2 and 3 ranks and an MPI resume write the threads' bytes"
