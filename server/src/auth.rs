//! Who is asking: passwords (argon2id, off the async runtime, bounded), sessions in the database
//! behind an HttpOnly cookie, login throttling per account and per client address.

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::storage::{self, audit, sessions, throttle, users::UserRow};
use app::domain::{Password, Role};
use app::error::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::{HeaderMap, header, request::Parts};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "xiaoan_session";

/// What the server knows of a request before it knows the user.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub client_addr: String,
    pub user_agent: String,
    token: Option<String>,
}

impl RequestMeta {
    pub fn from_parts(parts: &Parts, trust_proxy: bool) -> RequestMeta {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let forwarded = trust_proxy
            .then(|| header_str(&parts.headers, "x-forwarded-for"))
            .flatten()
            .and_then(|v| v.split(',').next().map(|s| s.trim().to_owned()));
        RequestMeta {
            client_addr: forwarded.or(peer).unwrap_or_default(),
            user_agent: header_str(&parts.headers, "user-agent")
                .unwrap_or("")
                .chars()
                .take(200)
                .collect(),
            token: cookie_value(&parts.headers, SESSION_COOKIE),
        }
    }
}

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn cookie_value(h: &HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The logged-in user behind a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: UserRow,
    pub role: Role,
    pub meta: RequestMeta,
    token_hash: String,
}

impl Caller {
    /// A user acting from the command line, with no session and no request: for operator tools
    /// (`xiaoan explain`) that run a service exactly as this user would see it.
    pub fn operator(user: UserRow) -> Option<Caller> {
        let role = Role::parse(&user.role)?;
        Some(Caller { user, role, meta: RequestMeta::default(), token_hash: String::new() })
    }

    pub fn id(&self) -> i64 {
        self.user.id
    }

    pub fn require(&self, roles: &[Role]) -> Result<()> {
        if roles.contains(&self.role) { Ok(()) } else { Err(AppError::Forbidden.into()) }
    }

    pub async fn audit(
        &self,
        state: &AppState,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<()> {
        audit::append(&state.db, &self.audit_entry(action, target, detail), Utc::now()).await
    }

    /// An audit entry by this caller, for a write that logs itself in its own transaction.
    pub fn audit_entry<'a>(
        &'a self,
        action: &'a str,
        target: &'a str,
        detail: &'a str,
    ) -> audit::Entry<'a> {
        audit::Entry {
            actor_id: Some(self.id()),
            action,
            target,
            detail,
            client_addr: &self.meta.client_addr,
        }
    }
}

/// A configured duration as a calendar span, capped at a century so that adding it to a time
/// can never overflow, whatever the environment says.
fn span(d: std::time::Duration) -> chrono::Duration {
    let century = chrono::Duration::days(36_500);
    chrono::Duration::from_std(d).map_or(century, |d| d.min(century))
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// 64 random hex characters.
pub fn random_secret() -> String {
    new_token()
}

/// The session behind the request's cookie, if it is valid now. Refreshes its idle clock at most
/// once a minute, so that reads stay cheap.
pub async fn resolve(state: &AppState, meta: &RequestMeta) -> Result<Option<Caller>> {
    let Some(token) = meta.token.as_deref() else { return Ok(None) };
    if token.len() != 64 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(s) = sessions::get(&state.db, &hash).await? else { return Ok(None) };
    let now = Utc::now();
    let idle = span(state.config.session_idle);
    if now >= s.expires_at || now >= s.last_seen_at + idle {
        sessions::delete(&state.db, &hash).await?;
        return Ok(None);
    }
    let user = s.user;
    let Some(role) = Role::parse(&user.role) else { return Ok(None) };
    if user.disabled {
        return Ok(None);
    }
    if now - s.last_seen_at > chrono::Duration::minutes(1) {
        sessions::touch(&state.db, &hash, now).await?;
    }
    Ok(Some(Caller { user, role, meta: meta.clone(), token_hash: hash }))
}

pub async fn require_caller(state: &AppState, meta: &RequestMeta) -> Result<Caller> {
    resolve(state, meta).await?.ok_or(Error::App(AppError::NotLoggedIn))
}

/// Hashes a password with argon2id at the crate's defaults (OWASP: m = 19 MiB, t = 2, p = 1), on
/// a blocking thread, at most one per core at a time.
pub async fn hash_password(state: &AppState, password: &Password) -> Result<String> {
    hash_bounded(&state.hashing, password).await
}

/// [`hash_password`], holding one of `hashing`'s permits while it runs.
pub async fn hash_bounded(hashing: &tokio::sync::Semaphore, password: &Password) -> Result<String> {
    let _permit = hashing.acquire().await.map_err(|e| Error::Hash(e.to_string()))?;
    let pw = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Hash(e.to_string()))
    })
    .await?
}

async fn verify_password(state: &AppState, password: &str, hash: &str) -> Result<bool> {
    let _permit = state.hashing.acquire().await.map_err(|e| Error::Hash(e.to_string()))?;
    let (pw, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| Error::Hash(e.to_string()))?;
        Ok(Argon2::default().verify_password(pw.as_bytes(), &parsed).is_ok())
    })
    .await?
}

