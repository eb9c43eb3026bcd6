//! Saving a built [`Network`] to a file and loading it back, so a second run skips parsing and contraction.
//!
//! The format is ours and simple: a magic number and version, the metadata as JSON, then the arrays of the
//! graph and of the hierarchy as little-endian integers, and an end marker. The spatial index is rebuilt on
//! load (a bulk load takes milliseconds).

use std::io::{self, Read, Write};

use crate::ch::{Arc, Hierarchy, Unpack};
use crate::graph::RoadGraph;
use crate::network::{Network, NetworkMeta};
use crate::weight::Weight;

const MAGIC: &[u8; 8] = b"NEUVONET";
const END: &[u8; 8] = b"NEUVOEND";
/// Version of the file layout; bump it whenever the layout or the meaning of a field changes.
pub const FORMAT_VERSION: u32 = 1;

/// Why a network file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Reading or writing failed.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    /// The file is not a neuvo network file.
    #[error("not a neuvo network file (bad magic number)")]
    BadMagic,
    /// The file was written by another version of neuvo; rebuild it from the source data.
    #[error("network file format version {found}, this neuvo reads version {expected}: rebuild it")]
    Version {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The file is cut short or inconsistent; rebuild it from the source data.
    #[error("corrupt network file: {0}")]
    Corrupt(String),
}

impl Network {
    /// Writes this network in neuvo's binary format.
    pub fn write_to(&self, w: impl Write) -> Result<(), CacheError> {
        let mut w = io::BufWriter::new(w);
        w.write_all(MAGIC)?;
        put_u32(&mut w, FORMAT_VERSION)?;
        let meta = serde_json::to_vec(&self.meta).map_err(|e| CacheError::Corrupt(e.to_string()))?;
        put_bytes(&mut w, &meta)?;
        let g = &self.graph;
        put_vec(&mut w, &g.coords, |w, c| {
            put_i32(w, c[0])?;
            put_i32(w, c[1])
        })?;
        put_vec(&mut w, &g.osm_ids, |w, &x| w.write_all(&x.to_le_bytes()))?;
        put_vec(&mut w, &g.first_out, |w, &x| put_u32(w, x))?;
        put_vec(&mut w, &g.head, |w, &x| put_u32(w, x))?;
        put_vec(&mut w, &g.weight, |w, x| put_u64(w, x.0))?;
        let ch = &self.ch;
        put_vec(&mut w, &ch.node, |w, &x| put_u32(w, x))?;
        put_vec(&mut w, &ch.up_first, |w, &x| put_u32(w, x))?;
        put_vec(&mut w, &ch.up, put_arc)?;
        put_vec(&mut w, &ch.down_first, |w, &x| put_u32(w, x))?;
        put_vec(&mut w, &ch.down, put_arc)?;
        put_vec(&mut w, &ch.unpack, |w, u| {
            put_u32(w, u.first)?;
            put_u32(w, u.second)
        })?;
        w.write_all(END)?;
        w.flush()?;
        Ok(())
    }

    /// Reads a network written by [`Network::write_to`], checking its structure.
    pub fn read_from(r: impl Read) -> Result<Network, CacheError> {
        let mut r = io::BufReader::new(r);
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic).map_err(eof)?;
        if &magic != MAGIC {
            return Err(CacheError::BadMagic);
        }
        let version = get_u32(&mut r)?;
        if version != FORMAT_VERSION {
            return Err(CacheError::Version { found: version, expected: FORMAT_VERSION });
        }
        let meta_bytes = get_bytes(&mut r)?;
        let meta: NetworkMeta =
            serde_json::from_slice(&meta_bytes).map_err(|e| CacheError::Corrupt(format!("metadata: {e}")))?;
        let coords = get_vec(&mut r, |r| Ok([get_i32(r)?, get_i32(r)?]))?;
        let osm_ids = get_vec(&mut r, |r| {
            let mut b = [0u8; 8];
            r.read_exact(&mut b).map_err(eof)?;
            Ok(i64::from_le_bytes(b))
        })?;
        let first_out = get_vec(&mut r, get_u32)?;
        let head = get_vec(&mut r, get_u32)?;
        let weight = get_vec(&mut r, |r| Ok(Weight(get_u64(r)?)))?;
        let node = get_vec(&mut r, get_u32)?;
        let up_first = get_vec(&mut r, get_u32)?;
        let up = get_vec(&mut r, get_arc)?;
        let down_first = get_vec(&mut r, get_u32)?;
        let down = get_vec(&mut r, get_arc)?;
        let unpack = get_vec(&mut r, |r| Ok(Unpack { first: get_u32(r)?, second: get_u32(r)? }))?;
        let mut end = [0u8; 8];
        r.read_exact(&mut end).map_err(eof)?;
        if &end != END {
            return Err(CacheError::Corrupt("missing end marker".into()));
        }
        let n = coords.len();
        let m = head.len();
        let bad = |what: &str| Err(CacheError::Corrupt(what.to_owned()));
        if osm_ids.len() != n || first_out.len() != n + 1 || weight.len() != m || node.len() != n {
            return bad("array lengths disagree");
        }
        if first_out.first() != Some(&0) || first_out.last().map(|&x| x as usize) != Some(m) {
            return bad("edge offsets");
        }
        if first_out.windows(2).any(|w| w[0] > w[1]) || head.iter().any(|&h| h as usize >= n) {
            return bad("edges");
        }
        let check_csr = |first: &[u32], arcs: &[Arc]| {
            first.len() == n + 1
                && first.first() == Some(&0)
                && first.last().map(|&x| x as usize) == Some(arcs.len())
                && first.windows(2).all(|w| w[0] <= w[1])
                && arcs.iter().all(|a| (a.other as usize) < n && (a.edge as usize) < unpack.len())
        };
        if !check_csr(&up_first, &up) || !check_csr(&down_first, &down) {
            return bad("hierarchy arcs");
        }
        let k = unpack.len() as u32;
        if unpack
            .iter()
            .any(|u| if u.is_original() { u.first as usize >= m } else { u.first >= k || u.second >= k })
        {
            return bad("shortcut unpacking");
        }
        let mut rank = vec![u32::MAX; n];
        for (r, &v) in node.iter().enumerate() {
            if v as usize >= n || rank[v as usize] != u32::MAX {
                return bad("node order");
            }
            rank[v as usize] = r as u32;
        }
        let graph = RoadGraph { coords, osm_ids, first_out, head, weight };
        let ch = Hierarchy { rank, node, up_first, up, down_first, down, unpack };
        Ok(Network::from_parts(graph, ch, meta))
    }
}

