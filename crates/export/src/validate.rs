//! The checks every export makes before writing anything.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use neuvo_model::LonLat;

use crate::day::{AdvisorDay, ExportOptions};
use crate::error::ExportError;

/// Details shorter than this are not searched for in free text (a one- or two-letter "name" would match words).
const MIN_DETAIL_CHARS: usize = 3;

/// Checks that `day` can be exported with `options`; see [`ExportError`] for each rule.
pub(crate) fn validate(day: &AdvisorDay, options: &ExportOptions) -> Result<(), ExportError> {
    if day.advisor_id.trim().is_empty() {
        return Err(ExportError::EmptyAdvisorId);
    }
    if day.mode != "walk" && day.mode != "car" {
        return Err(ExportError::UnknownMode(day.mode.clone()));
    }
    if !(1900..=9998).contains(&day.date.year()) {
        return Err(ExportError::DateOutOfRange(day.date));
    }
    let expected = day.stops.len().saturating_sub(1);
    if day.legs.len() != expected {
        return Err(ExportError::LegCount { stops: day.stops.len(), legs: day.legs.len(), expected });
    }
    let next_day = day.date.checked_add_days(Days::new(1)).ok_or(ExportError::DateOutOfRange(day.date))?;
    for (i, stop) in day.stops.iter().enumerate() {
        let seq = i + 1;
        check_place(stop.place).map_err(|source| ExportError::BadPlace { seq, source })?;
        let off = |which, time: NaiveDateTime, allowed: &[NaiveDate]| {
            if allowed.contains(&time.date()) {
                Ok(())
            } else {
                Err(ExportError::OffDate { seq, which, time, date: day.date })
            }
        };
        off("arrival", stop.arrival, &[day.date])?;
        off("start", stop.start, &[day.date])?;
        off("end", stop.end, &[day.date, next_day])?;
        if stop.arrival > stop.start {
            return Err(ExportError::ArrivalAfterStart { seq, arrival: stop.arrival, start: stop.start });
        }
        if stop.end < stop.start {
            return Err(ExportError::EndBeforeStart { seq, start: stop.start, end: stop.end });
        }
        if let Some(previous) = i.checked_sub(1).map(|p| &day.stops[p])
            && stop.arrival < previous.end
        {
            return Err(ExportError::OutOfOrder { seq, arrival: stop.arrival, previous_end: previous.end });
        }
        if let Some(client) = &stop.client
            && client.pseudonym.trim().is_empty()
        {
            return Err(ExportError::EmptyPseudonym { seq });
        }
    }
    for (i, leg) in day.legs.iter().enumerate() {
        let seq = i + 1;
        if leg.geometry.len() == 1 {
            return Err(ExportError::SinglePointGeometry { seq });
        }
        for (index, p) in leg.geometry.iter().enumerate() {
            check_place(*p).map_err(|source| ExportError::BadGeometry { seq, index, source })?;
        }
    }
    if !options.reveal_client_details {
        check_no_details_in_text(day)?;
    }
    Ok(())
}

/// A `LonLat` built by deserialization skips `try_new`'s check; run it again.
fn check_place(p: LonLat) -> Result<(), neuvo_model::LonLatError> {
    LonLat::try_new(p.lon(), p.lat()).map(|_| ())
}

/// With details hidden, no label, note or pseudonym may contain any client's name, address or phone of the day
/// (case-insensitive; phone numbers also written with other spacing).
fn check_no_details_in_text(day: &AdvisorDay) -> Result<(), ExportError> {
    let mut details: Vec<String> = Vec::new();
    let mut phones: Vec<String> = Vec::new();
    for client in day.stops.iter().filter_map(|s| s.client.as_ref()) {
        for d in [&client.name, &client.address, &client.phone].into_iter().flatten() {
            let d = d.trim().to_lowercase();
            if d.chars().count() >= MIN_DETAIL_CHARS {
                details.push(d);
            }
        }
        if let Some(phone) = &client.phone
            && phone.chars().filter(char::is_ascii_digit).count() >= 5
        {
            phones.push(squeeze(phone));
        }
    }
    if details.is_empty() && phones.is_empty() {
        return Ok(());
    }
    for (i, stop) in day.stops.iter().enumerate() {
        let texts = [
            ("label", Some(stop.label.as_str())),
            ("note", stop.note.as_deref()),
            ("pseudonym", stop.client.as_ref().map(|c| c.pseudonym.as_str())),
        ];
        for (field, text) in texts {
            let Some(text) = text else { continue };
            let lower = text.to_lowercase();
            let squeezed = squeeze(text);
            if details.iter().any(|d| lower.contains(d.as_str()))
                || phones.iter().any(|p| squeezed.contains(p.as_str()))
            {
                return Err(ExportError::ClientDetailInText { seq: i + 1, field });
            }
        }
    }
    Ok(())
}

/// A text without the separators people write inside phone numbers: `+358 (40) 123-4567` → `+358401234567`.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/' | '\u{a0}')).collect()
}
