//! The closed loop through the API: report → plan → submit → return → resubmit → close, with
//! its hash chain; concurrent and retried actions; who may do what; the ledger's counts;
//! reminders and webhooks.

use crate::helpers::{PASSWORD, TestApp, error_of, spawn_app, spawn_app_with};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use server::photo::pipeline::samples::{jpeg, noise_photo};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub(crate) const SCHOOL: &str = "白榆县实验小学"; // the demo principal's school

pub(crate) async fn photo(app: &TestApp, c: &Client, seed: u64) -> String {
    let bytes = jpeg(&noise_photo(160, 120, seed), 160, 120, 85, None);
    let sha = hex::encode(Sha256::digest(&bytes));
    let res = c
        .put(app.url(&format!("/api/v1/photos/{sha}")))
        .body(bytes)
        .send()
        .await
        .expect("PUT photo");
    assert!(res.status().is_success(), "photo stored");
    sha
}

pub(crate) async fn report(
    app: &TestApp,
    c: &Client,
    school: i64,
    level: &str,
    photos: Vec<String>,
) -> (Uuid, Value) {
    let id = Uuid::now_v7();
    let body = json!({ "school_id": school, "title": "灭火器压力不足", "description": "一楼走廊", "level": level, "photos": photos });
    let res =
        c.put(app.url(&format!("/api/v1/hazards/{id}"))).json(&body).send().await.expect("report");
    assert_eq!(res.status(), StatusCode::CREATED);
    (id, res.json().await.expect("json"))
}

pub(crate) async fn act(app: &TestApp, c: &Client, id: Uuid, body: Value) -> reqwest::Response {
    c.post(app.url(&format!("/api/v1/hazards/{id}/events")))
        .json(&body)
        .send()
        .await
        .expect("event")
}

pub(crate) fn version(h: &Value) -> i64 {
    h["summary"]["version"].as_i64().expect("version")
}

/// The actions of a hazard's events, oldest first.
pub(crate) fn actions(h: &Value) -> Vec<&str> {
    h["events"].as_array().expect("events").iter().filter_map(|e| e["action"].as_str()).collect()
}

fn plan(v: i64) -> Value {
    json!({ "event_id": Uuid::now_v7(), "action": "plan", "expected_version": v,
            "plan": { "responsible": "王强（后勤主任）", "measures": "更换灭火器并建立月检记录", "funds_yuan": 1200.5,
                      "deadline": "2099-01-01", "contingency": "更换前在走廊增配两具灭火器" } })
}

pub(crate) async fn submit_body(app: &TestApp, c: &Client, v: i64, seed: u64) -> Value {
    let after = photo(app, c, seed).await;
    let signature = photo(app, c, seed + 1000).await;
    json!({ "event_id": Uuid::now_v7(), "action": "submit", "expected_version": v,
            "note": "已更换并登记", "photos": [after], "signature": signature })
}

