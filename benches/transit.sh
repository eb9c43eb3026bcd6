#!/usr/bin/env bash
# Transit benchmarks: one JSON line per measure (feed read, stop links, range RAPTOR per origin with its 50 ms
# target). Needs the shared data in data/cache/ (`neuvo data fetch --from ../shared/data`). Keep the machine quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -q -p neuvo-benches --bench transit 2>/dev/null
