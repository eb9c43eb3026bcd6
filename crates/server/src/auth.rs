//! Access control: roles, API tokens stored as argon2 hashes, and the extractor that turns a bearer token into a
//! user.
//!
//! A token reads `nvo_<id>_<secret>`: the id finds the row, the secret is checked against its argon2id hash. A
//! verified token is remembered in memory (by its SHA-256) for a few minutes, so argon2 — slow on purpose — runs
//! once per token rather than once per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::db::{self, Db, User};
use crate::error::ApiError;

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Chooses sites and rotations; runs routes, matrices, isochrones and jobs; manages plans and visit requests.
    Planner,
    /// Compares scenarios; runs routes, matrices, isochrones and jobs.
    Analyst,
    /// Sees only their own day plans (and routes).
    Advisor,
    /// Everything, including users and the audit log.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Planner, Role::Analyst, Role::Advisor, Role::Admin];

    /// The name used in the database, the API and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Planner => "planner",
            Role::Analyst => "analyst",
            Role::Advisor => "advisor",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}: expected planner, analyst, advisor or admin"))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn random_hex(bytes: usize) -> Result<String, ApiError> {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).map_err(|e| ApiError::Internal(format!("no system randomness: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Hashes a token secret with argon2id and a random salt (PHC string).
fn hash_secret(secret: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::Internal(format!("no system randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("argon2: {e}")))
}

fn verify_secret(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok())
}

/// Issues a new token for `user`, storing only its hash; the token itself is returned once and never again.
pub fn issue_token(db: &Db, user: &User) -> Result<String, ApiError> {
    let id = random_hex(8)?;
    let secret = random_hex(32)?;
    let hash = hash_secret(&secret)?;
    db.with(|c| {
        db::insert_token(c, &id, user.id, &hash)?;
        db::audit(c, Some(user.id), "token.issue", &format!("user/{}", user.id), "")
    })?;
    Ok(format!("nvo_{id}_{secret}"))
}

/// Creates a user with a first token.
pub fn create_user(db: &Db, name: &str, role: Role) -> Result<(User, String), ApiError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "a user name is 1 to 64 printable characters",
            serde_json::json!({"field": "name"}),
        ));
    }
    let user = db.with(|c| {
        if db::user_by_name(c, name)?.is_some() {
            return Ok(None);
        }
        let u = db::insert_user(c, name, role)?;
        db::audit(c, None, "user.create", &format!("user/{}", u.id), role.as_str())?;
        Ok(Some(u))
    })?;
    let user = user.ok_or_else(|| ApiError::Conflict(format!("a user called {name:?} already exists")))?;
    let token = issue_token(db, &user)?;
    Ok((user, token))
}

/// How long a verified token is trusted without checking the database again.
const CACHE_TTL: Duration = Duration::from_secs(120);

/// Verifies bearer tokens, remembering recent ones.
#[derive(Debug, Default)]
pub struct Authenticator {
    cache: Mutex<HashMap<[u8; 32], (User, Instant)>>,
}

impl Authenticator {
    /// The user a bearer token belongs to.
    pub async fn authenticate(&self, db: &Db, header: Option<&str>) -> Result<User, ApiError> {
        let Some(h) = header else {
            return Err(ApiError::Unauthorized(
                "log in: send `Authorization: Bearer <token>` (tokens come from `neuvo user add`)".into(),
            ));
        };
        let token = h.strip_prefix("Bearer ").map(str::trim).unwrap_or("");
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Ok(cache) = self.cache.lock()
            && let Some((user, at)) = cache.get(&key)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(user.clone());
        }
        let bad = || ApiError::Unauthorized("the token is not valid (unknown, revoked, or mistyped)".into());
        let mut parts = token.splitn(3, '_');
        let (Some("nvo"), Some(id), Some(secret)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let (id, secret) = (id.to_owned(), secret.to_owned());
        let db = db.clone();
        let user = tokio::task::spawn_blocking(move || -> Result<Option<User>, ApiError> {
            let Some((hash, user)) = db.with(|c| db::live_token(c, &id))? else { return Ok(None) };
            Ok(verify_secret(&secret, &hash).then_some(user))
        })
        .await??
        .ok_or_else(bad)?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
            cache.insert(key, (user.clone(), Instant::now()));
        }
        Ok(user)
    }

    /// Forgets every remembered token (after a revocation).
    pub fn forget_all(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }
}

/// The authenticated user of a request.
#[derive(Clone, Debug)]
pub struct AuthUser(pub User);

impl AuthUser {
    /// Fails with 403 unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), ApiError> {
        if roles.contains(&self.0.role) {
            Ok(())
        } else {
            let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Forbidden(format!(
                "{what} needs the role {}; you are {}",
                allowed.join(" or "),
                self.0.role
            )))
        }
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        state.auth.authenticate(&state.db, header).await.map(AuthUser)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_verify_only_against_their_own_hash() {
        let h = hash_secret("abc").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_secret("abc", &h));
        assert!(!verify_secret("abd", &h));
        assert!(!verify_secret("abc", "not a hash"));
        assert_ne!(hash_secret("abc").unwrap(), h, "salted");
    }

    #[test]
    fn roles_parse_from_their_names() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
