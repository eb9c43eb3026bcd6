//! The service calendar: on which dates each `service_id` runs, from calendar.txt (weekdays within a date range)
//! and calendar_dates.txt (dates added and removed).

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};

use crate::error::GtfsError;
use crate::read::Table;

/// When one service runs.
#[derive(Default)]
struct Service {
    /// Weekdays (Monday first) and the first and last date, from calendar.txt.
    weekly: Option<([bool; 7], NaiveDate, NaiveDate)>,
    /// Dates added by calendar_dates.txt (exception_type 1).
    added: BTreeSet<NaiveDate>,
    /// Dates removed by calendar_dates.txt (exception_type 2).
    removed: BTreeSet<NaiveDate>,
}

/// The services of a feed, numbered in the order they were first seen.
#[derive(Default)]
pub(crate) struct Calendar {
    ids: HashMap<String, u32>,
    services: Vec<Service>,
}

const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

impl Calendar {
    /// Reads calendar.txt and calendar_dates.txt (either may be `None`, not both: the caller checks).
    pub(crate) fn read(calendar: Option<Table>, dates: Option<Table>) -> Result<Calendar, GtfsError> {
        let mut cal = Calendar::default();
        if let Some(mut t) = calendar {
            let id = t.required("service_id")?;
            let mut days = Vec::with_capacity(7);
            for d in DAYS {
                days.push(t.required(d)?);
            }
            let (start, end) = (t.required("start_date")?, t.required("end_date")?);
            t.for_each(|row| {
                let mut flags = [false; 7];
                for (flag, &c) in flags.iter_mut().zip(&days) {
                    *flag = match row.get(c) {
                        "1" => true,
                        "0" => false,
                        _ => {
                            return Err(row.invalid(
                                c,
                                "0 or 1",
                                "write 1 if the service runs on that weekday, else 0",
                            ));
                        }
                    };
                }
                let (first, last) = (row.date(start)?, row.date(end)?);
                if last < first {
                    return Err(row.invalid(
                        end,
                        format!("a date on or after the start_date {}", first.format("%Y%m%d")),
                        "swap start_date and end_date",
                    ));
                }
                let s = cal.service(row.id(id)?);
                if s.weekly.is_some() {
                    return Err(row.invalid(id, "a service_id not listed before", "list each service once"));
                }
                s.weekly = Some((flags, first, last));
                Ok(())
            })?;
        }
        if let Some(mut t) = dates {
            let (id, date, kind) =
                (t.required("service_id")?, t.required("date")?, t.required("exception_type")?);
            t.for_each(|row| {
                let d = row.date(date)?;
                let added = match row.get(kind) {
                    "1" => true,
                    "2" => false,
                    _ => {
                        return Err(row.invalid(
                            kind,
                            "1 (service added on that date) or 2 (service removed)",
                            "write 1 or 2",
                        ));
                    }
                };
                let s = cal.service(row.id(id)?);
                if added {
                    s.removed.remove(&d);
                    s.added.insert(d);
                } else {
                    s.added.remove(&d);
                    s.removed.insert(d);
                }
                Ok(())
            })?;
        }
        Ok(cal)
    }

    fn service(&mut self, id: &str) -> &mut Service {
        let n = self.services.len() as u32;
        let k = *self.ids.entry(id.to_string()).or_insert(n);
        if k == n {
            self.services.push(Service::default());
        }
        &mut self.services[k as usize]
    }

    /// The number of a `service_id`, if either calendar file lists it.
    pub(crate) fn index(&self, id: &str) -> Option<u32> {
        self.ids.get(id).copied()
    }

    /// Whether service `s` runs on `date`.
    pub(crate) fn runs(&self, s: u32, date: NaiveDate) -> bool {
        let sv = &self.services[s as usize];
        if sv.removed.contains(&date) {
            return false;
        }
        if sv.added.contains(&date) {
            return true;
        }
        sv.weekly.is_some_and(|(days, first, last)| {
            (first..=last).contains(&date) && days[date.weekday().num_days_from_monday() as usize]
        })
    }

    /// Every date on which at least one of `services` runs, in order.
    pub(crate) fn dates(&self, services: impl IntoIterator<Item = u32>) -> Vec<NaiveDate> {
        let mut out = BTreeSet::new();
        for s in services {
            let sv = &self.services[s as usize];
            if let Some((_, first, last)) = sv.weekly {
                out.extend(first.iter_days().take_while(|d| *d <= last).filter(|&d| self.runs(s, d)));
            }
            out.extend(sv.added.iter().copied());
        }
        out.into_iter().collect()
    }
}

/// Describes the service dates for an error message, e.g. "the feed runs on 2022-02-22 only".
pub(crate) fn describe_dates(dates: &[NaiveDate]) -> String {
    match dates {
        [] => "the feed has no service dates at all (check calendar.txt and calendar_dates.txt)".to_string(),
        [d] => format!("the feed runs on {d} only"),
        [init @ .., last] if dates.len() <= 5 => {
            let init: Vec<String> = init.iter().map(ToString::to_string).collect();
            format!("the feed runs on {} and {last}", init.join(", "))
        }
        [first, .., last] => format!("the feed runs on {} dates from {first} to {last}", dates.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a valid date")
    }

    #[test]
    fn describes_few_and_many_dates() {
        assert_eq!(describe_dates(&[d(2022, 2, 22)]), "the feed runs on 2022-02-22 only");
        assert_eq!(
            describe_dates(&[d(2022, 2, 22), d(2022, 2, 23), d(2022, 2, 25)]),
            "the feed runs on 2022-02-22, 2022-02-23 and 2022-02-25"
        );
        let many: Vec<NaiveDate> = d(2022, 2, 4).iter_days().take(41).collect();
        assert_eq!(describe_dates(&many), "the feed runs on 41 dates from 2022-02-04 to 2022-03-16");
    }
}
