#!/usr/bin/env bash
# The benchmark harness: release build, criterion, the JS SDK peer, then every measurement side by
# side; writes BENCHMARKS.md at the repository root. Needs Node.js + npm and curl besides the
# build prerequisites. Takes a few minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export APIMB_PROFILE=release
./build.sh build
cargo bench --bench patch -- --warm-up-time 1 --measurement-time 3 >/dev/null
(cd bench/node && npm install --no-audit --no-fund --silent)
dotnet build powershell/Bench -c Release -nologo -v quiet -warnaserror -o out/bench
dotnet out/bench/apimbench.dll --repo . --profile release "$@"
