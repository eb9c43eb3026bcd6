#!/usr/bin/env bash
# Location models: neuvo beside PySAL spopt (HiGHS through PuLP), on the same real cells × sites matrix.
#
# usage: benches/locate_vs_spopt.sh [SCENARIO] [MODELS] [REPEAT]
#   SCENARIO  default data/scenarios/espoo-75plus-car.toml (run `neuvo data fetch` first)
#   MODELS    default mclp,lscp,pmedian,pcenter
#   REPEAT    solves per model, the fastest counts (default 3)
# Prints JSON lines: one per model for neuvo (`neuvo bench locate`: cells, sites, model, seconds, objective, gap),
# one per model for spopt, and one per model comparing them: same optimum? and two time ratios spopt / neuvo:
#   build_and_solve  the same span in both: building the model from the matrix in memory and solving it to
#                    optimality on one thread;
#   end_to_end       whole processes: neuvo from the scenario file (grid, sites, network from its cache, matrix,
#                    build, solve) against spopt from the exported matrix (Python start, imports, CSV, build,
#                    solve); `neuvo locate` adds explanations and layers, a few milliseconds more.
# spopt's environment is made on first use in .spopt-venv (CPython >= 3.10; set PYBIN).
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
"$VENV/bin/python" - "$OUT" "$SCENARIO" "$REPEAT" "$VENV/bin/python" <<'PY'
import json, subprocess, sys, time
out, scenario, repeat, py = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = lambda f: [json.loads(l) for l in open(f) if l.startswith("{")]  # HiGHS prints a banner on stdout
ours = {r["model"]: r for r in rows(f"{out}/neuvo.jsonl")}
peer = {r["model"]: r for r in rows(f"{out}/spopt.jsonl")}

def wall(cmd):
    """The fastest of `repeat` runs of a whole process, in seconds."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t)
    return best

for m in ours:
    print(json.dumps(ours[m]))
    if m not in peer:
        continue
    print(json.dumps(peer[m]))
    a, b = ours[m]["objective"], peer[m]["objective"]
    # End to end, whole processes: neuvo from the scenario file (grid, sites, network from its cache, matrix,
    # building and solving the same textbook model) to the printed plan; spopt from the exported matrix files
    # (Python start, imports, reading the CSV, building and solving) to the printed plan.
    e2e_neuvo = wall(["./target/release/neuvo", "bench", "locate", "--scenario", scenario, "--models", m,
                      "--repeat", "1"])
    e2e_spopt = wall([py, "benches/locate_spopt_peer.py", out, m, "1"])
    print(json.dumps({
        "model": m, "same_optimum": abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b)),
        "objective_neuvo": a, "objective_spopt": b, "same_sites": sorted(ours[m]["chosen"]) == peer[m]["chosen"],
        "ratio": "spopt / neuvo (higher = neuvo faster)",
        "build_and_solve": round(peer[m]["seconds"] / max(ours[m]["seconds"], 1e-6), 1),
        "end_to_end_neuvo_s": round(e2e_neuvo, 3), "end_to_end_spopt_s": round(e2e_spopt, 3),
        "end_to_end": round(e2e_spopt / e2e_neuvo, 1),
    }))
PY
