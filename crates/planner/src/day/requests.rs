//! The advisors' day as a planner writes it: visit requests, advisors and pinned pop-up sessions, read from CSV
//! files with an error that names the file, the line and the field for anything malformed.
//!
//! Formats (one header row; column order free; unknown columns are an error so that a misspelt column is not
//! silently ignored):
//!
//! - `visits.csv`: `id, lon, lat, duration_min` (required), `windows` (`09:00-11:00|13:00-15:00`; empty: any time
//!   in the shift), `skills` (all required, `;`-separated), `skills_any` (one of them), `languages` (one of them),
//!   `priority` (`must`, `high`, `normal`, `low`; default `normal`), `preferred_advisor` (soft), `advisor` (only
//!   this advisor may go), `name`, `address`, `phone`, `note`.
//! - `advisors.csv`: `id, mode, start_lon, start_lat, shift` (`08:00-16:00`) (required), `name`, `end_lon`,
//!   `end_lat` (default: the start), `max_work_h`, `skills`, `languages`, `breaks` (`11:00-13:00/30`: thirty minutes
//!   lying within 11:00–13:00; several separated by `|`).
//! - `sessions.csv`: `id, advisor, lon, lat, start, end` (required), `name`, `note`: a pop-up session the advisor
//!   holds at a venue, pinned to its hours.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};

use neuvo_model::{LonLat, Mode};
use serde::{Deserialize, Serialize};

/// Seconds since midnight of the planned day.
pub type DaySeconds = u32;

/// A time span of the day, in seconds since midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Start.
    pub start: DaySeconds,
    /// End (not before the start).
    pub end: DaySeconds,
}

/// How much serving a visit matters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Must be served: the plan leaves out as few of these as it can, whatever it costs.
    Must,
    /// Served before normal and low visits (worth ten normal ones).
    High,
    /// The default.
    #[default]
    Normal,
    /// Served when it is cheap to do so.
    Low,
}

impl Priority {
    /// The lowercase name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Must => "must",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }
}

/// Who the client of a home visit is: shown to the advisor only when the planner asks for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientDetails {
    /// Name.
    pub name: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// A request for a home visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitRequest {
    /// Unique id (becomes the client's pseudonym in exports, so it must not be a name).
    pub id: String,
    /// The home.
    pub place: LonLat,
    /// When the visit may start; empty: any time in the advisor's shift.
    #[serde(default)]
    pub windows: Vec<Span>,
    /// How long the visit takes, in seconds.
    pub duration_s: DaySeconds,
    /// Skills the advisor must all have.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Skills of which the advisor must have one.
    #[serde(default)]
    pub skills_any: Vec<String>,
    /// Languages of which the advisor must speak one.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Priority.
    #[serde(default)]
    pub priority: Priority,
    /// The advisor the client knows (continuity of care; soft).
    #[serde(default)]
    pub preferred_advisor: Option<String>,
    /// The only advisor who may go.
    #[serde(default)]
    pub advisor: Option<String>,
    /// The client's details.
    #[serde(default)]
    pub client: ClientDetails,
    /// A note for the advisor.
    #[serde(default)]
    pub note: Option<String>,
}

/// A break an advisor takes wherever they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakSpec {
    /// The break lies within this span.
    pub within: Span,
    /// Its length in seconds.
    pub duration_s: DaySeconds,
}

/// An advisor's day: where it starts and ends, when, how they travel and what they can do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdvisorSpec {
    /// Unique id (on the server, the advisor's user name).
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Travel mode.
    pub mode: Mode,
    /// Where the day starts (a service point or home).
    pub start: LonLat,
    /// Where it ends (default: the start).
    #[serde(default)]
    pub end: Option<LonLat>,
    /// Earliest departure and latest return.
    pub shift: Span,
    /// Longest working time, in seconds.
    #[serde(default)]
    pub max_work_s: Option<DaySeconds>,
    /// Skills.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Languages.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Breaks.
    #[serde(default)]
    pub breaks: Vec<BreakSpec>,
}

