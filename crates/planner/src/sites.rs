//! Sites: read from CSV files of ours or a planner's, taken from OSM venues, and given the status a scenario
//! says.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use neuvo_model::{LonLat, OpeningHours, Site, SiteStatus, Venue, VenueKind};

use crate::scenario::{ScenarioIssue, SitesSpec};

/// Why a site file could not be read: the file, the line and column, what was found and what was expected.
#[derive(Debug, thiserror::Error)]
#[error("{origin}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
pub struct SiteFileError {
    /// The file.
    pub origin: String,
    /// The line, when one is to blame.
    pub line: Option<u64>,
    /// What is wrong and what to do.
    pub message: String,
}

/// Reads sites from CSV: a header naming `id`, `name`, `kind`, `status`, `lon`, `lat` (any order) and optionally
/// `opening_hours` and `source`; other columns are ignored. `origin` names the file in errors and is the
/// default `source`.
pub fn read_sites_csv(r: impl Read, origin: &str) -> Result<Vec<Site>, SiteFileError> {
    let err = |line: Option<u64>, message: String| SiteFileError { origin: origin.to_owned(), line, message };
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(r);
    let headers = rdr.headers().map_err(|e| err(Some(1), format!("cannot read the header: {e}")))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let required = ["id", "name", "kind", "status", "lon", "lat"];
    let missing: Vec<&str> = required.iter().copied().filter(|c| col(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(err(
            Some(1),
            format!(
                "the header lacks the column(s) {}; a site file needs {} (lon/lat in WGS84 degrees) and may add \
                 opening_hours and source (found: {})",
                missing.join(", "),
                required.join(","),
                headers.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    let idx = |c: &str| col(c).expect("checked above");
    let (ci, cn, ck, cs, cx, cy) =
        (idx("id"), idx("name"), idx("kind"), idx("status"), idx("lon"), idx("lat"));
    let (ch, csrc) = (col("opening_hours"), col("source"));
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| err(e.position().map(|p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize| rec.get(i).unwrap_or("");
        let at = |column: &str, message: String| err(Some(line), format!("column {column}: {message}"));
        let id = field(ci).to_owned();
        if id.is_empty() {
            return Err(at("id", "empty id; every site needs a unique id".into()));
        }
        if let Some(first) = seen.insert(id.clone(), line) {
            return Err(at("id", format!("id {id:?} already used on line {first}; ids must be unique")));
        }
        let kind = field(ck);
        if kind.is_empty() {
            return Err(at(
                "kind",
                "empty kind; write library, mall, senior_centre, service_point, …".into(),
            ));
        }
        let status: SiteStatus = field(cs).parse().map_err(|e| at("status", format!("{e}")))?;
        let num = |i: usize, column: &str| -> Result<f64, SiteFileError> {
            let v = field(i);
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| at(column, format!("expected degrees (WGS84), found {v:?}")))
        };
        let location = LonLat::try_new(num(cx, "lon")?, num(cy, "lat")?)
            .map_err(|e| at("lon/lat", format!("{e} (are lon and lat swapped?)")))?;
        let opening_hours = ch.map(field).filter(|h| !h.is_empty()).map(str::to_owned);
        if let Some(h) = &opening_hours {
            OpeningHours::parse(h).map_err(|e| at("opening_hours", e.to_string()))?;
        }
        let name = Some(field(cn)).filter(|n| !n.is_empty()).unwrap_or(&id).to_owned();
        let source = csrc.map(field).filter(|s| !s.is_empty()).unwrap_or(origin).to_owned();
        out.push(Site {
            id,
            name,
            kind: VenueKind(kind.to_owned()),
            status,
            location,
            opening_hours,
            source,
        });
    }
    if out.is_empty() {
        return Err(err(None, "no sites after the header".into()));
    }
    Ok(out)
}

/// OSM venues as candidate sites, with ids `osm:node/123`; `kinds` keeps only those kinds (all when empty).
/// Venues without a name are named by kind and id.
pub fn sites_from_venues(venues: &[Venue], kinds: &[String], source: &str) -> Vec<Site> {
    venues
        .iter()
        .filter(|v| kinds.is_empty() || kinds.contains(&v.kind.0))
        .map(|v| {
            let id = v.osm.map_or_else(
                || format!("osm:{:.6},{:.6}", v.location.lon(), v.location.lat()),
                |r| format!("osm:{r}"),
            );
            Site {
                name: v.name.clone().unwrap_or_else(|| format!("{} {id}", v.kind)),
                id,
                kind: v.kind.clone(),
                status: SiteStatus::Candidate,
                location: v.location,
                opening_hours: v.opening_hours.clone(),
                source: source.to_owned(),
            }
        })
        .collect()
}

/// Applies a scenario's status changes and exclusions; every id the scenario names must exist. Returns the
/// sites (sorted by id, so plans do not depend on file order) and the required ids.
pub fn apply_scenario(
    mut sites: Vec<Site>,
    spec: &SitesSpec,
) -> Result<(Vec<Site>, Vec<String>), Vec<ScenarioIssue>> {
    let mut issues = Vec::new();
    let mut ids = BTreeSet::new();
    for s in &sites {
        if !ids.insert(s.id.clone()) {
            issues.push(ScenarioIssue {
                field: "sites.files".into(),
                message: format!("site id {:?} appears in more than one source; ids must be unique", s.id),
            });
        }
    }
    let lists: [(&str, &Vec<String>); 5] = [
        ("kept", &spec.kept),
        ("closed", &spec.closed),
        ("candidate", &spec.candidate),
        ("required", &spec.required),
        ("exclude", &spec.exclude),
    ];
    for (list, names) in lists {
        for id in names {
            if !ids.contains(id) {
                issues.push(ScenarioIssue {
                    field: format!("sites.{list}"),
                    message: format!("unknown site {id:?}; known sites: {}", known(&ids)),
                });
            }
        }
    }
    let set = |ids: &[String], status: SiteStatus, sites: &mut Vec<Site>| {
        for s in sites.iter_mut().filter(|s| ids.contains(&s.id)) {
            s.status = status;
        }
    };
    set(&spec.kept, SiteStatus::Kept, &mut sites);
    set(&spec.closed, SiteStatus::Closed, &mut sites);
    set(&spec.candidate, SiteStatus::Candidate, &mut sites);
    sites.retain(|s| !spec.exclude.contains(&s.id));
    for id in &spec.required {
        if let Some(s) = sites.iter().find(|s| s.id == *id)
            && s.status != SiteStatus::Candidate
        {
            issues.push(ScenarioIssue {
                field: "sites.required".into(),
                message: format!("site {id:?} is {}; only candidates can be required", s.status),
            });
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    sites.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((sites, spec.required.clone()))
}

/// The first ids of a set, for messages.
fn known(ids: &BTreeSet<String>) -> String {
    let mut v: Vec<&str> = ids.iter().take(12).map(String::as_str).collect();
    if ids.len() > 12 {
        v.push("…");
    }
    v.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "id,name,kind,status,lon,lat,opening_hours\n\
        a,Library A,library,candidate,24.94,60.17,Mo-Fr 10:00-20:00\n\
        b,Point B,service_point,kept,24.95,60.17,\n\
        c,Point C,service_point,closed,24.96,60.17,\n";

    fn err(text: &str) -> String {
        read_sites_csv(text.as_bytes(), "s.csv").unwrap_err().to_string()
    }

    #[test]
    fn reads_sites_with_status_and_hours() {
        let s = read_sites_csv(CSV.as_bytes(), "s.csv").unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].status, SiteStatus::Candidate);
        assert_eq!(s[1].status, SiteStatus::Kept);
        assert_eq!(s[0].opening_hours.as_deref(), Some("Mo-Fr 10:00-20:00"));
        assert_eq!(s[1].opening_hours, None);
        assert_eq!(s[2].source, "s.csv");
    }

    #[test]
    fn bad_rows_name_file_line_and_column() {
        assert_eq!(
            err("id,name,kind,status,lon,lat\na,A,library,open-ish,24.9,60.1\n"),
            "s.csv line 2: column status: unknown site status \"open-ish\": expected kept, closed or candidate"
        );
        assert!(
            err("id,name,kind,status,lon,lat\na,A,library,kept,east,60.1\n").contains("line 2: column lon")
        );
        assert!(
            err("id,name,kind,status,lon,lat\na,A,library,kept,24.9,160.1\n")
                .contains("line 2: column lon/lat")
        );
        assert!(
            err("id,name,kind,status,lon,lat\na,A,library,kept,24.9,60.1\na,B,mall,kept,24.9,60.1\n")
                .contains("line 3: column id: id \"a\" already used on line 2")
        );
        assert!(err("id,name,lon,lat\n").contains("lacks the column(s) kind, status"));
        assert!(
            err(
                "id,name,kind,status,lon,lat,opening_hours\na,A,library,kept,24.9,60.1,Jan-Mar 10:00-12:00\n"
            )
            .contains("column opening_hours")
        );
    }

    #[test]
    fn scenario_changes_status_and_rejects_unknown_ids() {
        let sites = read_sites_csv(CSV.as_bytes(), "s.csv").unwrap();
        let spec = SitesSpec { closed: vec!["b".into()], exclude: vec!["c".into()], ..SitesSpec::default() };
        let (s, _) = apply_scenario(sites.clone(), &spec).unwrap();
        assert_eq!(
            s.iter().map(|s| (s.id.as_str(), s.status)).collect::<Vec<_>>(),
            [("a", SiteStatus::Candidate), ("b", SiteStatus::Closed)]
        );
        let spec = SitesSpec { kept: vec!["zz".into()], required: vec!["b".into()], ..SitesSpec::default() };
        let issues = apply_scenario(sites, &spec).unwrap_err();
        assert_eq!(issues.len(), 2);
        assert!(issues[0].message.starts_with("unknown site \"zz\"; known sites: a, b, c"), "{issues:?}");
        assert!(issues[1].message.contains("is kept; only candidates can be required"), "{issues:?}");
    }
}
