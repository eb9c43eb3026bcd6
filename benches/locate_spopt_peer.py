"""PySAL spopt on a matrix exported by `neuvo bench locate --export DIR`: one JSON line per model.

usage: python locate_spopt_peer.py DIR MODEL[,MODEL...] [REPEAT]

Each model is built with spopt's `from_cost_matrix` and solved with PuLP's in-process HiGHS back end (highspy),
one thread. The time of a model is its fastest of REPEAT runs of build + solve, from the numpy arrays in memory:
the same span `neuvo bench locate` times for its own solver. Kept sites are spopt's predefined facilities, so
spopt's p counts them (p = new + kept) and its LSCP objective counts them too; both are reported as new sites.
Rows are filtered per model as neuvo does: LSCP keeps cells some site covers, p-median and p-center keep cells
with people that some site reaches.
"""
import csv
import json
import sys
import time

import numpy as np
import pulp
import spopt
from spopt.locate import LSCP, MCLP, PCenter, PMedian

out_dir, models = sys.argv[1], sys.argv[2].split(",")
repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 3

with open(f"{out_dir}/case.json") as f:
    case = json.load(f)
with open(f"{out_dir}/cost_matrix.csv") as f:
    rows = list(csv.reader(f))
sites = rows[0][1:]
cost = np.array([[float(x) if x else np.inf for x in r[1:]] for r in rows[1:]])
with open(f"{out_dir}/weights.csv") as f:
    weights = np.array([float(r[1]) for r in list(csv.reader(f))[1:]])
radius = case["radius_s"]
kept = np.array(case["kept_columns"], dtype=int)
p_new = case["p_new"]
BIG = 1e9  # stands for "unreachable"; such pairs are never chosen when a reachable site exists


def solver():
    return pulp.HiGHS(msg=False, threads=1, mip_rel_gap=0.0)


def run(model):
    predefined = kept if len(kept) else None
    if model == "mclp":
        c = np.where(np.isinf(cost), BIG, cost)
        m = MCLP.from_cost_matrix(c, weights, radius, p_facilities=p_new + len(kept), predefined_facilities_arr=predefined)
        m.solve(solver())
        covered = sum(weights[i] for i in range(len(weights)) if any(c[i, j] <= radius and m.fac_vars[j].value() > 0.5 for j in range(len(sites))))
        return m, float(pulp.value(m.problem.objective)), covered
    if model == "lscp":
        keep = (cost <= radius).any(axis=1)
        c = np.where(np.isinf(cost[keep]), BIG, cost[keep])
        m = LSCP.from_cost_matrix(c, radius, predefined_facilities_arr=predefined)
        m.solve(solver())
        return m, float(pulp.value(m.problem.objective)) - len(kept), None
    keep = (weights > 0) & np.isfinite(cost).any(axis=1)
    c = np.where(np.isinf(cost[keep]), BIG, cost[keep])
    if model == "pmedian":
        m = PMedian.from_cost_matrix(c, weights[keep], p_facilities=p_new + len(kept), predefined_facilities_arr=predefined)
    elif model == "pcenter":
        m = PCenter.from_cost_matrix(c, p_facilities=p_new + len(kept), predefined_facilities_arr=predefined)
    else:
        raise SystemExit(f"unknown model {model}")
    m.solve(solver())
    return m, float(pulp.value(m.problem.objective)), None


for model in models:
    best = float("inf")
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        m, objective, _ = run(model)
        best = min(best, time.perf_counter() - t)
    chosen = [sites[j] for j in range(len(sites)) if m.fac_vars[j].value() > 0.5 and j not in set(kept.tolist())]
    print(json.dumps({
        "engine": "spopt", "version": spopt.__version__, "pulp": pulp.__version__, "model": model,
        "cells": int(cost.shape[0]), "sites": len(sites), "seconds": round(best, 3),
        "objective": objective, "status": pulp.LpStatus[m.problem.status], "chosen": sorted(chosen),
    }))
