//! Shared helpers: real networks built once per test binary.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use neuvo_model::{Mode, NoProgress};
use neuvo_network::{Network, NetworkMeta};
use neuvo_osm::{ImportReport, Profile};

/// A network built from a shared OSM file, with the importer's report.
pub(crate) struct Built {
    pub(crate) net: Network,
    pub(crate) report: ImportReport,
}

/// One slot per (file, profile), filled by the first test that needs it.
type Slots = Mutex<HashMap<(String, String), Arc<OnceLock<Arc<Built>>>>>;

/// The network of `file` (relative to data/cache/) for `profile`, built once and shared by all tests.
pub(crate) fn network(file: &str, profile: &str) -> Arc<Built> {
    static CACHE: OnceLock<Slots> = OnceLock::new();
    let slot = {
        let mut m =
            CACHE.get_or_init(Default::default).lock().expect("no test panics while holding the lock");
        m.entry((file.to_owned(), profile.to_owned())).or_default().clone()
    };
    slot.get_or_init(|| {
        let path = neuvo_testkit::data_file(file);
        let p = Profile::builtin(profile).expect("built-in profile");
        let (graph, report) = neuvo_osm::read_network(&path, &p).expect("the shared file reads");
        let meta = NetworkMeta {
            mode: Some(p.mode),
            profile: p.name.clone(),
            snap: neuvo_network::SnapParamsMeta {
                max_snap_m: p.max_snap_m,
                access_speed_kmh: p.access_speed(),
                candidate_slack_m: p.snap_slack_m,
            },
            ..Default::default()
        };
        Arc::new(Built { net: Network::build(graph, meta, &NoProgress), report })
    })
    .clone()
}

/// The mode's built-in profile name.
pub(crate) fn profile_name(mode: Mode) -> &'static str {
    mode.as_str()
}
