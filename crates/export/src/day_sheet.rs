//! The printable HTML day sheet.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::day::{AdvisorDay, ExportOptions, StopKind};
use crate::error::ExportError;
use crate::text::{advisor_text, client_text, escape_xml as esc, hhmm, km, leg_into, minutes_up, span};
use crate::validate::validate;

/// Finnish weekday abbreviations, Monday first.
const WEEKDAYS_FI: [&str; 7] = ["ma", "ti", "ke", "to", "pe", "la", "su"];

/// Inline style: screen and print, no external resources.
const STYLE: &str = "\
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; margin: 0 0 0.2em 0; }
p.sub { margin: 0 0 1em 0; color: #444; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; margin: 0 0 1.2em 0; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.95em; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
td.time { white-space: nowrap; }
tr.session td, tr.break td { background: #f5f5f5; }
td.note { white-space: pre-line; }
footer { margin-top: 1em; font-size: 0.8em; color: #555; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { margin: 0; font-size: 10.5pt; }
  th { background: #ddd; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
";

/// The day as one self-contained printable HTML page: no scripts, no external resources, inline CSS with print
/// rules (A4, rows never split across pages, header row repeated).
///
/// The title names the advisor and the date (`ti 1.12.2026`, the Finnish short form, and ISO); a summary gives the
/// number of visits, sessions and breaks, total travel (minutes rounded up, and kilometres), the first start and
/// the last end; a table lists the stops in order with times, client, travel to the stop and note. The client
/// column shows the pseudonym, and with `reveal_client_details` also the name, address and phone. Every text is
/// HTML-escaped. The markup is also well-formed XML.
pub fn html_day_sheet(day: &AdvisorDay, options: &ExportOptions) -> Result<String, ExportError> {
    validate(day, options)?;
    let reveal = options.reveal_client_details;
    let title = format!("Day plan: {}, {}", advisor_text(day), finnish_date(day.date));
    let count = |kind| day.stops.iter().filter(|s| s.kind == kind).count();
    let travel_s: u64 = day.legs.iter().map(|l| u64::from(l.travel_s)).sum();
    let distance_m: u64 = day.legs.iter().map(|l| u64::from(l.distance_m)).sum();

    let mut out = String::with_capacity(4096 + 600 * day.stops.len());
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    let _ = writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(out, "<p class=\"sub\">{} · travel by {}</p>", day.date, esc(&day.mode));

    out.push_str("<dl class=\"summary\">\n");
    let mut fact = |term: &str, value: &str| {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(term), esc(value));
    };
    fact("Visits", &count(StopKind::Visit).to_string());
    fact("Sessions", &count(StopKind::Session).to_string());
    fact("Breaks", &count(StopKind::Break).to_string());
    fact("Travel", &format!("{} min, {}", minutes_up(travel_s), km(distance_m)));
    match (day.stops.first(), day.stops.last()) {
        (Some(first), Some(last)) => {
            fact("First start", &hhmm(first.start));
            fact("Last end", &hhmm(last.end));
        }
        _ => fact("Stops", "none planned"),
    }
    out.push_str("</dl>\n");

    out.push_str("<table>\n<thead><tr><th>#</th><th>Kind</th><th>Arrive</th><th>Time</th><th>Stop</th>");
    out.push_str("<th>Client</th><th>Travel</th><th>Distance</th><th>Note</th></tr></thead>\n<tbody>\n");
    for (i, stop) in day.stops.iter().enumerate() {
        let leg = leg_into(day, i);
        let _ = writeln!(
            out,
            "<tr class=\"{kind}\"><td class=\"num\">{seq}</td><td>{kind}</td><td class=\"time\">{arrival}</td>\
             <td class=\"time\">{time}</td><td>{label}</td><td>{client}</td><td class=\"num\">{travel}</td>\
             <td class=\"num\">{distance}</td><td class=\"note\">{note}</td></tr>",
            kind = stop.kind.as_str(),
            seq = i + 1,
            arrival = hhmm(stop.arrival),
            time = span(stop),
            label = esc(&stop.label),
            client = esc(&client_text(stop, reveal)),
            travel = leg.map(|l| format!("{} min", minutes_up(u64::from(l.travel_s)))).unwrap_or_default(),
            distance = leg.map(|l| km(u64::from(l.distance_m))).unwrap_or_default(),
            note = esc(stop.note.as_deref().unwrap_or("")),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        out,
        "<footer>Times are local (Europe/Helsinki). Travel is to each stop from the one before; minutes are \
         rounded up. {}</footer>",
        if reveal {
            "This sheet holds clients' names and addresses: keep it safe and destroy it after use."
        } else {
            "Clients are named by pseudonym only."
        }
    );
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

/// A date in the Finnish short form with the weekday: `ti 1.12.2026`.
fn finnish_date(d: NaiveDate) -> String {
    format!(
        "{} {}.{}.{}",
        WEEKDAYS_FI[d.weekday().num_days_from_monday() as usize],
        d.day(),
        d.month(),
        d.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(finnish_date(d(2026, 12, 1)), "ti 1.12.2026");
        assert_eq!(finnish_date(d(2026, 3, 29)), "su 29.3.2026");
        assert_eq!(finnish_date(d(2026, 10, 26)), "ma 26.10.2026");
        assert_eq!(finnish_date(d(2027, 1, 2)), "la 2.1.2027");
    }
}
