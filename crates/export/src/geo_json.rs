//! GeoJSON (RFC 7946) for the map page.

use serde_json::{Map, Value, json};

use crate::day::{AdvisorDay, ExportOptions};
use crate::error::ExportError;
use crate::text::{hhmm, iso_local, minutes_up, round6};
use crate::validate::validate;

/// The day as a GeoJSON `FeatureCollection`: one `Point` per stop, then one `LineString` per leg.
///
/// Stop properties: `layer` (`"stop"`), `seq`, `kind`, `label`, `arrival`, `start`, `end` (`HH:MM`),
/// `arrival_time`, `start_time`, `end_time` (ISO 8601 local time with offset, e.g. `2026-12-01T08:00:00+02:00`),
/// `pseudonym` (or `null`), `note` (or `null`), and with `reveal_client_details` also `client_name`,
/// `client_address` and `client_phone` where given. Leg properties: `layer` (`"leg"`), `seq`, `from` and `to`
/// (stop `seq`s), `travel_s`, `travel_min` (rounded up), `distance_m`, `mode`, `straight` (`true` when the leg
/// had no geometry and is drawn as a straight line). Coordinates are `[lon, lat]` rounded to 6 decimals. The
/// collection carries `advisor_id`, `date` and `mode` as foreign members.
///
/// Home visits are points at the client's home whatever the options (see the crate's privacy rule).
pub fn geojson(day: &AdvisorDay, options: &ExportOptions) -> Result<Value, ExportError> {
    validate(day, options)?;
    let reveal = options.reveal_client_details;
    let mut features = Vec::with_capacity(day.stops.len() + day.legs.len());
    for (i, stop) in day.stops.iter().enumerate() {
        let mut props = Map::new();
        props.insert("layer".into(), json!("stop"));
        props.insert("seq".into(), json!(i + 1));
        props.insert("kind".into(), json!(stop.kind.as_str()));
        props.insert("label".into(), json!(stop.label));
        props.insert("arrival".into(), json!(hhmm(stop.arrival)));
        props.insert("start".into(), json!(hhmm(stop.start)));
        props.insert("end".into(), json!(hhmm(stop.end)));
        props.insert("arrival_time".into(), json!(iso_local(stop.arrival)));
        props.insert("start_time".into(), json!(iso_local(stop.start)));
        props.insert("end_time".into(), json!(iso_local(stop.end)));
        props.insert("pseudonym".into(), json!(stop.client.as_ref().map(|c| &c.pseudonym)));
        props.insert("note".into(), json!(stop.note));
        if reveal && let Some(client) = &stop.client {
            for (key, value) in [
                ("client_name", &client.name),
                ("client_address", &client.address),
                ("client_phone", &client.phone),
            ] {
                if let Some(value) = value {
                    props.insert(key.into(), json!(value));
                }
            }
        }
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": position(stop.place)},
            "properties": props,
        }));
    }
    for (i, leg) in day.legs.iter().enumerate() {
        let (from, to) = (&day.stops[i], &day.stops[i + 1]);
        let straight = leg.geometry.is_empty();
        let line: Vec<Value> = if straight {
            vec![position(from.place), position(to.place)]
        } else {
            leg.geometry.iter().map(|p| position(*p)).collect()
        };
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": line},
            "properties": {
                "layer": "leg",
                "seq": i + 1,
                "from": i + 1,
                "to": i + 2,
                "travel_s": leg.travel_s,
                "travel_min": minutes_up(u64::from(leg.travel_s)),
                "distance_m": leg.distance_m,
                "mode": day.mode,
                "straight": straight,
            },
        }));
    }
    Ok(json!({
        "type": "FeatureCollection",
        "advisor_id": day.advisor_id,
        "date": day.date.to_string(),
        "mode": day.mode,
        "features": features,
    }))
}

/// `[lon, lat]` rounded to 6 decimals.
fn position(p: neuvo_model::LonLat) -> Value {
    json!([round6(p.lon()), round6(p.lat())])
}
