//! A realistic day in Espoo, built in code.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use neuvo_export::{AdvisorDay, ClientInfo, DayStop, ExportOptions, Leg, StopKind};
use neuvo_model::LonLat;

/// The day of the fixture: a Tuesday in winter (EET, UTC+2).
pub(crate) const DATE: (i32, u32, u32) = (2026, 12, 1);

/// The name and address the privacy tests look for.
pub(crate) const SECRET_NAME: &str = "Maija Meikäläinen";
pub(crate) const SECRET_ADDRESS: &str = "Kivenlahdentie 1";
pub(crate) const SECRET_PHONE: &str = "+358 40 123 4567";

pub(crate) fn p(lon: f64, lat: f64) -> LonLat {
    LonLat::try_new(lon, lat).unwrap()
}

pub(crate) fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(DATE.0, DATE.1, DATE.2).unwrap()
}

fn at(hhmm: &str) -> NaiveDateTime {
    let t = chrono::NaiveTime::parse_from_str(hhmm, "%H:%M").unwrap();
    date().and_time(t)
}

#[allow(clippy::too_many_arguments)]
fn stop(
    kind: StopKind,
    label: &str,
    place: LonLat,
    times: [&str; 3],
    client: Option<ClientInfo>,
    note: Option<&str>,
) -> DayStop {
    DayStop {
        kind,
        label: label.to_owned(),
        place,
        arrival: at(times[0]),
        start: at(times[1]),
        end: at(times[2]),
        client,
        note: note.map(str::to_owned),
    }
}

fn client(
    pseudonym: &str,
    name: Option<&str>,
    address: Option<&str>,
    phone: Option<&str>,
) -> Option<ClientInfo> {
    Some(ClientInfo {
        pseudonym: pseudonym.to_owned(),
        name: name.map(str::to_owned),
        address: address.map(str::to_owned),
        phone: phone.map(str::to_owned),
    })
}

fn leg(travel_s: u32, distance_m: u32, geometry: &[(f64, f64)]) -> Leg {
    Leg { travel_s, distance_m, geometry: geometry.iter().map(|&(lon, lat)| p(lon, lat)).collect() }
}

/// Start at the Matinkylä service point at 08:00, two home visits in Kivenlahti and Espoonlahti, the pinned
/// pop-up session 10:00–14:00 at Iso Omena library, a lunch break, two visits in Olari and Haukilahti, and back.
/// By car. Legs 1, 2, 3 and 6 have street geometry, legs 4, 5 and 7 none (drawn straight).
pub(crate) fn espoo_day() -> AdvisorDay {
    let service_point = p(24.7376, 60.1600);
    let stops = vec![
        stop(
            StopKind::Start,
            "Start: Matinkylä service point",
            service_point,
            ["08:00", "08:00", "08:00"],
            None,
            None,
        ),
        stop(
            StopKind::Visit,
            "Client C-7f3a",
            p(24.6420, 60.1508),
            ["08:17", "08:20", "09:05"],
            client("C-7f3a", Some(SECRET_NAME), Some(SECRET_ADDRESS), Some(SECRET_PHONE)),
            Some("Door code 1234; ring twice, \"B\" stair\nBring forms & pens <A4>"),
        ),
        stop(
            StopKind::Visit,
            "Client C-19bd",
            p(24.6575, 60.1462),
            ["09:12", "09:15", "09:45"],
            client("C-19bd", Some("Pekka Virtanen"), Some("Espoonlahdenkatu 4 B 12"), None),
            None,
        ),
        stop(
            StopKind::Session,
            "Pop-up session: Iso Omenan kirjasto 📚 (Iso Omena library, Piispansilta 11, 2nd floor; by the ääni- ja \
             kuvatallenteet shelves)",
            p(24.7384, 60.1614),
            ["09:58", "10:00", "14:00"],
            None,
            Some("Bring the roll-up banner; ask staff for the wifi code"),
        ),
        stop(StopKind::Break, "Lunch break", p(24.7392, 60.1609), ["14:03", "14:05", "14:35"], None, None),
        stop(
            StopKind::Visit,
            "Client C-5e21",
            p(24.7283, 60.1745),
            ["14:45", "14:50", "15:35"],
            client("C-5e21", Some("Aino Mäkelä"), None, Some("09 816 21")),
            None,
        ),
        stop(
            StopKind::Visit,
            "Client C-a0c4",
            p(24.7712, 60.1588),
            ["15:48", "15:50", "16:35"],
            client("C-a0c4", Some("Eero Ölander"), Some("Haukilahdenkatu 3"), None),
            Some("🐕 friendly dog, ääkköset ok"),
        ),
        stop(
            StopKind::End,
            "End: Matinkylä service point",
            service_point,
            ["16:47", "16:47", "16:47"],
            None,
            None,
        ),
    ];
    let legs = vec![
        leg(
            1010,
            7820,
            &[
                (24.7376, 60.1600),
                (24.7200, 60.1580),
                (24.6900, 60.1545),
                (24.6550, 60.1520),
                (24.6420, 60.1508),
            ],
        ),
        leg(400, 1900, &[(24.6420, 60.1508), (24.6500, 60.1480), (24.6575, 60.1462)]),
        leg(760, 6900, &[(24.6575, 60.1462), (24.6900, 60.1530), (24.7210, 60.1585), (24.7384, 60.1614)]),
        leg(95, 110, &[]),
        leg(580, 2300, &[]),
        leg(700, 3800, &[(24.7283, 60.1745), (24.7450, 60.1700), (24.7600, 60.1630), (24.7712, 60.1588)]),
        leg(690, 3500, &[]),
    ];
    AdvisorDay {
        advisor_id: "A-12".to_owned(),
        advisor_name: Some("Aino Äijälä".to_owned()),
        date: date(),
        mode: "car".to_owned(),
        stops,
        legs,
    }
}

/// The same day moved to another date (all times shifted by whole days).
pub(crate) fn moved_to(day: &AdvisorDay, to: NaiveDate) -> AdvisorDay {
    let shift = TimeDelta::days((to - day.date).num_days());
    let mut moved = day.clone();
    moved.date = to;
    for s in &mut moved.stops {
        s.arrival += shift;
        s.start += shift;
        s.end += shift;
    }
    moved
}

/// The export time: the evening before, 18:00 UTC.
pub(crate) fn options(reveal: bool) -> ExportOptions {
    let at = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(18, 0, 0).unwrap();
    ExportOptions { reveal_client_details: reveal, generated_at_utc: at }
}

/// Undoes iCalendar folding (a CRLF followed by one space or tab is removed), written here independently of the
/// crate.
pub(crate) fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "").replace("\r\n\t", "")
}
