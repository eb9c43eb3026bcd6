//! Long work as jobs: a POST returns an id at once; a bounded pool of workers runs the job on blocking threads;
//! progress is published (polling or server-sent events), a job can be cancelled, and its result is stored.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, watch};

use crate::db::{Db, now};
use crate::error::ApiError;

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Running.
    Running,
    /// Finished; the result can be fetched.
    Done,
    /// Stopped by an error (see `error`).
    Failed,
    /// Cancelled on request.
    Cancelled,
    /// The server stopped while the job was queued or running.
    Interrupted,
}

impl JobState {
    fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Interrupted => "interrupted",
        }
    }

    fn parse(s: &str) -> JobState {
        match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            "cancelled" => JobState::Cancelled,
            _ => JobState::Interrupted,
        }
    }

    /// Whether the job will not change any more.
    pub fn is_final(self) -> bool {
        !matches!(self, JobState::Queued | JobState::Running)
    }
}

/// A job as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobStatus {
    /// The job's id.
    pub id: String,
    /// What it computes, e.g. `matrix`.
    pub kind: String,
    /// Where it is.
    pub state: JobState,
    /// Share done, 0 to 1.
    pub progress: f64,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// When it was submitted.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// Why a job's work stopped early.
#[derive(Debug)]
pub enum JobFailure {
    /// The job was cancelled.
    Cancelled,
    /// The work failed; the message is shown to the user.
    Failed(String),
}

/// What a job's work sees: progress reporting and the cancellation flag.
pub struct JobCtx {
    cancel: Arc<AtomicBool>,
    tx: watch::Sender<JobStatus>,
    total: AtomicUsize,
    done: AtomicUsize,
    db: Db,
    last_saved: Mutex<Instant>,
}

impl JobCtx {
    /// Whether cancellation was asked for; long work checks this often and stops.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn publish(&self) {
        let total = self.total.load(Ordering::Relaxed).max(1);
        let p = (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0);
        self.tx.send_modify(|s| {
            s.progress = p;
            s.updated_at = now();
        });
        // Progress goes to the database at most twice a second.
        if let Ok(mut last) = self.last_saved.lock()
            && last.elapsed().as_millis() >= 500
        {
            *last = Instant::now();
            let id = self.tx.borrow().id.clone();
            let _ = self.db.with(|c| {
                c.execute(
                    "UPDATE jobs SET progress = ?1, updated_at = ?2 WHERE id = ?3",
                    params![p, now(), id],
                )
            });
        }
    }
}

impl neuvo_model::Progress for JobCtx {
    fn start(&self, _stage: &str, total: u64) {
        self.total.store(total as usize, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.publish();
    }

    fn inc(&self, steps: u64) {
        self.done.fetch_add(steps as usize, Ordering::Relaxed);
        self.publish();
    }
}

struct Live {
    cancel: Arc<AtomicBool>,
    rx: watch::Receiver<JobStatus>,
}

/// The job runner: a bounded pool of workers and the jobs in memory.
pub struct Jobs {
    workers: Arc<Semaphore>,
    max_pending: usize,
    pending: Arc<AtomicUsize>,
    live: Arc<Mutex<HashMap<String, Live>>>,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs").field("max_pending", &self.max_pending).finish_non_exhaustive()
    }
}

type Work = Box<dyn FnOnce(&JobCtx) -> Result<serde_json::Value, JobFailure> + Send + 'static>;

