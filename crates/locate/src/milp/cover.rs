//! Coverage rows shared by MCLP, LSCP and p-center: demand points covered by a site open in every plan become
//! constants, points with the same covering set (and district, when districts matter) are merged, candidate
//! sites whose covered rows are a subset of another compatible site's are dropped, and for pure covering
//! constraints rows that contain another row are dropped.

use std::collections::HashMap;

use crate::instance::Instance;

/// One merged coverage row.
#[derive(Clone, Debug)]
pub(crate) struct CoverRow {
    /// Model columns (indices into [`Cover::sites`]) that cover the row, sorted.
    pub(crate) cols: Vec<u32>,
    /// Σ weight of the merged points.
    pub(crate) weight: f64,
    /// Σ people of each constrained group (in the order of `Instance::constrained`).
    pub(crate) groups: Vec<f64>,
    pub(crate) district: Option<usize>,
}

/// Coverage rows and the candidate columns that remain.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cover {
    /// Free sites that remain as model columns.
    pub(crate) sites: Vec<usize>,
    pub(crate) rows: Vec<CoverRow>,
    /// Weight, constrained-group people and district weights of points that a fixed site covers.
    pub(crate) fixed_weight: f64,
    pub(crate) fixed_groups: Vec<f64>,
    pub(crate) fixed_districts: Vec<f64>,
    /// A relevant point that no allowed site covers within the radius exists.
    pub(crate) uncoverable: bool,
    /// Per site: the column site that replaces it in a warm start (itself when kept; None when useless).
    pub(crate) stand_in: Vec<Option<usize>>,
}

/// How to build the rows.
pub(crate) struct Spec<'a> {
    /// Only these demand points (None: every relevant point).
    pub(crate) points: Option<&'a [bool]>,
    /// Covered means time ≤ radius.
    pub(crate) radius: u32,
    /// Keep districts apart when merging.
    pub(crate) by_district: bool,
    /// Rows are plain "cover me" constraints: rows that contain another row may be dropped.
    pub(crate) pure_cover: bool,
    /// Drop dominated candidate sites (valid when coverage is all that counts: not with capacities).
    pub(crate) site_dominance: bool,
}

impl Cover {
    /// The warm-start value of each model column: 1 when the plan opens the site or a site it stands in for.
    pub(crate) fn warm_columns(&self, free_open: &[usize]) -> Vec<bool> {
        let mut on = vec![false; self.sites.len()];
        for &j in free_open {
            if let Some(k) = self.stand_in[j]
                && let Ok(c) = self.sites.binary_search(&k)
            {
                on[c] = true;
            }
        }
        on
    }

    pub(crate) fn build(inst: &Instance, spec: &Spec) -> Cover {
        let nc = inst.constrained.len();
        let mut cover = Cover {
            fixed_groups: vec![0.0; nc],
            fixed_districts: vec![0.0; inst.pb.districts.len()],
            ..Cover::default()
        };
        let mut index: HashMap<(Vec<u32>, Option<usize>), usize> = HashMap::new();
        let mut rows: Vec<CoverRow> = Vec::new();
        for i in (0..inst.n).filter(|&i| inst.relevant[i] && spec.points.is_none_or(|p| p[i])) {
            let d = &inst.pb.demand[i];
            let prefix = &inst.reach[i][..inst.reach[i].partition_point(|r| r.time <= spec.radius)];
            if prefix.iter().any(|r| inst.fixed[r.site as usize]) {
                cover.fixed_weight += inst.weight[i];
                for (k, &g) in inst.constrained.iter().enumerate() {
                    cover.fixed_groups[k] += d.values[g];
                }
                if let Some(k) = d.district {
                    cover.fixed_districts[k] += inst.weight[i];
                }
                continue;
            }
            let mut sites: Vec<u32> = prefix.iter().map(|r| r.site).collect();
            if sites.is_empty() {
                cover.uncoverable = true;
                continue;
            }
            sites.sort_unstable();
            let key = (sites, if spec.by_district { d.district } else { None });
            let r = *index.entry(key.clone()).or_insert_with(|| {
                rows.push(CoverRow { cols: key.0, weight: 0.0, groups: vec![0.0; nc], district: key.1 });
                rows.len() - 1
            });
            rows[r].weight += inst.weight[i];
            for (k, &g) in inst.constrained.iter().enumerate() {
                rows[r].groups[k] += d.values[g];
            }
        }
        // Rows still name sites; find the candidate columns.
        let mut site_rows: Vec<Vec<u32>> = vec![Vec::new(); inst.m];
        for (r, row) in rows.iter().enumerate() {
            for &j in &row.cols {
                site_rows[j as usize].push(r as u32);
            }
        }
        let mut keep: Vec<bool> = (0..inst.m).map(|j| inst.is_free[j] && !site_rows[j].is_empty()).collect();
        cover.stand_in = (0..inst.m).map(|j| keep[j].then_some(j)).collect();
        if spec.site_dominance {
            dominate_sites(inst, &rows, &site_rows, &mut keep, &mut cover.stand_in);
        }
        cover.sites = (0..inst.m).filter(|&j| keep[j]).collect();
        let mut col_of = vec![u32::MAX; inst.m];
        for (c, &j) in cover.sites.iter().enumerate() {
            col_of[j] = c as u32;
        }
        // Rewrite rows on columns and merge rows that became equal.
        let mut merged: HashMap<(Vec<u32>, Option<usize>), usize> = HashMap::new();
        for row in rows {
            let cols: Vec<u32> =
                row.cols.iter().map(|&j| col_of[j as usize]).filter(|&c| c != u32::MAX).collect();
            debug_assert!(!cols.is_empty(), "a dominated site always leaves its dominator in the row");
            match merged.get(&(cols.clone(), row.district)) {
                Some(&r) => {
                    let into: &mut CoverRow = &mut cover.rows[r];
                    into.weight += row.weight;
                    for (a, b) in into.groups.iter_mut().zip(&row.groups) {
                        *a += b;
                    }
                }
                None => {
                    merged.insert((cols.clone(), row.district), cover.rows.len());
                    cover.rows.push(CoverRow { cols, ..row });
                }
            }
        }
        if spec.pure_cover {
            drop_superset_rows(&mut cover.rows, cover.sites.len());
        }
        cover
    }
}

