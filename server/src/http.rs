//! HTTP plumbing around every route: request ids, log spans and metrics, refusing cross-site
//! writes, writing error bodies in the user's language, baseline security headers, and the
//! language switch.

use crate::error::{ErrorBody, IntoApiResponse, render};
use crate::state::AppState;
use app::error::AppError;
use app::i18n::Lang;
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::time::Instant;
use tracing::Instrument;

const REQUEST_ID: &str = "x-request-id";

/// The caller's `X-Request-Id` when it is a sane one (1–64 of `A-Z a-z 0-9 - _ . :`, as proxies
/// write them), else a fresh one.
fn request_id(h: &HeaderMap) -> String {
    h.get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// Gives every request an id (echoed in `X-Request-Id`) and a log span with its method, route
/// template and path (never the query, headers or body: no cookies or passwords reach the log),
/// logs its status and latency, and counts it in the metrics.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(req.headers());
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %method,
        route = route.as_deref().unwrap_or(crate::metrics::UNMATCHED),
        path = %req.uri().path(),
    );
    let in_flight = state.metrics.in_flight();
    let mut res = next.run(req).instrument(span.clone()).await;
    drop(in_flight);
    let took = started.elapsed();
    let status = res.status();
    state.metrics.record(&method, route.as_deref(), status, took);
    // Tenths of a millisecond: enough to read, short in every line.
    let ms = (took.as_secs_f64() * 10_000.0).round() / 10.0;
    span.in_scope(|| {
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), ms, "answered");
        } else {
            tracing::info!(status = status.as_u16(), ms, "answered");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

/// Refuses requests that change data when they come from another site. Browsers send `Origin`
/// (and `Sec-Fetch-Site`) on such requests; a request without either is not from a browser page,
/// so it carries no ambient cookie risk of its own and is let through.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(req.headers(), state.config.public_url.as_deref()) {
        return AppError::CrossSite.into_api_response();
    }
    next.run(req).await
}

fn is_cross_site(h: &HeaderMap, public_url: Option<&str>) -> bool {
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok());
    if matches!(get("sec-fetch-site"), Some("cross-site" | "same-site")) {
        return true;
    }
    match get("origin") {
        None => false,
        Some(origin) => {
            let host = get("host").unwrap_or("");
            let same_host = origin.split_once("://").is_some_and(|(_, rest)| rest == host);
            let is_public = public_url.is_some_and(|u| u == origin);
            !(same_host || is_public)
        }
    }
}

/// Writes the body of an error response in the language of the request (`lang` cookie).
pub async fn localise_errors(req: Request, next: Next) -> Response {
    let lang =
        Lang::from_cookie_header(req.headers().get(header::COOKIE).and_then(|v| v.to_str().ok()));
    let mut res = next.run(req).await;
    if lang != Lang::Zh
        && let Some(ErrorBody(e)) = res.extensions_mut().remove::<ErrorBody>()
    {
        let (mut parts, _) = res.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        let body = render(&e, lang).into_response().into_body();
        res = Response::from_parts(parts, body);
    }
    res
}

/// Runs every request to its end even when the client goes away mid-request (a phone losing its
/// signal): hyper drops the handler's future when the connection closes, which would stop a write
/// between its transaction and the notifications or audit entry that follow it.
pub async fn run_to_completion(req: Request, next: Next) -> Response {
    match tokio::spawn(next.run(req).in_current_span()).await {
        Ok(res) => res,
        Err(e) => {
            tracing::error!(error = ?e, "request task failed");
            AppError::Internal.into_api_response()
        }
    }
}

/// How long a page may take to render before it is rendered again. A page renders in well under
/// a second even at province size; rarely (about one page load in several hundred in the test
/// suite) Leptos's server rendering waits for a wake-up that never comes, and the page would hang
/// until the request timeout.
pub const PAGE_STALL: std::time::Duration = std::time::Duration::from_secs(10);

/// Renders a page with `pages` (the Leptos routes), and renders it once more if the first render
/// stalls for [`PAGE_STALL`]. Only GET: rendering a page reads and never writes (forms post to
/// server functions, which are not retried), so a second render is safe and the page arrives a
/// few seconds late instead of never.
pub async fn render_page(
    pages: axum::Router,
    req: Request,
    stall: std::time::Duration,
) -> Response {
    use tower::ServiceExt;
    if req.method() != Method::GET {
        return pages.oneshot(req).await.into_response();
    }
    let (parts, _) = req.into_parts();
    let again = || Request::from_parts(parts.clone(), axum::body::Body::empty());
    match tokio::time::timeout(stall, pages.clone().oneshot(again())).await {
        Ok(res) => res.into_response(),
        Err(_) => {
            tracing::warn!(path = parts.uri.path(), "a page render stalled; rendering it again");
            pages.oneshot(again()).await.into_response()
        }
    }
}

