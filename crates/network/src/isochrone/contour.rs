//! Isochrone polygons from a grid of travel times, by marching squares.
//!
//! [`contour`] takes travel times sampled at the vertices of a regular grid and returns the region
//! where the travel time is at most a threshold, as a [`MultiPolygon`] in the grid's own (metric)
//! coordinates. The key decisions:
//!
//! - **Inside and outside.** A vertex is inside when its value is `<= threshold`, compared exactly
//!   as given (infinite thresholds included). `NaN` and `+inf` mean "not reached" and are never
//!   inside; `-inf` is an ordinary, very early, value. Everything beyond the grid is outside: the
//!   grid is surrounded by a conceptual border of outside vertices one cell away, so every contour
//!   closes.
//! - **Where a contour crosses an edge.** Between an inside value `a` and an outside value `b` the
//!   crossing lies at the fraction `(threshold - a) / (b - a)` of the edge, measured from the inside
//!   vertex. An unreached vertex takes the finite stand-in value `threshold + |threshold| + 1`
//!   (that is `2 * threshold + 1` for the usual non-negative thresholds, in the grid's time unit and
//!   independent of the cell size): the arithmetic stays finite and, for non-negative times, the
//!   crossing falls in the half of the edge next to the reached vertex.
//! - **No crossing on a vertex.** The fraction is clamped to `[MIN_FRACTION, 1 - MIN_FRACTION]`
//!   (`MIN_FRACTION` = 1/1024), so a crossing never coincides with a grid vertex: every inside
//!   vertex off the grid's border is strictly inside the result, every outside vertex is strictly
//!   outside it, two rings can never meet at a vertex, and a lone reached vertex whose value equals
//!   the threshold still gives a small diamond instead of a point.
//! - **Clipping to the grid.** On an edge from a grid vertex to the conceptual border the crossing is
//!   put on the grid vertex itself. The result therefore never leaves the grid's rectangle, and a
//!   fully reached grid gives exactly that rectangle. Points that lie strictly between their two
//!   neighbours on an axis-parallel line (the runs along the grid's border) are dropped, which does
//!   not change the region.
//! - **Saddles.** A cell with two diagonal vertices inside and the other two outside is resolved by
//!   the mean of its four values (unreached ones by their stand-in): if the mean is inside, the two
//!   inside vertices are joined through the centre, otherwise they are kept apart. Together with
//!   the clamp this means rings never cross or touch.
//! - **Rings.** Each cell emits segments oriented with the inside on their left. Segments are chained
//!   by the integer identity of the grid edge they start and end on, never by comparing float
//!   coordinates, so chaining is exact. With the inside on the left, outer rings come out
//!   counter-clockwise and holes clockwise (with y growing upward); rings are classified by the sign
//!   of their area, and each hole goes to the smallest outer ring that contains it.
//! - **Determinism.** Rings are traced in cell scan order and the polygons (and the holes of each
//!   polygon) are sorted by descending area, then by first coordinate, so the same grid always
//!   gives the same output.
//! - **Cost.** Linear in the number of cells, except the hole-to-outer assignment, which tests each
//!   hole against the outer rings (few in practice).
//! - **Degenerate input gives an empty result, never a panic**: a `NaN` threshold, a grid with
//!   fewer than two vertices along either axis (it spans no area), a `values` vector whose length is
//!   not `nx * ny`, an origin that is not finite, or a cell size that is not finite and positive.

use std::cmp::Ordering;
use std::collections::HashMap;

use geo::{BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon, Rect};

/// The smallest fraction of an edge between a crossing and either end of that edge.
///
/// A power of two, so that it and `1 - MIN_FRACTION` are exact.
const MIN_FRACTION: f64 = 1.0 / 1024.0;

/// Travel times sampled at the vertices of a regular grid in a local metric projection (metres).
/// Vertex (i, j) sits at (x0 + i*cell, y0 + j*cell); values[j * nx + i]; f32::INFINITY = not reached.
pub(crate) struct Grid {
    /// Number of vertices along x.
    pub(crate) nx: usize,
    /// Number of vertices along y.
    pub(crate) ny: usize,
    /// x coordinate of vertex (0, 0).
    pub(crate) x0: f64,
    /// y coordinate of vertex (0, 0).
    pub(crate) y0: f64,
    /// Distance between neighbouring vertices, the same along both axes.
    pub(crate) cell: f64,
    /// One value per vertex, row by row from the bottom (`values[j * nx + i]`).
    pub(crate) values: Vec<f32>,
}

/// The region where value <= threshold, as polygons in the grid's coordinates.
///
/// Outer rings are counter-clockwise, holes clockwise, every ring is closed and no two rings cross
/// or touch. See the module documentation for how crossings, saddles and the grid's border are
/// handled, and for the inputs that give an empty result.
pub(crate) fn contour(grid: &Grid, threshold: f32) -> MultiPolygon<f64> {
    let Some(field) = Field::new(grid, threshold) else {
        return MultiPolygon::new(Vec::new());
    };
    let segments = field.segments();
    let rings = field.rings(&segments);
    assemble(rings)
}

/// One side of a cell. A cell's corners are numbered counter-clockwise from the bottom left:
/// 0 = (i, j), 1 = (i + 1, j), 2 = (i + 1, j + 1), 3 = (i, j + 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// From corner 0 to corner 1.
    Bottom,
    /// From corner 1 to corner 2.
    Right,
    /// From corner 3 to corner 2.
    Top,
    /// From corner 0 to corner 3.
    Left,
}

