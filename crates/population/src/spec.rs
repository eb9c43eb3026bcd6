//! What to read from a grid file: the grid spec (embeddable in a scenario TOML), the HSY preset and group
//! definitions.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::crs::Crs;
use crate::error::{Error, Result};

/// How to read a population grid and which groups to count. Every field is optional; a preset fills in the
/// columns, groups and exclusions of a known data set.
///
/// ```toml
/// preset = "hsy"
/// groups = ["total", "age75", "need"]
/// municipality = "Espoo"
/// [define]
/// need = { age75 = 1.0, age65 = 0.5 }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GridSpec {
    /// The file format; by default from the extension (`.gpkg`, `.csv`, `.parquet`/`.pq`).
    pub format: Option<GridFormat>,
    /// A known data set whose defaults apply (see [`Preset`]).
    pub preset: Option<Preset>,
    /// The GeoPackage layer; by default the first feature layer.
    pub layer: Option<String>,
    /// The column identifying cells; by default the preset's, else `id`.
    pub id_column: Option<String>,
    /// The column of inhabitants, which the group `total` counts; by default the preset's.
    pub total_column: Option<String>,
    /// The system of a CSV or Parquet grid's `x`/`y` columns (`"EPSG:3067"` or `3067`). GeoPackage files carry
    /// their own; giving a different one is an error.
    pub crs: Option<Crs>,
    /// For CSV and Parquet grids: the cell's side in metres, to give each cell a square outline around its
    /// point. Without it such cells have no outline.
    pub cell_size_m: Option<f64>,
    /// The groups to count, in output order: names of built-in groups (`total` and the preset's), of groups in
    /// [`GridSpec::define`], or of source columns. By default every built-in group.
    pub groups: Vec<String>,
    /// Groups defined as weighted sums of source columns and other groups:
    /// `need = { age75 = 1.0, age65 = 0.5 }`. Weights must be finite and not negative.
    pub define: BTreeMap<String, BTreeMap<String, f64>>,
    /// Masked cells: by default the preset's rule.
    pub mask: Option<MaskRule>,
    /// Keep only cells located in this municipality (needs municipality boundaries).
    pub municipality: Option<String>,
    /// Keep only cells whose centroid lies in `[min_lon, min_lat, max_lon, max_lat]` (WGS84 degrees).
    pub bbox: Option<[f64; 4]>,
    /// Cell ids to drop, added to the preset's.
    pub exclude_ids: Vec<String>,
}

/// The format of a grid file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GridFormat {
    /// A GeoPackage feature layer of cell polygons (or points).
    #[serde(alias = "geopackage")]
    Gpkg,
    /// A CSV file with a header, cells as points.
    Csv,
    /// A Parquet file, cells as points.
    Parquet,
}

/// A known data set: its id and total columns, masking rule, excluded cells and built-in groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// HSY's population grid (Väestötietoruudukko, 250 m, EPSG:3879), as in `hsy_population_grid_2021.gpkg`:
    /// id `index`, total `asukkaita`, ten-year age bands `ika0_9` … `ika70_79` and `ika_yli80`, masking marker 99,
    /// and the dummy cell 27699 excluded. Groups: `total`, `age65`, `age75`, `age80`, `children`.
    Hsy,
}

/// Cells whose every band holds the marker are masked: their bands are estimated from the total.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskRule {
    /// The marker (HSY: 99).
    pub marker: f64,
    /// The band columns; a cell is masked when all of them hold the marker.
    pub bands: Vec<String>,
}

/// HSY's age bands, youngest first.
pub(crate) const HSY_BANDS: [&str; 9] = [
    "ika0_9",
    "ika10_19",
    "ika20_29",
    "ika30_39",
    "ika40_49",
    "ika50_59",
    "ika60_69",
    "ika70_79",
    "ika_yli80",
];

/// Cells the HSY preset always drops.
///
/// `27699` (`Vaestotietoruudukko_2021.5853`) is HSY's dummy cell: it lies in the sea at about (25.2536, 60.0541)
/// and holds 30 427 inhabitants whose location is unknown (data README, section 3, "Dummy cell"). The generic
/// unlocated-cell rule drops it too when boundaries are given; listing it here drops it without them.
const HSY_EXCLUDED: [&str; 1] = ["27699"];

/// A group ready to compute: name, description and weighted terms (a term is a source column or another group).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GroupDef {
    pub(crate) name: String,
    pub(crate) definition: String,
    pub(crate) terms: Vec<(String, f64)>,
    /// Terms refer to source columns only (built-in groups); user terms may refer to groups.
    pub(crate) columns_only: bool,
}

/// A spec with its preset applied.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub(crate) id_column: String,
    pub(crate) total_column: Option<String>,
    pub(crate) mask: Option<MaskRule>,
    pub(crate) exclude: BTreeSet<String>,
    pub(crate) builtin: Vec<GroupDef>,
    pub(crate) defined: Vec<GroupDef>,
    pub(crate) wanted: Vec<String>,
}

const EVEN_SPREAD: &str = "people are assumed spread evenly over each 10-year band";
const MASKED: &str =
    "masked cells: bands estimated from the cell's total and its major district's age profile";