pub(crate) async fn ok(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The ledger's tallies against a count of the hazards themselves.
pub(crate) async fn assert_tallies_agree(app: &TestApp) {
    let drift = server::storage::hazards::tally_drift(&app.state.db).await.expect("tallies");
    assert!(drift.is_empty(), "the tallies agree with the hazards: {drift:?}");
}

async fn verify(app: &TestApp) -> Vec<server::service::hazards::Break> {
    server::service::hazards::verify(&app.state.db).await.expect("verify").0
}

#[tokio::test]
async fn a_hazard_runs_the_whole_loop_and_its_history_verifies() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let before = photo(&app, &inspector, 1).await;
    let (id, h) = report(&app, &inspector, school, "general", vec![before.clone()]).await;
    assert_eq!(h["summary"]["status"], "reported");
    assert_eq!(h["before_photos"], json!([before]));

    // The principal sees it, with exactly the actions open to them, and was told.
    let seen = ok(app.get(&principal, &format!("/api/v1/hazards/{id}")).await).await;
    assert_eq!(seen["actions"], json!(["plan", "submit"]));
    let inbox: Value =
        app.get(&principal, "/api/v1/notifications").await.json().await.expect("inbox");
    assert_eq!(inbox["unread"], 1);
    assert_eq!(inbox["items"][0]["kind"], "hazard_reported");
    assert_eq!(
        app.get(&principal, &format!("/api/v1/photos/{before}/thumb")).await.status(),
        StatusCode::OK
    );

    let h = ok(act(&app, &principal, id, plan(version(&seen))).await).await;
    assert_eq!(h["summary"]["status"], "rectifying");
    assert_eq!(h["plan"]["funds_yuan"], 1200.5);
    let h =
        ok(act(&app, &principal, id, submit_body(&app, &principal, version(&h), 2).await).await)
            .await;
    assert_eq!(h["summary"]["status"], "submitted");
    let queue = ok(app.get(&office, "/api/v1/hazards/queue").await).await;
    assert_eq!(queue["items"][0]["id"], id.to_string(), "in the closure queue");

    let ret = json!({ "event_id": Uuid::now_v7(), "action": "return", "expected_version": version(&h), "reason": "照片看不清压力表" });
    let h = ok(act(&app, &office, id, ret).await).await;
    assert_eq!(h["summary"]["status"], "rectifying");
    assert_eq!(h["return_reason"], "照片看不清压力表");
    let h =
        ok(act(&app, &principal, id, submit_body(&app, &principal, version(&h), 3).await).await)
            .await;
    let approve = json!({ "event_id": Uuid::now_v7(), "action": "approve", "expected_version": version(&h), "note": "整改到位，同意销号" });
    let h = ok(act(&app, &office, id, approve).await).await;
    assert_eq!(h["summary"]["status"], "closed");
    assert_eq!(actions(&h), ["report", "plan", "submit", "return", "submit", "approve"]);
    assert!(verify(&app).await.is_empty(), "the chain verifies");

    // The principal was told of the return, and the reviewers of each submission.
    let inbox: Value =
        app.get(&principal, "/api/v1/notifications").await.json().await.expect("inbox");
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"hazard_returned") && kinds.contains(&"hazard_closed"), "{kinds:?}");
    let inbox: Value = app.get(&office, "/api/v1/notifications").await.json().await.expect("inbox");
    assert_eq!(
        inbox["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|n| n["kind"] == "hazard_submitted")
            .count(),
        2
    );
}

#[tokio::test]
async fn an_edited_event_is_caught_by_verify() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let school = app.school_id(SCHOOL).await;
    let (id, h) = report(&app, &inspector, school, "general", vec![]).await;
    ok(act(&app, &principal, id, plan(version(&h))).await).await;
    assert!(verify(&app).await.is_empty());
    let sql = "UPDATE hazard_events SET payload = REPLACE(payload, '1200.5', '12.5') WHERE action = 'plan'";
    match &app.state.db {
        server::storage::Db::Sqlite(p) => {
            sqlx::query(sql).execute(p).await.map(|r| r.rows_affected())
        }
        server::storage::Db::Postgres(p) => {
            sqlx::query(sql).execute(p).await.map(|r| r.rows_affected())
        }
    }
    .expect("tamper");
    let breaks = verify(&app).await;
    assert_eq!(breaks.len(), 1, "{breaks:?}");
    assert_eq!((breaks[0].hazard_id.as_str(), breaks[0].seq), (id.to_string().as_str(), 2));
}