/// A pop-up session an advisor holds at a venue, pinned to its hours; home visits are planned around it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionSpec {
    /// Unique id (among visits and sessions).
    pub id: String,
    /// The advisor who holds it.
    pub advisor: String,
    /// The venue's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Where.
    pub place: LonLat,
    /// When.
    pub hours: Span,
    /// A note for the advisor.
    #[serde(default)]
    pub note: Option<String>,
}

/// The three inputs of a day together (the sample day the server offers, say).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DayRequests {
    /// Home-visit requests.
    pub visits: Vec<VisitRequest>,
    /// Advisors.
    pub advisors: Vec<AdvisorSpec>,
    /// Pinned pop-up sessions.
    #[serde(default)]
    pub sessions: Vec<SessionSpec>,
}

/// A malformed input file: which file, which line and field, what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default(),
    field.as_ref().map(|f| format!(", field {f}")).unwrap_or_default())]
pub struct RequestError {
    /// The file (as the caller named it).
    pub file: String,
    /// The line (1-based, the header being line 1).
    pub line: Option<u64>,
    /// The column.
    pub field: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

/// Parses `HH:MM` or `HH:MM:SS` (up to `24:00`) into seconds since midnight.
pub fn parse_clock(s: &str) -> Result<DaySeconds, String> {
    let t = s.trim();
    let parts: Vec<&str> = t.split(':').collect();
    let bad = || format!("{t:?} is not a time of day: expected HH:MM, e.g. 09:30");
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return Err(bad());
    }
    let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
    let (h, m) = (num(parts[0])?, num(parts[1])?);
    let sec = if parts.len() == 3 { num(parts[2])? } else { 0 };
    if m > 59 || sec > 59 || h > 24 || (h == 24 && (m > 0 || sec > 0)) {
        return Err(bad());
    }
    Ok(h * 3600 + m * 60 + sec)
}

/// Formats seconds since midnight as `HH:MM` (or `HH:MM:SS` when not whole minutes).
pub fn format_clock(t: DaySeconds) -> String {
    if t.is_multiple_of(60) {
        format!("{:02}:{:02}", t / 3600, t / 60 % 60)
    } else {
        format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
    }
}

/// Parses `09:00-11:00` into a span; the end must not come before the start.
pub fn parse_span(s: &str) -> Result<Span, String> {
    let Some((a, b)) = s.trim().split_once('-') else {
        return Err(format!("{:?} is not a time span: expected HH:MM-HH:MM, e.g. 09:00-11:30", s.trim()));
    };
    let (start, end) = (parse_clock(a)?, parse_clock(b)?);
    if end < start {
        return Err(format!("the span {:?} ends before it starts", s.trim()));
    }
    Ok(Span { start, end })
}

fn parse_spans(s: &str) -> Result<Vec<Span>, String> {
    s.split('|').filter(|p| !p.trim().is_empty()).map(parse_span).collect()
}

fn parse_break(s: &str) -> Result<BreakSpec, String> {
    let Some((span, minutes)) = s.trim().split_once('/') else {
        return Err(format!(
            "{:?} is not a break: expected HH:MM-HH:MM/MINUTES, e.g. 11:00-13:00/30",
            s.trim()
        ));
    };
    let within = parse_span(span)?;
    let m: f64 =
        minutes.trim().parse().ok().filter(|m: &f64| m.is_finite() && *m > 0.0).ok_or_else(|| {
            format!("break length {:?} is not a positive number of minutes", minutes.trim())
        })?;
    let duration_s = (m * 60.0).round() as DaySeconds;
    if duration_s > within.end - within.start {
        return Err(format!("a {m}-minute break does not fit within {}", span.trim()));
    }
    Ok(BreakSpec { within, duration_s })
}