fn eof(e: io::Error) -> CacheError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        CacheError::Corrupt("file ends early".into())
    } else {
        CacheError::Io(e)
    }
}

fn put_u32(w: &mut impl Write, x: u32) -> io::Result<()> {
    w.write_all(&x.to_le_bytes())
}

fn put_i32(w: &mut impl Write, x: i32) -> io::Result<()> {
    w.write_all(&x.to_le_bytes())
}

fn put_u64(w: &mut impl Write, x: u64) -> io::Result<()> {
    w.write_all(&x.to_le_bytes())
}

fn put_bytes(w: &mut impl Write, b: &[u8]) -> io::Result<()> {
    put_u64(w, b.len() as u64)?;
    w.write_all(b)
}

fn put_arc<W: Write>(w: &mut W, a: &Arc) -> io::Result<()> {
    put_u32(w, a.other)?;
    put_u32(w, a.edge)?;
    put_u64(w, a.w.0)
}

fn put_vec<W: Write, T>(w: &mut W, v: &[T], f: impl Fn(&mut W, &T) -> io::Result<()>) -> io::Result<()> {
    put_u64(w, v.len() as u64)?;
    for x in v {
        f(w, x)?;
    }
    Ok(())
}

fn get_u32(r: &mut impl Read) -> Result<u32, CacheError> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b).map_err(eof)?;
    Ok(u32::from_le_bytes(b))
}

fn get_i32(r: &mut impl Read) -> Result<i32, CacheError> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b).map_err(eof)?;
    Ok(i32::from_le_bytes(b))
}

fn get_u64(r: &mut impl Read) -> Result<u64, CacheError> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b).map_err(eof)?;
    Ok(u64::from_le_bytes(b))
}

/// Lengths above this are treated as corruption rather than allocated.
const MAX_LEN: u64 = 1 << 31;

fn get_len(r: &mut impl Read) -> Result<usize, CacheError> {
    let n = get_u64(r)?;
    if n > MAX_LEN {
        return Err(CacheError::Corrupt(format!("implausible array length {n}")));
    }
    Ok(n as usize)
}

fn get_bytes(r: &mut impl Read) -> Result<Vec<u8>, CacheError> {
    let n = get_len(r)?;
    let mut b = Vec::new();
    r.take(n as u64).read_to_end(&mut b)?;
    if b.len() != n {
        return Err(CacheError::Corrupt("file ends early".into()));
    }
    Ok(b)
}

fn get_arc<R: Read>(r: &mut R) -> Result<Arc, CacheError> {
    Ok(Arc { other: get_u32(r)?, edge: get_u32(r)?, w: Weight(get_u64(r)?) })
}

fn get_vec<R: Read, T>(r: &mut R, f: impl Fn(&mut R) -> Result<T, CacheError>) -> Result<Vec<T>, CacheError> {
    let n = get_len(r)?;
    // Grow as data arrives rather than trusting the length for one big allocation.
    let mut v = Vec::with_capacity(n.min(1 << 20));
    for _ in 0..n {
        v.push(f(r)?);
    }
    Ok(v)
}
