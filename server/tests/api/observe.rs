//! Operating the server: Prometheus metrics on their own listener (counted by route template,
//! never by raw path) and a request id on every answer.

use crate::hazards::{SCHOOL, report};
use crate::helpers::{TestApp, spawn_app};
use reqwest::StatusCode;

async fn scrape(app: &TestApp) -> String {
    let res = reqwest::get(format!("{}/metrics", app.metrics_addr)).await.expect("scrape");
    assert_eq!(res.status(), StatusCode::OK);
    let kind = res.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    res.text().await.expect("text")
}

/// The value of the series written exactly as `series` (name and labels), 0 when absent.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |v| v.parse().expect("a number"))
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_read_open_hazards_at_scrape_time() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let before = scrape(&app).await;
    let reported = r#"xiaoan_open_hazards{status="reported"}"#;
    let one =
        r#"xiaoan_http_requests_total{method="GET",route="/api/v1/hazards/{id}",status="2xx"}"#;
    let missing =
        r#"xiaoan_http_requests_total{method="GET",route="/api/v1/hazards/{id}",status="4xx"}"#;
    let (id, _) = report(&app, &inspector, school, "general", vec![]).await;
    for _ in 0..3 {
        let res = app.get(&office, &format!("/api/v1/hazards/{id}")).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let unknown = uuid::Uuid::now_v7();
    let res = app.get(&office, &format!("/api/v1/hazards/{unknown}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let after = scrape(&app).await;

    assert_eq!(value(&after, one) - value(&before, one), 3.0, "{after}");
    assert_eq!(value(&after, missing) - value(&before, missing), 1.0);
    assert_eq!(value(&after, reported) - value(&before, reported), 1.0, "read at scrape time");
    let put =
        r#"xiaoan_http_requests_total{method="PUT",route="/api/v1/hazards/{id}",status="2xx"}"#;
    assert_eq!(value(&after, put) - value(&before, put), 1.0);
    let latency =
        r#"xiaoan_http_request_duration_seconds_count{method="GET",route="/api/v1/hazards/{id}"}"#;
    assert_eq!(value(&after, latency) - value(&before, latency), 4.0);
    let inf = r#"xiaoan_http_request_duration_seconds_bucket{method="GET",route="/api/v1/hazards/{id}",le="+Inf"}"#;
    assert_eq!(value(&after, inf), value(&after, latency), "+Inf bucket holds every request");
    assert_eq!(value(&after, "xiaoan_http_requests_in_flight"), 0.0);
    assert_eq!(value(&after, "xiaoan_database_up"), 1.0);
    for raw in [id.to_string(), unknown.to_string()] {
        assert!(!after.contains(&raw), "a raw id {raw} reached the metrics");
    }
    // The metrics listener serves metrics only; the app does not serve them.
    assert_eq!(app.get(&office, "/metrics").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_sane_incoming_one_is_kept() {
    let app = spawn_app().await;
    let c = app.client();
    let id_of = |res: &reqwest::Response| {
        res.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
    };
    let plain = c.get(app.url("/api/v1/health")).send().await.expect("health");
    let first = id_of(&plain).expect("a request id");
    let again = c.get(app.url("/api/v1/health")).send().await.expect("health");
    assert_ne!(id_of(&again).expect("a request id"), first, "each request its own id");
    let kept = c
        .get(app.url("/api/v1/health"))
        .header("x-request-id", "edge-7f3a.1")
        .send()
        .await
        .expect("health");
    assert_eq!(id_of(&kept).as_deref(), Some("edge-7f3a.1"));
    let replaced = c
        .get(app.url("/api/v1/nothing-here"))
        .header("x-request-id", "<script>alert(1)</script>")
        .send()
        .await
        .expect("404");
    assert_eq!(replaced.status(), StatusCode::NOT_FOUND);
    let id = id_of(&replaced).expect("a request id on errors too");
    assert!(!id.contains('<') && !id.is_empty(), "{id}");
}

/// Runs `xiaoan serve` with JSON logs until `drive` is done with its address; returns the lines.
async fn served_with_json_logs<F: Future<Output = ()>>(
    drive: impl FnOnce(String) -> F,
) -> Vec<String> {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xiaoan"))
        .arg("serve")
        .env("XIAOAN_ADDR", "127.0.0.1:0")
        .env("XIAOAN_DATA_DIR", dir.path())
        .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.path().join("x.db").display()))
        .env("XIAOAN_DEMO", "1")
        .env("XIAOAN_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env_remove("XIAOAN_METRICS_ADDR")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("xiaoan serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    let addr = loop {
        let line = rx.recv().await.expect("the server logs where it listens");
        let found = line
            .find("listening on http://")
            .map(|i| line[i + "listening on ".len()..].split('"').next().unwrap_or("").to_owned());
        lines.push(line);
        if let Some(a) = found {
            break a;
        }
    };
    drive(addr).await;
    child.kill().expect("stop the server");
    child.wait().expect("reap");
    reader.join().expect("reader");
    while let Ok(line) = rx.try_recv() {
        lines.push(line);
    }
    lines
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_never_a_password_or_cookie() {
    let secret = "never-log-me-9f2";
    let session = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let seen = session.clone();
    let lines = served_with_json_logs(|addr| async move {
        let c = reqwest::Client::new();
        let login = |password: &str| {
            c.post(format!("{addr}/api/v1/session"))
                .json(&serde_json::json!({ "username": "office", "password": password }))
                .send()
        };
        assert_eq!(login(secret).await.expect("login").status(), StatusCode::UNAUTHORIZED);
        let res = login(crate::helpers::PASSWORD).await.expect("login");
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = res.headers()["set-cookie"].to_str().expect("ascii");
        let cookie = cookie.split(';').next().expect("name=value").to_owned();
        let me = c
            .get(format!("{addr}/api/v1/me"))
            .header("cookie", &cookie)
            .header("x-request-id", "trace-me-42")
            .send()
            .await
            .expect("me");
        assert_eq!(me.status(), StatusCode::OK);
        *seen.lock().expect("lock") = cookie;
    })
    .await;
    let cookie = session.lock().expect("lock").clone();
    let token = cookie.split_once('=').expect("name=value").1;
    assert!(token.len() >= 20, "a real session token: {cookie}");
    let mut found = false;
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(!line.contains(secret) && !line.contains(crate::helpers::PASSWORD), "{line}");
        assert!(!line.contains(token), "the session token reached the log: {line}");
        if v["span"]["id"] == "trace-me-42" && v["fields"]["message"] == "answered" {
            assert_eq!(v["span"]["route"], "/api/v1/me");
            assert_eq!(v["span"]["method"], "GET");
            assert_eq!(v["fields"]["status"], 200);
            assert!(v["fields"]["ms"].as_f64().is_some(), "{line}");
            found = true;
        }
    }
    assert!(found, "the request's line with its id: {lines:#?}");
}
