#!/usr/bin/env bash
# Access benchmarks: one JSON line per measure (car network build, Espoo grid read, all populated Espoo cells to
# the six service points by car with its 1 s target, and the same walking on walk75_skeleton for information).
# Needs the shared data in data/cache/ (`neuvo data fetch --from ../shared/data`). Keep the machine quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -q -p neuvo-benches --bench access 2>/dev/null
