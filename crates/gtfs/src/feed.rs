//! Reading a whole feed: stops, routes, trips with their stop_times (times filled in), frequencies and the
//! calendar, every reference checked.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use neuvo_model::{LonLat, LonLatError};
use neuvo_transit::{Route, RouteKind, Secs, Stop, format_secs};

use crate::calendar::Calendar;
use crate::error::GtfsError;
use crate::read::{Row, Source, Table};

/// A GTFS feed read into memory, ready to give the timetable of any of its service dates.
pub struct Feed {
    pub(crate) name: String,
    pub(crate) stops: Vec<Stop>,
    pub(crate) routes: Vec<Route>,
    pub(crate) trips: Vec<Trip>,
    pub(crate) calendar: Calendar,
    pub(crate) interpolated: usize,
    pub(crate) skipped: usize,
    pub(crate) notes: Vec<String>,
}

/// A trip with at least two stop_times, every time filled in.
pub(crate) struct Trip {
    pub(crate) id: String,
    pub(crate) route: u32,
    pub(crate) service: u32,
    pub(crate) stops: Vec<u32>,
    pub(crate) times: Vec<(Secs, Secs)>,
    /// Non-empty for a frequency-based trip, whose own times only give the offsets between its calls.
    pub(crate) frequencies: Vec<Frequency>,
}

/// One row of frequencies.txt.
pub(crate) struct Frequency {
    pub(crate) start: Secs,
    pub(crate) end: Secs,
    pub(crate) headway: Secs,
}

/// A row of stop_times.txt before its trip is put in order.
struct Call {
    line: u64,
    seq: u32,
    stop: u32,
    arr: Option<Secs>,
    dep: Option<Secs>,
}

/// A trip of trips.txt before its stop_times are read.
struct TripRow {
    id: String,
    route: u32,
    service: u32,
    calls: Vec<Call>,
}

const BOARDABLE: &str = "a stop or platform (location_type empty, 0 or 4)";

impl Feed {
    /// Reads a GTFS feed: a zip file or a folder of .txt files.
    ///
    /// stops.txt, routes.txt, trips.txt, stop_times.txt and at least one of calendar.txt and calendar_dates.txt
    /// are required, frequencies.txt is optional; a missing agency.txt is only a note. Columns are found by
    /// name (unknown ones ignored), values are trimmed and a UTF-8 byte-order mark is dropped.
    ///
    /// Only stops with location_type empty, 0 or 4 enter the timetable; stations, entrances and generic nodes
    /// may not be named by stop_times. Empty times of intermediate stops are interpolated by straight-line
    /// distance between the stops. A trip with fewer than two stop_times (as in feeds clipped to an area)
    /// cannot carry anyone: it is left out and counted in the report.
    ///
    /// # Errors
    /// A [`GtfsError`] naming file, line and field: a missing file or column, a bad time, date or number, an
    /// unknown stop, route, trip or service, stop_times out of order, a bad `route_type`.
    pub fn open(path: impl AsRef<Path>) -> Result<Feed, GtfsError> {
        let path = path.as_ref();
        let name =
            path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let mut src = Source::open(path)?;
        let mut table = |file: &'static str| -> Result<Option<Table>, GtfsError> {
            src.read(file)?.map(|bytes| Table::new(file, bytes)).transpose()
        };
        let missing = |file| GtfsError::MissingFile { feed: name.clone(), file };
        let stops_t = table("stops.txt")?.ok_or_else(|| missing("stops.txt"))?;
        let routes_t = table("routes.txt")?.ok_or_else(|| missing("routes.txt"))?;
        let trips_t = table("trips.txt")?.ok_or_else(|| missing("trips.txt"))?;
        let times_t = table("stop_times.txt")?.ok_or_else(|| missing("stop_times.txt"))?;
        let (cal_t, dates_t) = (table("calendar.txt")?, table("calendar_dates.txt")?);
        if cal_t.is_none() && dates_t.is_none() {
            return Err(missing("calendar.txt or calendar_dates.txt"));
        }
        let freq_t = table("frequencies.txt")?;
        let mut notes = Vec::new();
        if table("agency.txt")?.is_none() {
            notes.push("the feed has no agency.txt (GTFS requires it; neuvo does not need it)".to_string());
        }

