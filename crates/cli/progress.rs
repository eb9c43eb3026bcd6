//! Progress bars on stderr for long work; silent when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressStyle};
use neuvo_model::Progress;

/// A [`Progress`] shown as an indicatif bar.
pub(crate) struct Bar(ProgressBar);

impl Bar {
    pub(crate) fn new() -> Self {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg:>16} [{bar:40}] {pos}/{len} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Self(bar)
    }
}

impl Progress for Bar {
    fn start(&self, stage: &str, total: u64) {
        self.0.reset();
        self.0.set_length(total);
        self.0.set_message(stage.to_owned());
    }

    fn inc(&self, steps: u64) {
        self.0.inc(steps);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// A spinner for work without a known size (parsing a file).
pub(crate) fn spinner(msg: &str) -> ProgressBar {
    let s = ProgressBar::new_spinner();
    s.set_message(msg.to_owned());
    s.enable_steady_tick(std::time::Duration::from_millis(120));
    s
}