#[tokio::test]
async fn two_office_users_approving_at_once_close_it_exactly_once() {
    let app = spawn_app().await;
    let bureau = server::storage::users::by_username(&app.state.db, "office")
        .await
        .expect("db")
        .expect("office")
        .org_id;
    let account = server::service::accounts::NewAccount {
        username: app::domain::Username::parse("office2").expect("name"),
        display_name: app::domain::DisplayName::parse("第二位安全办").expect("name"),
        role: app::domain::Role::Office,
        org_id: bureau,
        password: app::domain::Password::parse(PASSWORD).expect("password"),
    };
    server::service::accounts::create_account(&app.state, &account)
        .await
        .expect("second office user");
    let (office, office2) = (app.client_as("office").await, app.client_as("office2").await);
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let school = app.school_id(SCHOOL).await;
    let (id, h) = report(&app, &inspector, school, "major", vec![]).await;
    let h =
        ok(act(&app, &principal, id, submit_body(&app, &principal, version(&h), 5).await).await)
            .await;
    let body = |v| json!({ "event_id": Uuid::now_v7(), "action": "approve", "expected_version": v, "note": "同意销号" });
    let (a, b) = tokio::join!(
        act(&app, &office, id, body(version(&h))),
        act(&app, &office2, id, body(version(&h)))
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let loser = if a.status() == StatusCode::CONFLICT { a } else { b };
    let body: Value = loser.json().await.expect("json");
    assert_eq!(body["error"]["code"], "stale_version");
    assert_eq!(body["current"]["summary"]["status"], "closed", "the 409 carries the current state");
    let h = ok(app.get(&office, &format!("/api/v1/hazards/{id}")).await).await;
    assert_eq!(
        h["events"].as_array().expect("events").iter().filter(|e| e["action"] == "approve").count(),
        1
    );
    assert!(verify(&app).await.is_empty());
}

async fn extensions_audited(app: &TestApp) -> usize {
    let recent = server::storage::audit::recent(&app.state.db, 1000).await.expect("audit");
    recent.iter().filter(|a| a.action == "hazard.extend").count()
}

#[tokio::test]
async fn concurrent_actions_share_commits_and_each_gets_its_own_answer() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let mut hazards = Vec::new();
    for _ in 0..24 {
        let (id, h) = report(&app, &inspector, school, "general", vec![]).await;
        hazards.push((id, version(&h)));
    }
    let extend = |v: i64| {
        json!({ "event_id": Uuid::now_v7(), "action": "extend", "expected_version": v,
                                  "reason": "施工期延长", "deadline": "2099-06-30" })
    };
    // Every hazard extended at once, and four of them a second time at the version they had.
    let mut sends = tokio::task::JoinSet::new();
    for &(id, v) in hazards.iter().chain(hazards.iter().take(4)) {
        let (c, url, body) =
            (office.clone(), app.url(&format!("/api/v1/hazards/{id}/events")), extend(v));
        sends.spawn(async move { c.post(url).json(&body).send().await.expect("event") });
    }
    let mut moved = std::collections::HashMap::new();
    while let Some(res) = sends.join_next().await {
        let res = res.expect("task");
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        if status == StatusCode::OK {
            let id = body["summary"]["id"].as_str().expect("id").to_owned();
            assert_eq!(body["summary"]["deadline"], "2099-06-30", "{body}");
            assert_eq!(actions(&body), ["report", "extend"], "its own answer");
            assert!(moved.insert(id, body).is_none(), "one answer per hazard moved");
        } else {
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert_eq!(body["error"]["code"], "stale_version");
        }
    }
    assert_eq!(moved.len(), 24, "every hazard moved exactly once");
    for (id, v) in &hazards {
        let answer = &moved[&id.to_string()];
        assert_eq!(version(answer), v + 1);
        let h = ok(app.get(&office, &format!("/api/v1/hazards/{id}")).await).await;
        assert_eq!(actions(&h), ["report", "extend"]);
        assert_eq!(&h, answer, "the answer is the hazard as stored");
    }
    assert_eq!(extensions_audited(&app).await, 24, "one audit entry per event, no more");
    assert!(verify(&app).await.is_empty());
    assert_tallies_agree(&app).await;
}

