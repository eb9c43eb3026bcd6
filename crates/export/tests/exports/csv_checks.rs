//! The CSV run sheet read back with the `csv` crate.

use neuvo_export::csv_run_sheet;

use crate::fixture::{espoo_day, options};

fn read(text: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let records = reader.records().collect::<Result<Vec<_>, _>>().unwrap();
    (header, records)
}

#[test]
fn one_row_per_stop_with_the_documented_columns() {
    let day = espoo_day();
    let text = csv_run_sheet(&day, &options(false)).unwrap();
    // CRLF after every record, and no other line break (no label here has one).
    assert_eq!(text.matches("\r\n").count(), day.stops.len() + 1);
    assert_eq!(text.matches('\n').count(), day.stops.len() + 1);
    let (header, rows) = read(&text);
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "seq",
            "kind",
            "label",
            "client",
            "arrival",
            "start",
            "end",
            "travel_min",
            "distance_m",
            "lat",
            "lon"
        ]
    );
    assert_eq!(rows.len(), day.stops.len());
    for (i, (row, s)) in rows.iter().zip(&day.stops).enumerate() {
        assert_eq!(&row[0], (i + 1).to_string());
        assert_eq!(&row[1], s.kind.as_str());
        assert_eq!(&row[2], s.label);
        assert_eq!(&row[3], s.client.as_ref().map_or("", |c| c.pseudonym.as_str()));
        assert_eq!(&row[4], s.arrival.format("%H:%M").to_string());
        assert_eq!(&row[5], s.start.format("%H:%M").to_string());
        assert_eq!(&row[6], s.end.format("%H:%M").to_string());
        if i == 0 {
            assert_eq!((&row[7], &row[8]), ("", ""));
        } else {
            let leg = &day.legs[i - 1];
            assert_eq!(row[7].parse::<u32>().unwrap(), leg.travel_s.div_ceil(60));
            assert_eq!(row[8].parse::<u32>().unwrap(), leg.distance_m);
        }
        assert!((row[9].parse::<f64>().unwrap() - s.place.lat()).abs() < 5e-7);
        assert!((row[10].parse::<f64>().unwrap() - s.place.lon()).abs() < 5e-7);
    }
    // The session label has commas and a semicolon: quoted, and read back whole.
    assert!(text.contains("\"Pop-up session: Iso Omenan kirjasto"));
}

#[test]
fn quotes_line_breaks_and_formulas_in_labels() {
    let mut day = espoo_day();
    day.stops[3].label = "Session \"Sello\", 2nd floor\nby the stairs".to_owned();
    day.stops[4].label = "=HYPERLINK(\"http://example.invalid\")".to_owned();
    let text = csv_run_sheet(&day, &options(false)).unwrap();
    let (_, rows) = read(&text);
    assert_eq!(rows.len(), day.stops.len());
    assert_eq!(&rows[3][2], day.stops[3].label);
    assert_eq!(&rows[4][2], format!("'{}", day.stops[4].label));
}

#[test]
fn revealed_client_column() {
    let text = csv_run_sheet(&espoo_day(), &options(true)).unwrap();
    let (_, rows) = read(&text);
    assert_eq!(&rows[1][3], "C-7f3a (Maija Meikäläinen, Kivenlahdentie 1, +358 40 123 4567)");
    assert_eq!(&rows[5][3], "C-5e21 (Aino Mäkelä, 09 816 21)");
    assert_eq!(&rows[0][3], "");
}
