//! A seeded generator of realistic home-visit requests for demos and tests: clients drawn from a population
//! grid's group (people aged 75 and over, say) in proportion to the people of each cell, placed at a random point
//! of their cell, with windows, durations, needs and languages drawn from shares we assume (below).
//!
//! The shares are assumptions for demonstrations, not statistics: most clients speak Finnish, about one in ten
//! Swedish (Helsinki's Swedish-speaking share is higher among the old than among the young), a few Russian or
//! English; most want a morning or an afternoon; visits take 30 to 90 minutes. Names and addresses are
//! synthetic and say so.

use neuvo_model::{Demand, LonLat, SplitMix64};

use super::requests::{AdvisorSpec, ClientDetails, Priority, Span, VisitRequest};

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateSpec {
    /// How many requests.
    pub count: usize,
    /// Seed: the same seed, grid and area give the same requests.
    pub seed: u64,
    /// The population group clients are drawn from (e.g. `age75`).
    pub group: String,
}

fn pick<T: Copy>(rng: &mut SplitMix64, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(u64::from(total)) as u32;
    for &(x, w) in table {
        if r < w {
            return x;
        }
        r -= w;
    }
    table[table.len() - 1].0
}

const H: u32 = 3600;

/// Generates requests. `inside` says whether a point may hold a client (inside the area served and near the
/// street network); cells whose centre fails it are skipped. `advisors`, when given, supply preferred advisors
/// (three clients in ten have one who speaks their language).
pub fn generate_visits(
    demand: &Demand,
    spec: &GenerateSpec,
    advisors: &[AdvisorSpec],
    inside: &dyn Fn(LonLat) -> bool,
) -> Result<Vec<VisitRequest>, String> {
    let g = demand.group_index(&spec.group).ok_or_else(|| {
        format!(
            "the population grid has no group {:?}; it has: {}",
            spec.group,
            demand.group_names().join(", ")
        )
    })?;
    // Cumulative people over the cells inside the area.
    let mut cells = Vec::new();
    let mut cumulative = Vec::new();
    let mut total = 0.0;
    for c in &demand.cells {
        let people = c.values.get(g).copied().unwrap_or(0.0);
        if people > 0.0 && inside(c.location) {
            total += people;
            cells.push(c);
            cumulative.push(total);
        }
    }
    if cells.is_empty() {
        return Err(format!("no cell inside the area has people of group {:?}", spec.group));
    }
    let mut rng = SplitMix64::new(spec.seed);
    let mut out = Vec::with_capacity(spec.count);
    for k in 0..spec.count {
        let r = rng.unit_f64() * total;
        let ci = cumulative.partition_point(|&c| c <= r).min(cells.len() - 1);
        let cell = cells[ci];
        // A random point of the cell's outline box that lies inside the area; the centre if none is found.
        let place = {
            let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
            for p in &cell.outline {
                lo = (lo.0.min(p.lon()), lo.1.min(p.lat()));
                hi = (hi.0.max(p.lon()), hi.1.max(p.lat()));
            }
            let mut found = cell.location;
            if lo.0 < hi.0 && lo.1 < hi.1 {
                for _ in 0..20 {
                    let lon = lo.0 + rng.unit_f64() * (hi.0 - lo.0);
                    let lat = lo.1 + rng.unit_f64() * (hi.1 - lo.1);
                    if let Ok(p) = LonLat::try_new(lon, lat)
                        && inside(p)
                    {
                        found = p;
                        break;
                    }
                }
            }
            found
        };
        let windows = match pick(&mut rng, &[(0, 35), (1, 30), (2, 20), (3, 15)]) {
            0 => vec![Span { start: 9 * H, end: 12 * H }],
            1 => vec![Span { start: 12 * H, end: 15 * H + H / 2 }],
            2 => Vec::new(),
            _ => {
                vec![Span { start: 9 * H, end: 10 * H + H / 2 }, Span { start: 13 * H, end: 14 * H + H / 2 }]
            }
        };
        let minutes = pick(&mut rng, &[(30, 25), (45, 35), (60, 30), (90, 10)]);
        let languages: Vec<String> = match pick(&mut rng, &[(0, 84), (1, 5), (2, 5), (3, 3), (4, 3)]) {
            0 => vec!["fi"],
            1 => vec!["sv"],
            2 => vec!["sv", "fi"],
            3 => vec!["ru"],
            _ => vec!["en", "fi"],
        }
        .into_iter()
        .map(str::to_owned)
        .collect();
        let skills: Vec<String> = match pick(&mut rng, &[(0, 45), (1, 30), (2, 15), (3, 10)]) {
            0 => vec!["digital"],
            1 => vec!["benefits"],
            2 => vec!["digital", "benefits"],
            _ => vec!["debt"],
        }
        .into_iter()
        .map(str::to_owned)
        .collect();
        let priority = pick(
            &mut rng,
            &[(Priority::Must, 10), (Priority::High, 20), (Priority::Normal, 55), (Priority::Low, 15)],
        );
        let preferred_advisor = if !advisors.is_empty() && rng.below(10) < 3 {
            let speaking: Vec<&AdvisorSpec> =
                advisors.iter().filter(|a| a.languages.iter().any(|l| languages.contains(l))).collect();
            (!speaking.is_empty()).then(|| speaking[rng.below(speaking.len() as u64) as usize].id.clone())
        } else {
            None
        };
        let given = GIVEN[rng.below(GIVEN.len() as u64) as usize];
        let family = FAMILY[rng.below(FAMILY.len() as u64) as usize];
        out.push(VisitRequest {
            id: format!("C-{:04}", k + 1),
            place,
            windows,
            duration_s: minutes * 60,
            skills,
            skills_any: Vec::new(),
            languages,
            priority,
            preferred_advisor,
            advisor: None,
            client: ClientDetails {
                name: Some(format!("{given} {family} (synthetic)")),
                address: Some(format!("synthetic address in grid cell {}", cell.id)),
                phone: None,
            },
            note: None,
        });
    }
    Ok(out)
}

