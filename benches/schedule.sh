#!/usr/bin/env bash
# The Espoo week (data/scenarios/espoo-week.toml): one JSON line with the rotation MILP's size, time and gap, and
# the whole week's plan (location plan for the venues, travel matrices, rotation, five day plans with home visits)
# against its 60 s target. Release build; needs the shared data in data/cache/ (`neuvo data fetch --from
# ../shared/data`). Keep the machine quiet. WEEKS (default 1) plans more weeks.
set -euo pipefail
cd "$(dirname "$0")/.."
weeks="${WEEKS:-1}"
cargo build -q --release --bin neuvo
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
./target/release/neuvo schedule --scenario data/scenarios/espoo-week.toml --weeks "$weeks" --out "$out" --json > "$out/summary.line"
end=$(date +%s.%N)
python3 - "$out/summary.line" "$start" "$end" "$weeks" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
m = s["milp"]
days = s["days"]
print(json.dumps({
    "bench": "espoo_week_rotation_milp", "weeks": int(sys.argv[4]), "binaries": m["binaries"], "columns": m["columns"],
    "rows": m["rows"], "seconds": round(m["seconds"], 3), "gap": m["gap"], "optimal": m["optimal"],
    "sessions": len(s["sessions"]), "wanted": s["wanted"],
}))
print(json.dumps({
    "bench": "espoo_week_whole_plan", "weeks": int(sys.argv[4]), "wall_s": round(wall, 2),
    "pipeline_s": round(s["seconds"], 2), "target_s": 60.0 * int(sys.argv[4]),
    "meets_target": wall <= 60.0 * int(sys.argv[4]), "ratio_to_target": round(wall / (60.0 * int(sys.argv[4])), 3),
    "days": len(days), "home_visits": sum(d["visits"] for d in days), "served": sum(d["served"] for d in days),
}))
PY
