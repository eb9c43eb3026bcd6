//! GeoJSON structure and values.

use chrono::NaiveDate;
use neuvo_export::geojson;
use serde_json::Value;

use crate::fixture::{espoo_day, moved_to, options, p};

fn has_at_most_6_decimals(x: f64) -> bool {
    ((x * 1e6).round() / 1e6 - x).abs() == 0.0
}

#[test]
fn points_per_stop_and_lines_per_leg() {
    let day = espoo_day();
    let fc = geojson(&day, &options(false)).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["advisor_id"], "A-12");
    assert_eq!(fc["date"], "2026-12-01");
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), day.stops.len() + day.legs.len());
    let (points, lines): (Vec<&Value>, Vec<&Value>) =
        features.iter().partition(|f| f["geometry"]["type"] == "Point");
    assert_eq!(points.len(), day.stops.len());
    assert_eq!(lines.len(), day.legs.len());
    assert!(lines.iter().all(|f| f["geometry"]["type"] == "LineString"));

    for (i, (f, s)) in points.iter().zip(&day.stops).enumerate() {
        let props = &f["properties"];
        assert_eq!(f["type"], "Feature");
        assert_eq!(props["seq"], i + 1);
        assert_eq!(props["kind"], s.kind.as_str());
        assert_eq!(props["label"], s.label.as_str());
        assert_eq!(props["start"], s.start.format("%H:%M").to_string());
        assert_eq!(props["end"], s.end.format("%H:%M").to_string());
        assert_eq!(props["arrival"], s.arrival.format("%H:%M").to_string());
        assert_eq!(props["start_time"], format!("{}+02:00", s.start.format("%Y-%m-%dT%H:%M:%S")));
        assert_eq!(
            props["pseudonym"],
            s.client.as_ref().map_or(Value::Null, |c| c.pseudonym.as_str().into())
        );
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(c[0].as_f64().unwrap(), s.place.lon());
        assert_eq!(c[1].as_f64().unwrap(), s.place.lat());
    }
    for (i, (f, leg)) in lines.iter().zip(&day.legs).enumerate() {
        let props = &f["properties"];
        assert_eq!(props["seq"], i + 1);
        assert_eq!(props["from"], i + 1);
        assert_eq!(props["to"], i + 2);
        assert_eq!(props["mode"], "car");
        assert_eq!(props["distance_m"], leg.distance_m);
        assert_eq!(props["travel_min"], u64::from(leg.travel_s).div_ceil(60));
        let coords = f["geometry"]["coordinates"].as_array().unwrap();
        if leg.geometry.is_empty() {
            assert_eq!(props["straight"], true);
            let (a, b) = (day.stops[i].place, day.stops[i + 1].place);
            assert_eq!(
                coords,
                &vec![serde_json::json!([a.lon(), a.lat()]), serde_json::json!([b.lon(), b.lat()])]
            );
        } else {
            assert_eq!(props["straight"], false);
            assert_eq!(coords.len(), leg.geometry.len());
        }
    }
    // Leg 1: 1010 s is 16.8 minutes, shown as 17.
    assert_eq!(lines[0]["properties"]["travel_min"], 17);
}

#[test]
fn coordinates_are_rounded_to_six_decimals() {
    let mut day = espoo_day();
    day.stops[1].place = p(24.642_012_345_6, 60.150_898_765_4);
    day.legs[0].geometry[1] = p(24.720_000_499_9, 60.158_000_000_1);
    let fc = geojson(&day, &options(false)).unwrap();
    let text = serde_json::to_string(&fc).unwrap();
    assert!(text.contains("[24.642012,60.150899]"), "{text}");
    assert!(text.contains("[24.72,60.158]"), "{text}");
    fn walk(v: &Value, n: &mut usize) {
        match v {
            Value::Array(a) if a.len() == 2 && a.iter().all(Value::is_f64) => {
                assert!(a.iter().all(|x| has_at_most_6_decimals(x.as_f64().unwrap())), "{v}");
                *n += 1;
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, n)),
            Value::Object(o) => o.values().for_each(|x| walk(x, n)),
            _ => {}
        }
    }
    let mut positions = 0;
    walk(&fc, &mut positions);
    assert_eq!(positions, 8 + 5 + 3 + 4 + 2 + 2 + 4 + 2);
}

#[test]
fn summer_times_carry_the_summer_offset() {
    let day = moved_to(&espoo_day(), NaiveDate::from_ymd_opt(2026, 6, 16).unwrap());
    let fc = geojson(&day, &options(false)).unwrap();
    assert_eq!(fc["features"][0]["properties"]["start_time"], "2026-06-16T08:00:00+03:00");
}
