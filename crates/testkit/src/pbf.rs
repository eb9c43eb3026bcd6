//! A minimal OSM PBF writer for test fixtures: one uncompressed header blob and one uncompressed data blob with
//! plain (not dense) nodes and ways, encoded by hand from the OSM PBF protobuf definitions
//! (`fileformat.proto`, `osmformat.proto`). Enough for readers; not for production files.

/// A node to write: id, position in 1e-7 degrees, tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// OSM id.
    pub id: i64,
    /// Longitude in 1e-7 degrees.
    pub lon_e7: i32,
    /// Latitude in 1e-7 degrees.
    pub lat_e7: i32,
    /// Tags.
    pub tags: Vec<(String, String)>,
}

/// A way to write: id, node references, tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Way {
    /// OSM id.
    pub id: i64,
    /// Node ids in order.
    pub refs: Vec<i64>,
    /// Tags.
    pub tags: Vec<(String, String)>,
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn key(out: &mut Vec<u8>, field: u32, wire: u8) {
    varint(out, (u64::from(field) << 3) | u64::from(wire));
}

fn bytes_field(out: &mut Vec<u8>, field: u32, b: &[u8]) {
    key(out, field, 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn varint_field(out: &mut Vec<u8>, field: u32, v: u64) {
    key(out, field, 0);
    varint(out, v);
}

fn packed(out: &mut Vec<u8>, field: u32, values: impl Iterator<Item = u64>) {
    let mut body = Vec::new();
    for v in values {
        varint(&mut body, v);
    }
    if !body.is_empty() {
        bytes_field(out, field, &body);
    }
}

struct Strings(Vec<String>);

impl Strings {
    fn index(&mut self, s: &str) -> u64 {
        match self.0.iter().position(|x| x == s) {
            Some(i) => i as u64,
            None => {
                self.0.push(s.to_owned());
                (self.0.len() - 1) as u64
            }
        }
    }
}

fn blob(kind: &str, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    bytes_field(&mut b, 1, data); // raw
    varint_field(&mut b, 2, data.len() as u64); // raw_size
    let mut h = Vec::new();
    bytes_field(&mut h, 1, kind.as_bytes()); // type
    varint_field(&mut h, 3, b.len() as u64); // datasize
    let mut out = Vec::new();
    out.extend_from_slice(&(h.len() as u32).to_be_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(&b);
    out
}

/// Encodes `nodes` and `ways` as a complete OSM PBF file.
pub fn write(nodes: &[Node], ways: &[Way]) -> Vec<u8> {
    let mut header = Vec::new();
    bytes_field(&mut header, 4, b"OsmSchema-V0.6"); // required_features
    bytes_field(&mut header, 16, b"neuvo-testkit"); // writingprogram

    // String 0 is reserved as the empty string.
    let mut strings = Strings(vec![String::new()]);
    let mut group = Vec::new();
    for n in nodes {
        let mut m = Vec::new();
        varint_field(&mut m, 1, zigzag(n.id));
        let keys: Vec<u64> = n.tags.iter().map(|(k, _)| strings.index(k)).collect();
        let vals: Vec<u64> = n.tags.iter().map(|(_, v)| strings.index(v)).collect();
        packed(&mut m, 2, keys.into_iter());
        packed(&mut m, 3, vals.into_iter());
        // With the default granularity of 100 nanodegrees, coordinates are in 1e-7 degrees.
        varint_field(&mut m, 8, zigzag(i64::from(n.lat_e7)));
        varint_field(&mut m, 9, zigzag(i64::from(n.lon_e7)));
        bytes_field(&mut group, 1, &m);
    }
    let mut ways_group = Vec::new();
    for w in ways {
        let mut m = Vec::new();
        varint_field(&mut m, 1, w.id as u64);
        let keys: Vec<u64> = w.tags.iter().map(|(k, _)| strings.index(k)).collect();
        let vals: Vec<u64> = w.tags.iter().map(|(_, v)| strings.index(v)).collect();
        packed(&mut m, 2, keys.into_iter());
        packed(&mut m, 3, vals.into_iter());
        let mut prev = 0i64;
        let deltas: Vec<u64> = w
            .refs
            .iter()
            .map(|&r| {
                let d = r - prev;
                prev = r;
                zigzag(d)
            })
            .collect();
        packed(&mut m, 8, deltas.into_iter());
        bytes_field(&mut ways_group, 3, &m);
    }
    let mut block = Vec::new();
    let mut table = Vec::new();
    for s in &strings.0 {
        bytes_field(&mut table, 1, s.as_bytes());
    }
    bytes_field(&mut block, 1, &table);
    if !group.is_empty() {
        bytes_field(&mut block, 2, &group);
    }
    if !ways_group.is_empty() {
        bytes_field(&mut block, 2, &ways_group);
    }
    let mut file = blob("OSMHeader", &header);
    file.extend(blob("OSMData", &block));
    file
}
