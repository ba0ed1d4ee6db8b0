#!/usr/bin/env bash
# Installs the Debian packages fleetsim needs to build, test and plot. Idempotent:
# only missing packages are installed. Run as root or with sudo available.
set -euo pipefail
pkgs=(
  build-essential cmake pkg-config
  libboost-graph-dev libboost-random-dev
  libeigen3-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  libhdf5-dev hdf5-tools
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libopenmpi-dev openmpi-bin
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib
  jupyter-nbconvert python3-nbconvert python3-ipykernel
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "fleetsim: installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
