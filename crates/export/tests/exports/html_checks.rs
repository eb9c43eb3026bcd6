//! The HTML day sheet: self-contained, escaped, well-formed (read with `xml-rs`), with the right summary.

use neuvo_export::html_day_sheet;
use xml::reader::{EventReader, XmlEvent};

use crate::fixture::{espoo_day, options};

/// Reads the page as XML; returns the text of every `td` row by row, the title and the `dd` values.
fn read(html: &str) -> (Vec<Vec<String>>, String, Vec<String>) {
    let (mut rows, mut title, mut dds) = (Vec::new(), String::new(), Vec::new());
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    for event in EventReader::new(html.as_bytes()) {
        match event.unwrap_or_else(|e| panic!("not well-formed: {e}")) {
            XmlEvent::StartElement { name, .. } => {
                if name.local_name == "tr" && path.last().is_some_and(|p| p == "tbody") {
                    rows.push(Vec::new());
                }
                path.push(name.local_name);
                text.clear();
            }
            XmlEvent::Characters(t) | XmlEvent::Whitespace(t) => text.push_str(&t),
            XmlEvent::EndElement { name } => {
                match name.local_name.as_str() {
                    "td" => rows.last_mut().unwrap().push(text.clone()),
                    "title" => title = text.clone(),
                    "dd" => dds.push(text.clone()),
                    _ => {}
                }
                path.pop();
                text.clear();
            }
            _ => {}
        }
    }
    (rows, title, dds)
}

#[test]
fn a_self_contained_page_with_summary_and_one_row_per_stop() {
    let day = espoo_day();
    let html = html_day_sheet(&day, &options(false)).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for forbidden in
        ["<script", "src=", "href=", "url(", "@import", "http://", "https://", "<link", "<img", "<iframe"]
    {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    assert!(html.contains("@media print"));
    let (rows, title, dds) = read(&html);
    assert_eq!(title, "Day plan: Aino Äijälä (A-12), ti 1.12.2026");
    // Visits, sessions, breaks, travel, first start, last end.
    // Travel: 4235 s in all is 70.6 minutes, shown as 71; 26 330 m is 26.3 km.
    assert_eq!(dds, ["4", "1", "1", "71 min, 26.3 km", "08:00", "16:47"]);
    assert_eq!(rows.len(), day.stops.len());
    for (i, (row, s)) in rows.iter().zip(&day.stops).enumerate() {
        assert_eq!(row[0], (i + 1).to_string());
        assert_eq!(row[1], s.kind.as_str());
        assert_eq!(row[4], s.label);
        assert_eq!(row[5], s.client.as_ref().map_or("", |c| c.pseudonym.as_str()));
        assert_eq!(row[8], s.note.clone().unwrap_or_default());
    }
    assert_eq!(rows[1][2], "08:17");
    assert_eq!(rows[1][3], "08:20–09:05");
    assert_eq!(rows[1][6], "17 min");
    assert_eq!(rows[1][7], "7.8 km");
}

#[test]
fn markup_in_text_is_escaped() {
    let mut day = espoo_day();
    day.stops[3].label = "<script>alert('x')</script> & <b>Sello</b>".to_owned();
    day.advisor_name = Some("Aino <i>Äijälä</i>".to_owned());
    let html = html_day_sheet(&day, &options(false)).unwrap();
    assert!(!html.contains("<script") && !html.contains("<b>") && !html.contains("<i>"));
    let (rows, title, _) = read(&html);
    assert_eq!(rows[3][4], day.stops[3].label);
    assert!(title.contains("Aino <i>Äijälä</i>"));
}

#[test]
fn an_empty_day_is_still_a_page() {
    let mut day = espoo_day();
    day.stops.clear();
    day.legs.clear();
    let html = html_day_sheet(&day, &options(false)).unwrap();
    let (rows, _, dds) = read(&html);
    assert!(rows.is_empty());
    assert_eq!(dds, ["0", "0", "0", "0 min, 0.0 km", "none planned"]);
}