/// Refuses with 429 while either key has too many recent failures.
async fn check_throttle(state: &AppState, keys: &[(&str, i64)], now: DateTime<Utc>) -> Result<()> {
    let window = span(state.config.login_window);
    for (key, max) in keys {
        let (count, oldest) = throttle::failures_since(&state.db, key, now - window).await?;
        if count >= *max {
            let free_at = oldest.unwrap_or(now) + window;
            let retry_after_secs = (free_at - now).num_seconds().max(1) as u64;
            return Err(AppError::Throttled { retry_after_secs }.into());
        }
    }
    Ok(())
}

/// Checks the password and opens a session. Returns the session's `Set-Cookie` value and the user.
/// A wrong username and a wrong password look the same from outside, in answer and in time.
pub async fn login(
    state: &AppState,
    meta: &RequestMeta,
    username: &str,
    password: &str,
) -> Result<(String, UserRow)> {
    let now = Utc::now();
    let name = username.trim().to_lowercase();
    let account_key = format!("user:{name}");
    let addr_key = format!("addr:{}", meta.client_addr);
    let cfg = &state.config;
    check_throttle(
        state,
        &[
            (&account_key, cfg.login_max_failures_per_account),
            (&addr_key, cfg.login_max_failures_per_address),
        ],
        now,
    )
    .await?;

    let user = storage::users::by_username(&state.db, &name).await?;
    let hash = user.as_ref().map_or(state.dummy_hash.as_str(), |u| u.password_hash.as_str());
    let ok = verify_password(state, password, hash).await? && user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        throttle::record(&state.db, &[&account_key, &addr_key], now).await?;
        audit::append(
            &state.db,
            &audit::Entry {
                actor_id: None,
                action: "login.failed",
                target: &account_key,
                detail: "",
                client_addr: &meta.client_addr,
            },
            now,
        )
        .await?;
        return Err(AppError::BadCredentials.into());
    };
    if user.disabled {
        return Err(AppError::AccountDisabled.into());
    }
    throttle::clear(&state.db, &account_key).await?;
    // A session this browser already held ends: a login always starts a session of its own, with
    // a token made here and never one the request brought.
    if let Some(token) = &meta.token {
        sessions::delete(&state.db, &token_hash(token)).await?;
    }
    let cookie = open_session(state, meta, user.id, now).await?;
    audit::append(
        &state.db,
        &audit::Entry {
            actor_id: Some(user.id),
            action: "login",
            target: &account_key,
            detail: "",
            client_addr: &meta.client_addr,
        },
        now,
    )
    .await?;
    Ok((cookie, user))
}

async fn open_session(
    state: &AppState,
    meta: &RequestMeta,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    let token = new_token();
    let max = span(state.config.session_max);
    let new = sessions::NewSession {
        token_hash: &token_hash(&token),
        user_id,
        expires_at: now + max,
        client_addr: &meta.client_addr,
        user_agent: &meta.user_agent,
    };
    sessions::insert(&state.db, &new, now).await?;
    Ok(session_cookie(&token, state.config.session_max.as_secs(), state.config.secure_cookies()))
}

fn session_cookie(value: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Ends the request's session (if any) and returns the cookie value that clears it.
pub async fn logout(state: &AppState, meta: &RequestMeta) -> Result<String> {
    if let Some(c) = resolve(state, meta).await? {
        sessions::delete(&state.db, &c.token_hash).await?;
        c.audit(state, "logout", &format!("user:{}", c.id()), "").await?;
    }
    Ok(session_cookie("", 0, state.config.secure_cookies()))
}

/// Changes the caller's password after checking the current one, ends every session of the user
/// (other devices too), and opens a fresh one for this device.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    current: &str,
    new: &str,
) -> Result<String> {
    let new = Password::parse_new(new, &caller.user.username).map_err(AppError::from)?;
    if !verify_password(state, current, &caller.user.password_hash).await? {
        return Err(AppError::WrongCurrentPassword.into());
    }
    let hash = hash_password(state, &new).await?;
    let now = Utc::now();
    storage::users::set_password(&state.db, caller.id(), &hash, now).await?;
    caller.audit(state, "password.change", &format!("user:{}", caller.id()), "").await?;
    open_session(state, &caller.meta, caller.id(), now).await
}

/// Drops expired sessions and old login failures; run now and then.
pub async fn purge(state: &AppState) -> Result<()> {
    let now = Utc::now();
    let idle = span(state.config.session_idle);
    let window = span(state.config.login_window);
    sessions::purge_expired(&state.db, now, now - idle).await?;
    throttle::purge_before(&state.db, now - window).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_http_only_lax_and_secure_only_over_tls() {
        let c = session_cookie("abc", 60, false);
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"),
            "{c}"
        );
        assert!(session_cookie("abc", 60, true).ends_with("; Secure"));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "lang=en; xiaoan_session=abc; x=y".parse().unwrap());
        assert_eq!(cookie_value(&h, SESSION_COOKIE).as_deref(), Some("abc"));
    }
}