/// The segments a cell emits, each from the side where it enters to the side where it leaves, with
/// the inside on its left.
///
/// `mask` has bit `k` set when corner `k` is inside; `joined` tells how a saddle (mask 5 or 10) is
/// resolved: `true` joins its two inside corners through the centre. The rule behind the table:
/// walking around the cell counter-clockwise, a run of consecutive inside corners is entered through
/// the side just before it and left through the side just after it; a segment goes from the side
/// after a run to the side before the same run, or, in a joined saddle, before the other run.
fn cell_segments(mask: u8, joined: bool) -> &'static [(Side, Side)] {
    use Side::{Bottom, Left, Right, Top};
    match (mask, joined) {
        (1, _) => &[(Bottom, Left)],
        (2, _) => &[(Right, Bottom)],
        (3, _) => &[(Right, Left)],
        (4, _) => &[(Top, Right)],
        (5, false) => &[(Bottom, Left), (Top, Right)],
        (5, true) => &[(Bottom, Right), (Top, Left)],
        (6, _) => &[(Top, Bottom)],
        (7, _) => &[(Top, Left)],
        (8, _) => &[(Left, Top)],
        (9, _) => &[(Bottom, Top)],
        (10, false) => &[(Right, Bottom), (Left, Top)],
        (10, true) => &[(Right, Top), (Left, Bottom)],
        (11, _) => &[(Right, Top)],
        (12, _) => &[(Left, Right)],
        (13, _) => &[(Bottom, Right)],
        (14, _) => &[(Left, Bottom)],
        _ => &[],
    }
}

/// The grid as marching squares sees it: surrounded by a border of outside vertices.
///
/// Padded vertex `(pi, pj)` is grid vertex `(pi - 1, pj - 1)`; the padded columns `0` and `nx + 1`
/// and rows `0` and `ny + 1` are the border. Edges are numbered
/// `2 * (pj * width + pi) + d`, where `d` is 0 for the edge from `(pi, pj)` to `(pi + 1, pj)` and 1
/// for the edge from `(pi, pj)` to `(pi, pj + 1)`.
struct Field<'a> {
    /// The grid being contoured.
    grid: &'a Grid,
    /// Number of padded vertices along x (`nx + 2`).
    width: usize,
    /// Number of padded vertices along y (`ny + 2`).
    height: usize,
    /// The threshold, made finite by [`widen`].
    threshold: f64,
    /// The finite stand-in value of an unreached vertex; always greater than `threshold`.
    unreached: f64,
}

impl<'a> Field<'a> {
    /// Prepares a grid for contouring, or `None` when the result is empty for sure (see the module
    /// documentation for those inputs).
    fn new(grid: &'a Grid, threshold: f32) -> Option<Self> {
        if threshold.is_nan() || grid.nx < 2 || grid.ny < 2 {
            return None;
        }
        if grid.nx.checked_mul(grid.ny) != Some(grid.values.len()) {
            return None;
        }
        let finite_frame = grid.x0.is_finite() && grid.y0.is_finite() && grid.cell.is_finite();
        if !finite_frame || grid.cell <= 0.0 {
            return None;
        }
        let width = grid.nx.checked_add(2)?;
        let height = grid.ny.checked_add(2)?;
        // Every edge id must fit in a usize.
        width.checked_mul(height)?.checked_mul(2)?;
        let threshold = widen(threshold);
        let unreached = threshold + threshold.abs() + 1.0;
        Some(Self { grid, width, height, threshold, unreached })
    }

    /// The value at a padded vertex, with unreached vertices replaced by their stand-in; `None` on
    /// the border outside the grid.
    fn level(&self, pi: usize, pj: usize) -> Option<f64> {
        if pi == 0 || pj == 0 || pi > self.grid.nx || pj > self.grid.ny {
            return None;
        }
        let raw = self.grid.values.get((pj - 1) * self.grid.nx + (pi - 1)).copied();
        Some(match raw {
            Some(value) if !value.is_nan() && value != f32::INFINITY => widen(value),
            _ => self.unreached,
        })
    }

    /// Whether a value from [`Field::level`] is inside the region.
    fn is_inside(&self, level: Option<f64>) -> bool {
        level.is_some_and(|value| value <= self.threshold)
    }

    /// The id of the edge from padded vertex `(pi, pj)` to its right (`vertical == false`) or upper
    /// (`vertical == true`) neighbour.
    fn edge_id(&self, pi: usize, pj: usize, vertical: bool) -> usize {
        (pj * self.width + pi) * 2 + usize::from(vertical)
    }

    /// The id of the edge on one side of the cell whose lower-left padded vertex is `(pi, pj)`.
    fn side_edge(&self, pi: usize, pj: usize, side: Side) -> usize {
        match side {
            Side::Bottom => self.edge_id(pi, pj, false),
            Side::Top => self.edge_id(pi, pj + 1, false),
            Side::Left => self.edge_id(pi, pj, true),
            Side::Right => self.edge_id(pi + 1, pj, true),
        }
    }

