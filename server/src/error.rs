//! The server's internal error and its one mapping to HTTP. Internal causes are logged once, with
//! their chain, and never sent; the client gets an [`AppError`].

use app::error::AppError;
use app::i18n::Lang;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("database")]
    Db(#[from] sqlx::Error),
    #[error("migration")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("password hashing: {0}")]
    Hash(String),
    #[error("background task")]
    Join(#[from] tokio::task::JoinError),
    #[error("file system")]
    Io(#[source] std::io::Error),
    /// The photo bucket failed a request: the store is unavailable, not the request wrong.
    #[error(transparent)]
    PhotoStore(#[from] crate::photo::s3::S3Error),
}

/// The photo store speaks `io::Error`; a bucket's failure inside one becomes its own variant.
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        match e.downcast::<crate::photo::s3::S3Error>() {
            Ok(s3) => Error::PhotoStore(s3),
            Err(e) => Error::Io(e),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<app::domain::Rule> for Error {
    fn from(r: app::domain::Rule) -> Self {
        Error::App(AppError::Rule(r))
    }
}

impl From<app::domain::account::InputProblem> for Error {
    fn from(p: app::domain::account::InputProblem) -> Self {
        Error::App(AppError::Invalid(p))
    }
}

impl Error {
    /// What the client may know. Logs the internal cause, once.
    pub fn into_app(self) -> AppError {
        match self {
            Error::App(e) => e,
            Error::Db(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed) => {
                tracing::error!(error = ?self, "database unreachable");
                AppError::Unavailable
            }
            Error::Io(ref e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::StorageFull
                        | std::io::ErrorKind::QuotaExceeded
                        | std::io::ErrorKind::FileTooLarge
                ) =>
            {
                tracing::error!(error = ?self, "disk full");
                AppError::StorageFull
            }
            // SQLITE_FULL; PostgreSQL's disk_full.
            Error::Db(sqlx::Error::Database(ref d))
                if matches!(d.code().as_deref(), Some("13" | "53100")) =>
            {
                tracing::error!(error = ?self, "database disk full");
                AppError::StorageFull
            }
            Error::PhotoStore(e) => {
                tracing::error!(error = %e, "photo store unavailable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = ?other, chain = %chain(&other), "internal error");
                AppError::Internal
            }
        }
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Marks a response as an error whose body is written in the request's language by
/// [`crate::http::localise_errors`].
#[derive(Clone, Debug)]
pub struct ErrorBody(pub AppError);

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        self.into_app().into_api_response()
    }
}

pub trait IntoApiResponse {
    fn into_api_response(self) -> Response;
}

impl IntoApiResponse for AppError {
    fn into_api_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (status, render(&self, Lang::Zh)).into_response();
        if let AppError::Throttled { retry_after_secs } = self {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if let AppError::Unavailable = self {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res.extensions_mut().insert(ErrorBody(self));
        res
    }
}

/// `{"error": {"code": "...", "message": "..."}}`
pub fn render(e: &AppError, lang: Lang) -> axum::Json<serde_json::Value> {
    let mut inner = serde_json::json!({ "code": e.code(), "message": e.message(lang) });
    if let AppError::Throttled { retry_after_secs } = e {
        inner["retry_after_secs"] = (*retry_after_secs).into();
    }
    let mut body = serde_json::json!({ "error": inner });
    if let AppError::Stale(current) = e {
        body["current"] = serde_json::to_value(current).unwrap_or_default();
    }
    axum::Json(body)
}
