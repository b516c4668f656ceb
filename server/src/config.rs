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
    /// Photos in an S3-compatible bucket (`XIAOAN_S3_BUCKET`); none keeps them in the data folder.
    pub s3: Option<S3Config>,
    /// How long a client may take to send a request's headers before the connection is dropped
    /// (a client trickling bytes to hold connections open).
    pub header_timeout: Duration,
    /// How long one request may take, body included, before it is answered 408 (a photo over a
    /// weak connection needs minutes, so this is generous).
    pub request_timeout: Duration,
}

/// Where photos live when they are in S3-compatible object storage.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    /// e.g. `http://127.0.0.1:9000` (path-style requests, plain http allowed because it was
    /// asked for); none for AWS itself (https, virtual-hosted, from the region).
    pub endpoint: Option<String>,
    pub region: String,
    /// Keys start with it (`<prefix>/photos/ab/…`), so one bucket can serve several deployments.
    pub prefix: Option<String>,
    pub access_key_id: String,
    /// Never printed.
    pub secret_access_key: String,
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

/// The S3 settings from `get` (the environment, or a table in tests): none without a bucket.
fn s3(get: impl Fn(&str) -> Option<String>) -> Result<Option<S3Config>, ConfigError> {
    let Some(bucket) = get("XIAOAN_S3_BUCKET").map(|b| b.trim().to_owned()) else {
        if let Some(name) =
            ["XIAOAN_S3_ENDPOINT", "XIAOAN_S3_PREFIX"].into_iter().find(|n| get(n).is_some())
        {
            return Err(ConfigError {
                name: "XIAOAN_S3_BUCKET",
                problem: format!("must be set when {name} is (photos go to S3 only with a bucket)"),
            });
        }
        return Ok(None);
    };
    let endpoint =
        match get("XIAOAN_S3_ENDPOINT").map(|e| e.trim().trim_end_matches('/').to_owned()) {
            Some(e) if e.starts_with("http://") || e.starts_with("https://") => Some(e),
            Some(e) => {
                return Err(ConfigError {
                    name: "XIAOAN_S3_ENDPOINT",
                    problem: format!("must start with http:// or https://, not {e:?}"),
                });
            }
            None => None,
        };
    let prefix = get("XIAOAN_S3_PREFIX").map(|p| p.trim().trim_matches('/').to_owned());
    if let Some(p) = &prefix
        && p.split('/').any(|part| matches!(part, "" | "." | ".."))
    {
        return Err(ConfigError {
            name: "XIAOAN_S3_PREFIX",
            problem: format!(
                "must be names separated by /, without empty, . or .. parts, not {p:?}"
            ),
        });
    }
    let key = |name: &'static str| {
        get(name).map(|v| v.trim().to_owned()).ok_or_else(|| ConfigError {
            name,
            problem: "must be set when XIAOAN_S3_BUCKET is".into(),
        })
    };
    Ok(Some(S3Config {
        bucket,
        endpoint,
        region: get("XIAOAN_S3_REGION").map_or_else(|| "us-east-1".into(), |r| r.trim().to_owned()),
        prefix,
        access_key_id: key("AWS_ACCESS_KEY_ID")?,
        secret_access_key: key("AWS_SECRET_ACCESS_KEY")?,
    }))
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
            s3: s3(var)?,
            header_timeout: Duration::from_secs(parse("XIAOAN_HEADER_TIMEOUT_SECS", 10)?),
            request_timeout: Duration::from_secs(parse("XIAOAN_REQUEST_TIMEOUT_SECS", 300)?),
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
            .field("s3", &self.s3)
            .field("header_timeout", &self.header_timeout)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .field("access_key_id", &self.access_key_id)
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

    fn s3_from(vars: &[(&str, &str)]) -> Result<Option<S3Config>, String> {
        let table: std::collections::HashMap<_, _> = vars.iter().copied().collect();
        s3(|name| table.get(name).map(|v| (*v).to_owned())).map_err(|e| e.to_string())
    }

    const KEYS: [(&str, &str); 2] =
        [("AWS_ACCESS_KEY_ID", "xiaoan"), ("AWS_SECRET_ACCESS_KEY", "s3cret-key")];

    #[test]
    fn s3_is_on_with_a_bucket_and_its_secret_never_reaches_the_logs() {
        assert!(s3_from(&[]).expect("no S3 settings").is_none(), "the data folder by default");
        let c = s3_from(&[
            KEYS[0],
            KEYS[1],
            ("XIAOAN_S3_BUCKET", "photos"),
            ("XIAOAN_S3_ENDPOINT", "http://127.0.0.1:9000/"),
            ("XIAOAN_S3_PREFIX", "/county/baiyu/"),
        ])
        .expect("valid settings")
        .expect("S3 on");
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(c.prefix.as_deref(), Some("county/baiyu"));
        assert_eq!(c.region, "us-east-1");
        assert!(!format!("{c:?}").contains("s3cret"), "the secret key is redacted");
    }

    #[test]
    fn s3_settings_that_cannot_work_are_refused_by_name() {
        let bucket = ("XIAOAN_S3_BUCKET", "photos");
        let cases: [(&[(&str, &str)], &str); 5] = [
            (&[("XIAOAN_S3_ENDPOINT", "http://127.0.0.1:9000")], "XIAOAN_S3_BUCKET must be set"),
            (&[bucket, KEYS[1]], "AWS_ACCESS_KEY_ID must be set"),
            (&[bucket, KEYS[0]], "AWS_SECRET_ACCESS_KEY must be set"),
            (&[bucket, KEYS[0], KEYS[1], ("XIAOAN_S3_ENDPOINT", "127.0.0.1:9000")], "http://"),
            (&[bucket, KEYS[0], KEYS[1], ("XIAOAN_S3_PREFIX", "a/../b")], "XIAOAN_S3_PREFIX"),
        ];
        for (vars, expected) in cases {
            let err = s3_from(vars).expect_err(expected);
            assert!(err.contains(expected), "{vars:?}: {err}");
        }
    }
}
