#!/usr/bin/env bash
# The routing solver on the 56 Solomon VRPTW instances, scored by the independent referee, beside PyVRP.
#
# usage: benches/vrptw_solomon.sh [SECONDS] [OBJECTIVE] [PEERS] [INSTANCES...]
#   SECONDS    time limit per instance (default 1)
#   OBJECTIVE  distance (default: gap of the DIMACS-truncated distance against the `distance_dimacs` optimum)
#              or hierarchical (fewest vehicles, then distance; gap against the hierarchical best-known)
#   PEERS      pyvrp (default) to run PyVRP on the same instances in the same run, or none
#   INSTANCES  default: every ../shared/bench/vrptw/solomon/*.txt
# Every solution is written as VRPLIB and scored by ../shared/tools/vrptw_check.py (double-precision
# feasibility; for the distance objective its `distance_dimacs` re-measure). One thread per solver; the solvers
# run one after the other, never at the same time. Prints one JSON line per instance and solver to stderr and
# one summary JSON line per solver to stdout: feasible count, mean gap %, mean and total vehicles.
# PyVRP runs through ../shared/tools/peers/vrptw/run_peers.py in .vrptw-venv (made on first use; set PYBIN).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_LIMIT=${1:-1}
OBJECTIVE=${2:-distance}
PEERS=${3:-pyvrp}
shift $(( $# < 3 ? $# : 3 ))
SHARED=${SHARED:-$(cd .. && pwd)/shared}
BENCH=$SHARED/bench/vrptw/solomon
CHECK=$SHARED/tools/vrptw_check.py
if [ ! -f "$CHECK" ]; then
  echo "error: $CHECK not found: put the shared folder beside the repository (or set SHARED)" >&2
  exit 2
fi
if [ $# -gt 0 ]; then INSTANCES=("$@"); else INSTANCES=("$BENCH"/*.txt); fi
case "$OBJECTIVE" in
  distance) BKS_OBJ=distance_dimacs ;;
  hierarchical) BKS_OBJ=hierarchical ;;
  *) echo "error: OBJECTIVE must be distance or hierarchical, not '$OBJECTIVE'" >&2; exit 2 ;;
esac
# NEUVO names a prebuilt binary (then nothing is built).
if [ -z "${NEUVO:-}" ]; then
  cargo build --release -q
  NEUVO=./target/release/neuvo
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for inst in "${INSTANCES[@]}"; do
  name=$(basename "$inst" .txt)
  "$NEUVO" vrptw solve "$inst" --time-limit "$SECONDS_LIMIT" --seed 1 --objective "$OBJECTIVE" \
    --out "$OUT/$name.sol" --json > "$OUT/$name.neuvo.json"
  python3 "$CHECK" "$inst" "$OUT/$name.sol" --bks "$BENCH/bks.csv" --objective "$BKS_OBJ" > "$OUT/$name.check.json" || true
done
if [ "$PEERS" = pyvrp ]; then
  VENV=${VENV:-$PWD/.vrptw-venv}
  if [ ! -x "$VENV/bin/python" ]; then
    PYBIN=${PYBIN:-$(command -v python3)}
    "$PYBIN" -m venv "$VENV" >&2
    "$VENV/bin/pip" install -q 'pyvrp==0.14.1' >&2
  fi
  FC=0
  [ "$OBJECTIVE" = hierarchical ] && FC=10000
  "$VENV/bin/python" "$SHARED/tools/peers/vrptw/run_peers.py" --solver pyvrp --time-limit "$SECONDS_LIMIT" \
    --seed 1 --fixed-cost "$FC" --out-dir "$OUT/pyvrp" --csv "$OUT/pyvrp.csv" --bks "$BENCH/bks.csv" \
    "${INSTANCES[@]}" > /dev/null
fi
python3 - "$OUT" "$OBJECTIVE" "$SECONDS_LIMIT" "$PEERS" "${INSTANCES[@]}" <<'PY'
import csv, json, os, statistics, sys
out, objective, limit, peers, instances = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5:]
gap_key = "gap_pct_vs_dimacs_bks" if objective == "distance" else "gap_pct_vs_bks"

def summary(solver, rows):
    feasible = [r for r in rows if r["feasible"]]
    line = {
        "solver": solver, "objective": objective, "time_limit_s": limit, "threads": 1,
        "instances": len(rows), "feasible": len(feasible),
        "mean_gap_pct": round(statistics.mean(r["gap"] for r in feasible), 4) if feasible else None,
        "max_gap_pct": round(max(r["gap"] for r in feasible), 4) if feasible else None,
        "vehicles_total": sum(r["vehicles"] for r in rows),
        "mean_vehicles": round(statistics.mean(r["vehicles"] for r in rows), 3),
        "mean_seconds": round(statistics.mean(r["seconds"] for r in rows), 3),
    }
    if solver == "neuvo":
        line["mean_iterations"] = round(statistics.mean(r["iterations"] for r in rows))
    print(json.dumps(line))

ours = []
for inst in instances:
    name = os.path.basename(inst)[:-4]
    run = json.load(open(f"{out}/{name}.neuvo.json"))
    chk = json.loads(open(f"{out}/{name}.check.json").read().strip().splitlines()[-1])
    row = {"solver": "neuvo", "instance": name, "feasible": bool(chk["feasible"]), "vehicles": chk["vehicles"],
           "distance": chk["distance"], "distance_dimacs": chk.get("distance_dimacs"),
           "gap": chk.get("gap_to_bks_pct"), "seconds": run["seconds"], "iterations": run["iterations"],
           "errors": chk.get("errors", [])[:3]}
    print(json.dumps(row), file=sys.stderr)
    ours.append(row)
summary("neuvo", ours)
if peers == "pyvrp":
    theirs = []
    for r in csv.DictReader(open(f"{out}/pyvrp.csv")):
        row = {"solver": "pyvrp " + r["version"], "instance": r["instance"], "feasible": r["feasible"] == "True",
               "vehicles": int(r["vehicles"] or 0), "gap": float(r[gap_key] or "nan"),
               "seconds": float(r["wall_s"])}
        print(json.dumps(row), file=sys.stderr)
        theirs.append(row)
    summary("pyvrp " + theirs[0]["solver"].split()[-1] if theirs else "pyvrp", theirs)
PY
