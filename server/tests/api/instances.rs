//! Two instances on one PostgreSQL database, as behind a load balancer: a session opened on one
//! works on the other, concurrent approvals on both close a hazard exactly once, and the login
//! throttle counts failures from both. Runs only with `TEST_DATABASE_URL`.

use crate::hazards::{SCHOOL, act, ok, report, submit_body, version};
use crate::helpers::{PASSWORD, spawn_app};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

#[tokio::test]
async fn two_instances_share_sessions_versions_and_the_login_throttle() {
    if std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        eprintln!("skipped: two instances need a shared PostgreSQL (set TEST_DATABASE_URL)");
        return;
    }
    let a = spawn_app().await;
    let b = a.twin().await;

    // A session cookie from A is honoured by B, and logging out on B ends it on A.
    let res = a.login(&a.client(), "office", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("xiaoan_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let bare = reqwest::Client::new();
    let me = |app: &crate::helpers::TestApp| {
        bare.get(app.url("/api/v1/me")).header(header::COOKIE, &cookie).send()
    };
    let on_b = me(&b).await.expect("me on B");
    assert_eq!(on_b.status(), StatusCode::OK);
    assert_eq!(on_b.json::<Value>().await.expect("json")["username"], "office");
    let out = bare
        .delete(b.url("/api/v1/session"))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("logout on B");
    assert!(out.status().is_success());
    assert_eq!(me(&a).await.expect("me on A").status(), StatusCode::UNAUTHORIZED);

    // Two office users approve the same submitted hazard, one on each instance, on one version.
    let office_org = server::storage::users::by_username(&a.state.db, "office")
        .await
        .expect("db")
        .expect("office")
        .org_id;
    let second = server::service::accounts::NewAccount {
        username: app::domain::Username::parse("office2").expect("name"),
        display_name: app::domain::DisplayName::parse("第二位安全办").expect("name"),
        role: app::domain::Role::Office,
        org_id: office_org,
        password: app::domain::Password::parse(PASSWORD).expect("password"),
    };
    server::service::accounts::create_account(&b.state, &second).await.expect("office2");
    let (office_a, office2_b) = (a.client_as("office").await, b.client_as("office2").await);
    let inspector = a.client_as("inspector").await;
    let principal = b.client_as("principal").await;
    let school = a.school_id(SCHOOL).await;
    let (id, h) = report(&a, &inspector, school, "major", vec![]).await;
    let h =
        ok(act(&b, &principal, id, submit_body(&b, &principal, version(&h), 11).await).await).await;
    let approve = |v| json!({ "event_id": Uuid::now_v7(), "action": "approve", "expected_version": v, "note": "同意销号" });
    let (ra, rb) = tokio::join!(
        act(&a, &office_a, id, approve(version(&h))),
        act(&b, &office2_b, id, approve(version(&h)))
    );
    let mut statuses = [ra.status(), rb.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "exactly one wins");
    let loser = if ra.status() == StatusCode::CONFLICT { ra } else { rb };
    let body: Value = loser.json().await.expect("json");
    assert_eq!(body["error"]["code"], "stale_version");
    for app in [&a, &b] {
        let h = ok(app.get(&office_a, &format!("/api/v1/hazards/{id}")).await).await;
        assert_eq!(h["summary"]["status"], "closed");
        let approvals =
            h["events"].as_array().expect("events").iter().filter(|e| e["action"] == "approve");
        assert_eq!(approvals.count(), 1, "one approval, seen alike from {}", app.addr);
    }
    let (breaks, _) = server::service::hazards::verify(&b.state.db).await.expect("verify");
    assert!(breaks.is_empty(), "{breaks:?}");

    // Failed logins on either instance count against the account on both.
    let limit = a.state.config.login_max_failures_per_account;
    for i in 0..limit {
        let app = if i % 2 == 0 { &a } else { &b };
        let res = app.login(&app.client(), "inspector", "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "failure {i}");
    }
    for app in [&a, &b] {
        let res = app.login(&app.client(), "inspector", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "throttled on {}", app.addr);
    }
}