        let Stops { stops, index: stop_ids, others: other_places } = read_stops(stops_t)?;
        let (routes, route_ids) = read_routes(routes_t)?;
        let calendar = Calendar::read(cal_t, dates_t)?;
        let (mut rows, trip_ids) = read_trips(trips_t, &route_ids, &calendar)?;
        read_stop_times(times_t, &trip_ids, &stop_ids, &other_places, &mut rows)?;

        let mut trips = Vec::with_capacity(rows.len());
        let mut usable = vec![None; rows.len()];
        let (mut interpolated, mut too_short) = (0, Vec::new());
        for (k, row) in rows.into_iter().enumerate() {
            if row.calls.len() < 2 {
                too_short.push(row.id);
                continue;
            }
            let Filled { stops: stop_seq, times, interpolated: n } = fill_times(&row, &stops)?;
            interpolated += n;
            usable[k] = Some(trips.len());
            trips.push(Trip {
                id: row.id,
                route: row.route,
                service: row.service,
                stops: stop_seq,
                times,
                frequencies: Vec::new(),
            });
        }
        if !too_short.is_empty() {
            let shown: Vec<&str> = too_short.iter().take(3).map(String::as_str).collect();
            notes.push(format!(
                "{} trip(s) have fewer than two stop_times and are left out (e.g. {})",
                too_short.len(),
                shown.join(", ")
            ));
        }
        if let Some(t) = freq_t {
            let inexact = read_frequencies(t, &trip_ids, &usable, &mut trips)?;
            if inexact > 0 {
                notes.push(format!(
                    "{inexact} frequencies.txt row(s) have exact_times 0 (headway-based service); they are run as \
                     scheduled departures every headway_secs from start_time"
                ));
            }
        }
        Ok(Feed { name, stops, routes, trips, calendar, interpolated, skipped: too_short.len(), notes })
    }

    /// The feed's file or folder name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The stops of the timetable (location_type empty, 0 or 4), in the order of stops.txt.
    pub fn stops(&self) -> &[Stop] {
        &self.stops
    }

    /// The routes, in the order of routes.txt.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Notes about the feed as a whole (a missing agency.txt, trips left out, …).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Every date on which at least one trip runs: calendar.txt's weekdays within start_date..=end_date, plus
    /// the dates calendar_dates.txt adds (exception_type 1), minus those it removes (exception_type 2).
    pub fn service_dates(&self) -> Vec<NaiveDate> {
        let mut used: Vec<u32> = self.trips.iter().map(|t| t.service).collect();
        used.sort_unstable();
        used.dedup();
        self.calendar.dates(used)
    }
}

type StopIndex = HashMap<String, u32>;

/// The stops of stops.txt: those vehicles call at, and the location_type of the others.
struct Stops {
    stops: Vec<Stop>,
    index: StopIndex,
    others: HashMap<String, u32>,
}

/// A row of stops.txt before coordinates are checked.
struct RawStop {
    id: String,
    name: String,
    lat: Option<f64>,
    lon: Option<f64>,
    kind: u32,
    parent: String,
    line: u64,
}

