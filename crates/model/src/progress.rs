/// Progress of long work (parsing a file, contracting a graph, computing a matrix), reported by libraries to
/// whoever shows it: a progress bar in the CLI, a job record in the server, nothing in tests.
///
/// Implementations must be cheap: libraries call [`Progress::inc`] often.
pub trait Progress: Sync {
    /// Starts a new stage of `total` steps, named for a human reader.
    fn start(&self, stage: &str, total: u64);
    /// Reports that `steps` more steps of the current stage are done.
    fn inc(&self, steps: u64);
    /// Ends the current stage.
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _stage: &str, _total: u64) {}
    fn inc(&self, _steps: u64) {}
}
