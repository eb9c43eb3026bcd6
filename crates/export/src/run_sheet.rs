//! The CSV run sheet for spreadsheets.

use std::fmt::Write as _;

use crate::day::{AdvisorDay, ExportOptions};
use crate::error::ExportError;
use crate::text::{client_text, deg6, hhmm, leg_into, minutes_up};
use crate::validate::validate;

/// The header of [`csv_run_sheet`].
const HEADER: &str = "seq,kind,label,client,arrival,start,end,travel_min,distance_m,lat,lon";

/// The day as a CSV run sheet (RFC 4180: CRLF line ends, fields with `"`, `,`, CR or LF quoted, quotes doubled).
///
/// Columns: `seq,kind,label,client,arrival,start,end,travel_min,distance_m,lat,lon`. `client` is the pseudonym,
/// or with `reveal_client_details` `pseudonym (name, address, phone)` with the details given; `arrival`, `start`
/// and `end` are `HH:MM`; `travel_min` (rounded up) and `distance_m` are the travel *to* the stop, empty for the
/// first; `lat` and `lon` have 6 decimals.
///
/// Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) get a
/// leading `'`, so that opening the sheet never evaluates a label or a name.
pub fn csv_run_sheet(day: &AdvisorDay, options: &ExportOptions) -> Result<String, ExportError> {
    validate(day, options)?;
    let mut out = String::with_capacity(HEADER.len() + 2 + 120 * day.stops.len());
    out.push_str(HEADER);
    out.push_str("\r\n");
    for (i, stop) in day.stops.iter().enumerate() {
        let leg = leg_into(day, i);
        let cells = [
            (i + 1).to_string(),
            stop.kind.as_str().to_owned(),
            text_cell(&stop.label),
            text_cell(&client_text(stop, options.reveal_client_details)),
            hhmm(stop.arrival),
            hhmm(stop.start),
            hhmm(stop.end),
            leg.map(|l| minutes_up(u64::from(l.travel_s)).to_string()).unwrap_or_default(),
            leg.map(|l| l.distance_m.to_string()).unwrap_or_default(),
            deg6(stop.place.lat()),
            deg6(stop.place.lon()),
        ];
        for (k, cell) in cells.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "{}", quote(cell));
        }
        out.push_str("\r\n");
    }
    Ok(out)
}

/// A free-text cell: a leading `'` when a spreadsheet would read it as a formula.
pub(crate) fn text_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

/// RFC 4180 quoting: a field with a comma, quote, CR or LF is enclosed in quotes, quotes doubled.
pub(crate) fn quote(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote(""), "");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote("cr\r"), "\"cr\r\"");
        assert_eq!(quote("ääkköset 📚; ok"), "ääkköset 📚; ok");
    }

    #[test]
    fn formula_like_text_is_defused() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("+358 40"), "'+358 40");
        assert_eq!(text_cell("-1"), "'-1");
        assert_eq!(text_cell("@SUM"), "'@SUM");
        assert_eq!(text_cell("Client C-7f3a"), "Client C-7f3a");
    }
}