fn hsy_group(name: &str, terms: &[(&str, f64)], what: &str) -> GroupDef {
    let terms: Vec<(String, f64)> = terms.iter().map(|&(c, w)| (c.to_owned(), w)).collect();
    let definition = format!("{what}: {} ({EVEN_SPREAD}; {MASKED})", format_terms(&terms));
    GroupDef { name: name.into(), definition, terms, columns_only: true }
}

/// `0.5 × ika60_69 + ika70_79`.
pub(crate) fn format_terms(terms: &[(String, f64)]) -> String {
    terms
        .iter()
        .map(|(c, w)| if *w == 1.0 { c.clone() } else { format!("{w} × {c}") })
        .collect::<Vec<_>>()
        .join(" + ")
}

impl GridSpec {
    /// The spec with its preset's defaults filled in, checked for consistency.
    pub(crate) fn resolve(&self) -> Result<Resolved> {
        let hsy = self.preset == Some(Preset::Hsy);
        let id_column = self.id_column.clone().unwrap_or_else(|| if hsy { "index" } else { "id" }.to_owned());
        let total_column = self.total_column.clone().or_else(|| hsy.then(|| "asukkaita".to_owned()));
        let mask = self.mask.clone().or_else(|| {
            hsy.then(|| MaskRule { marker: 99.0, bands: HSY_BANDS.iter().map(|b| (*b).to_owned()).collect() })
        });
        let mut exclude: BTreeSet<String> = self.exclude_ids.iter().map(|s| s.trim().to_owned()).collect();
        if hsy {
            exclude.extend(HSY_EXCLUDED.iter().map(|s| (*s).to_owned()));
        }

        let mut builtin = Vec::new();
        if let Some(t) = &total_column {
            let definition = if hsy {
                format!("{t}: all inhabitants (real in masked cells too)")
            } else {
                format!("{t}: all inhabitants")
            };
            builtin.push(GroupDef {
                name: "total".into(),
                definition,
                terms: vec![(t.clone(), 1.0)],
                columns_only: true,
            });
        }
        if hsy {
            builtin.extend([
                hsy_group(
                    "age65",
                    &[("ika60_69", 0.5), ("ika70_79", 1.0), ("ika_yli80", 1.0)],
                    "people aged 65+",
                ),
                hsy_group("age75", &[("ika70_79", 0.5), ("ika_yli80", 1.0)], "people aged 75+"),
                hsy_group("age80", &[("ika_yli80", 1.0)], "people aged 80+"),
                hsy_group("children", &[("ika0_9", 1.0), ("ika10_19", 0.8)], "children aged 0–17"),
            ]);
        }

        let mut defined = Vec::new();
        for (name, terms) in &self.define {
            if terms.is_empty() {
                return Err(Error::Spec(format!("group `{name}` in [define] has no terms")));
            }
            if let Some((t, w)) = terms.iter().find(|(_, w)| !w.is_finite() || **w < 0.0) {
                return Err(Error::Spec(format!(
                    "group `{name}`: weight {w} of `{t}` must be a finite number ≥ 0 (demand is never negative)"
                )));
            }
            let terms: Vec<(String, f64)> = terms.iter().map(|(t, w)| (t.clone(), *w)).collect();
            let definition = format!("weighted sum: {}", format_terms(&terms));
            defined.push(GroupDef { name: name.clone(), definition, terms, columns_only: false });
        }

        let wanted = if self.groups.is_empty() {
            builtin.iter().map(|g| g.name.clone()).chain(defined.iter().map(|g| g.name.clone())).collect()
        } else {
            self.groups.clone()
        };
        if wanted.is_empty() {
            return Err(Error::Spec(
                "no groups to count: give `groups`, a `total_column` or a `preset`".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        if let Some(dup) = wanted.iter().find(|g| !seen.insert(g.as_str())) {
            return Err(Error::Spec(format!("group `{dup}` is listed twice in `groups`")));
        }
        if let Some([a, b, c, d]) = self.bbox
            && !(a < c && b < d && [a, b, c, d].iter().all(|v| v.is_finite()))
        {
            return Err(Error::Spec(format!(
                "bbox [{a}, {b}, {c}, {d}] must be [min_lon, min_lat, max_lon, max_lat] with min < max"
            )));
        }
        if let Some(s) = self.cell_size_m
            && !(s.is_finite() && s > 0.0)
        {
            return Err(Error::Spec(format!("cell_size_m {s} must be a positive number of metres")));
        }
        if let Some(m) = &mask
            && (m.bands.is_empty() || !m.marker.is_finite())
        {
            return Err(Error::Spec("mask needs a finite marker and at least one band column".into()));
        }
        Ok(Resolved { id_column, total_column, mask, exclude, builtin, defined, wanted })
    }
}

impl Resolved {
    /// Expands group `name` into weights of source columns, following defined groups, built-in groups, then
    /// columns. `columns` are the file's columns, for messages. Returns the definition and the column weights.
    pub(crate) fn expand(
        &self,
        name: &str,
        columns: &[String],
        path: &std::path::Path,
    ) -> Result<(String, BTreeMap<String, f64>)> {
        let mut out = BTreeMap::new();
        let definition = match self.find(name) {
            Some(g) => g.definition.clone(),
            None => format!("column {name}"),
        };
        self.expand_into(name, name, 1.0, &mut Vec::new(), &mut out, columns, path)?;
        Ok((definition, out))
    }

    fn find(&self, name: &str) -> Option<&GroupDef> {
        self.defined.iter().chain(&self.builtin).find(|g| g.name == name)
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_into(
        &self,
        wanted: &str,
        name: &str,
        weight: f64,
        stack: &mut Vec<String>,
        out: &mut BTreeMap<String, f64>,
        columns: &[String],
        path: &std::path::Path,
    ) -> Result<()> {
        let group = self.find(name).filter(|_| !stack.iter().any(|s| s == name));
        let Some(group) = group else {
            // A source column: the group's own name, or a term that names no (other) group.
            if stack.iter().any(|s| s == name) && !columns.iter().any(|c| c == name) {
                return Err(Error::Spec(format!(
                    "group `{wanted}` refers to itself through {}",
                    stack.join(" → ")
                )));
            }
            if !columns.iter().any(|c| c == name) {
                return Err(Error::MissingColumn {
                    path: path.to_owned(),
                    purpose: format!("group `{wanted}`"),
                    column: name.to_owned(),
                    available: columns.to_vec(),
                });
            }
            *out.entry(name.to_owned()).or_insert(0.0) += weight;
            return Ok(());
        };
        stack.push(name.to_owned());
        for (term, w) in &group.terms {
            if group.columns_only {
                if !columns.iter().any(|c| c == term) {
                    return Err(Error::MissingColumn {
                        path: path.to_owned(),
                        purpose: format!("group `{wanted}`"),
                        column: term.clone(),
                        available: columns.to_vec(),
                    });
                }
                *out.entry(term.clone()).or_insert(0.0) += weight * w;
            } else {
                self.expand_into(wanted, term, weight * w, stack, out, columns, path)?;
            }
        }
        stack.pop();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn hsy_columns() -> Vec<String> {
        ["id", "index", "asukkaita"].iter().chain(HSY_BANDS.iter()).map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn deserializes_from_toml_and_expands_need_indexes() {
        let spec: GridSpec = toml_from(
            r#"
            preset = "hsy"
            groups = ["total", "age75", "need", "ika0_9"]
            municipality = "Espoo"
            crs = "EPSG:3879"
            [define]
            need = { age75 = 1.0, age65 = 0.5 }
            "#,
        );
        let r = spec.resolve().unwrap();
        assert_eq!(r.id_column, "index");
        assert!(r.exclude.contains("27699"));
        let (def, w) = r.expand("need", &hsy_columns(), Path::new("g.gpkg")).unwrap();
        assert_eq!(def, "weighted sum: 0.5 × age65 + age75");
        // need = age75 + 0.5 age65 = 0.5 ika70_79 + ika_yli80 + 0.5 (0.5 ika60_69 + ika70_79 + ika_yli80)
        let expect: BTreeMap<String, f64> = [("ika60_69", 0.25), ("ika70_79", 1.0), ("ika_yli80", 1.5)]
            .map(|(c, w)| (c.to_owned(), w))
            .into();
        assert_eq!(w, expect);
        let (def, w) = r.expand("ika0_9", &hsy_columns(), Path::new("g.gpkg")).unwrap();
        assert_eq!((def.as_str(), w.len()), ("column ika0_9", 1));
        let (def, _) = r.expand("age65", &hsy_columns(), Path::new("g.gpkg")).unwrap();
        assert!(
            def.starts_with("people aged 65+: 0.5 × ika60_69 + ika70_79 + ika_yli80 (people are assumed"),
            "{def}"
        );
    }

    #[test]
    fn rejects_cycles_negative_weights_bad_bboxes_and_unknown_fields() {
        let mut spec = GridSpec { total_column: Some("pop".into()), ..GridSpec::default() };
        spec.define.insert("a".into(), [("b".to_owned(), 1.0)].into());
        spec.define.insert("b".into(), [("a".to_owned(), 1.0)].into());
        let e = spec.resolve().unwrap().expand("a", &["pop".into()], Path::new("x.csv")).unwrap_err();
        assert!(e.to_string().contains("refers to itself"), "{e}");

        spec.define.insert("b".into(), [("pop".to_owned(), -1.0)].into());
        assert!(spec.resolve().unwrap_err().to_string().contains("weight -1"));

        let spec = GridSpec {
            bbox: Some([25.0, 60.0, 24.0, 61.0]),
            preset: Some(Preset::Hsy),
            ..GridSpec::default()
        };
        assert!(spec.resolve().unwrap_err().to_string().contains("min < max"));
        assert!(toml::from_str::<GridSpec>("colour = 1").is_err());
        assert!(toml::from_str::<GridSpec>("crs = 2393").unwrap_err().to_string().contains("EPSG:2393"));
    }

    fn toml_from(s: &str) -> GridSpec {
        toml::from_str(s).unwrap()
    }
}
