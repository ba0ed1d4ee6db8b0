#!/usr/bin/env bash
# Set-up command 1: install what is missing, build Release, run the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target fleetsim
./build/fleetsim run scenarios/default.yaml