fn status_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobStatus> {
    let state: String = r.get(2)?;
    Ok(JobStatus {
        id: r.get(0)?,
        kind: r.get(1)?,
        state: JobState::parse(&state),
        progress: r.get(3)?,
        error: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

const STATUS_COLUMNS: &str = "id, kind, status, progress, error, created_at, updated_at";

impl Jobs {
    /// A runner with `workers` concurrent jobs and at most `max_pending` queued or running. Jobs left queued or
    /// running by a previous server are marked interrupted.
    pub fn new(db: &Db, workers: usize, max_pending: usize) -> Result<Jobs, ApiError> {
        db.with(|c| {
            c.execute(
                "UPDATE jobs SET status = 'interrupted', updated_at = ?1 WHERE status IN ('queued', 'running')",
                [now()],
            )
        })?;
        Ok(Jobs {
            workers: Arc::new(Semaphore::new(workers.max(1))),
            max_pending: max_pending.max(1),
            pending: Arc::new(AtomicUsize::new(0)),
            live: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// Queues `work`; returns at once with the job's status.
    pub fn submit(
        &self,
        db: &Db,
        owner: i64,
        kind: &str,
        params: &serde_json::Value,
        work: Work,
    ) -> Result<JobStatus, ApiError> {
        if self.pending.fetch_add(1, Ordering::SeqCst) >= self.max_pending {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::Busy(format!(
                "{} jobs are already queued or running; try again when one has finished",
                self.max_pending
            )));
        }
        let mut id_bytes = [0u8; 8];
        if let Err(e) = getrandom::fill(&mut id_bytes) {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::Internal(format!("no system randomness: {e}")));
        }
        let id: String = id_bytes.iter().map(|b| format!("{b:02x}")).collect();
        let at = now();
        let status = JobStatus {
            id: id.clone(),
            kind: kind.to_owned(),
            state: JobState::Queued,
            progress: 0.0,
            error: None,
            created_at: at.clone(),
            updated_at: at.clone(),
        };
        let inserted = db.with(|c| {
            c.execute(
                "INSERT INTO jobs (id, kind, owner_id, status, progress, params, created_at, updated_at) VALUES (?1, ?2, ?3, 'queued', 0, ?4, ?5, ?5)",
                params![id, kind, owner, params.to_string(), at],
            )
        });
        if let Err(e) = inserted {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            return Err(e);
        }
        let (tx, rx) = watch::channel(status.clone());
        let cancel = Arc::new(AtomicBool::new(false));
        if let Ok(mut live) = self.live.lock() {
            live.insert(id, Live { cancel: cancel.clone(), rx });
        }
        let (workers, pending, live, db) =
            (self.workers.clone(), self.pending.clone(), self.live.clone(), db.clone());
        tokio::spawn(async move {
            let permit = workers.acquire_owned().await;
            let ctx = JobCtx {
                cancel: cancel.clone(),
                tx: tx.clone(),
                total: AtomicUsize::new(1),
                done: AtomicUsize::new(0),
                db: db.clone(),
                last_saved: Mutex::new(Instant::now()),
            };
            let outcome = if permit.is_err() || cancel.load(Ordering::Relaxed) {
                Err(JobFailure::Cancelled)
            } else {
                set_state(&db, &tx, JobState::Running, None, None);
                match tokio::task::spawn_blocking(move || {
                    let r = work(&ctx);
                    (r, ctx)
                })
                .await
                {
                    Ok((r, _ctx)) => r,
                    Err(e) => Err(JobFailure::Failed(format!("the job stopped unexpectedly: {e}"))),
                }
            };
            match outcome {
                Ok(result) => set_state(&db, &tx, JobState::Done, None, Some(result)),
                Err(JobFailure::Cancelled) => set_state(&db, &tx, JobState::Cancelled, None, None),
                Err(JobFailure::Failed(msg)) => set_state(&db, &tx, JobState::Failed, Some(msg), None),
            }
            pending.fetch_sub(1, Ordering::SeqCst);
            if let Ok(mut l) = live.lock() {
                l.remove(&tx.borrow().id);
            }
            drop(permit);
        });
        Ok(status)
    }

    /// A job's status, if it exists and `owner` may see it (`None` owner: any job).
    pub fn status(&self, db: &Db, id: &str, owner: Option<i64>) -> Result<JobStatus, ApiError> {
        if let Ok(live) = self.live.lock()
            && let Some(l) = live.get(id)
        {
            let s = l.rx.borrow().clone();
            if owner.is_none() || self.owner(db, id)? == owner {
                return Ok(s);
            }
        }
        let row = db.with(|c| {
            c.query_row(&format!("SELECT {STATUS_COLUMNS}, owner_id FROM jobs WHERE id = ?1"), [id], |r| {
                Ok((status_of(r)?, r.get::<_, i64>(7)?))
            })
            .optional()
        })?;
        match row {
            Some((s, o)) if owner.is_none_or(|x| x == o) => Ok(s),
            _ => Err(ApiError::NotFound(format!("no job {id}"))),
        }
    }

    fn owner(&self, db: &Db, id: &str) -> Result<Option<i64>, ApiError> {
        db.with(|c| c.query_row("SELECT owner_id FROM jobs WHERE id = ?1", [id], |r| r.get(0)).optional())
    }

    /// A receiver of a live job's status changes, or `None` if it is no longer running.
    pub fn watch(&self, id: &str) -> Option<watch::Receiver<JobStatus>> {
        self.live.lock().ok().and_then(|l| l.get(id).map(|x| x.rx.clone()))
    }

    /// Asks a job to stop; returns its status.
    pub fn cancel(&self, db: &Db, id: &str, owner: Option<i64>) -> Result<JobStatus, ApiError> {
        let s = self.status(db, id, owner)?;
        if s.state.is_final() {
            return Ok(s);
        }
        if let Ok(live) = self.live.lock()
            && let Some(l) = live.get(id)
        {
            l.cancel.store(true, Ordering::Relaxed);
        }
        Ok(s)
    }

    /// The stored result of a finished job.
    pub fn result(&self, db: &Db, id: &str, owner: Option<i64>) -> Result<String, ApiError> {
        let s = self.status(db, id, owner)?;
        if s.state != JobState::Done {
            return Err(ApiError::Conflict(format!(
                "job {id} is {}: there is no result (yet)",
                s.state.as_str()
            )));
        }
        db.with(|c| {
            c.query_row("SELECT result FROM jobs WHERE id = ?1", [id], |r| r.get::<_, Option<String>>(0))
        })?
        .ok_or_else(|| ApiError::Internal(format!("job {id} is done but has no stored result")))
    }

    /// The newest jobs of `owner` (`None`: everyone's).
    pub fn list(&self, db: &Db, owner: Option<i64>, limit: i64) -> Result<Vec<JobStatus>, ApiError> {
        db.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {STATUS_COLUMNS} FROM jobs WHERE ?1 IS NULL OR owner_id = ?1 ORDER BY created_at DESC LIMIT ?2"
            ))?;
            st.query_map(params![owner, limit], status_of)?.collect()
        })
    }
}

