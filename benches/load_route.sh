#!/usr/bin/env bash
# Load test of the route endpoint: 50 concurrent connections on loopback, bounded in time, with wrk (Debian
# package `wrk`). Prints one JSON line with p50/p99 latency, requests per second and the error count.
#
# usage: benches/load_route.sh [SECONDS] [CONNECTIONS] [MODE]   (defaults 20, 50, walk)
# Runs a release server on a free port over the sample data, with a fresh database and a planner token; every
# request routes between two random points of central Helsinki.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}; CONNS=${2:-50}; MODE=${3:-walk}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
cargo build --release -q
tmp=$(mktemp -d); trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
token=$(./target/release/neuvo user add load --role planner --db "$tmp/db" | tail -1)
./target/release/neuvo serve --bind 127.0.0.1:0 --db "$tmp/db" --modes "$MODE" > "$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q "serving on" "$tmp/serve.log" && break; sleep 0.1; done
url=$(sed -n 's/^neuvo serving on \(http[^ ]*\).*/\1/p' "$tmp/serve.log")
[ -n "$url" ] || { cat "$tmp/serve.log" >&2; exit 1; }
cat > "$tmp/route.lua" <<LUA
-- Random routes inside central Helsinki (the sample file's extent), seeded for repeatability.
math.randomseed(42)
wrk.headers["Authorization"] = "Bearer $token"
request = function()
  local lon1, lat1 = 24.925 + math.random() * 0.035, 60.160 + math.random() * 0.018
  local lon2, lat2 = 24.925 + math.random() * 0.035, 60.160 + math.random() * 0.018
  return wrk.format("GET", string.format("/api/v1/route?mode=$MODE&from=%.6f,%.6f&to=%.6f,%.6f", lon1, lat1, lon2, lat2))
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
  io.write(string.format('{"endpoint":"route","mode":"$MODE","connections":$CONNS,"seconds":%.1f,"requests":%d,"rps":%.0f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"errors":%d,"non_2xx":%d}\n',
    summary.duration / 1e6, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors, summary.errors.status))
end
LUA
# Warm the token cache and the query pools, then measure.
curl -fsS -H "Authorization: Bearer $token" "$url/api/v1/route?mode=$MODE&from=24.9414,60.1711&to=24.9296,60.1623" > /dev/null
wrk -t2 -c"$CONNS" -d"${SECS}s" --timeout 10s -s "$tmp/route.lua" "$url" | tail -1
