//! The one typed configuration, read from the environment (see `.env.example`).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; may hold a password, so never printed whole.
    pub database_url: String,
    pub demo: bool,
    /// Where the built site (wasm, JS, CSS, public files) lives.
    pub site_root: String,
    /// The address users reach, e.g. `https://xiaoan.example.cn`. When it is https, cookies are
    /// marked Secure.
    pub public_url: Option<String>,
    /// Read the client address from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_proxy: bool,
    pub session_idle: Duration,
    pub session_max: Duration,
    pub login_window: Duration,
    pub login_max_failures_per_account: i64,
    pub login_max_failures_per_address: i64,
    /// Largest photo upload accepted, in bytes.
    pub max_photo_bytes: usize,
    /// Days a school gets to rectify a general / major hazard (the default deadline).
    pub deadlines: app::domain::hazard::DeadlinePolicy,
    /// Where hazard events are posted (e.g. a bridge to SMS or WeCom); none to send nothing.
    pub webhook_url: Option<String>,
    /// Signs each webhook body (HMAC-SHA256, `X-Xiaoan-Signature`). Never printed.
    pub webhook_secret: String,
    /// The kinds of enforcement measure (table 2's columns), in order.
    pub measure_kinds: Vec<String>,
    /// The kinds of accountability action (table 3's columns), in order.
    pub action_kinds: Vec<String>,
    /// Where Prometheus metrics are served (`GET /metrics`); none to serve none.
    pub metrics_addr: Option<SocketAddr>,
    /// Logs as one JSON object per line instead of text (`XIAOAN_LOG_FORMAT=json`).
    pub log_json: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {name} {problem}")]
pub struct ConfigError {
    name: &'static str,
    problem: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| ConfigError { name, problem: format!("cannot be read from {v:?}") }),
    }
}

fn flag(name: &'static str) -> Result<bool, ConfigError> {
    match var(name).as_deref().map(str::trim) {
        None | Some("0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(v) => Err(ConfigError { name, problem: format!("must be 1 or 0, not {v:?}") }),
    }
}

/// A comma-separated list (Chinese or ASCII commas), or the default.
fn list(name: &str, default: &[&str]) -> Vec<String> {
    match var(name) {
        Some(v) => v
            .split([',', '，'])
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        None => default.iter().map(|k| (*k).to_owned()).collect(),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let data_dir: PathBuf = parse("XIAOAN_DATA_DIR", PathBuf::from("data"))?;
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", data_dir.join("xiaoan.db").display())
        });
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres:")
            || database_url.starts_with("postgresql:"))
        {
            return Err(ConfigError {
                name: "DATABASE_URL",
                problem: "must start with sqlite: or postgres:".into(),
            });
        }
        let hours = |h: u64| Duration::from_secs(h * 3600);
        Ok(Config {
            addr: parse("XIAOAN_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?,
            data_dir,
            database_url,
            demo: flag("XIAOAN_DEMO")?,
            site_root: var("XIAOAN_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            public_url: var("XIAOAN_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            trust_proxy: flag("XIAOAN_TRUST_PROXY")?,
            session_idle: hours(parse("XIAOAN_SESSION_IDLE_HOURS", 7 * 24)?),
            session_max: hours(24 * parse("XIAOAN_SESSION_MAX_DAYS", 30)?),
            login_window: Duration::from_secs(60 * parse("XIAOAN_LOGIN_WINDOW_MINUTES", 15)?),
            login_max_failures_per_account: parse("XIAOAN_LOGIN_MAX_FAILURES", 5)?,
            login_max_failures_per_address: parse("XIAOAN_LOGIN_MAX_FAILURES_PER_ADDRESS", 30)?,
            max_photo_bytes: parse::<usize>("XIAOAN_MAX_PHOTO_MIB", 15)? * 1024 * 1024,
            deadlines: app::domain::hazard::DeadlinePolicy {
                general_days: parse("XIAOAN_DEADLINE_GENERAL_DAYS", 15)?,
                major_days: parse("XIAOAN_DEADLINE_MAJOR_DAYS", 30)?,
            },
            webhook_url: var("XIAOAN_WEBHOOK_URL"),
            webhook_secret: var("XIAOAN_WEBHOOK_SECRET").unwrap_or_default(),
            measure_kinds: list("XIAOAN_MEASURE_KINDS", app::domain::report::DEFAULT_MEASURE_KINDS),
            action_kinds: list("XIAOAN_ACTION_KINDS", app::domain::report::DEFAULT_ACTION_KINDS),
            metrics_addr: match var("XIAOAN_METRICS_ADDR") {
                None => None,
                Some(_) => {
                    Some(parse("XIAOAN_METRICS_ADDR", SocketAddr::from(([127, 0, 0, 1], 0)))?)
                }
            },
            log_json: match var("XIAOAN_LOG_FORMAT").as_deref().map(str::trim) {
                None | Some("text") => false,
                Some("json") => true,
                Some(v) => {
                    return Err(ConfigError {
                        name: "XIAOAN_LOG_FORMAT",
                        problem: format!("must be text or json, not {v:?}"),
                    });
                }
            },
        })
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// The database URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url))
            .field("demo", &self.demo)
            .field("site_root", &self.site_root)
            .field("public_url", &self.public_url)
            .field("trust_proxy", &self.trust_proxy)
            .field("session_idle", &self.session_idle)
            .field("session_max", &self.session_max)
            .field("webhook_url", &self.webhook_url)
            .field("metrics_addr", &self.metrics_addr)
            .field("log_json", &self.log_json)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_never_reaches_the_logs() {
        assert_eq!(
            redact_url("postgres://xa:s3cret@db:5432/xiaoan"),
            "postgres://xa:***@db:5432/xiaoan"
        );
        assert_eq!(redact_url("sqlite://data/xiaoan.db"), "sqlite://data/xiaoan.db");
    }
}
