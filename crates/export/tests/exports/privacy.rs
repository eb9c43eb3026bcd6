//! No client name, address or phone in any format unless revealed.

use neuvo_export::{
    AdvisorDay, ExportError, ExportOptions, csv_run_sheet, geojson, gpx, html_day_sheet, ics,
};

use crate::fixture::{SECRET_ADDRESS, SECRET_NAME, SECRET_PHONE, espoo_day, options, unfold};

/// Every format of the day, by name. The calendar is given folded as written and unfolded, so that a detail split
/// by a fold is still found.
fn all_formats(day: &AdvisorDay, opts: &ExportOptions) -> Vec<(&'static str, String)> {
    let calendar = ics(day, opts).unwrap();
    vec![
        ("geojson", serde_json::to_string_pretty(&geojson(day, opts).unwrap()).unwrap()),
        ("gpx", gpx(day, opts).unwrap()),
        ("ics (unfolded)", unfold(&calendar)),
        ("ics", calendar),
        ("csv", csv_run_sheet(day, opts).unwrap()),
        ("html", html_day_sheet(day, opts).unwrap()),
    ]
}

/// Every client detail of the fixture, and distinctive parts of them.
const DETAILS: &[&str] = &[
    SECRET_NAME,
    SECRET_ADDRESS,
    SECRET_PHONE,
    "Meikäläinen",
    "Kivenlahdentie",
    "123 4567",
    "Pekka Virtanen",
    "Virtanen",
    "Espoonlahdenkatu",
    "Aino Mäkelä",
    "Mäkelä",
    "09 816 21",
    "Eero Ölander",
    "Ölander",
    "Haukilahdenkatu",
];

#[test]
fn hidden_by_default_in_every_format() {
    let day = espoo_day();
    let outputs = all_formats(&day, &options(false));
    assert_eq!(outputs.len(), 6);
    for (format, text) in &outputs {
        for detail in DETAILS {
            // Also as the formats would escape it (the JSON and XML forms of these texts are the same, but a
            // change of escaping must not hide a leak from this test).
            let json = serde_json::to_string(detail).unwrap();
            for form in [detail.to_string(), json[1..json.len() - 1].to_owned(), detail.to_lowercase()] {
                assert!(!text.contains(&form), "{format} contains {form:?}");
            }
        }
        // The pseudonyms are there instead.
        for pseudonym in ["C-7f3a", "C-19bd", "C-5e21", "C-a0c4"] {
            assert!(text.contains(pseudonym), "{format} lacks {pseudonym}");
        }
    }
}

#[test]
fn revealed_on_request() {
    let day = espoo_day();
    for (format, text) in all_formats(&day, &options(true)) {
        if format == "ics" {
            continue; // the folded form may split a detail; the unfolded one is checked
        }
        assert!(text.contains(SECRET_NAME), "{format} lacks the name");
        assert!(text.contains(SECRET_PHONE), "{format} lacks the phone");
        assert!(text.contains(SECRET_ADDRESS), "{format} lacks the address");
    }
}

#[test]
fn a_detail_in_free_text_is_refused_unless_revealed() {
    type Change = fn(&mut AdvisorDay);
    let cases: [(usize, Change, &str); 4] = [
        (2, |d| d.stops[1].label = "Visit Maija Meikäläinen".into(), "label"),
        (2, |d| d.stops[1].note = Some("at KIVENLAHDENTIE 1, 2nd floor".into()), "note"),
        // The phone number written with other spacing is still the phone number.
        (4, |d| d.stops[3].note = Some("If late call +358 401 234 567".into()), "note"),
        (6, |d| d.stops[5].client.as_mut().unwrap().pseudonym = "Aino Mäkelä".into(), "pseudonym"),
    ];
    for (seq, change, field) in cases {
        let mut day = espoo_day();
        change(&mut day);
        let err = gpx(&day, &options(false)).unwrap_err();
        assert_eq!(err, ExportError::ClientDetailInText { seq, field });
        // The message is safe to log: it names the stop, not the detail.
        let message = err.to_string();
        for detail in DETAILS {
            assert!(!message.to_lowercase().contains(&detail.to_lowercase()), "{message}");
        }
        assert_eq!(csv_run_sheet(&day, &options(false)).unwrap_err(), err);
        assert!(gpx(&day, &options(true)).is_ok(), "revealing allows it ({field})");
    }
}