/// An extension of hazard `id` (of `school`) at `expected_version`, chained on its last event,
/// as the service builds one, for the writer's own tests.
async fn extension(
    db: &server::storage::Db,
    school: i64,
    id: Uuid,
    event_id: &str,
    expected_version: i32,
) -> server::storage::hazards::Apply {
    use server::storage::hazards::{Apply, Changes, NewEvent, events};
    let id = id.to_string();
    let head = events(db, &id).await.expect("events").pop().expect("report event");
    let at = chrono::Utc::now();
    let payload = String::from("{}");
    let c = server::service::hazards::Canonical {
        hazard_id: &id,
        seq: head.seq + 1,
        event_id,
        action: "extend",
        actor_id: head.actor_id,
        at,
        from_status: Some("reported"),
        to_status: "reported",
        payload: &payload,
    };
    let hash = server::service::hazards::chain_hash(&head.hash, &c);
    Apply {
        hazard_id: id.clone(),
        expected_version,
        to_status: "reported",
        changes: Changes {
            deadline: chrono::NaiveDate::from_ymd_opt(2099, 6, 30),
            ..Changes::default()
        },
        event: NewEvent {
            seq: head.seq + 1,
            event_id: event_id.to_owned(),
            action: "extend",
            actor_id: head.actor_id,
            at,
            from_status: Some("reported"),
            to_status: "reported",
            payload,
            prev_hash: head.hash,
            hash,
        },
        photo_refs: vec![],
        notify_principals: Some((school, "hazard_extended")),
        notify: vec![],
        webhook: None,
        audit: ("hazard.extend".into(), format!("hazard:{id}"), "127.0.0.1".into()),
        now: at,
    }
}

#[tokio::test]
async fn a_failing_action_rolls_back_its_shared_commit_and_takes_no_other_action_with_it() {
    use server::storage::hazards::{apply_all, events};
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let (good, _) = report(&app, &inspector, school, "general", vec![]).await;
    let (bad, _) = report(&app, &inspector, school, "general", vec![]).await;
    let db = &app.state.db;
    // Two extensions; the second reuses the first's event id, which the database refuses.
    let shared = Uuid::now_v7().to_string();
    let (a, b) = (
        extension(db, school, good, &shared, 1).await,
        extension(db, school, bad, &shared, 1).await,
    );
    apply_all(db, &[&a, &b]).await.expect_err("the reused event id fails the shared transaction");
    for id in [good, bad] {
        assert_eq!(
            events(db, &id.to_string()).await.expect("events").len(),
            1,
            "nothing of it stays"
        );
    }
    assert_eq!(extensions_audited(&app).await, 0);
    // Through the queue, together: the good one lands, the bad one gets its own error.
    let (a, b) = tokio::join!(app.state.actions.apply(a), app.state.actions.apply(b));
    assert!(a.expect("the good action is written"), "and moves its hazard");
    assert!(
        matches!(b, Err(server::error::Error::Db(ref e)) if server::storage::is_unique_violation(e))
    );
    assert_eq!(events(db, &good.to_string()).await.expect("events").len(), 2);
    assert_eq!(events(db, &bad.to_string()).await.expect("events").len(), 1);
    assert!(verify(&app).await.is_empty());
}

#[tokio::test]
async fn actions_on_one_hazard_in_one_batch_apply_in_order_as_one_after_another_would() {
    use server::storage::hazards::{apply_all, events};
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let (one, _) = report(&app, &inspector, school, "general", vec![]).await;
    let (other, _) = report(&app, &inspector, school, "general", vec![]).await;
    let db = &app.state.db;
    let id = || Uuid::now_v7().to_string();
    // On `one`: a stale action, then two that expect its version (the first of them moves it,
    // the second then finds it moved); on `other`, one action, which moves it.
    let batch = [
        extension(db, school, one, &id(), 0).await,
        extension(db, school, other, &id(), 1).await,
        extension(db, school, one, &id(), 1).await,
        extension(db, school, one, &id(), 1).await,
    ];
    let moved = apply_all(db, &batch.iter().collect::<Vec<_>>()).await.expect("the batch");
    assert_eq!(moved, [false, true, true, false]);
    for (hazard, landed) in [(one, &batch[2]), (other, &batch[1])] {
        let events = events(db, &hazard.to_string()).await.expect("events");
        assert_eq!(events.len(), 2, "the report and the one action that moved it");
        assert_eq!(events[1].event_id, landed.event.event_id);
    }
    assert_eq!(extensions_audited(&app).await, 2);
    assert!(verify(&app).await.is_empty());
    assert_tallies_agree(&app).await;
}