fn read_stops(mut t: Table) -> Result<Stops, GtfsError> {
    let id = t.required("stop_id")?;
    let (lat, lon) = (t.required("stop_lat")?, t.required("stop_lon")?);
    let (name, kind, parent) =
        (t.optional("stop_name"), t.optional("location_type"), t.optional("parent_station"));
    let mut raw: Vec<RawStop> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    t.for_each(|row| {
        let sid = row.id(id)?.to_string();
        let k = match row.get(kind) {
            "" => 0,
            _ => match row.uint(kind, "a location_type 0 to 4") {
                Ok(k @ 0..=4) => k,
                _ => {
                    return Err(row.invalid(
                        kind,
                        "a location_type 0 to 4",
                        "write 0 (stop), 1 (station), 2 (entrance), 3 (node) or 4 (boarding area)",
                    ));
                }
            },
        };
        if seen.insert(sid.clone(), raw.len()).is_some() {
            return Err(row.invalid(id, "a stop_id not used before", "give every stop its own stop_id"));
        }
        raw.push(RawStop {
            id: sid,
            name: row.get(name).to_string(),
            lat: row.float(lat)?,
            lon: row.float(lon)?,
            kind: k,
            parent: row.get(parent).to_string(),
            line: row.line,
        });
        Ok(())
    })?;
    let file = t.file;
    let (mut stops, mut index, mut others) = (Vec::new(), HashMap::new(), HashMap::new());
    for RawStop { id: sid, name, lat: la, lon: lo, kind: k, parent, line } in &raw {
        if !matches!(k, 0 | 4) {
            others.insert(sid.clone(), *k);
            continue;
        }
        // A boarding area (or a stop) without coordinates sits where its parent is.
        let from_parent = || seen.get(parent).map(|&p| (raw[p].lat, raw[p].lon));
        let (la, lo) = match (la, lo) {
            (Some(a), Some(o)) => (*a, *o),
            _ => match from_parent() {
                Some((Some(a), Some(o))) => (a, o),
                _ => {
                    return Err(GtfsError::Invalid {
                        file,
                        line: *line,
                        field: if la.is_none() { "stop_lat" } else { "stop_lon" },
                        value: String::new(),
                        expected: "a coordinate (a stop where vehicles call needs stop_lat and stop_lon)"
                            .into(),
                        fix: "fill in the stop's WGS84 latitude and longitude".into(),
                    });
                }
            },
        };
        let pos = LonLat::try_new(lo, la).map_err(|e| {
            let (field, value) = match e {
                LonLatError::Longitude(v) => ("stop_lon", v),
                LonLatError::Latitude(v) => ("stop_lat", v),
            };
            GtfsError::Invalid {
                file,
                line: *line,
                field,
                value: value.to_string(),
                expected: "a WGS84 coordinate (longitude −180…180, latitude −90…90)".into(),
                fix: "check that stop_lat and stop_lon are not swapped".into(),
            }
        })?;
        index.insert(sid.clone(), stops.len() as u32);
        stops.push(Stop { id: sid.clone(), name: name.clone(), pos });
    }
    Ok(Stops { stops, index, others })
}

fn read_routes(mut t: Table) -> Result<(Vec<Route>, HashMap<String, u32>), GtfsError> {
    let (id, kind) = (t.required("route_id")?, t.required("route_type")?);
    let (short, long) = (t.optional("route_short_name"), t.optional("route_long_name"));
    let (mut routes, mut index) = (Vec::new(), HashMap::new());
    t.for_each(|row| {
        let rid = row.id(id)?;
        let expected = "a GTFS route_type (0–12 or an extended code 100–1702)";
        let fix = "use a route_type from the GTFS reference, e.g. 3 for bus";
        let code = row.uint(kind, expected).map_err(|_| row.invalid(kind, expected, fix))?;
        let kind = RouteKind::from_gtfs(code).ok_or_else(|| row.invalid(kind, expected, fix))?;
        let name = [row.get(short), row.get(long)].into_iter().find(|s| !s.is_empty()).unwrap_or(rid);
        if index.insert(rid.to_string(), routes.len() as u32).is_some() {
            return Err(row.invalid(id, "a route_id not used before", "give every route its own route_id"));
        }
        routes.push(Route { id: rid.to_string(), name: name.to_string(), kind });
        Ok(())
    })?;
    Ok((routes, index))
}

