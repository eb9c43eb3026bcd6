#!/usr/bin/env bash
# Routing benchmark: neuvo beside OSRM's contraction hierarchies, in the same run on the same file.
#
# usage: benches/routing_vs_osrm.sh [PBF] [N] [MODES]
#   PBF    default data/cache/osm/helsinki_centre_2024.osm.pbf (run `neuvo data fetch` first)
#   N      points; the matrix is N x N (default 1000)
#   MODES  default "walk car"
# Prints JSON lines: one per mode for neuvo (`neuvo bench matrix`), one per mode for OSRM CH
# (../shared/tools/peers/routing/peer_osrm.py), and one per mode with the ratios OSRM / neuvo.
# The peers' Python environment is made on first use in .peers-venv (needs CPython >= 3.12; set PYBIN).
# Both engines draw their N points as graph nodes with their own seeded generator; OSRM snaps the
# coordinates it gets, neuvo snaps its points onto edges. Timings are wall-clock on a shared machine:
# compare the ratio from one run, not figures from different runs.
set -euo pipefail
cd "$(dirname "$0")/.."
PBF=${1:-data/cache/osm/helsinki_centre_2024.osm.pbf}
N=${2:-1000}
MODES=${3:-"walk car"}
PEERS=${PEERS:-../shared/tools/peers/routing}
VENV=${VENV:-$PWD/.peers-venv}
[ -f "$PBF" ] || { echo "missing $PBF: run 'cargo run --release -- data fetch --from ../shared/data'" >&2; exit 2; }
if [ ! -x "$VENV/bin/python" ]; then
  if [ -z "${PYBIN:-}" ] && command -v pyenv >/dev/null; then
    PYBIN=$(ls -d "$(pyenv root)"/versions/3.1[23]*/bin/python3 2>/dev/null | head -1 || true)
    export PYBIN
  fi
  bash "$PEERS/setup_venv.sh" "$VENV" "$PWD/.peers-data" >&2
fi
cargo build --release -q
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for mode in $MODES; do
  peer_mode=$mode; [ "$mode" = walk ] && peer_mode=foot
  ./target/release/neuvo bench matrix --osm "$PBF" --mode "$mode" --points "$N" --seed 42 > "$OUT/neuvo_$mode.json"
  "$VENV/bin/python" "$PEERS/peer_osrm.py" "$PBF" "$N" --mode "$peer_mode" --algorithm ch \
    > "$OUT/osrm_$mode.json" 2> "$OUT/osrm_$mode.log" || { echo "OSRM failed, see log:" >&2; tail -20 "$OUT/osrm_$mode.log" >&2; exit 1; }
  "$VENV/bin/python" - "$OUT/neuvo_$mode.json" "$OUT/osrm_$mode.json" "$mode" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
osrm = json.load(open(sys.argv[2]))
mode = sys.argv[3]
ours["engine"] = "neuvo"
print(json.dumps(ours))
peer = {
    "engine": osrm["engine"], "version": osrm.get("version"), "mode": mode, "n": osrm.get("n_points"),
    "preprocess_s": osrm.get("prep_s"), "query_us": round(osrm["one_to_one_mean_ms"] * 1000, 1),
    "matrix_s": osrm.get("table_s"), "nodes_rgraph": osrm.get("rgraph", {}).get("nodes"),
    "osrm_graph": osrm.get("osrm_nodes_line"),
}
print(json.dumps(peer))
ratio = lambda a, b: round(a / b, 2) if a and b else None
print(json.dumps({
    "mode": mode, "ratio": "osrm / neuvo (higher = neuvo faster)",
    "matrix": ratio(peer["matrix_s"], ours["matrix_s"]),
    "matrix_vs_neuvo_1thread": ratio(peer["matrix_s"], ours["matrix_s_1thread"]),
    "preprocess": ratio(peer["preprocess_s"], ours["preprocess_s"]),
    "query": ratio(peer["query_us"], ours["query_us"]),
}))
PY
done
