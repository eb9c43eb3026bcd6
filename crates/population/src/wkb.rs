//! GeoPackage geometry blobs: the `GP` header, then standard WKB (ISO and EWKB dimension flags, either byte
//! order). Z and M values are read and dropped: neuvo works in two dimensions.

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point,
    Polygon,
};

/// Why a blob could not be decoded: where and what was expected.
#[derive(Debug, PartialEq)]
pub(crate) struct BlobError {
    /// Byte offset in the blob.
    pub(crate) offset: usize,
    /// What was expected and what was found.
    pub(crate) message: String,
}

type Res<T> = Result<T, BlobError>;

/// Bytes of envelope for GeoPackage envelope codes 0–4 (none, xy, xyz, xym, xyzm).
const ENVELOPE_BYTES: [usize; 5] = [0, 32, 48, 48, 64];
/// Nesting deeper than this is malformed (and would otherwise recurse without bound).
const MAX_DEPTH: u32 = 16;

/// Decodes a GeoPackage geometry blob. `Ok(None)` for a geometry flagged empty (or an empty point).
pub(crate) fn decode_gpkg(blob: &[u8]) -> Res<Option<Geometry<f64>>> {
    let mut r = Reader { bytes: blob, pos: 0 };
    let magic = r.take(2, "the magic bytes `GP`")?;
    if magic != b"GP" {
        return Err(BlobError {
            offset: 0,
            message: format!("expected the magic bytes `GP` of a GeoPackage geometry, found {magic:02x?}"),
        });
    }
    let version = r.u8("the version byte")?;
    if version != 0 {
        return Err(BlobError {
            offset: 2,
            message: format!("found GeoPackage binary version {version}, expected 0 (version 1)"),
        });
    }
    let flags = r.u8("the flags byte")?;
    if flags & 0b10_0000 != 0 {
        return Err(BlobError {
            offset: 3,
            message: "the extended-geometry flag is set; only standard WKB geometries are supported".into(),
        });
    }
    let little = flags & 1 == 1;
    let envelope = usize::from((flags >> 1) & 0b111);
    let Some(&envelope_len) = ENVELOPE_BYTES.get(envelope) else {
        return Err(BlobError {
            offset: 3,
            message: format!("found envelope code {envelope} in the flags byte, expected 0 to 4"),
        });
    };
    r.u32(little, "the srs_id")?;
    r.take(envelope_len, "the envelope")?;
    if flags & 0b1_0000 != 0 {
        return Ok(None);
    }
    let geometry = r.geometry(0)?;
    Ok(match geometry {
        Geometry::Point(p) if p.x().is_nan() && p.y().is_nan() => None,
        g => Some(g),
    })
}