fn read_trips(
    mut t: Table,
    routes: &HashMap<String, u32>,
    calendar: &Calendar,
) -> Result<(Vec<TripRow>, HashMap<String, u32>), GtfsError> {
    let (route, service, id) = (t.required("route_id")?, t.required("service_id")?, t.required("trip_id")?);
    let (mut rows, mut index) = (Vec::new(), HashMap::new());
    t.for_each(|row| {
        let tid = row.id(id)?;
        let r = *routes.get(row.get(route)).ok_or_else(|| row.unknown(route, "route in routes.txt"))?;
        let s = calendar
            .index(row.get(service))
            .ok_or_else(|| row.unknown(service, "service in calendar.txt or calendar_dates.txt"))?;
        if index.insert(tid.to_string(), rows.len() as u32).is_some() {
            return Err(row.invalid(id, "a trip_id not used before", "give every trip its own trip_id"));
        }
        rows.push(TripRow { id: tid.to_string(), route: r, service: s, calls: Vec::new() });
        Ok(())
    })?;
    Ok((rows, index))
}

fn read_stop_times(
    mut t: Table,
    trips: &HashMap<String, u32>,
    stops: &StopIndex,
    others: &HashMap<String, u32>,
    rows: &mut [TripRow],
) -> Result<(), GtfsError> {
    let (trip, stop, seq) = (t.required("trip_id")?, t.required("stop_id")?, t.required("stop_sequence")?);
    let (arr, dep) = (t.required("arrival_time")?, t.required("departure_time")?);
    t.for_each(|row: &Row<'_>| {
        let k = *trips.get(row.get(trip)).ok_or_else(|| row.unknown(trip, "trip in trips.txt"))?;
        let s = match stops.get(row.get(stop)) {
            Some(&s) => s,
            None => {
                return Err(match others.get(row.get(stop)) {
                    Some(&kind) => {
                        let what = ["stop", "station", "entrance or exit", "generic node", "boarding area"]
                            [kind as usize];
                        row.invalid(
                            stop,
                            format!("{BOARDABLE}; it is a {what} (location_type {kind})"),
                            "name the platform or stop where vehicles call instead",
                        )
                    }
                    None => row.unknown(stop, "stop in stops.txt"),
                });
            }
        };
        let call = Call {
            line: row.line,
            seq: row.uint(seq, "a stop_sequence (a non-negative integer)")?,
            stop: s,
            arr: row.time(arr)?,
            dep: row.time(dep)?,
        };
        rows[k as usize].calls.push(call);
        Ok(())
    })
}

/// Puts a trip's calls in stop_sequence order and fills in every time: a call with only one time gets it for
/// both, calls with none between two timed calls are interpolated by straight-line distance. Returns the stops,
/// the times and how many calls were interpolated.
/// A trip's calls in order with every time filled in.
struct Filled {
    stops: Vec<u32>,
    times: Vec<(Secs, Secs)>,
    /// How many calls had their times interpolated.
    interpolated: usize,
}