/// Common Finnish given names and surnames, for synthetic clients.
const GIVEN: [&str; 12] = [
    "Aino", "Eino", "Helmi", "Toivo", "Kerttu", "Väinö", "Elsa", "Onni", "Maire", "Pentti", "Ingrid", "Lars",
];
const FAMILY: [&str; 12] = [
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lindqvist",
    "Nyberg",
];

#[cfg(test)]
mod tests {
    use neuvo_model::{DemandCell, Group};

    use super::*;

    fn grid() -> Demand {
        let cell = |id: &str, lon: f64, people: f64| DemandCell {
            id: id.into(),
            location: LonLat::try_new(lon + 0.001, 60.001).unwrap(),
            outline: vec![LonLat::try_new(lon, 60.0).unwrap(), LonLat::try_new(lon + 0.002, 60.002).unwrap()],
            district: None,
            municipality: None,
            values: vec![people],
            estimated: false,
        };
        Demand {
            groups: vec![Group { name: "age75".into(), definition: String::new() }],
            cells: vec![cell("a", 24.0, 10.0), cell("b", 25.0, 30.0), cell("c", 26.0, 0.0)],
        }
    }

    #[test]
    fn draws_follow_the_people_and_the_seed() {
        let spec = GenerateSpec { count: 2000, seed: 7, group: "age75".into() };
        let v = generate_visits(&grid(), &spec, &[], &|_| true).unwrap();
        assert_eq!(v, generate_visits(&grid(), &spec, &[], &|_| true).unwrap());
        let in_b = v.iter().filter(|x| x.place.lon() >= 25.0).count();
        assert!(v.iter().all(|x| x.place.lon() < 26.0), "the empty cell gets nobody");
        let share = in_b as f64 / v.len() as f64;
        assert!((share - 0.75).abs() < 0.04, "cell b has 3/4 of the people: {share}");
        assert!(v.iter().all(|x| x.windows.iter().all(|w| w.start < w.end) && x.duration_s >= 1800));
        let other =
            generate_visits(&grid(), &GenerateSpec { seed: 8, ..spec.clone() }, &[], &|_| true).unwrap();
        assert_ne!(v, other);
        // An area that excludes cell b.
        let v = generate_visits(&grid(), &spec, &[], &|p| p.lon() < 25.0).unwrap();
        assert!(v.iter().all(|x| x.place.lon() < 25.0));
        assert!(
            generate_visits(&grid(), &GenerateSpec { group: "x".into(), ..spec }, &[], &|_| true).is_err()
        );
    }
}