/// The Content-Security-Policy of every response: scripts, styles, images and connections from
/// this origin only, wasm compiled by the browser (`'wasm-unsafe-eval'`), inline scripts only
/// when `inline_scripts` names them (a page's nonce, or the hash of a fixed script), photo
/// previews from `blob:`, never framed.
pub fn content_security_policy(inline_scripts: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{inline_scripts}; \
         style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// This request's CSP nonce: server rendering puts it on the inline scripts it writes (see
/// [`crate::router`]), and [`security_headers`] names it in the page's policy.
#[derive(Clone)]
pub struct PageNonce(pub String);

/// Baseline headers on every response: the content security policy (an HTML page's allows the
/// inline scripts carrying this request's nonce; a response that set its own keeps it), no
/// sniffing, no framing, no referrer to other sites, and HSTS when the public address is https.
pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = {
        use base64::Engine;
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    req.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Only an HTML page has inline scripts; every other response shares one policy.
        static PLAIN: std::sync::LazyLock<Option<HeaderValue>> =
            std::sync::LazyLock::new(|| HeaderValue::from_str(&content_security_policy("")).ok());
        let policy = if html {
            HeaderValue::from_str(&content_security_policy(&format!(" 'nonce-{nonce}'"))).ok()
        } else {
            PLAIN.clone()
        };
        if let Some(v) = policy {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()",
        ),
    );
    if state.config.secure_cookies() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

#[derive(Deserialize)]
pub struct LangQuery {
    set: String,
    next: Option<String>,
}

/// `GET /lang?set=en&next=/schools`: remembers the language for a year and goes back. A plain
/// link, so it works before the page hydrates.
pub async fn switch_language(Query(q): Query<LangQuery>) -> Response {
    let Some(lang) = Lang::from_code(&q.set) else {
        return AppError::Malformed.into_api_response();
    };
    // Only local paths: never an open redirect.
    let next = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".into());
    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
    let mut res = Redirect::to(&next).into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Serves `app` on `listener` (HTTP/1.1 and HTTP/2) until `shutdown` resolves, then drains the
/// connections in flight. Like `axum::serve`, with what it lacks: a client must send a request's
/// headers within `header_timeout` or lose the connection, so clients trickling bytes (slowloris)
/// cannot hold connections open, and a request as a whole is bounded by `request_timeout` (408).
pub async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    header_timeout: std::time::Duration,
    request_timeout: std::time::Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(header_timeout));
    let app = app.layer(axum::middleware::from_fn(move |req: Request, next: Next| {
        bounded(req, next, request_timeout)
    }));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = tower::ServiceBuilder::new()
            .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                req.map(axum::body::Body::new)
            })
            .service(app.clone());
        let conn = builder
            .serve_connection_with_upgrades(
                TokioIo::new(stream),
                hyper_util::service::TowerToHyperService::new(service),
            )
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// 408 for a request that takes longer than `limit` (its body arriving too slowly, most often).
async fn bounded(req: Request, next: Next, limit: std::time::Duration) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => AppError::TimedOut.into_api_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A router whose page hangs on its first render and answers on the next, and how many
    /// renders it was asked for.
    fn stalling_pages() -> (axum::Router, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let page = move || {
            let seen = seen.clone();
            async move {
                if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                    std::future::pending::<()>().await;
                }
                "rendered"
            }
        };
        (axum::Router::new().fallback(page), calls)
    }

    fn request(method: Method) -> Request {
        Request::builder().method(method).uri("/").body(axum::body::Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn a_stalled_page_render_is_rendered_again() {
        let (pages, calls) = stalling_pages();
        let stall = std::time::Duration::from_millis(100);
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            render_page(pages, request(Method::GET), stall),
        )
        .await
        .expect("the second render answers");
        assert_eq!(res.status(), StatusCode::OK);
        let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
        assert_eq!(&body[..], b"rendered");
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn only_page_reads_are_rendered_again() {
        let (pages, calls) = stalling_pages();
        let stall = std::time::Duration::from_millis(100);
        let post = render_page(pages, request(Method::POST), stall);
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(500), post).await.is_err(),
            "a POST is never sent twice"
        );
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_sane_request_id_is_kept_and_anything_else_replaced() {
        let long = "a".repeat(65);
        let cases = [
            ("abc-123_x.y:z", true, "proxy style"),
            ("", false, "empty"),
            (long.as_str(), false, "too long"),
            ("a b", false, "space"),
            ("id\"><script>", false, "markup"),
        ];
        for (given, kept, case) in cases {
            let got = request_id(&headers(&[("x-request-id", given)]));
            assert_eq!(got == given, kept, "{case}");
            assert!(!got.is_empty() && got.len() <= 64, "{case}");
        }
        assert_ne!(request_id(&HeaderMap::new()), request_id(&HeaderMap::new()), "fresh ids");
    }

    #[test]
    fn cross_site_writes_are_recognised_by_origin_or_fetch_metadata() {
        let cases = [
            (vec![("host", "127.0.0.1:3000")], None, false, "no origin: not a browser page"),
            (
                vec![("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")],
                None,
                false,
                "same origin",
            ),
            (
                vec![("host", "127.0.0.1:3000"), ("origin", "https://evil.example")],
                None,
                true,
                "other origin",
            ),
            (
                vec![("host", "app:3000"), ("origin", "https://xa.example.cn")],
                Some("https://xa.example.cn"),
                false,
                "public url behind a proxy",
            ),
            (vec![("sec-fetch-site", "cross-site")], None, true, "fetch metadata says cross-site"),
            (
                vec![("sec-fetch-site", "same-origin"), ("host", "a"), ("origin", "http://a")],
                None,
                false,
                "fetch metadata same-origin",
            ),
        ];
        for (h, public, want, name) in cases {
            assert_eq!(is_cross_site(&headers(&h), public), want, "{name}");
        }
    }
}
