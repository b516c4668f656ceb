//! Prometheus metrics, kept in process and written in the text exposition format on a listener of
//! their own (`XIAOAN_METRICS_ADDR`): requests by method, route template and status class, a
//! latency histogram per route, requests in flight, and open hazards by status read at scrape
//! time. Routes are axum's matched templates (`/api/v1/hazards/{id}`), never raw paths, so the
//! number of series stays bounded.

use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// The label of requests no route matched (static files, unknown paths).
pub const UNMATCHED: &str = "unmatched";
/// The statuses a hazard is open in; each is reported, at zero when none is in it.
const OPEN_STATUSES: [&str; 3] = ["reported", "rectifying", "submitted"];

#[derive(Default)]
struct Histogram {
    /// Counts per bucket (not cumulative; summed when written).
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

type Series = (&'static str, String);

#[derive(Default)]
struct Counters {
    requests: BTreeMap<(&'static str, String, &'static str), u64>,
    latency: BTreeMap<Series, Histogram>,
}

/// This instance's counters. Each instance is scraped on its own.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
    in_flight: AtomicI64,
}

/// Counts one request as in flight until dropped (also when the request is cancelled).
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Methods outside the standard set are counted together, so a client cannot invent series.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_class(s: StatusCode) -> &'static str {
    match s.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// A label value with `\`, `"` and newlines escaped, as the format requires.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

impl Metrics {
    pub fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    /// Counts one answered request. `route` is the matched route template, if any.
    pub fn record(&self, method: &Method, route: Option<&str>, status: StatusCode, took: Duration) {
        let method = method_label(method);
        let route = route.unwrap_or(UNMATCHED).to_owned();
        let secs = took.as_secs_f64();
        let mut c = self.counters.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *c.requests.entry((method, route.clone(), status_class(status))).or_default() += 1;
        let h = c.latency.entry((method, route)).or_default();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            h.buckets[i] += 1;
        }
        h.count += 1;
        h.sum += secs;
    }

    /// The exposition text. `open_hazards` is `None` when the database could not be read.
    pub fn render(&self, open_hazards: Option<&[(String, i64)]>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP xiaoan_build_info The running version.");
        let _ = writeln!(out, "# TYPE xiaoan_build_info gauge");
        let _ = writeln!(out, "xiaoan_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
        {
            let c = self.counters.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let _ = writeln!(
                out,
                "# HELP xiaoan_http_requests_total Requests answered, by method, route template \
                 and status class."
            );
            let _ = writeln!(out, "# TYPE xiaoan_http_requests_total counter");
            for ((method, route, class), n) in &c.requests {
                let _ = writeln!(
                    out,
                    "xiaoan_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{class}\"}} {n}",
                    escape(route)
                );
            }
            let _ = writeln!(
                out,
                "# HELP xiaoan_http_request_duration_seconds Time to the response head, by method \
                 and route template."
            );
            let _ = writeln!(out, "# TYPE xiaoan_http_request_duration_seconds histogram");
            for ((method, route), h) in &c.latency {
                let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
                let mut cumulative = 0;
                for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                    cumulative += n;
                    let _ = writeln!(
                        out,
                        "xiaoan_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "xiaoan_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    h.count
                );
                let _ =
                    writeln!(out, "xiaoan_http_request_duration_seconds_sum{{{labels}}} {}", h.sum);
                let _ = writeln!(
                    out,
                    "xiaoan_http_request_duration_seconds_count{{{labels}}} {}",
                    h.count
                );
            }
        }
        let _ = writeln!(out, "# HELP xiaoan_http_requests_in_flight Requests being answered.");
        let _ = writeln!(out, "# TYPE xiaoan_http_requests_in_flight gauge");
        let _ = writeln!(
            out,
            "xiaoan_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        let _ =
            writeln!(out, "# HELP xiaoan_database_up Whether the scrape could read the database.");
        let _ = writeln!(out, "# TYPE xiaoan_database_up gauge");
        let _ = writeln!(out, "xiaoan_database_up {}", u8::from(open_hazards.is_some()));
        if let Some(open) = open_hazards {
            let _ = writeln!(
                out,
                "# HELP xiaoan_open_hazards Hazards not closed or voided, by status."
            );
            let _ = writeln!(out, "# TYPE xiaoan_open_hazards gauge");
            let mut by_status: BTreeMap<&str, i64> =
                OPEN_STATUSES.iter().map(|s| (*s, 0)).collect();
            for (status, n) in open {
                by_status.insert(status, *n);
            }
            for (status, n) in by_status {
                let _ = writeln!(out, "xiaoan_open_hazards{{status=\"{}\"}} {n}", escape(status));
            }
        }
        out
    }
}

/// The metrics listener's whole application: `GET /metrics`.
pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(state)
}

async fn scrape(State(state): State<AppState>) -> Response {
    let open = match crate::storage::ops::open_hazards_by_status(&state.db).await {
        Ok(rows) => Some(rows),
        Err(e) => {
            tracing::warn!(error = ?e, "metrics: open hazards could not be read");
            None
        }
    };
    let body = state.metrics.render(open.as_deref());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_template_and_class_with_cumulative_buckets() {
        let m = Metrics::default();
        let route = Some("/api/v1/hazards/{id}");
        m.record(&Method::GET, route, StatusCode::OK, Duration::from_millis(3));
        m.record(&Method::GET, route, StatusCode::NOT_FOUND, Duration::from_millis(30));
        m.record(
            &Method::from_bytes(b"BREW").expect("method"),
            None,
            StatusCode::OK,
            Duration::ZERO,
        );
        let busy = m.in_flight();
        let text = m.render(Some(&[("submitted".into(), 4)]));
        for line in [
            r#"xiaoan_http_requests_total{method="GET",route="/api/v1/hazards/{id}",status="2xx"} 1"#,
            r#"xiaoan_http_requests_total{method="GET",route="/api/v1/hazards/{id}",status="4xx"} 1"#,
            r#"xiaoan_http_requests_total{method="other",route="unmatched",status="2xx"} 1"#,
            r#"xiaoan_http_request_duration_seconds_bucket{method="GET",route="/api/v1/hazards/{id}",le="0.005"} 1"#,
            r#"xiaoan_http_request_duration_seconds_bucket{method="GET",route="/api/v1/hazards/{id}",le="0.025"} 1"#,
            r#"xiaoan_http_request_duration_seconds_bucket{method="GET",route="/api/v1/hazards/{id}",le="0.05"} 2"#,
            r#"xiaoan_http_request_duration_seconds_bucket{method="GET",route="/api/v1/hazards/{id}",le="+Inf"} 2"#,
            r#"xiaoan_http_request_duration_seconds_count{method="GET",route="/api/v1/hazards/{id}"} 2"#,
            "xiaoan_http_requests_in_flight 1",
            r#"xiaoan_open_hazards{status="reported"} 0"#,
            r#"xiaoan_open_hazards{status="submitted"} 4"#,
            "xiaoan_database_up 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}\n{text}");
        }
        drop(busy);
        assert!(m.render(None).contains("xiaoan_http_requests_in_flight 0"));
        assert!(m.render(None).contains("xiaoan_database_up 0"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