    /// Every contour segment of the padded grid, as (entry edge, exit edge), in cell scan order.
    fn segments(&self) -> Vec<(usize, usize)> {
        let mut segments = Vec::new();
        for pj in 0..self.height - 1 {
            for pi in 0..self.width - 1 {
                let levels = [
                    self.level(pi, pj),
                    self.level(pi + 1, pj),
                    self.level(pi + 1, pj + 1),
                    self.level(pi, pj + 1),
                ];
                let mask = levels
                    .iter()
                    .enumerate()
                    .filter(|(_, level)| self.is_inside(**level))
                    .fold(0u8, |mask, (corner, _)| mask | (1 << corner));
                if mask == 0 || mask == 0b1111 {
                    continue;
                }
                let joined = (mask == 0b0101 || mask == 0b1010) && {
                    let sum: f64 = levels.iter().map(|level| level.unwrap_or(self.unreached)).sum();
                    sum / 4.0 <= self.threshold
                };
                for &(entry, exit) in cell_segments(mask, joined) {
                    segments.push((self.side_edge(pi, pj, entry), self.side_edge(pi, pj, exit)));
                }
            }
        }
        segments
    }

    /// Where the contour crosses an edge, in the grid's coordinates.
    fn crossing(&self, edge: usize) -> Coord<f64> {
        let vertical = edge % 2 == 1;
        let vertex = edge / 2;
        let (pi, pj) = (vertex % self.width, vertex / self.width);
        let (qi, qj) = if vertical { (pi, pj + 1) } else { (pi + 1, pj) };
        let (p, q) = (self.level(pi, pj), self.level(qi, qj));
        // Measure from the inside end towards the outside end.
        let ((ai, aj, a), (bi, bj, b)) =
            if self.is_inside(p) { ((pi, pj, p), (qi, qj, q)) } else { ((qi, qj, q), (pi, pj, p)) };
        let fraction = match (a, b) {
            // a <= threshold < b, so the division is finite and positive.
            (Some(a), Some(b)) => ((self.threshold - a) / (b - a)).clamp(MIN_FRACTION, 1.0 - MIN_FRACTION),
            // The far end is the border beyond the grid: clip to the grid vertex.
            _ => 0.0,
        };
        let along = |from: usize, to: usize| from as f64 - 1.0 + fraction * (to as f64 - from as f64);
        Coord {
            x: self.grid.x0 + along(ai, bi) * self.grid.cell,
            y: self.grid.y0 + along(aj, bj) * self.grid.cell,
        }
    }

    /// Chains the segments into closed rings, following each segment's exit edge to the segment
    /// that enters there.
    fn rings(&self, segments: &[(usize, usize)]) -> Vec<Vec<Coord<f64>>> {
        // Every crossed edge is the entry of exactly one segment and the exit of exactly one other.
        let mut next: HashMap<usize, usize> = segments.iter().copied().collect();
        let mut rings = Vec::new();
        for &(start, _) in segments {
            // Already part of a traced ring.
            let Some(mut edge) = next.remove(&start) else {
                continue;
            };
            let mut coords = vec![self.crossing(start)];
            let mut closed = false;
            loop {
                if edge == start {
                    closed = true;
                    break;
                }
                push_distinct(&mut coords, self.crossing(edge));
                match next.remove(&edge) {
                    Some(following) => edge = following,
                    // A chain that stops is impossible by construction (see above); never loop on it.
                    None => break,
                }
            }
            if closed && let Some(ring) = finish_ring(coords) {
                rings.push(ring);
            }
        }
        rings
    }
}

/// An `f32` as a finite `f64` in the same order: the infinities become twice the largest finite
/// `f32`, beyond every finite value, so comparisons keep their meaning while the interpolation and
/// the stand-in for unreached vertices stay finite.
fn widen(value: f32) -> f64 {
    if value.is_infinite() { f64::from(value.signum()) * 2.0 * f64::from(f32::MAX) } else { f64::from(value) }
}

/// Appends a coordinate unless it repeats the last one (two border crossings at a grid corner).
fn push_distinct(coords: &mut Vec<Coord<f64>>, coord: Coord<f64>) {
    if coords.last() != Some(&coord) {
        coords.push(coord);
    }
}

/// Turns a traced cycle of coordinates into a closed ring: drops the points that lie strictly
/// between their two neighbours on an axis-parallel line and repeats the first coordinate at the
/// end. `None` for a cycle without area, which only a grid narrower than two vertices could trace.
fn finish_ring(mut coords: Vec<Coord<f64>>) -> Option<Vec<Coord<f64>>> {
    if coords.len() > 1 && coords.first() == coords.last() {
        coords.pop();
    }
    let n = coords.len();
    if n < 3 {
        return None;
    }
    let mut ring: Vec<Coord<f64>> = (0..n)
        .filter(|&k| !is_straight_through(coords[(k + n - 1) % n], coords[k], coords[(k + 1) % n]))
        .map(|k| coords[k])
        .collect();
    if ring.len() < 3 {
        return None;
    }
    ring.push(ring[0]);
    Some(ring)
}

/// Whether `here` lies strictly between `before` and `after` on a line parallel to an axis.
///
/// Dropping such a point never changes the region. In practice they are the grid vertices along
/// the grid's border, which are exact copies of grid coordinates; the comparison is exact on
/// purpose, so that only points that are exactly on the line go.
fn is_straight_through(before: Coord<f64>, here: Coord<f64>, after: Coord<f64>) -> bool {
    let between = |a: f64, b: f64, c: f64| (a < b && b < c) || (a > b && b > c);
    (before.y == here.y && here.y == after.y && between(before.x, here.x, after.x))
        || (before.x == here.x && here.x == after.x && between(before.y, here.y, after.y))
}