#[tokio::test]
async fn a_retried_event_is_applied_once_and_answers_the_same_state() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let school = app.school_id(SCHOOL).await;
    let (id, h) = report(&app, &inspector, school, "general", vec![]).await;
    let event = plan(version(&h));
    let first = ok(act(&app, &principal, id, event.clone()).await).await;
    let again = ok(act(&app, &principal, id, event.clone()).await).await;
    assert_eq!(first["summary"], again["summary"]);
    assert_eq!(again["events"].as_array().expect("events").len(), 2, "report and one plan");
    // The same event sent twice at once (an outbox retrying) gets the same answer twice, never a
    // 409: whichever write loses finds its own event applied.
    let (id2, h2) = report(&app, &inspector, school, "general", vec![]).await;
    let twin = plan(version(&h2));
    let (x, y) =
        tokio::join!(act(&app, &principal, id2, twin.clone()), act(&app, &principal, id2, twin));
    let (x, y) = (ok(x).await, ok(y).await);
    assert_eq!(x["summary"], y["summary"]);
    assert_eq!(actions(&x), ["report", "plan"]);
    // The answer to the action is exactly what reading the hazard afterwards gives.
    let read: Value =
        app.get(&principal, &format!("/api/v1/hazards/{id}")).await.json().await.expect("json");
    assert_eq!(first, read);
    assert_eq!(again, read);
    // The same event id sent for another hazard is refused, and nothing moves there.
    let (other, _) = report(&app, &inspector, school, "general", vec![]).await;
    let before: Value =
        app.get(&principal, &format!("/api/v1/hazards/{other}")).await.json().await.expect("json");
    let mut reused = event;
    reused["expected_version"] = json!(version(&before));
    let (status, e) = error_of(act(&app, &principal, other, reused).await).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed")));
    let after: Value =
        app.get(&principal, &format!("/api/v1/hazards/{other}")).await.json().await.expect("json");
    assert_eq!(after, before);
    // A repeated report is harmless too.
    let body = json!({ "school_id": school, "title": "灭火器压力不足", "level": "general" });
    let res = inspector
        .put(app.url(&format!("/api/v1/hazards/{id}")))
        .json(&body)
        .send()
        .await
        .expect("report");
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_rules_refuse_the_wrong_people_and_missing_evidence() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let inspector2 = app.client_as("inspector2").await;
    let principal = app.client_as("principal").await;
    let principal2 = app.client_as("principal2").await;
    let school = app.school_id(SCHOOL).await;
    let (id, h) = report(&app, &inspector, school, "general", vec![]).await;

    // Submitting without an after-photo.
    let mut body = submit_body(&app, &principal, version(&h), 7).await;
    body["photos"] = json!([]);
    let (status, err) = error_of(act(&app, &principal, id, body).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("after_photo_missing"))
    );
    // Another school's principal: the hazard does not exist for them.
    let res = act(&app, &principal2, id, plan(version(&h))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let h =
        ok(act(&app, &principal, id, submit_body(&app, &principal, version(&h), 8).await).await)
            .await;
    let approve = |v| json!({ "event_id": Uuid::now_v7(), "action": "approve", "expected_version": v, "note": "同意" });
    let (status, err) = error_of(act(&app, &principal, id, approve(version(&h))).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_discoverer")),
        "a principal cannot approve"
    );
    let (status, err) = error_of(act(&app, &inspector2, id, approve(version(&h))).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_discoverer")),
        "nor another inspector"
    );
    // A stale version.
    let (status, err) = error_of(act(&app, &inspector, id, approve(version(&h) - 1)).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("stale_version")));
    // The discoverer closes a general hazard (谁发现、谁销号).
    let h = ok(act(&app, &inspector, id, approve(version(&h))).await).await;
    assert_eq!(h["summary"]["status"], "closed");
    let (status, _) = error_of(act(&app, &inspector, id, approve(version(&h))).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing to approve any more");
    // Malformed bodies.
    let res = principal
        .post(app.url(&format!("/api/v1/hazards/{id}/events")))
        .header("content-type", "application/json")
        .body("{\"action\": \"fly\"}")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_ledger_counts_match_the_hazards_states_exactly() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let other = app.school_id("白榆县第一中学").await;
    let mut ids = Vec::new();
    for n in 0..6 {
        let s = if n % 3 == 0 { other } else { school };
        ids.push(
            report(&app, &inspector, s, if n == 5 { "major" } else { "general" }, vec![]).await,
        );
    }
    ok(act(&app, &principal, ids[1].0, plan(version(&ids[1].1))).await).await;
    let h = ok(act(
        &app,
        &principal,
        ids[2].0,
        submit_body(&app, &principal, version(&ids[2].1), 9).await,
    )
    .await)
    .await;
    ok(act(&app, &office, ids[2].0, json!({ "event_id": Uuid::now_v7(), "action": "approve", "expected_version": version(&h), "note": "同意" })).await).await;
    ok(act(&app, &office, ids[3].0, json!({ "event_id": Uuid::now_v7(), "action": "void", "expected_version": 1, "reason": "重复登记" })).await).await;

    let list = ok(app.get(&office, "/api/v1/hazards").await).await;
    let count = |s: &str| {
        list["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .find(|c| c["status"] == s)
            .expect("status")["count"]
            .as_i64()
    };
    assert_eq!(
        [
            count("reported"),
            count("rectifying"),
            count("submitted"),
            count("closed"),
            count("voided")
        ],
        [Some(3), Some(1), Some(0), Some(1), Some(1)]
    );
    assert_eq!(list["total"], 6);
    let mine = ok(app.get(&principal, "/api/v1/hazards").await).await;
    assert_eq!(mine["total"], 4, "the principal's ledger holds their school only");
    let filtered =
        ok(app.get(&office, &format!("/api/v1/hazards?school={school}&status=reported")).await)
            .await;
    assert_eq!(filtered["items"].as_array().expect("items").len(), 2);
    let major = ok(app.get(&office, "/api/v1/hazards?level=major").await).await;
    assert_eq!(major["total"], 1);
    let res = app.get(&office, "/api/v1/hazards?status=bogus").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let xlsx = app.get(&office, "/api/v1/hazards.xlsx?level=general").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.headers()["content-type"].to_str().expect("type").contains("spreadsheetml"));
    let bytes = xlsx.bytes().await.expect("bytes");
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip file");
    assert_tallies_agree(&app).await;
}