/// Decodes standard WKB (or EWKB) without a GeoPackage header.
#[cfg(test)]
pub(crate) fn decode_wkb(bytes: &[u8]) -> Res<Geometry<f64>> {
    Reader { bytes, pos: 0 }.geometry(0)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// The parts of a WKB type code.
struct Kind {
    base: u32,
    dims: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Res<&'a [u8]> {
        let left = self.bytes.len() - self.pos;
        if n > left {
            return Err(BlobError {
                offset: self.pos,
                message: format!("expected {n} bytes of {what}, but the blob ends after {left}"),
            });
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self, what: &str) -> Res<u8> {
        Ok(self.take(1, what)?[0])
    }

    fn u32(&mut self, little: bool, what: &str) -> Res<u32> {
        let b: [u8; 4] = self.take(4, what)?.try_into().unwrap_or_default();
        Ok(if little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    }

    fn f64(&mut self, little: bool) -> Res<f64> {
        let b: [u8; 8] = self.take(8, "a coordinate")?.try_into().unwrap_or_default();
        Ok(if little { f64::from_le_bytes(b) } else { f64::from_be_bytes(b) })
    }

    /// A count of items of at least `min_bytes` each, checked against what is left so that a corrupt count
    /// cannot make us allocate gigabytes.
    fn count(&mut self, little: bool, what: &str, min_bytes: usize) -> Res<usize> {
        let at = self.pos;
        let n = self.u32(little, &format!("the number of {what}"))? as usize;
        let left = self.bytes.len() - self.pos;
        if n.saturating_mul(min_bytes) > left {
            return Err(BlobError {
                offset: at,
                message: format!(
                    "found a count of {n} {what} needing at least {} bytes, but only {left} are left",
                    n.saturating_mul(min_bytes)
                ),
            });
        }
        Ok(n)
    }

    fn header(&mut self) -> Res<(bool, Kind)> {
        let at = self.pos;
        let little = match self.u8("the WKB byte order")? {
            0 => false,
            1 => true,
            b => {
                return Err(BlobError {
                    offset: at,
                    message: format!(
                        "found WKB byte order {b}, expected 0 (big-endian) or 1 (little-endian)"
                    ),
                });
            }
        };
        let type_at = self.pos;
        let raw = self.u32(little, "the WKB geometry type")?;
        // EWKB (PostGIS) flags in the high bits; ISO adds 1000 (Z), 2000 (M) or 3000 (ZM) to the type.
        let (mut z, mut m) = (raw & 0x8000_0000 != 0, raw & 0x4000_0000 != 0);
        if raw & 0x2000_0000 != 0 {
            self.u32(little, "the EWKB SRID")?;
        }
        let code = raw & 0x0FFF_FFFF;
        match code / 1000 {
            0 => {}
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => {
                return Err(BlobError {
                    offset: type_at,
                    message: format!("found unknown WKB geometry type {raw}"),
                });
            }
        }
        Ok((little, Kind { base: code % 1000, dims: 2 + usize::from(z) + usize::from(m) }))
    }

    fn coord(&mut self, little: bool, dims: usize) -> Res<Coord<f64>> {
        let x = self.f64(little)?;
        let y = self.f64(little)?;
        for _ in 2..dims {
            self.f64(little)?;
        }
        Ok(Coord { x, y })
    }

    fn line(&mut self, little: bool, dims: usize) -> Res<LineString<f64>> {
        let n = self.count(little, "points", 8 * dims)?;
        (0..n).map(|_| self.coord(little, dims)).collect::<Res<Vec<_>>>().map(LineString::new)
    }

    fn polygon(&mut self, little: bool, dims: usize) -> Res<Polygon<f64>> {
        let n = self.count(little, "rings", 4)?;
        let mut rings = (0..n).map(|_| self.line(little, dims)).collect::<Res<Vec<_>>>()?;
        if rings.is_empty() {
            return Ok(Polygon::new(LineString::new(vec![]), vec![]));
        }
        let exterior = rings.remove(0);
        Ok(Polygon::new(exterior, rings))
    }

    /// A member of a multi-geometry: a full WKB geometry that must be of type `base`.
    fn member(&mut self, base: u32, depth: u32) -> Res<Geometry<f64>> {
        let at = self.pos;
        let g = self.geometry(depth + 1)?;
        let ok = matches!(
            (base, &g),
            (1, Geometry::Point(_)) | (2, Geometry::LineString(_)) | (3, Geometry::Polygon(_))
        );
        if ok {
            Ok(g)
        } else {
            Err(BlobError {
                offset: at,
                message: format!(
                    "found a {} inside a multi-geometry, expected {}",
                    type_name(&g),
                    BASES[base as usize]
                ),
            })
        }
    }

    fn geometry(&mut self, depth: u32) -> Res<Geometry<f64>> {
        if depth > MAX_DEPTH {
            return Err(BlobError {
                offset: self.pos,
                message: "geometry collections nested too deeply".into(),
            });
        }
        let type_at = self.pos + 1;
        let (little, Kind { base, dims }) = self.header()?;
        let one = 9; // the smallest member: byte order, type, count
        Ok(match base {
            1 => Geometry::Point(Point(self.coord(little, dims)?)),
            2 => Geometry::LineString(self.line(little, dims)?),
            3 => Geometry::Polygon(self.polygon(little, dims)?),
            4..=7 => {
                let n = self.count(little, "members", one)?;
                let mut members = Vec::with_capacity(n);
                for _ in 0..n {
                    members.push(if base == 7 {
                        self.geometry(depth + 1)?
                    } else {
                        self.member(base - 3, depth)?
                    });
                }
                match base {
                    4 => Geometry::MultiPoint(MultiPoint(
                        members.into_iter().filter_map(|g| Point::try_from(g).ok()).collect(),
                    )),
                    5 => Geometry::MultiLineString(MultiLineString(
                        members.into_iter().filter_map(|g| LineString::try_from(g).ok()).collect(),
                    )),
                    6 => Geometry::MultiPolygon(MultiPolygon(
                        members.into_iter().filter_map(|g| Polygon::try_from(g).ok()).collect(),
                    )),
                    _ => Geometry::GeometryCollection(GeometryCollection(members)),
                }
            }
            other => {
                return Err(BlobError {
                    offset: type_at,
                    message: format!(
                        "found WKB geometry type {other}, expected 1 to 7 (Point, LineString, Polygon, \
                         MultiPoint, MultiLineString, MultiPolygon, GeometryCollection)"
                    ),
                });
            }
        })
    }
}

const BASES: [&str; 8] = [
    "",
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
];

/// The WKB name of a geometry's type.
pub(crate) fn type_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// WKB writer for tests: a polygon with one ring, in either byte order, with a type code as given.
    pub(crate) fn polygon_wkb(little: bool, type_code: u32, ring: &[(f64, f64)], z: Option<f64>) -> Vec<u8> {
        let mut out = vec![u8::from(little)];
        let u32b = |v: u32| if little { v.to_le_bytes() } else { v.to_be_bytes() };
        let f64b = |v: f64| if little { v.to_le_bytes() } else { v.to_be_bytes() };
        out.extend(u32b(type_code));
        out.extend(u32b(1));
        out.extend(u32b(ring.len() as u32));
        for &(x, y) in ring {
            out.extend(f64b(x));
            out.extend(f64b(y));
            if let Some(z) = z {
                out.extend(f64b(z));
            }
        }
        out
    }

    /// A GeoPackage blob around `wkb`: header byte order `little`, an xy envelope when asked.
    pub(crate) fn gpkg_blob(little: bool, srs_id: i32, envelope: bool, wkb: &[u8]) -> Vec<u8> {
        let mut out = b"GP".to_vec();
        out.push(0);
        out.push(u8::from(little) | if envelope { 0b10 } else { 0 });
        out.extend(if little { srs_id.to_le_bytes() } else { srs_id.to_be_bytes() });
        if envelope {
            for v in [0.0f64, 1.0, 0.0, 1.0] {
                out.extend(if little { v.to_le_bytes() } else { v.to_be_bytes() });
            }
        }
        out.extend_from_slice(wkb);
        out
    }

    const SQUARE: [(f64, f64); 5] = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)];

    fn exterior(g: &Geometry<f64>) -> Vec<(f64, f64)> {
        match g {
            Geometry::Polygon(p) => p.exterior().0.iter().map(|c| (c.x, c.y)).collect(),
            other => panic!("not a polygon: {other:?}"),
        }
    }

    #[test]
    fn decodes_polygons_in_every_byte_order_and_dimension_form() {
        for little in [true, false] {
            for (code, z) in
                [(3, None), (1003, Some(7.0)), (0x8000_0003, Some(7.0)), (2003, Some(1.0)), (3003, None)]
            {
                // ZM (3003) carries two extra values: write them as a Z polygon of 4 values per point.
                let wkb = if code == 3003 {
                    let mut w = vec![u8::from(little)];
                    let u = |v: u32| if little { v.to_le_bytes() } else { v.to_be_bytes() };
                    w.extend(u(3003));
                    w.extend(u(1));
                    w.extend(u(5));
                    for &(x, y) in &SQUARE {
                        for v in [x, y, 5.0, 6.0] {
                            w.extend(if little { v.to_le_bytes() } else { v.to_be_bytes() });
                        }
                    }
                    w
                } else {
                    polygon_wkb(little, code, &SQUARE, z)
                };
                for envelope in [false, true] {
                    let g = decode_gpkg(&gpkg_blob(!little, 3067, envelope, &wkb)).unwrap().unwrap();
                    assert_eq!(exterior(&g), SQUARE.to_vec(), "code {code} little {little}");
                }
            }
        }
    }

    #[test]
    fn decodes_points_lines_and_multipolygons() {
        let mut point = vec![1u8];
        point.extend(1u32.to_le_bytes());
        point.extend(24.5f64.to_le_bytes());
        point.extend(60.1f64.to_le_bytes());
        assert_eq!(decode_wkb(&point).unwrap(), Geometry::Point(Point::new(24.5, 60.1)));

        let mut multi = vec![0u8];
        multi.extend(6u32.to_be_bytes());
        multi.extend(2u32.to_be_bytes());
        multi.extend(polygon_wkb(true, 3, &SQUARE, None));
        multi.extend(polygon_wkb(false, 0x8000_0003, &SQUARE, Some(3.0)));
        match decode_wkb(&multi).unwrap() {
            Geometry::MultiPolygon(mp) => assert_eq!(mp.0.len(), 2),
            other => panic!("{other:?}"),
        }

        let mut line = vec![1u8];
        line.extend(2u32.to_le_bytes());
        line.extend(2u32.to_le_bytes());
        for v in [0.0f64, 0.0, 1.0, 1.0] {
            line.extend(v.to_le_bytes());
        }
        assert!(matches!(decode_wkb(&line).unwrap(), Geometry::LineString(l) if l.0.len() == 2));
    }

    #[test]
    fn empty_geometries_are_none() {
        let mut blob = gpkg_blob(true, 4326, false, &[]);
        blob[3] |= 0b1_0000;
        assert_eq!(decode_gpkg(&blob).unwrap(), None);
        let mut point = vec![1u8];
        point.extend(1u32.to_le_bytes());
        point.extend(f64::NAN.to_le_bytes());
        point.extend(f64::NAN.to_le_bytes());
        assert_eq!(decode_gpkg(&gpkg_blob(true, 4326, false, &point)).unwrap(), None);
    }

    #[test]
    fn malformed_blobs_are_errors_with_offsets() {
        let wkb = polygon_wkb(true, 3, &SQUARE, None);
        let blob = gpkg_blob(true, 3067, false, &wkb);
        // Cut inside the last coordinate: the point count no longer fits, refused at the count (header 8,
        // byte order 1, type 4, ring count 4).
        let e = decode_gpkg(&blob[..blob.len() - 3]).unwrap_err();
        assert_eq!(e.offset, 17);
        assert!(
            e.message.contains("count of 5 points needing at least 80 bytes, but only 77"),
            "{}",
            e.message
        );
        // A point cut inside its y.
        let mut point = vec![1u8];
        point.extend(1u32.to_le_bytes());
        point.extend(24.5f64.to_le_bytes());
        point.extend(&60.1f64.to_le_bytes()[..5]);
        let e = decode_gpkg(&gpkg_blob(true, 4326, false, &point)).unwrap_err();
        assert_eq!(e.offset, 8 + 5 + 8);
        assert!(
            e.message.contains("expected 8 bytes of a coordinate, but the blob ends after 5"),
            "{}",
            e.message
        );

        assert_eq!(decode_gpkg(b"XX\0\x01").unwrap_err().offset, 0);
        assert!(decode_gpkg(b"GP").unwrap_err().message.contains("version"));
        let mut bad_env = gpkg_blob(true, 3067, false, &wkb);
        bad_env[3] = 1 | (6 << 1);
        assert!(decode_gpkg(&bad_env).unwrap_err().message.contains("envelope code 6"));

        // A ring count far beyond what the blob holds is refused before allocating.
        let mut huge = wkb.clone();
        huge[5..9].copy_from_slice(&u32::MAX.to_le_bytes());
        let e = decode_wkb(&huge).unwrap_err();
        assert_eq!(e.offset, 5);
        assert!(e.message.contains("count of 4294967295 rings"), "{}", e.message);

        let mut unknown = wkb.clone();
        unknown[1..5].copy_from_slice(&17u32.to_le_bytes());
        assert!(decode_wkb(&unknown).unwrap_err().message.contains("found WKB geometry type 17"));
        let mut order = wkb;
        order[0] = 7;
        assert!(decode_wkb(&order).unwrap_err().message.contains("byte order 7"));
    }
}