/// The signed area of a closed ring, positive when the ring runs counter-clockwise.
fn signed_area(ring: &[Coord<f64>]) -> f64 {
    let Some(&origin) = ring.first() else {
        return 0.0;
    };
    // Relative to the first point, to keep the products small.
    let doubled: f64 = ring
        .windows(2)
        .map(|pair| {
            let (a, b) = (pair[0] - origin, pair[1] - origin);
            a.x * b.y - b.x * a.y
        })
        .sum();
    doubled / 2.0
}

/// Orders rings by descending area, then by first coordinate (x, then y).
fn by_area_then_start(a_area: f64, a: &LineString<f64>, b_area: f64, b: &LineString<f64>) -> Ordering {
    let start = |ring: &LineString<f64>| ring.0.first().copied().unwrap_or(Coord { x: 0.0, y: 0.0 });
    let (a_start, b_start) = (start(a), start(b));
    b_area
        .total_cmp(&a_area)
        .then_with(|| a_start.x.total_cmp(&b_start.x))
        .then_with(|| a_start.y.total_cmp(&b_start.y))
}

/// Whether a rectangle (closed) holds a coordinate.
fn rect_holds(rect: Option<Rect<f64>>, c: Coord<f64>) -> bool {
    rect.is_some_and(|r| r.min().x <= c.x && c.x <= r.max().x && r.min().y <= c.y && c.y <= r.max().y)
}