#[tokio::test]
async fn the_tabs_counts_follow_every_move_even_when_moves_race() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let mut hazards = Vec::new();
    for n in 0..18 {
        let (id, h) =
            report(&app, &inspector, school, if n % 4 == 0 { "major" } else { "general" }, vec![])
                .await;
        hazards.push((id, version(&h)));
    }
    // At once: a third planned, a third voided, a third extended; and each planned one voided
    // too at the same version, so that exactly one of the two moves it.
    let mut sends = tokio::task::JoinSet::new();
    for (n, &(id, v)) in hazards.iter().enumerate() {
        let void = json!({ "event_id": Uuid::now_v7(), "action": "void", "expected_version": v, "reason": "重复登记" });
        let bodies = match n % 3 {
            0 => vec![(principal.clone(), plan(v)), (office.clone(), void)],
            1 => vec![(office.clone(), void)],
            _ => vec![(
                office.clone(),
                json!({ "event_id": Uuid::now_v7(), "action": "extend",
                       "expected_version": v, "reason": "施工期延长", "deadline": "2099-06-30" }),
            )],
        };
        for (c, body) in bodies {
            let url = app.url(&format!("/api/v1/hazards/{id}/events"));
            sends.spawn(
                async move { c.post(url).json(&body).send().await.expect("event").status() },
            );
        }
    }
    while let Some(status) = sends.join_next().await {
        let status = status.expect("task");
        assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "{status}");
    }
    assert_tallies_agree(&app).await;

    // The office's tabs (read from the tallies) and the principal's (counted from the hazards)
    // see the same school, so they agree, filter by filter.
    for filter in ["", "?level=major", "?area=key_domains", "?status=voided&level=general"] {
        let counts = |v: Value| {
            let mut c: Vec<(String, i64)> = v["counts"]
                .as_array()
                .expect("counts")
                .iter()
                .map(|c| {
                    (
                        c["status"].as_str().expect("status").to_owned(),
                        c["count"].as_i64().expect("n"),
                    )
                })
                .collect();
            c.sort();
            (c, v["total"].clone())
        };
        let theirs = counts(ok(app.get(&office, &format!("/api/v1/hazards{filter}")).await).await);
        let mine = counts(ok(app.get(&principal, &format!("/api/v1/hazards{filter}")).await).await);
        assert_eq!(theirs, mine, "tabs with {filter:?}");
    }
    let all = ok(app.get(&office, "/api/v1/hazards").await).await;
    assert_eq!(all["total"], 18);
}