/// Marks as not kept every candidate whose rows are a subset of a kept candidate's rows, when swapping the
/// two cannot break a budget. Ties (equal row sets) keep the lower index.
fn dominate_sites(
    inst: &Instance,
    rows: &[CoverRow],
    site_rows: &[Vec<u32>],
    keep: &mut [bool],
    stand_in: &mut [Option<usize>],
) {
    let mut order: Vec<usize> = (0..inst.m).filter(|&j| keep[j]).collect();
    order.sort_by_key(|&j| (std::cmp::Reverse(site_rows[j].len()), j));
    let mut kept = vec![false; inst.m];
    for &j in &order {
        let mine = &site_rows[j];
        let first = mine[0] as usize;
        let dominator = rows[first].cols.iter().map(|&k| k as usize).find(|&k| {
            k != j
                && kept[k]
                && site_rows[k].len() >= mine.len()
                && (inst.kind[k] == inst.kind[j] || inst.free_budget[inst.kind[k]].is_none())
                && is_subset(mine, &site_rows[k])
        });
        if let Some(k) = dominator {
            keep[j] = false;
            stand_in[j] = Some(k);
        } else {
            kept[j] = true;
        }
    }
}

/// `a ⊆ b` for sorted slices.
fn is_subset(a: &[u32], b: &[u32]) -> bool {
    let mut it = b.iter();
    a.iter().all(|x| it.by_ref().any(|y| y == x))
}

/// Drops every row whose column set strictly contains another row's (that row's constraint implies it).
fn drop_superset_rows(rows: &mut Vec<CoverRow>, ncols: usize) {
    let mut col_rows: Vec<Vec<u32>> = vec![Vec::new(); ncols];
    for (r, row) in rows.iter().enumerate() {
        for &c in &row.cols {
            col_rows[c as usize].push(r as u32);
        }
    }
    // The scan costs Σ_c |rows through c|²; past a budget HiGHS's presolve is left to it.
    let work: usize = col_rows.iter().map(|r| r.len() * r.len()).sum();
    if work > 50_000_000 {
        return;
    }
    let mut drop = vec![false; rows.len()];
    let mut seen = vec![usize::MAX; rows.len()];
    let mut count = vec![0usize; rows.len()];
    for b in 0..rows.len() {
        let bl = rows[b].cols.len();
        'cols: for &c in &rows[b].cols {
            for &a in &col_rows[c as usize] {
                let a = a as usize;
                let al = rows[a].cols.len();
                if a == b || al >= bl {
                    continue;
                }
                if seen[a] != b {
                    seen[a] = b;
                    count[a] = 0;
                }
                count[a] += 1;
                if count[a] == al {
                    drop[b] = true;
                    break 'cols;
                }
            }
        }
    }
    let mut k = 0;
    rows.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
}