fn fill_times(row: &TripRow, stops: &[Stop]) -> Result<Filled, GtfsError> {
    const FILE: &str = "stop_times.txt";
    let mut calls: Vec<&Call> = row.calls.iter().collect();
    calls.sort_by_key(|c| (c.seq, c.line));
    let out_of_order = |c: &Call, field, problem: String| GtfsError::OutOfOrder {
        file: FILE,
        line: c.line,
        field,
        trip: row.id.clone(),
        problem,
    };
    for w in calls.windows(2) {
        if w[0].seq == w[1].seq {
            return Err(out_of_order(
                w[1],
                "stop_sequence",
                format!(
                    "repeats stop_sequence {} (also on line {}); stop_sequence must increase",
                    w[1].seq, w[0].line
                ),
            ));
        }
    }
    let mut times: Vec<Option<(Secs, Secs)>> = Vec::with_capacity(calls.len());
    let mut last: Option<(Secs, &Call)> = None;
    for (i, c) in calls.iter().enumerate() {
        let t = match (c.arr, c.dep) {
            (None, None) => {
                if i == 0 || i + 1 == calls.len() {
                    let which = if i == 0 { "first" } else { "last" };
                    return Err(GtfsError::Invalid {
                        file: FILE,
                        line: c.line,
                        field: if i == 0 { "departure_time" } else { "arrival_time" },
                        value: String::new(),
                        expected: format!(
                            "a time H:MM:SS (the {which} stop of trip {:?} must have one)",
                            row.id
                        ),
                        fix: "fill in the time".into(),
                    });
                }
                None
            }
            (a, d) => {
                let (a, d) = (a.or(d).unwrap_or_default(), d.or(a).unwrap_or_default());
                if d < a {
                    return Err(out_of_order(
                        c,
                        "departure_time",
                        format!("departs at {} before it arrives at {}", format_secs(d), format_secs(a)),
                    ));
                }
                if let Some((prev, pc)) = last
                    && a < prev
                {
                    return Err(out_of_order(
                        c,
                        "arrival_time",
                        format!(
                            "arrives at {} (stop_sequence {}), before it left the stop before at {} (line {}); \
                             times must not go backwards along a trip",
                            format_secs(a),
                            c.seq,
                            format_secs(prev),
                            pc.line
                        ),
                    ));
                }
                last = Some((d, c));
                Some((a, d))
            }
        };
        times.push(t);
    }
    let pos = |i: usize| stops[calls[i].stop as usize].pos;
    let mut n = 0;
    let mut i = 0;
    while i + 1 < times.len() {
        if times[i + 1].is_some() {
            i += 1;
            continue;
        }
        let j = (i + 1..times.len()).find(|&j| times[j].is_some()).expect("the last call has a time");
        let (from, to) = (times[i].map_or(0, |t| t.1), times[j].map_or(0, |t| t.0));
        let mut cum = vec![0.0; j - i + 1];
        for k in 1..cum.len() {
            cum[k] = cum[k - 1] + pos(i + k - 1).haversine_m(pos(i + k));
        }
        let total = cum[cum.len() - 1];
        for k in 1..j - i {
            let f = if total > 0.0 { cum[k] / total } else { k as f64 / (j - i) as f64 };
            let t = from + (f64::from(to - from) * f).round() as Secs;
            times[i + k] = Some((t, t));
            n += 1;
        }
        i = j;
    }
    Ok(Filled {
        stops: calls.iter().map(|c| c.stop).collect(),
        times: times.into_iter().map(|t| t.unwrap_or_default()).collect(),
        interpolated: n,
    })
}

fn read_frequencies(
    mut t: Table,
    trip_ids: &HashMap<String, u32>,
    usable: &[Option<usize>],
    trips: &mut [Trip],
) -> Result<usize, GtfsError> {
    let (trip, start, end) = (t.required("trip_id")?, t.required("start_time")?, t.required("end_time")?);
    let (headway, exact) = (t.required("headway_secs")?, t.optional("exact_times"));
    let mut inexact = 0;
    t.for_each(|row| {
        let k = *trip_ids.get(row.get(trip)).ok_or_else(|| row.unknown(trip, "trip in trips.txt"))?;
        let (s, e) = (row.required_time(start)?, row.required_time(end)?);
        if e <= s {
            return Err(row.invalid(
                end,
                format!("a time after the start_time {}", format_secs(s)),
                "check the times",
            ));
        }
        let h = row.uint(headway, "a headway in seconds (a positive integer)")?;
        if h == 0 || h > 86_400 * 7 {
            return Err(row.invalid(
                headway,
                "a headway in seconds (a positive integer)",
                "write the seconds between departures",
            ));
        }
        match row.get(exact) {
            "" | "0" => inexact += 1,
            "1" => {}
            _ => {
                return Err(row.invalid(
                    exact,
                    "0 or 1",
                    "write 1 for exact departures, 0 (or nothing) for headway-based",
                ));
            }
        }
        if let Some(u) = usable[k as usize] {
            trips[u].frequencies.push(Frequency { start: s, end: e, headway: h as Secs });
        }
        Ok(())
    })?;
    Ok(inexact)
}
