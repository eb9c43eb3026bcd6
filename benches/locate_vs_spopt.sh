#!/usr/bin/env bash
# Location models: neuvo beside PySAL spopt (HiGHS through PuLP), on the same real cells × sites matrix.
#
# usage: benches/locate_vs_spopt.sh [SCENARIO] [MODELS] [REPEAT]
#   SCENARIO  default data/scenarios/espoo-75plus-car.toml (run `neuvo data fetch` first)
#   MODELS    default mclp,lscp,pmedian,pcenter
#   REPEAT    solves per model, the fastest counts (default 3)
# Prints JSON lines: one per model for neuvo (`neuvo bench locate`: cells, sites, model, seconds, objective, gap),
# one per model for spopt, and one per model comparing them (same optimum? time ratio spopt / neuvo).
# Both time the same span: building the model from the matrix in memory and solving it to optimality on one
# thread. spopt's environment is made on first use in .spopt-venv (CPython >= 3.10; set PYBIN).
# Timings are wall-clock on a shared machine: compare the ratio from one run, not figures from different runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${1:-data/scenarios/espoo-75plus-car.toml}
MODELS=${2:-mclp,lscp,pmedian,pcenter}
REPEAT=${3:-3}
VENV=${VENV:-$PWD/.spopt-venv}
if [ ! -x "$VENV/bin/python" ]; then
  PYBIN=${PYBIN:-$(command -v python3.12 || command -v python3)}
  "$PYBIN" -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q 'spopt==0.8.0' 'highspy' >&2
fi
cargo build --release -q
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
./target/release/neuvo bench locate --scenario "$SCENARIO" --models "$MODELS" --repeat "$REPEAT" --export "$OUT" > "$OUT/neuvo.jsonl"
"$VENV/bin/python" benches/locate_spopt_peer.py "$OUT" "$MODELS" "$REPEAT" > "$OUT/spopt.jsonl"
"$VENV/bin/python" - "$OUT/neuvo.jsonl" "$OUT/spopt.jsonl" <<'PY'
import json, sys
ours = {r["model"]: r for r in map(json.loads, open(sys.argv[1]))}
peer = {r["model"]: r for r in map(json.loads, open(sys.argv[2]))}
for m in ours:
    print(json.dumps(ours[m]))
    if m in peer:
        print(json.dumps(peer[m]))
        a, b = ours[m]["objective"], peer[m]["objective"]
        same = abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
        print(json.dumps({
            "model": m, "same_optimum": same, "objective_neuvo": a, "objective_spopt": b,
            "same_sites": sorted(ours[m]["chosen"]) == peer[m]["chosen"],
            "ratio": "spopt / neuvo (higher = neuvo faster)",
            "solve": round(peer[m]["seconds"] / max(ours[m]["seconds"], 1e-6), 1),
            "neuvo_end_to_end_s": round(ours[m]["prepare_s"] + ours[m]["seconds"], 3),
            "vs_neuvo_end_to_end": round(peer[m]["seconds"] / (ours[m]["prepare_s"] + ours[m]["seconds"]), 2),
        }))
PY