pub(crate) fn parse_list(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// One CSV file read row by row, with the file name and line at hand for errors.
pub(crate) struct Table {
    file: String,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

pub(crate) struct Row<'a> {
    table: &'a Table,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Table {
    pub(crate) fn read(
        reader: impl Read,
        file: &str,
        required: &[&str],
        optional: &[&str],
    ) -> Result<Table, RequestError> {
        let err = |line: Option<u64>, field: Option<String>, message: String| RequestError {
            file: file.to_owned(),
            line,
            field,
            message,
        };
        let mut r = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(reader);
        let headers =
            r.headers().map_err(|e| err(Some(1), None, format!("cannot read the header row: {e}")))?.clone();
        let mut columns = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase();
            if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) {
                let mut known: Vec<&str> = required.iter().chain(optional).copied().collect();
                known.sort_unstable();
                return Err(err(
                    Some(1),
                    Some(h.clone()),
                    format!("unknown column {h:?}; the columns are: {}", known.join(", ")),
                ));
            }
            if columns.insert(h.clone(), i).is_some() {
                return Err(err(Some(1), Some(h.clone()), format!("the column {h:?} appears twice")));
            }
        }
        for c in required {
            if !columns.contains_key(*c) {
                return Err(err(
                    Some(1),
                    Some((*c).to_owned()),
                    format!("the required column {c:?} is missing"),
                ));
            }
        }
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line());
                err(line, None, format!("not a well-formed CSV row: {e}"))
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            if rec.iter().all(str::is_empty) {
                continue;
            }
            rows.push((line, rec));
        }
        Ok(Table { file: file.to_owned(), columns, rows })
    }

    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row { table: self, line: *line, record })
    }
}