#[tokio::test]
async fn daily_reminders_go_out_once_a_day_across_instances() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let id = Uuid::now_v7();
    let today = app::domain::time::china_date(chrono::Utc::now());
    let body =
        json!({ "school_id": school, "title": "楼梯结冰", "level": "general", "deadline": today });
    assert_eq!(
        inspector
            .put(app.url(&format!("/api/v1/hazards/{id}")))
            .json(&body)
            .send()
            .await
            .expect("report")
            .status(),
        StatusCode::CREATED
    );
    // Late morning in China tomorrow, so the daily run is due; two instances try. (Not today: the
    // server's own job loop runs today's round at start-up once the morning has come, and that
    // would take today's lease before the test does.)
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let now = tomorrow.and_hms_opt(3, 0, 0).expect("time").and_utc();
    let first = server::jobs::reminders_if_due(&app.state, "instance-a", now).await.expect("run");
    let second = server::jobs::reminders_if_due(&app.state, "instance-b", now).await.expect("run");
    assert_eq!(first, Some(2), "the principal and the discoverer are reminded");
    assert_eq!(second, None, "the other instance does not run it again");
}

#[tokio::test]
async fn hazard_events_reach_the_webhook_signed() {
    use axum::{Router, routing::post};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, String, String)>();
    let receiver = Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let tx = tx.clone();
            async move {
                let h =
                    |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let _ = tx.send((h("x-xiaoan-timestamp"), h("x-xiaoan-signature"), body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    let app = spawn_app_with(|c| {
        c.webhook_url = Some(url.clone());
        c.webhook_secret = "s3cret".into();
    })
    .await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    report(&app, &inspector, school, "general", vec![]).await;
    let client = reqwest::Client::new();
    let sent = server::jobs::deliver_webhooks(&app.state, &client, &url).await.expect("deliver");
    assert_eq!(sent, 1);
    let (ts, sig, body) = rx.recv().await.expect("delivered");
    let ts: i64 = ts.parse().expect("timestamp");
    assert_eq!(sig, format!("sha256={}", server::jobs::signature("s3cret", ts, &body)));
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["event"], "hazard.reported");
    let state = server::storage::webhooks::all(&app.state.db).await.expect("deliveries");
    assert!(state.iter().all(|d| d.delivered), "marked delivered");
}