/// Splits the rings into outer rings (counter-clockwise) and holes (clockwise), gives each hole to
/// the smallest outer ring that contains it, and sorts the result.
fn assemble(rings: Vec<Vec<Coord<f64>>>) -> MultiPolygon<f64> {
    let mut outers: Vec<(f64, LineString<f64>)> = Vec::new();
    let mut holes: Vec<(f64, LineString<f64>)> = Vec::new();
    for ring in rings {
        let area = signed_area(&ring);
        if area > 0.0 {
            outers.push((area, LineString::new(ring)));
        } else if area < 0.0 {
            holes.push((-area, LineString::new(ring)));
        }
        // A ring of zero area cannot be traced from a grid at least two vertices wide.
    }
    outers.sort_by(|a, b| by_area_then_start(a.0, &a.1, b.0, &b.1));
    holes.sort_by(|a, b| by_area_then_start(a.0, &a.1, b.0, &b.1));

    // Each outer ring as a polygon without holes (for the containment test), with its bounding box
    // (to skip most of those tests) and the area that remains once its holes are cut out.
    let mut shells: Vec<(f64, Polygon<f64>, Option<Rect<f64>>)> = outers
        .into_iter()
        .map(|(area, ring)| {
            let rect = ring.bounding_rect();
            (area, Polygon::new(ring, Vec::new()), rect)
        })
        .collect();
    // Decide every owner before attaching any hole, so the tests see the bare outer rings.
    let owners: Vec<Option<usize>> = holes
        .iter()
        .map(|(_, hole)| {
            // Rings never touch, so any point of a hole is strictly inside the rings around it.
            let probe = *hole.0.first()?;
            // The outers are sorted by descending area, so searching from the back finds the
            // smallest one around the hole first.
            shells
                .iter()
                .enumerate()
                .rev()
                .find(|(_, (_, shell, rect))| rect_holds(*rect, probe) && shell.contains(&Point::from(probe)))
                .map(|(index, _)| index)
        })
        .collect();
    for ((hole_area, hole), owner) in holes.into_iter().zip(owners) {
        // Every hole lies inside some outer ring by construction; one that somehow did not would
        // enclose no region of its own, so leaving it out would change nothing.
        if let Some((area, shell, _)) = owner.and_then(|index| shells.get_mut(index)) {
            *area -= hole_area;
            shell.interiors_push(hole);
        }
    }

    let mut polygons: Vec<(f64, Polygon<f64>)> =
        shells.into_iter().map(|(area, polygon, _)| (area, polygon)).collect();
    polygons.sort_by(|a, b| by_area_then_start(a.0, a.1.exterior(), b.0, b.1.exterior()));
    MultiPolygon::new(polygons.into_iter().map(|(_, polygon)| polygon).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_intersection::{LineIntersection, line_intersection};
    use geo::{Area, Intersects, Line, Validation, Winding};

    const INF: f32 = f32::INFINITY;

    /// A grid with unit cells at the origin.
    fn unit_grid(nx: usize, ny: usize, values: Vec<f32>) -> Grid {
        Grid { nx, ny, x0: 0.0, y0: 0.0, cell: 1.0, values }
    }

    /// A grid whose value at vertex (i, j) is `value(i, j)`.
    fn grid_from(nx: usize, ny: usize, value: impl Fn(usize, usize) -> f32) -> Grid {
        let values = (0..ny).flat_map(|j| (0..nx).map(move |i| (i, j))).map(|(i, j)| value(i, j)).collect();
        unit_grid(nx, ny, values)
    }

    /// The point at fractional grid position (i, j).
    fn at(grid: &Grid, i: f64, j: f64) -> Point<f64> {
        Point::new(grid.x0 + i * grid.cell, grid.y0 + j * grid.cell)
    }

    /// Every ring of every polygon.
    fn rings(result: &MultiPolygon<f64>) -> Vec<&LineString<f64>> {
        result
            .iter()
            .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()))
            .collect()
    }

    /// The distinct coordinates of a closed ring, in ring order.
    fn corners(ring: &LineString<f64>) -> Vec<Coord<f64>> {
        ring.0[..ring.0.len() - 1].to_vec()
    }

    fn assert_close(a: Coord<f64>, b: Coord<f64>) {
        assert!((a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9, "{a:?} is not {b:?}");
    }

    /// Every ring is closed with at least four coordinates; outer rings run counter-clockwise and
    /// holes clockwise.
    fn assert_rings_well_formed(result: &MultiPolygon<f64>) {
        for polygon in result {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                assert!(ring.0.len() >= 4, "ring too short: {ring:?}");
                assert_eq!(ring.0.first(), ring.0.last(), "ring not closed: {ring:?}");
            }
            assert!(polygon.exterior().is_ccw(), "outer ring not counter-clockwise");
            assert!(polygon.interiors().iter().all(|hole| hole.is_cw()), "hole not clockwise");
        }
    }

    /// No two segments of any rings in the result meet, except consecutive segments of one ring at
    /// the point they share: no ring crosses or touches itself or another ring.
    fn assert_rings_simple_and_apart(result: &MultiPolygon<f64>) {
        struct Segment {
            line: Line<f64>,
            ring: usize,
            index: usize,
            count: usize,
        }
        let mut segments = Vec::new();
        for (ring_index, ring) in rings(result).into_iter().enumerate() {
            let count = ring.0.len() - 1;
            for (index, line) in ring.lines().enumerate() {
                segments.push(Segment { line, ring: ring_index, index, count });
            }
        }
        let low_x = |s: &Segment| s.line.start.x.min(s.line.end.x);
        segments.sort_by(|a, b| low_x(a).total_cmp(&low_x(b)));
        for (k, a) in segments.iter().enumerate() {
            let high_x = a.line.start.x.max(a.line.end.x);
            let (low_y, high_y) = (a.line.start.y.min(a.line.end.y), a.line.start.y.max(a.line.end.y));
            for b in &segments[k + 1..] {
                if low_x(b) > high_x {
                    break;
                }
                if b.line.start.y.max(b.line.end.y) < low_y || b.line.start.y.min(b.line.end.y) > high_y {
                    continue;
                }
                let consecutive = a.ring == b.ring
                    && ((a.index + 1) % a.count == b.index || (b.index + 1) % b.count == a.index);
                let is_end = |line: &Line<f64>, c: Coord<f64>| line.start == c || line.end == c;
                match line_intersection(a.line, b.line) {
                    None => {}
                    Some(LineIntersection::SinglePoint { intersection, .. })
                        if consecutive && is_end(&a.line, intersection) && is_end(&b.line, intersection) => {}
                    other => panic!("segments {:?} and {:?} meet: {other:?}", a.line, b.line),
                }
            }
        }
    }

    /// A single reached vertex gives one diamond whose four vertices lie where linear
    /// interpolation along each of its edges puts them, also towards unreached neighbours.
    #[test]
    fn a_single_reached_vertex_gives_a_diamond_at_the_interpolated_crossings() {
        // Centre 1, threshold 10: right 19 -> 9/18, up 28 -> 9/27, left 13 -> 9/12, down 37 -> 9/36.
        let mut grid = grid_from(5, 5, |i, j| match (i, j) {
            (2, 2) => 1.0,
            (3, 2) => 19.0,
            (2, 3) => 28.0,
            (1, 2) => 13.0,
            (2, 1) => 37.0,
            _ => INF,
        });
        grid.x0 = 100.0;
        grid.y0 = 200.0;
        grid.cell = 2.0;
        let result = contour(&grid, 10.0);
        assert_eq!(result.0.len(), 1);
        assert!(result.0[0].interiors().is_empty());
        let found = corners(result.0[0].exterior());
        let expected = [(2.0 + 0.5, 2.0), (2.0, 2.0 + 1.0 / 3.0), (2.0 - 0.75, 2.0), (2.0, 2.0 - 0.25)]
            .map(|(i, j)| at(&grid, i, j).0);
        assert_eq!(found.len(), 4, "{found:?}");
        // Same cycle, counter-clockwise, whichever crossing the ring starts at.
        let shift = found.iter().position(|c| (c.x - expected[0].x).abs() < 1e-9).expect("right vertex");
        for (k, want) in expected.iter().enumerate() {
            assert_close(found[(shift + k) % 4], *want);
        }
        assert_rings_well_formed(&result);

        // With every neighbour unreached, each crossing is at (10 - 1) / ((2 * 10 + 1) - 1) = 0.45.
        let lone = grid_from(5, 5, |i, j| if (i, j) == (2, 2) { 1.0 } else { INF });
        let result = contour(&lone, 10.0);
        assert_eq!(result.0.len(), 1);
        let half_diagonal = 0.45;
        assert!((result.unsigned_area() - 2.0 * half_diagonal * half_diagonal).abs() < 1e-12);
        for c in corners(result.0[0].exterior()) {
            assert!(((c.x - 2.0).abs() + (c.y - 2.0).abs() - half_diagonal).abs() < 1e-12, "{c:?}");
        }
    }

    /// A vertex whose value equals the threshold is inside and still gives a small diamond rather
    /// than being dropped.
    #[test]
    fn a_vertex_exactly_at_the_threshold_still_gives_a_diamond() {
        let grid = grid_from(3, 3, |i, j| if (i, j) == (1, 1) { 5.0 } else { INF });
        let result = contour(&grid, 5.0);
        assert_eq!(result.0.len(), 1);
        assert!(result.contains(&at(&grid, 1.0, 1.0)));
        assert!((result.unsigned_area() - 2.0 * MIN_FRACTION * MIN_FRACTION).abs() < 1e-12);
    }

    /// A fully reached grid gives one polygon equal to the grid's rectangle, with an area of
    /// (nx - 1) x (ny - 1) cells.
    #[test]
    fn a_fully_reached_grid_gives_the_grid_rectangle() {
        let values = vec![0.0, 3.0, 7.0, 7.0, 1.0, 2.0, 5.0, 6.0, 7.0, 0.5, 0.25, 4.0];
        let grid = Grid { nx: 4, ny: 3, x0: -5.0, y0: 7.0, cell: 10.0, values };
        let result = contour(&grid, 7.0);
        assert_eq!(result.0.len(), 1);
        let polygon = &result.0[0];
        assert!(polygon.interiors().is_empty());
        assert!((polygon.unsigned_area() - 3.0 * 2.0 * 100.0).abs() < 1e-9);
        let mut found = corners(polygon.exterior());
        found.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        let expected = [(-5.0, 7.0), (-5.0, 27.0), (25.0, 7.0), (25.0, 27.0)].map(Coord::from);
        assert_eq!(found, expected);
        assert_rings_well_formed(&result);
    }

    /// A reached annulus around an unreached centre gives one polygon with exactly one hole; the
    /// hole runs clockwise and the outer ring counter-clockwise; the centre is not in the result
    /// while a point of the annulus is.
    #[test]
    fn an_annulus_gives_one_polygon_with_one_clockwise_hole() {
        let grid = grid_from(7, 7, |i, j| match i.abs_diff(3).max(j.abs_diff(3)) {
            1 | 2 => 1.0,
            _ => INF,
        });
        let result = contour(&grid, 5.0);
        assert_eq!(result.0.len(), 1);
        let polygon = &result.0[0];
        assert_eq!(polygon.interiors().len(), 1);
        assert!(polygon.exterior().is_ccw());
        assert!(polygon.interiors()[0].is_cw());
        assert!(!result.contains(&at(&grid, 3.0, 3.0)));
        assert!(!result.intersects(&at(&grid, 3.0, 3.0)));
        assert!(result.contains(&at(&grid, 1.5, 3.0)));
        assert_rings_simple_and_apart(&result);
        assert!(result.is_valid());
    }

    /// Two reached regions apart from each other give two disjoint polygons, the larger first.
    #[test]
    fn two_separated_blobs_give_two_polygons() {
        let grid = grid_from(10, 5, |i, j| {
            let big = (1..=3).contains(&i) && (1..=3).contains(&j);
            if big || (i, j) == (7, 2) { 2.0 } else { INF }
        });
        let result = contour(&grid, 5.0);
        assert_eq!(result.0.len(), 2);
        let (big, small) = (&result.0[0], &result.0[1]);
        assert!(big.unsigned_area() > small.unsigned_area());
        assert!(big.contains(&at(&grid, 2.0, 2.0)));
        assert!(small.contains(&at(&grid, 7.0, 2.0)));
        assert!(!big.intersects(small));
        assert_rings_well_formed(&result);
    }

    /// A saddle cell gives valid rings that neither cross nor touch, both when the mean of its
    /// four values is inside (the inside corners are joined: one polygon) and when it is outside
    /// (they stay apart: two polygons); in a bare 2x2 checkerboard and inside a larger grid.
    #[test]
    fn a_saddle_gives_valid_rings_whichever_way_it_is_resolved() {
        // Threshold 6 with inside corners at 0: outside corners at 10 give a mean of 5 (centre
        // inside), at 20 or unreached a mean above 6 (centre outside).
        for (outside, polygons) in [(10.0, 1), (20.0, 2), (INF, 2)] {
            let checkerboard = unit_grid(2, 2, vec![0.0, outside, outside, 0.0]);
            let mirrored = unit_grid(2, 2, vec![outside, 0.0, 0.0, outside]);
            let embedded = grid_from(4, 4, |i, j| match (i, j) {
                (1, 1) | (2, 2) => 0.0,
                (2, 1) | (1, 2) => outside,
                _ => INF,
            });
            for grid in [checkerboard, mirrored, embedded] {
                let result = contour(&grid, 6.0);
                assert_eq!(result.0.len(), polygons, "outside corners at {outside}");
                assert_rings_well_formed(&result);
                assert_rings_simple_and_apart(&result);
                assert!(result.is_valid(), "{:?}", result.validation_errors());
                if polygons == 2 {
                    assert!(!result.0[0].intersects(&result.0[1]));
                }
            }
        }
    }

    /// Each entry of the segment table joins exactly the cell sides whose ends differ, and keeps
    /// the inside end of each of those sides on the left of its segment.
    #[test]
    fn the_segment_table_keeps_inside_corners_on_the_left() {
        let corner = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)].map(Coord::from);
        let ends = |side: Side| match side {
            Side::Bottom => (0, 1),
            Side::Right => (1, 2),
            Side::Top => (3, 2),
            Side::Left => (0, 3),
        };
        let middle = |side: Side| {
            let (a, b) = ends(side);
            (corner[a] + corner[b]) / 2.0
        };
        for mask in 0u8..16 {
            let inside = |k: usize| mask & (1 << k) != 0;
            for joined in [false, true] {
                let table = cell_segments(mask, joined);
                let mut used: Vec<Side> = table.iter().flat_map(|&(a, b)| [a, b]).collect();
                used.sort_by_key(|side| *side as u8);
                let mut crossed: Vec<Side> = [Side::Bottom, Side::Right, Side::Top, Side::Left]
                    .into_iter()
                    .filter(|&side| inside(ends(side).0) != inside(ends(side).1))
                    .collect();
                crossed.sort_by_key(|side| *side as u8);
                assert_eq!(used, crossed, "mask {mask:04b}");
                for &(entry, exit) in table {
                    let (from, to) = (middle(entry), middle(exit));
                    for side in [entry, exit] {
                        let (a, b) = ends(side);
                        let inner = if inside(a) { corner[a] } else { corner[b] };
                        let (d, e) = (to - from, inner - from);
                        assert!(d.x * e.y - d.y * e.x > 0.0, "mask {mask:04b}: {side:?} inside on the right");
                    }
                }
            }
        }
    }

    /// With rings nested three deep, each hole belongs to the smallest outer ring around it: the
    /// big polygon keeps the wide hole, and the island inside that hole keeps the small one.
    #[test]
    fn nested_rings_give_each_hole_to_the_smallest_outer_ring() {
        let grid = grid_from(13, 13, |i, j| match i.abs_diff(6).max(j.abs_diff(6)) {
            0 | 1 | 4 => INF,
            _ => 3.0,
        });
        let result = contour(&grid, 5.0);
        assert_eq!(result.0.len(), 2);
        let (outer, island) = (&result.0[0], &result.0[1]);
        assert_eq!(outer.interiors().len(), 1);
        assert_eq!(island.interiors().len(), 1);
        assert!(outer.contains(&at(&grid, 5.5 + 6.0, 6.0)));
        assert!(!result.intersects(&at(&grid, 4.0 + 6.0, 6.0)));
        assert!(island.contains(&at(&grid, 2.5 + 6.0, 6.0)));
        assert!(!result.intersects(&at(&grid, 6.0, 6.0)));
        assert!(island.interiors()[0].bounding_rect().unwrap().height() < 4.0);
        assert!(outer.interiors()[0].bounding_rect().unwrap().height() > 8.0);
        assert_rings_well_formed(&result);
        assert_rings_simple_and_apart(&result);
    }

    /// Empty, degenerate or inconsistent inputs give an empty result instead of a panic.
    #[test]
    fn degenerate_inputs_give_an_empty_result() {
        let empty = |grid: &Grid, threshold: f32| contour(grid, threshold).0.is_empty();
        assert!(empty(&unit_grid(0, 0, vec![]), 1.0));
        assert!(empty(&unit_grid(0, 5, vec![]), 1.0));
        assert!(empty(&unit_grid(1, 1, vec![0.0]), 1.0));
        assert!(empty(&unit_grid(1, 3, vec![0.0; 3]), 1.0));
        assert!(empty(&unit_grid(3, 3, vec![0.0; 8]), 1.0));
        assert!(empty(&unit_grid(usize::MAX, 2, vec![0.0; 4]), 1.0));
        assert!(empty(&unit_grid(3, 3, vec![INF; 9]), 1.0));
        assert!(empty(&unit_grid(3, 3, vec![f32::NAN; 9]), 1.0));
        assert!(empty(&unit_grid(3, 3, vec![0.0; 9]), f32::NAN));
        assert!(empty(&unit_grid(3, 3, vec![0.0; 9]), -1.0));
        for cell in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(empty(&Grid { nx: 3, ny: 3, x0: 0.0, y0: 0.0, cell, values: vec![0.0; 9] }, 1.0));
        }
        assert!(empty(&Grid { nx: 3, ny: 3, x0: f64::NAN, y0: 0.0, cell: 1.0, values: vec![0.0; 9] }, 1.0));
    }

    /// Extreme values and thresholds (NaN, infinities, the f32 limits) give well-formed rings:
    /// NaN counts as unreached, an infinite threshold takes in every finite value but no
    /// unreached vertex.
    #[test]
    fn extreme_values_and_thresholds_give_well_formed_rings() {
        let rows = [
            [f32::NAN, 0.0, f32::NEG_INFINITY, 1.0],
            [f32::MAX, INF, f32::MIN, 2.0],
            [3.0, f32::NAN, 4.0, INF],
            [f32::MAX, f32::MIN_POSITIVE, -0.0, 1e30],
        ];
        let values = rows.concat();
        let grid = unit_grid(4, 4, values);
        for threshold in [INF, f32::NEG_INFINITY, f32::MAX, f32::MIN, 0.0, 1.5, 1e30, -1e30] {
            let result = contour(&grid, threshold);
            assert_rings_well_formed(&result);
            assert_rings_simple_and_apart(&result);
            for polygon in &result {
                assert!(polygon.exterior().coords().all(|c| c.x.is_finite() && c.y.is_finite()));
            }
            for (k, &value) in grid.values.iter().enumerate() {
                let point = at(&grid, (k % 4) as f64, (k / 4) as f64);
                let reached = !value.is_nan() && value != INF;
                let inside = reached && value <= threshold;
                assert_eq!(result.intersects(&point), inside, "value {value} threshold {threshold}");
            }
        }
        let all_max = contour(&unit_grid(2, 2, vec![f32::MAX; 4]), INF);
        assert!((all_max.unsigned_area() - 1.0).abs() < 1e-12);
    }

    /// A small SplitMix64 generator, so the random grids are the same on every run.
    struct SplitMix(u64);

    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform in [0, 1).
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }

        /// Uniform in `low..=high`.
        fn between(&mut self, low: usize, high: usize) -> usize {
            low + (self.next() % (high - low + 1) as u64) as usize
        }
    }

    /// A random grid and threshold: pure noise, integer noise (so values equal the threshold),
    /// or smooth travel times from a few origins; sprinkled with unreached and NaN vertices.
    fn random_case(rng: &mut SplitMix) -> (Grid, f32) {
        let (nx, ny) = (rng.between(2, 30), rng.between(2, 30));
        let unreached = [0.0, 0.05, 0.3][rng.between(0, 2)];
        let nan = [0.0, 0.03][rng.between(0, 1)];
        let kind = rng.between(0, 2);
        let origins: Vec<(f64, f64, f64)> = (0..rng.between(1, 4))
            .map(|_| (rng.unit() * nx as f64, rng.unit() * ny as f64, rng.unit() * 20.0))
            .collect();
        let mut values = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                let value = match kind {
                    0 => (rng.unit() * 100.0) as f32,
                    1 => rng.between(0, 9) as f32,
                    _ => origins
                        .iter()
                        .map(|&(x, y, start)| {
                            start + 6.0 * (x - i as f64).hypot(y - j as f64) + rng.unit() * 8.0
                        })
                        .fold(f64::INFINITY, f64::min) as f32,
                };
                let roll = rng.unit();
                values.push(if roll < unreached {
                    INF
                } else if roll < unreached + nan {
                    f32::NAN
                } else {
                    value
                });
            }
        }
        let threshold = match kind {
            1 => rng.between(0, 9) as f32,
            _ => (rng.unit() * 100.0) as f32,
        };
        let cell = [1.0, 0.5, 250.0][rng.between(0, 2)];
        let (x0, y0) = (rng.unit() * 1000.0 - 500.0, rng.unit() * 1000.0 - 500.0);
        (Grid { nx, ny, x0, y0, cell, values }, threshold)
    }

    /// On seeded random grids: every vertex at or below the threshold is in the result (strictly
    /// inside unless it lies on the grid's border) and every other vertex is not in it, not even
    /// on its boundary; the area lies between that of the cells with all four vertices inside and
    /// that of the cells with any vertex inside; rings are closed, outer ones counter-clockwise,
    /// holes clockwise, and none crosses or touches another; and a second run gives the same
    /// output. Because crossings never sit on a vertex, no tolerance around the threshold is
    /// needed.
    #[test]
    fn random_grids_keep_every_invariant() {
        let mut rng = SplitMix(0x5EED_0F15_0C42);
        for case in 0..200 {
            let (grid, threshold) = random_case(&mut rng);
            let result = contour(&grid, threshold);
            let (nx, ny) = (grid.nx, grid.ny);
            let inside = |i: usize, j: usize| grid.values[j * nx + i] <= threshold;
            // Only the polygons whose bounding box holds a point can hold the point.
            let boxes: Vec<_> = result.iter().map(|polygon| (polygon, polygon.bounding_rect())).collect();
            let near = |point: Point<f64>| {
                boxes.iter().filter(move |(_, rect)| rect_holds(*rect, point.0)).map(|(polygon, _)| *polygon)
            };
            for j in 0..ny {
                for i in 0..nx {
                    let point = at(&grid, i as f64, j as f64);
                    let on_border = i == 0 || j == 0 || i == nx - 1 || j == ny - 1;
                    let touches = near(point).any(|polygon| polygon.intersects(&point));
                    if inside(i, j) {
                        let holds = near(point).any(|polygon| polygon.contains(&point));
                        assert!(touches, "case {case}: vertex ({i}, {j}) left out");
                        assert!(on_border || holds, "case {case}: ({i}, {j}) on the boundary");
                    } else {
                        assert!(!touches, "case {case}: vertex ({i}, {j}) taken in");
                    }
                }
            }
            let (mut full, mut touched) = (0usize, 0usize);
            for j in 0..ny - 1 {
                for i in 0..nx - 1 {
                    let count = [(i, j), (i + 1, j), (i, j + 1), (i + 1, j + 1)]
                        .into_iter()
                        .filter(|&(a, b)| inside(a, b))
                        .count();
                    full += usize::from(count == 4);
                    touched += usize::from(count > 0);
                }
            }
            let cell_area = grid.cell * grid.cell;
            let area = result.unsigned_area();
            let slack = 1e-9 * cell_area * (nx * ny) as f64;
            assert!(area >= full as f64 * cell_area - slack, "case {case}: area {area} below full cells");
            assert!(
                area <= touched as f64 * cell_area + slack,
                "case {case}: area {area} above touched cells"
            );
            assert_rings_well_formed(&result);
            assert_rings_simple_and_apart(&result);
            assert_eq!(contour(&grid, threshold), result, "case {case}: not deterministic");
        }
    }
}
