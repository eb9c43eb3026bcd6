//! Persistence in SQLite: one embedded database file in WAL mode with full synchronisation, so that whatever the
//! API acknowledged has been committed to disk before the response left, and survives a `kill -9`.
//!
//! Schema changes are numbered migrations applied at open (`PRAGMA user_version` says how far a file is).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::error::ApiError;

/// The migrations, in order; entry `i` takes a database from version `i` to `i + 1`. Never edit a released one:
/// add a new one.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('planner', 'analyst', 'advisor', 'admin')),
    created_at TEXT NOT NULL
);
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE scenarios (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    advisor_id INTEGER REFERENCES users(id),
    date TEXT,
    body TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX plans_by_advisor ON plans (advisor_id, date);
CREATE TABLE visit_requests (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    params TEXT NOT NULL,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    object TEXT,
    details TEXT
);
"#];

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite refused.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The folder could not be created.
    #[error("cannot create the folder for {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file was written by a newer neuvo.
    #[error(
        "database {path} has schema version {found}, newer than this neuvo knows ({known}); upgrade neuvo"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
}

/// The database: one connection, used from blocking threads.
#[derive(Clone, Debug)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

/// The current time as RFC 3339 UTC with milliseconds.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Db {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| DbError::Io { path: path.to_path_buf(), source })?;
        }
        let err = |source| DbError::Sqlite { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(err)?;
        // WAL lets readers run beside the writer; FULL makes every commit durable before it returns.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(err)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(err)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(err)?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(DbError::TooNew { path: path.to_path_buf(), found: version, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.unchecked_transaction().map_err(err)?;
            tx.execute_batch(sql).map_err(err)?;
            tx.pragma_update(None, "user_version", i as i64 + 1).map_err(err)?;
            tx.commit().map_err(err)?;
            tracing::info!(version = i + 1, "database migrated");
        }
        Ok(Db { conn: Arc::new(Mutex::new(conn)), path: path.to_path_buf() })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with the connection on the calling thread.
    pub fn with<R>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<R>) -> Result<R, ApiError> {
        let conn = self.conn.lock().map_err(|_| ApiError::Internal("database lock poisoned".into()))?;
        f(&conn).map_err(ApiError::from)
    }

    /// Runs `f` with the connection on a blocking thread, for async handlers.
    pub async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<R> + Send + 'static,
    ) -> Result<R, ApiError> {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.with(f)).await?
    }
}

/// A user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// When the user was created.
    pub created_at: String,
}

fn user_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: role
            .parse()
            .map_err(|_| rusqlite::Error::InvalidColumnType(2, "role".into(), rusqlite::types::Type::Text))?,
        created_at: r.get(3)?,
    })
}

/// Creates a user; fails if the name is taken.
pub fn insert_user(c: &Connection, name: &str, role: Role) -> rusqlite::Result<User> {
    let at = now();
    c.execute(
        "INSERT INTO users (name, role, created_at) VALUES (?1, ?2, ?3)",
        params![name, role.as_str(), at],
    )?;
    Ok(User { id: c.last_insert_rowid(), name: name.to_owned(), role, created_at: at })
}

/// The user called `name`.
pub fn user_by_name(c: &Connection, name: &str) -> rusqlite::Result<Option<User>> {
    c.query_row("SELECT id, name, role, created_at FROM users WHERE name = ?1", [name], user_of).optional()
}

/// The user with `id`.
pub fn user_by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<User>> {
    c.query_row("SELECT id, name, role, created_at FROM users WHERE id = ?1", [id], user_of).optional()
}

/// Every user, by name.
pub fn list_users(c: &Connection) -> rusqlite::Result<Vec<User>> {
    let mut st = c.prepare("SELECT id, name, role, created_at FROM users ORDER BY name")?;
    st.query_map([], user_of)?.collect()
}

/// Stores a token's id and hash.
pub fn insert_token(c: &Connection, id: &str, user_id: i64, hash: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO tokens (id, user_id, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, user_id, hash, now()],
    )?;
    Ok(())
}

/// A token's hash and user, if it exists and is not revoked.
pub fn live_token(c: &Connection, id: &str) -> rusqlite::Result<Option<(String, User)>> {
    c.query_row(
        "SELECT t.hash, u.id, u.name, u.role, u.created_at FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.id = ?1 AND t.revoked_at IS NULL",
        [id],
        |r| {
            let hash: String = r.get(0)?;
            let role: String = r.get(3)?;
            let role = role.parse().map_err(|_| {
                rusqlite::Error::InvalidColumnType(3, "role".into(), rusqlite::types::Type::Text)
            })?;
            Ok((hash, User { id: r.get(1)?, name: r.get(2)?, role, created_at: r.get(4)? }))
        },
    )
    .optional()
}

/// Revokes every token of a user; returns how many.
pub fn revoke_tokens(c: &Connection, user_id: i64) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
        params![now(), user_id],
    )
}

/// Appends to the audit log.
pub fn audit(
    c: &Connection,
    user_id: Option<i64>,
    action: &str,
    object: &str,
    details: &str,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO audit_log (at, user_id, action, object, details) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now(), user_id, action, object, details],
    )?;
    Ok(())
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Database id.
    pub id: i64,
    /// When.
    pub at: String,
    /// Who (user name), if anyone.
    pub user: Option<String>,
    /// What, e.g. `plan.download`.
    pub action: String,
    /// Which object, e.g. `plan/12`.
    pub object: Option<String>,
    /// Extra facts (never client names or addresses).
    pub details: Option<String>,
}

/// The newest `limit` audit entries, newest first.
pub fn list_audit(c: &Connection, limit: i64) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut st = c.prepare(
        "SELECT a.id, a.at, u.name, a.action, a.object, a.details FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         ORDER BY a.id DESC LIMIT ?1",
    )?;
    st.query_map([limit], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            user: r.get(2)?,
            action: r.get(3)?,
            object: r.get(4)?,
            details: r.get(5)?,
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_migrates_once_and_refuses_newer_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x/neuvo.db");
        let db = Db::open(&p).unwrap();
        db.with(|c| insert_user(c, "alice", Role::Planner)).unwrap();
        drop(db);
        let db = Db::open(&p).unwrap();
        let users = db.with(list_users).unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].role, Role::Planner);
        let mode: String = db.with(|c| c.pragma_query_value(None, "journal_mode", |r| r.get(0))).unwrap();
        assert_eq!(mode, "wal");
        db.with(|c| c.pragma_update(None, "user_version", 99)).unwrap();
        drop(db);
        assert!(matches!(Db::open(&p), Err(DbError::TooNew { found: 99, .. })));
    }

    #[test]
    fn revoked_tokens_are_not_live_and_names_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("n.db")).unwrap();
        let u = db.with(|c| insert_user(c, "bob", Role::Advisor)).unwrap();
        db.with(|c| insert_token(c, "t1", u.id, "hash")).unwrap();
        assert!(db.with(|c| live_token(c, "t1")).unwrap().is_some());
        assert_eq!(db.with(|c| revoke_tokens(c, u.id)).unwrap(), 1);
        assert!(db.with(|c| live_token(c, "t1")).unwrap().is_none());
        assert!(db.with(|c| insert_user(c, "bob", Role::Admin)).is_err());
    }
}