fn set_state(
    db: &Db,
    tx: &watch::Sender<JobStatus>,
    state: JobState,
    error: Option<String>,
    result: Option<serde_json::Value>,
) {
    let at = now();
    let id = tx.borrow().id.clone();
    let progress = if state == JobState::Done { 1.0 } else { tx.borrow().progress };
    let result_text = result.map(|r| r.to_string());
    let saved = db.with(|c| {
        c.execute(
            "UPDATE jobs SET status = ?1, progress = ?2, error = ?3, result = COALESCE(?4, result), updated_at = ?5 WHERE id = ?6",
            params![state.as_str(), progress, error, result_text, at, id],
        )
    });
    if let Err(e) = saved {
        tracing::error!(job = %id, error = %e, "cannot store the job's state");
    }
    tx.send_modify(|s| {
        s.state = state;
        s.progress = progress;
        s.error = error;
        s.updated_at = at;
    });
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::auth::Role;

    fn db() -> (tempfile::TempDir, Db, i64) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open(&dir.path().join("j.db")).expect("db");
        let u = db.with(|c| crate::db::insert_user(c, "u", Role::Planner)).expect("user");
        (dir, db, u.id)
    }

    async fn wait(jobs: &Jobs, db: &Db, id: &str) -> JobStatus {
        for _ in 0..500 {
            let s = jobs.status(db, id, None).expect("status");
            if s.state.is_final() {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("job {id} did not finish");
    }

    /// A running job stops when cancelled, and is stored as cancelled with no result.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cancelled_jobs_stop_and_say_so() {
        let (_d, db, owner) = db();
        let jobs = Jobs::new(&db, 1, 4).expect("jobs");
        let s = jobs
            .submit(
                &db,
                owner,
                "spin",
                &serde_json::json!({}),
                Box::new(|ctx: &JobCtx| {
                    while !ctx.cancelled() {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    Err(JobFailure::Cancelled)
                }),
            )
            .expect("submitted");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(jobs.status(&db, &s.id, None).expect("status").state, JobState::Running);
        assert!(matches!(jobs.result(&db, &s.id, None), Err(ApiError::Conflict(_))));
        jobs.cancel(&db, &s.id, Some(owner)).expect("cancel");
        assert_eq!(wait(&jobs, &db, &s.id).await.state, JobState::Cancelled);
        assert!(matches!(jobs.result(&db, &s.id, None), Err(ApiError::Conflict(_))));
    }

    /// With one worker, a second job waits; the queue refuses work beyond its bound; failures keep their message;
    /// progress reaches the status.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_pool_is_bounded_and_the_queue_too() {
        let (_d, db, owner) = db();
        let jobs = Jobs::new(&db, 1, 2).expect("jobs");
        let gate = Arc::new(AtomicBool::new(false));
        let g = gate.clone();
        let first = jobs
            .submit(
                &db,
                owner,
                "wait",
                &serde_json::json!({}),
                Box::new(move |ctx: &JobCtx| {
                    use neuvo_model::Progress;
                    ctx.start("waiting", 4);
                    ctx.inc(1);
                    while !g.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    Ok(serde_json::json!({"ok": true}))
                }),
            )
            .expect("first");
        let second = jobs
            .submit(
                &db,
                owner,
                "fail",
                &serde_json::json!({}),
                Box::new(|_: &JobCtx| Err(JobFailure::Failed("no data".into()))),
            )
            .expect("second");
        let third = jobs.submit(
            &db,
            owner,
            "x",
            &serde_json::json!({}),
            Box::new(|_: &JobCtx| Ok(serde_json::Value::Null)),
        );
        assert!(matches!(third, Err(ApiError::Busy(_))));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let s1 = jobs.status(&db, &first.id, None).expect("status");
        assert_eq!(s1.state, JobState::Running);
        assert!((s1.progress - 0.25).abs() < 1e-9, "{}", s1.progress);
        assert_eq!(
            jobs.status(&db, &second.id, None).expect("status").state,
            JobState::Queued,
            "one worker only"
        );
        gate.store(true, Ordering::Relaxed);
        assert_eq!(wait(&jobs, &db, &first.id).await.state, JobState::Done);
        let failed = wait(&jobs, &db, &second.id).await;
        assert_eq!((failed.state, failed.error.as_deref()), (JobState::Failed, Some("no data")));
        assert_eq!(jobs.result(&db, &first.id, None).expect("result"), "{\"ok\":true}");
        assert!(
            jobs.submit(
                &db,
                owner,
                "x",
                &serde_json::json!({}),
                Box::new(|_: &JobCtx| Ok(serde_json::Value::Null))
            )
            .is_ok()
        );
    }

    /// Jobs left running by a server that stopped are marked interrupted when the next one starts.
    #[tokio::test]
    async fn jobs_of_a_stopped_server_are_interrupted() {
        let (_d, db, owner) = db();
        db.with(|c| {
            c.execute(
                "INSERT INTO jobs (id, kind, owner_id, status, params, created_at, updated_at) VALUES ('old', 'matrix', ?1, 'running', '{}', 'x', 'x')",
                [owner],
            )
        })
        .expect("insert");
        let jobs = Jobs::new(&db, 1, 1).expect("jobs");
        assert_eq!(jobs.status(&db, "old", Some(owner)).expect("status").state, JobState::Interrupted);
        assert!(matches!(jobs.status(&db, "old", Some(owner + 1)), Err(ApiError::NotFound(_))));
    }
}