impl Row<'_> {
    pub(crate) fn error(&self, field: &str, message: impl Into<String>) -> RequestError {
        RequestError {
            file: self.table.file.clone(),
            line: Some(self.line),
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// The field's text, or "" when the column is absent.
    pub(crate) fn get(&self, field: &str) -> &str {
        self.table.columns.get(field).and_then(|&i| self.record.get(i)).unwrap_or("")
    }

    pub(crate) fn opt(&self, field: &str) -> Option<String> {
        let v = self.get(field);
        (!v.is_empty()).then(|| v.to_owned())
    }

    pub(crate) fn required(&self, field: &str) -> Result<&str, RequestError> {
        let v = self.get(field);
        if v.is_empty() { Err(self.error(field, "is empty; a value is required")) } else { Ok(v) }
    }

    pub(crate) fn number(&self, field: &str) -> Result<Option<f64>, RequestError> {
        let v = self.get(field);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or_else(|| self.error(field, format!("{v:?} is not a number")))
    }

    pub(crate) fn point(&self, lon: &str, lat: &str) -> Result<Option<LonLat>, RequestError> {
        match (self.number(lon)?, self.number(lat)?) {
            (None, None) => Ok(None),
            (Some(x), Some(y)) => LonLat::try_new(x, y).map(Some).map_err(|e| {
                self.error(
                    lon,
                    format!(
                        "{e}; give WGS84 degrees (longitude about 24.9 and latitude about 60.2 in Helsinki)"
                    ),
                )
            }),
            (None, Some(_)) => Err(self.error(lon, "is empty but the latitude is given")),
            (Some(_), None) => Err(self.error(lat, "is empty but the longitude is given")),
        }
    }

    pub(crate) fn with<T>(
        &self,
        field: &str,
        f: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, RequestError> {
        f(self.get(field)).map_err(|m| self.error(field, m))
    }
}

pub(crate) fn unique(
    ids: &mut BTreeMap<String, (String, u64)>,
    row: &Row<'_>,
    id: &str,
) -> Result<(), RequestError> {
    if let Some((file, line)) = ids.get(id) {
        return Err(row.error(
            "id",
            format!("the id {id:?} is already used in {file}, line {line}; ids must be unique"),
        ));
    }
    ids.insert(id.to_owned(), (row.table.file.clone(), row.line));
    Ok(())
}

const VISIT_REQUIRED: [&str; 4] = ["id", "lon", "lat", "duration_min"];
const VISIT_OPTIONAL: [&str; 11] = [
    "windows",
    "skills",
    "skills_any",
    "languages",
    "priority",
    "preferred_advisor",
    "advisor",
    "name",
    "address",
    "phone",
    "note",
];

/// Reads visit requests from CSV (see the module's formats). `file` names the source in errors.
pub fn read_visits_csv(reader: impl Read, file: &str) -> Result<Vec<VisitRequest>, RequestError> {
    let t = Table::read(reader, file, &VISIT_REQUIRED, &VISIT_OPTIONAL)?;
    let mut ids = BTreeMap::new();
    let mut out = Vec::new();
    for row in t.rows() {
        let id = row.required("id")?.to_owned();
        unique(&mut ids, &row, &id)?;
        row.required("lon")?;
        row.required("lat")?;
        let place =
            row.point("lon", "lat")?.ok_or_else(|| row.error("lon", "the home's position is required"))?;
        row.required("duration_min")?;
        let minutes = row.number("duration_min")?.unwrap_or(0.0);
        if !(0.0..=24.0 * 60.0).contains(&minutes) {
            return Err(row.error("duration_min", format!("{minutes} minutes: expected 0 to 1440")));
        }
        let priority = match row.get("priority").to_ascii_lowercase().as_str() {
            "" | "normal" => Priority::Normal,
            "must" => Priority::Must,
            "high" => Priority::High,
            "low" => Priority::Low,
            other => {
                return Err(row.error("priority", format!("{other:?}: expected must, high, normal or low")));
            }
        };
        out.push(VisitRequest {
            id,
            place,
            windows: row.with("windows", parse_spans)?,
            duration_s: (minutes * 60.0).round() as DaySeconds,
            skills: parse_list(row.get("skills")),
            skills_any: parse_list(row.get("skills_any")),
            languages: parse_list(row.get("languages")),
            priority,
            preferred_advisor: row.opt("preferred_advisor"),
            advisor: row.opt("advisor"),
            client: ClientDetails {
                name: row.opt("name"),
                address: row.opt("address"),
                phone: row.opt("phone"),
            },
            note: row.opt("note"),
        });
    }
    Ok(out)
}

const ADVISOR_REQUIRED: [&str; 5] = ["id", "mode", "start_lon", "start_lat", "shift"];
const ADVISOR_OPTIONAL: [&str; 7] =
    ["name", "end_lon", "end_lat", "max_work_h", "skills", "languages", "breaks"];

/// Reads advisors from CSV (see the module's formats).
pub fn read_advisors_csv(reader: impl Read, file: &str) -> Result<Vec<AdvisorSpec>, RequestError> {
    let t = Table::read(reader, file, &ADVISOR_REQUIRED, &ADVISOR_OPTIONAL)?;
    let mut ids = BTreeMap::new();
    let mut out = Vec::new();
    for row in t.rows() {
        let id = row.required("id")?.to_owned();
        unique(&mut ids, &row, &id)?;
        let mode: Mode = row
            .required("mode")?
            .to_ascii_lowercase()
            .parse()
            .map_err(|_| row.error("mode", format!("{:?}: expected walk or car", row.get("mode"))))?;
        row.required("start_lon")?;
        row.required("start_lat")?;
        let start = row.point("start_lon", "start_lat")?.ok_or_else(|| row.error("start_lon", "required"))?;
        let shift = row.with("shift", parse_span)?;
        let max_work_s = match row.number("max_work_h")? {
            None => None,
            Some(h) if h > 0.0 && h <= 24.0 => Some((h * 3600.0).round() as DaySeconds),
            Some(h) => {
                return Err(
                    row.error("max_work_h", format!("{h} hours: expected more than 0 and at most 24"))
                );
            }
        };
        let breaks: Vec<BreakSpec> = row
            .get("breaks")
            .split('|')
            .filter(|b| !b.trim().is_empty())
            .map(parse_break)
            .collect::<Result<_, _>>()
            .map_err(|m| row.error("breaks", m))?;
        out.push(AdvisorSpec {
            id,
            name: row.opt("name"),
            mode,
            start,
            end: row.point("end_lon", "end_lat")?,
            shift,
            max_work_s,
            skills: parse_list(row.get("skills")),
            languages: parse_list(row.get("languages")),
            breaks,
        });
    }
    if out.is_empty() {
        return Err(RequestError {
            file: file.to_owned(),
            line: None,
            field: None,
            message: "no advisors: add at least one row".into(),
        });
    }
    Ok(out)
}

const SESSION_REQUIRED: [&str; 6] = ["id", "advisor", "lon", "lat", "start", "end"];
const SESSION_OPTIONAL: [&str; 2] = ["name", "note"];

/// Reads pinned pop-up sessions from CSV (see the module's formats).
pub fn read_sessions_csv(reader: impl Read, file: &str) -> Result<Vec<SessionSpec>, RequestError> {
    let t = Table::read(reader, file, &SESSION_REQUIRED, &SESSION_OPTIONAL)?;
    let mut ids = BTreeMap::new();
    let mut out = Vec::new();
    for row in t.rows() {
        let id = row.required("id")?.to_owned();
        unique(&mut ids, &row, &id)?;
        let advisor = row.required("advisor")?.to_owned();
        row.required("lon")?;
        row.required("lat")?;
        let place = row.point("lon", "lat")?.ok_or_else(|| row.error("lon", "required"))?;
        let start = row.with("start", parse_clock)?;
        let end = row.with("end", parse_clock)?;
        if end <= start {
            return Err(row.error(
                "end",
                format!(
                    "the session ends ({}) before it starts ({})",
                    format_clock(end),
                    format_clock(start)
                ),
            ));
        }
        out.push(SessionSpec {
            id,
            advisor,
            name: row.opt("name"),
            place,
            hours: Span { start, end },
            note: row.opt("note"),
        });
    }
    Ok(out)
}

/// Checks that the three inputs fit together: ids unique across visits and sessions, every advisor named exists,
/// every skill and language asked for is one some advisor has. Returns every problem found, each naming its
/// record.
pub fn cross_check(
    visits: &[VisitRequest],
    advisors: &[AdvisorSpec],
    sessions: &[SessionSpec],
) -> Vec<String> {
    let mut problems = Vec::new();
    let names: BTreeSet<&str> = advisors.iter().map(|a| a.id.as_str()).collect();
    let known = names.iter().copied().collect::<Vec<_>>().join(", ");
    let mut seen = BTreeSet::new();
    for a in advisors {
        if !seen.insert(a.id.as_str()) {
            problems.push(format!("advisor {:?} appears twice; advisor ids must be unique", a.id));
        }
        for b in &a.breaks {
            if b.within.end < a.shift.start || b.within.start > a.shift.end {
                problems.push(format!(
                    "advisor {:?}: the break within {}-{} lies outside the shift {}-{}",
                    a.id,
                    format_clock(b.within.start),
                    format_clock(b.within.end),
                    format_clock(a.shift.start),
                    format_clock(a.shift.end)
                ));
            }
        }
    }
    let skills: BTreeSet<&str> = advisors.iter().flat_map(|a| a.skills.iter().map(String::as_str)).collect();
    let languages: BTreeSet<&str> =
        advisors.iter().flat_map(|a| a.languages.iter().map(String::as_str)).collect();
    let list = |s: &BTreeSet<&str>| {
        if s.is_empty() { "none".to_owned() } else { s.iter().copied().collect::<Vec<_>>().join(", ") }
    };
    let mut ids = BTreeSet::new();
    for v in visits {
        if !ids.insert(v.id.as_str()) {
            problems.push(format!("visit id {:?} appears twice; ids must be unique", v.id));
        }
        for s in v.skills.iter().chain(&v.skills_any) {
            if !skills.contains(s.as_str()) {
                problems.push(format!(
                    "visit {:?} asks for skill {s:?}, which no advisor has (advisors' skills: {}); check the spelling \
                     or add the skill to an advisor",
                    v.id,
                    list(&skills)
                ));
            }
        }
        if !v.languages.is_empty() && !v.languages.iter().any(|l| languages.contains(l.as_str())) {
            problems.push(format!(
                "visit {:?} needs one of the languages {}, which no advisor speaks (advisors' languages: {})",
                v.id,
                v.languages.join(", "),
                list(&languages)
            ));
        }
        for (field, name) in [("preferred_advisor", &v.preferred_advisor), ("advisor", &v.advisor)] {
            if let Some(n) = name
                && !names.contains(n.as_str())
            {
                problems
                    .push(format!("visit {:?}: {field} {n:?} is not an advisor (advisors: {known})", v.id));
            }
        }
        for w in &v.windows {
            if w.end < w.start {
                problems.push(format!("visit {:?}: a window ends before it starts", v.id));
            }
        }
    }
    for s in sessions {
        if !ids.insert(s.id.as_str()) {
            problems.push(format!(
                "session id {:?} is also the id of a visit or another session; ids must be unique",
                s.id
            ));
        }
        match advisors.iter().find(|a| a.id == s.advisor) {
            None => problems.push(format!(
                "session {:?}: advisor {:?} is not an advisor (advisors: {known})",
                s.id, s.advisor
            )),
            Some(a) => {
                let len = s.hours.end - s.hours.start;
                if len > a.shift.end.saturating_sub(a.shift.start)
                    || s.hours.start < a.shift.start
                    || s.hours.end > a.shift.end
                {
                    problems.push(format!(
                        "session {:?} ({}-{}) does not fit advisor {:?}'s shift {}-{}; widen the shift or move the session",
                        s.id,
                        format_clock(s.hours.start),
                        format_clock(s.hours.end),
                        a.id,
                        format_clock(a.shift.start),
                        format_clock(a.shift.end)
                    ));
                }
            }
        }
    }
    problems
}

fn join(v: &[String]) -> String {
    v.join(";")
}

fn spans(v: &[Span]) -> String {
    v.iter()
        .map(|s| format!("{}-{}", format_clock(s.start), format_clock(s.end)))
        .collect::<Vec<_>>()
        .join("|")
}

/// Writes visit requests as CSV in the format [`read_visits_csv`] reads.
pub fn write_visits_csv(visits: &[VisitRequest], w: impl Write) -> std::io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record(VISIT_REQUIRED.iter().chain(&VISIT_OPTIONAL))?;
    for v in visits {
        let minutes = f64::from(v.duration_s) / 60.0;
        c.write_record([
            v.id.clone(),
            format!("{:.6}", v.place.lon()),
            format!("{:.6}", v.place.lat()),
            format!("{minutes}"),
            spans(&v.windows),
            join(&v.skills),
            join(&v.skills_any),
            join(&v.languages),
            v.priority.as_str().to_owned(),
            v.preferred_advisor.clone().unwrap_or_default(),
            v.advisor.clone().unwrap_or_default(),
            v.client.name.clone().unwrap_or_default(),
            v.client.address.clone().unwrap_or_default(),
            v.client.phone.clone().unwrap_or_default(),
            v.note.clone().unwrap_or_default(),
        ])?;
    }
    c.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visits(text: &str) -> Result<Vec<VisitRequest>, RequestError> {
        read_visits_csv(text.as_bytes(), "visits.csv")
    }

    #[test]
    fn clock_and_spans() {
        assert_eq!(parse_clock("09:30"), Ok(9 * 3600 + 1800));
        assert_eq!(parse_clock("24:00"), Ok(86_400));
        assert_eq!(parse_clock("7:05:09"), Ok(7 * 3600 + 5 * 60 + 9));
        for bad in ["24:01", "9", "09:60", "aa:bb", "", "09:00:00:00", "-1:00"] {
            assert!(parse_clock(bad).is_err(), "{bad}");
        }
        assert_eq!(format_clock(parse_clock("13:45").unwrap()), "13:45");
        assert!(parse_span("11:00-10:00").unwrap_err().contains("ends before it starts"));
        assert_eq!(parse_break("11:00-13:00/30").unwrap().duration_s, 1800);
        assert!(parse_break("11:00-11:20/30").is_err());
        assert!(parse_break("11:00-13:00").is_err());
    }

    #[test]
    fn visits_round_trip_through_the_writer() {
        let text = "id,lon,lat,duration_min,windows,skills,languages,priority,advisor,name\n\
                    v1,24.94,60.17,45,09:00-11:00|13:00-15:00,digital;benefits,fi;sv,high,a1,Aino\n\
                    v2,24.95,60.18,30,,,,,,\n";
        let v = visits(text).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].windows.len(), 2);
        assert_eq!(v[0].skills, ["digital", "benefits"]);
        assert_eq!(v[0].priority, Priority::High);
        assert_eq!(v[1].priority, Priority::Normal);
        assert_eq!(v[0].client.name.as_deref(), Some("Aino"));
        let mut out = Vec::new();
        write_visits_csv(&v, &mut out).unwrap();
        assert_eq!(visits(std::str::from_utf8(&out).unwrap()).unwrap(), v);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let e = visits("id,lon,lat,duration_min,windows\nv1,24.9,60.1,30,\nv2,24.9,60.1,30,11:00-10:00\n")
            .unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("windows")));
        assert!(e.to_string().starts_with("visits.csv, line 3, field windows: "), "{e}");
        let e = visits("id,lon,lat,duration_min\nv1,24.9,60.1,30\nv1,24.9,60.1,30\n").unwrap_err();
        assert!(e.message.contains("already used") && e.line == Some(3), "{e}");
        let e = visits("id,lon,lat,duration_min,langauges\n").unwrap_err();
        assert!(e.message.contains("unknown column \"langauges\""), "{e}");
        let e = visits("id,lon,duration_min\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("lat"));
        let e = visits("id,lon,lat,duration_min\nv1,240.9,60.1,30\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("lon"));
        let e = visits("id,lon,lat,duration_min,priority\nv1,24.9,60.1,30,urgent\n").unwrap_err();
        assert!(e.message.contains("must, high, normal or low"), "{e}");
        let e = visits("id,lon,lat,duration_min\nv1,24.9,60.1\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let e = read_advisors_csv(
            "id,mode,start_lon,start_lat,shift\na,bike,24.9,60.1,08:00-16:00\n".as_bytes(),
            "advisors.csv",
        )
        .unwrap_err();
        assert!(e.message.contains("walk or car"), "{e}");
        let e =
            read_advisors_csv("id,mode,start_lon,start_lat,shift\n".as_bytes(), "advisors.csv").unwrap_err();
        assert!(e.message.contains("no advisors"), "{e}");
        let e = read_sessions_csv(
            "id,advisor,lon,lat,start,end\ns,a,24.9,60.1,14:00,10:00\n".as_bytes(),
            "s.csv",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("end"));
    }

    #[test]
    fn cross_check_finds_what_does_not_fit() {
        let a = read_advisors_csv(
            "id,mode,start_lon,start_lat,shift,skills,languages\na1,walk,24.9,60.1,08:00-12:00,digital,fi\n"
                .as_bytes(),
            "advisors.csv",
        )
        .unwrap();
        let v = visits(
            "id,lon,lat,duration_min,skills,languages,preferred_advisor\nv1,24.9,60.1,30,debt,ru,a9\n",
        )
        .unwrap();
        let s = read_sessions_csv(
            "id,advisor,lon,lat,start,end\nv1,a1,24.9,60.1,10:00,14:00\n".as_bytes(),
            "s.csv",
        )
        .unwrap();
        let p = cross_check(&v, &a, &s).join("\n");
        for needle in [
            "skill \"debt\"",
            "languages ru",
            "preferred_advisor \"a9\"",
            "also the id of a visit",
            "does not fit advisor",
        ] {
            assert!(p.contains(needle), "{needle} in {p}");
        }
        assert!(cross_check(&[], &a, &[]).is_empty());
    }
}
