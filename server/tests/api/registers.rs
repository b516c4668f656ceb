//! Enforcement records, the responsibility list, activity logs and accidents through the API:
//! who may write and read each, bad input refused with nothing written, idempotent retries and
//! conflicting ones, the signed text's SHA-256, and the activity compliance numbers.

use crate::helpers::{TestApp, error_of, spawn_app};
use chrono::{DateTime, TimeZone, Utc};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use server::photo::pipeline::samples::{jpeg, noise_photo};
use server::storage::Db;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const SCHOOL: &str = "白榆县实验小学"; // the demo principal's school
const OTHER: &str = "白榆县第一中学"; // principal2's school

async fn photo(app: &TestApp, c: &Client, seed: u64) -> String {
    let bytes = jpeg(&noise_photo(96, 64, seed), 96, 64, 85, None);
    let sha = hex::encode(Sha256::digest(&bytes));
    let res =
        c.put(app.url(&format!("/api/v1/photos/{sha}"))).body(bytes).send().await.expect("photo");
    assert!(res.status().is_success(), "photo stored");
    sha
}

async fn put(app: &TestApp, c: &Client, path: &str, body: &Value) -> Response {
    c.put(app.url(path)).json(body).send().await.expect("PUT")
}

async fn post(app: &TestApp, c: &Client, path: &str, body: &Value) -> Response {
    c.post(app.url(path)).json(body).send().await.expect("POST")
}

async fn body(res: Response, want: StatusCode) -> Value {
    let status = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(status, want, "{text}");
    serde_json::from_str(&text).expect("json")
}

/// Rows in a table (optionally of photo references of one kind), to show nothing was written.
async fn count(app: &TestApp, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match &app.state.db {
        Db::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(p).await,
        Db::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(p).await,
    }
    .expect("count")
}

async fn school_refs(app: &TestApp) -> i64 {
    count(app, "photo_refs WHERE record_kind = 'school'").await
}

async fn audited(app: &TestApp, action: &str, target: &str) -> bool {
    let log = server::storage::audit::recent(&app.state.db, 20).await.expect("audit");
    log.iter().any(|e| e.action == action && e.target == target)
}

async fn hazard(app: &TestApp, c: &Client, school: i64) -> Uuid {
    let id = Uuid::now_v7();
    let b = json!({ "school_id": school, "title": "围墙破损", "level": "general" });
    body(put(app, c, &format!("/api/v1/hazards/{id}"), &b).await, StatusCode::CREATED).await;
    id
}

/// A school in another county, outside every demo user's scope.
async fn foreign_school(app: &TestApp) -> i64 {
    let now = Utc::now();
    let (bureau, path) =
        server::storage::orgs::insert_bureau(&app.state.db, "邻县教育局", None, now)
            .await
            .expect("bureau");
    let fields = server::storage::orgs::SchoolFields {
        name: "邻县第一小学",
        school_type: "primary",
        address: "",
        coordinates: None,
        principal_name: "",
        phone: "",
    };
    server::storage::orgs::insert_school(&app.state.db, (bureau, &path), &fields, now)
        .await
        .expect("school")
}

fn today() -> String {
    app::domain::time::china_date(Utc::now()).to_string()
}

fn measure(school: i64) -> Value {
    json!({ "category": "measure", "kind": "责令限期整改", "school_id": school, "persons": [],
            "taken_on": today(), "doc_no": "白教安〔2026〕7号", "note": "限期十日内整改" })
}

// ---- Enforcement measures and accountability actions ----

#[tokio::test]
async fn office_records_an_action_once_however_often_the_phone_retries() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let h = hazard(&app, &office, school).await;
    let evidence = photo(&app, &office, 1).await;
    let id = Uuid::now_v7();
    let b = json!({ "category": "action", "kind": "约谈", "school_id": school, "hazard_id": h,
                    "persons": ["赵丽华", " ", "王强"], "taken_on": today(), "doc_no": "白教纪〔2026〕2号",
                    "note": "约谈校长", "attachments": [evidence] });
    let r = body(
        put(&app, &office, &format!("/api/v1/enforcement/{id}"), &b).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(r["persons"], json!(["赵丽华", "王强"]), "blank names dropped");
    assert_eq!(r["persons_count"], 2);
    assert_eq!(r["hazard_title"], "围墙破损");
    assert_eq!(r["school_name"], SCHOOL);
    let again =
        body(put(&app, &office, &format!("/api/v1/enforcement/{id}"), &b).await, StatusCode::OK)
            .await;
    assert_eq!(again, r, "the retry answers the stored record");
    assert_eq!(count(&app, "enforcement_records").await, 1, "nothing doubled");
    assert_eq!(school_refs(&app).await, 1, "the attachment is the school's evidence, once");
    assert!(audited(&app, "enforcement.action", &format!("enforcement:{id}")).await);

    // The school sees it, and its attachment.
    let principal = app.client_as("principal").await;
    let list = body(app.get(&principal, "/api/v1/enforcement").await, StatusCode::OK).await;
    assert_eq!(list["total"], 1);
    assert_eq!(
        app.get(&principal, &format!("/api/v1/photos/{evidence}/thumb")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_different_record_under_a_used_id_conflicts_and_changes_nothing() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let id = Uuid::now_v7();
    let path = format!("/api/v1/enforcement/{id}");
    body(put(&app, &office, &path, &measure(school)).await, StatusCode::CREATED).await;
    let mut changed = measure(school);
    changed["kind"] = json!("责令停止使用");
    let (status, e) = error_of(put(&app, &office, &path, &changed).await).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("different_record")));
    let list = body(app.get(&office, "/api/v1/enforcement").await, StatusCode::OK).await;
    assert_eq!(list["items"][0]["kind"], "责令限期整改", "the first record stands");
}

#[tokio::test]
async fn who_may_record_enforcement_follows_the_role_and_the_scope() {
    let app = spawn_app().await;
    let school = app.school_id(SCHOOL).await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let admin = app.client_as("admin").await;
    let mut action = measure(school);
    action["category"] = json!("action");
    action["kind"] = json!("通报批评");
    let cases: [(&Client, &Value, StatusCode, &str); 5] = [
        (&inspector, &measure(school), StatusCode::CREATED, "an inspector records a measure"),
        (&inspector, &action, StatusCode::FORBIDDEN, "an inspector may not record an action"),
        (&principal, &measure(school), StatusCode::FORBIDDEN, "a principal only reads"),
        (&admin, &action, StatusCode::CREATED, "the admin records an action"),
        (
            &admin,
            &measure(foreign_school(&app).await),
            StatusCode::NOT_FOUND,
            "a school out of scope is not found",
        ),
    ];
    for (c, b, want, name) in cases {
        let res = put(&app, c, &format!("/api/v1/enforcement/{}", Uuid::now_v7()), b).await;
        assert_eq!(res.status(), want, "{name}");
    }
    assert_eq!(count(&app, "enforcement_records").await, 2);

    // A principal reads only their school's records; naming another school is a 404.
    let principal2 = app.client_as("principal2").await;
    let other = app.school_id(OTHER).await;
    let list = body(app.get(&principal2, "/api/v1/enforcement").await, StatusCode::OK).await;
    assert_eq!(list["total"], 0, "principal2 sees none of another school's records");
    let res = app.get(&principal2, &format!("/api/v1/enforcement?school={school}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.get(&principal2, &format!("/api/v1/enforcement?school={other}")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_enforcement_input_is_refused_in_words_and_writes_nothing() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let other_hazard = hazard(&app, &office, app.school_id(OTHER).await).await;
    let with = |k: &str, v: Value| {
        let mut b = measure(school);
        b[k] = v;
        b
    };
    let cases = [
        (with("kind", json!("罚款")), StatusCode::UNPROCESSABLE_ENTITY, "unknown_kind"),
        (with("taken_on", json!("2999-01-01")), StatusCode::UNPROCESSABLE_ENTITY, "date_in_future"),
        (
            with("hazard_id", json!(other_hazard)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "hazard_of_other_school",
        ),
        (
            with("attachments", json!(["ab".repeat(32)])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_photo",
        ),
        (with("category", json!("fine")), StatusCode::BAD_REQUEST, "malformed"),
        (with("taken_on", json!("yesterday")), StatusCode::BAD_REQUEST, "malformed"),
        (with("school_id", json!("one")), StatusCode::BAD_REQUEST, "malformed"),
    ];
    for (b, want, code) in cases {
        let (status, e) = error_of(
            put(&app, &office, &format!("/api/v1/enforcement/{}", Uuid::now_v7()), &b).await,
        )
        .await;
        assert_eq!((status, e["code"].as_str()), (want, Some(code)), "{b}");
        assert!(!e["message"].as_str().unwrap_or("").is_empty(), "{code} says what happened");
    }
    let (_, e) = error_of(
        put(
            &app,
            &office,
            &format!("/api/v1/enforcement/{}", Uuid::now_v7()),
            &with("kind", json!("罚款")),
        )
        .await,
    )
    .await;
    assert_eq!(e["message"], "请选择列表中的类别。", "the message is in Chinese by default");
    assert_eq!(count(&app, "enforcement_records").await, 0);
    assert_eq!(school_refs(&app).await, 0);
}

#[tokio::test]
async fn the_list_filters_by_category_kind_school_and_china_dates() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let other = app.school_id(OTHER).await;
    let rec = |category: &str, kind: &str, school: i64, day: &str, persons: Vec<&str>| json!({ "category": category, "kind": kind, "school_id": school, "taken_on": day, "persons": persons });
    for b in [
        rec("measure", "责令限期整改", school, "2026-03-01", vec![]),
        rec("measure", "责令停止使用", other, "2026-03-10", vec![]),
        rec("measure", "责令限期整改", other, "2026-03-11", vec![]),
        rec("action", "约谈", school, "2026-03-10", vec!["甲", "乙"]),
        rec("action", "通报批评", other, "2026-03-12", vec!["丙"]),
    ] {
        body(
            put(&app, &office, &format!("/api/v1/enforcement/{}", Uuid::now_v7()), &b).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let cases = [
        ("?category=measure", 3, 0, 2),
        ("?category=action", 2, 3, 2),
        ("?category=measure&kind=%E8%B4%A3%E4%BB%A4%E9%99%90%E6%9C%9F%E6%95%B4%E6%94%B9", 2, 0, 2),
        (&*format!("?school={other}"), 3, 1, 1),
        ("?from=2026-03-10&until=2026-03-12", 3, 2, 2),
        ("?from=2026-03-11", 2, 1, 1),
        ("?until=2026-03-10", 1, 0, 1),
        ("", 5, 3, 2),
    ];
    for (q, total, persons, institutions) in cases {
        let l =
            body(app.get(&office, &format!("/api/v1/enforcement{q}")).await, StatusCode::OK).await;
        assert_eq!(
            (l["total"].as_i64(), l["persons"].as_i64(), l["institutions"].as_i64()),
            (Some(total), Some(persons), Some(institutions)),
            "{q}"
        );
        assert_eq!(l["items"].as_array().map(Vec::len), Some(total as usize), "{q}: items");
    }
    let newest_first = body(app.get(&office, "/api/v1/enforcement").await, StatusCode::OK).await;
    assert_eq!(newest_first["items"][0]["taken_on"], "2026-03-12");
    let res = app.get(&office, "/api/v1/enforcement?from=March").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn office_flags_a_typical_case_and_the_flag_is_audited() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let principal = app.client_as("principal").await;
    let school = app.school_id(SCHOOL).await;
    let h = hazard(&app, &office, school).await;
    let path = format!("/api/v1/hazards/{h}/typical");
    let r =
        body(put(&app, &office, &path, &json!({ "typical": true })).await, StatusCode::OK).await;
    assert_eq!(r, json!({ "typical": true }));
    assert!(
        server::storage::registers::is_typical(&app.state.db, &h.to_string()).await.expect("db")
    );
    assert!(audited(&app, "hazard.typical", &format!("hazard:{h}")).await);
    let cases = [
        (&principal, path.clone(), json!({ "typical": false }), StatusCode::FORBIDDEN),
        (&office, path.clone(), json!({ "typical": "yes" }), StatusCode::BAD_REQUEST),
        (
            &office,
            format!("/api/v1/hazards/{}/typical", Uuid::now_v7()),
            json!({ "typical": true }),
            StatusCode::NOT_FOUND,
        ),
    ];
    for (c, p, b, want) in cases {
        assert_eq!(put(&app, c, &p, &b).await.status(), want, "{p} {b}");
    }
    assert!(
        server::storage::registers::is_typical(&app.state.db, &h.to_string()).await.expect("db"),
        "still flagged"
    );
}

// ---- The responsibility list ----

fn list_body() -> Value {
    json!({ "title": "2026年学校安全责任清单", "duties": ["落实校园安全主体责任", "每月开展一次隐患排查", ""] })
}

#[tokio::test]
async fn a_principal_signs_the_list_and_the_server_keeps_the_sha256_of_the_canonical_text() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let principal = app.client_as("principal").await;
    let school = app.school_id(SCHOOL).await;
    let published =
        body(put(&app, &office, "/api/v1/duties", &list_body()).await, StatusCode::CREATED).await;
    assert_eq!(published["duties"], json!(["落实校园安全主体责任", "每月开展一次隐患排查"]));
    let again =
        body(put(&app, &office, "/api/v1/duties", &list_body()).await, StatusCode::OK).await;
    assert_eq!(again["id"], published["id"], "publishing the same list again is a retry");
    assert_eq!(count(&app, "duty_lists").await, 1);

    let view = body(app.get(&principal, "/api/v1/duties").await, StatusCode::OK).await;
    assert_eq!(view["list"]["id"], published["id"]);
    assert_eq!(
        view["unsigned"],
        json!([{ "id": school, "name": SCHOOL }]),
        "a principal sees their own school only"
    );
    assert_eq!(view["signer_name"], "赵丽华");

    let signature = photo(&app, &principal, 7).await;
    let list_id = published["id"].as_i64().expect("id");
    let sign = json!({ "school_items": ["校门口上下学时段护导", "每周检查消防通道"], "signature": signature });
    let path = format!("/api/v1/duties/{list_id}/sign");
    let signed = body(post(&app, &principal, &path, &sign).await, StatusCode::CREATED).await;
    let text = app::domain::register::canonical_text(
        "2026年学校安全责任清单",
        &["落实校园安全主体责任".into(), "每月开展一次隐患排查".into()],
        SCHOOL,
        &["校门口上下学时段护导".into(), "每周检查消防通道".into()],
        "赵丽华",
    );
    assert_eq!(signed["content_sha"], hex::encode(Sha256::digest(text.as_bytes())));
    assert_eq!(signed["signature_sha"], signature);
    assert!(audited(&app, "duties.sign", &format!("duty_list:{list_id}")).await);

    // The same again is harmless; different items are refused.
    let retry = body(post(&app, &principal, &path, &sign).await, StatusCode::OK).await;
    assert_eq!(retry, signed);
    let changed = json!({ "school_items": ["另外的条目"], "signature": signature });
    let (status, e) = error_of(post(&app, &principal, &path, &changed).await).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("already_signed")));
    assert_eq!(count(&app, "duty_signatures").await, 1);

    // Office sees who signed (and the signature), and who has not.
    let view = body(app.get(&office, "/api/v1/duties").await, StatusCode::OK).await;
    let signed_list = view["signed"].as_array().expect("signed");
    assert_eq!(signed_list.len(), 1);
    assert_eq!(signed_list[0]["school_name"], SCHOOL);
    assert_eq!(signed_list[0]["signer_name"], "赵丽华");
    assert_eq!(signed_list[0]["content_sha"], signed["content_sha"]);
    let unsigned = view["unsigned"].as_array().expect("unsigned");
    assert!(
        !unsigned.iter().any(|s| s["id"] == school),
        "the signed school is not listed as unsigned"
    );
    assert_eq!(unsigned.len() as i64, count(&app, "orgs WHERE kind = 'school'").await - 1);
    assert_eq!(
        app.get(&office, &format!("/api/v1/photos/{signature}/thumb")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn only_office_publishes_only_principals_sign_and_bad_signatures_write_nothing() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    assert_eq!(
        put(&app, &inspector, "/api/v1/duties", &list_body()).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put(&app, &principal, "/api/v1/duties", &list_body()).await.status(),
        StatusCode::FORBIDDEN
    );
    let (status, e) = error_of(
        put(&app, &office, "/api/v1/duties", &json!({ "title": "清单", "duties": [" "] })).await,
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("duties_missing"))
    );
    assert_eq!(
        put(&app, &office, "/api/v1/duties", &json!({ "title": "清单" })).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(count(&app, "duty_lists").await, 0);

    let list =
        body(put(&app, &office, "/api/v1/duties", &list_body()).await, StatusCode::CREATED).await;
    let path = format!("/api/v1/duties/{}/sign", list["id"]);
    let signature = photo(&app, &principal, 8).await;
    let office_sig = photo(&app, &office, 9).await;
    let cases: [(&Client, String, Value, StatusCode, &str); 6] = [
        (
            &office,
            path.clone(),
            json!({ "school_items": ["x"], "signature": office_sig }),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            &principal,
            "/api/v1/duties/999999/sign".into(),
            json!({ "school_items": ["x"], "signature": signature }),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            &principal,
            path.clone(),
            json!({ "school_items": "x" }),
            StatusCode::BAD_REQUEST,
            "malformed",
        ),
        (
            &principal,
            path.clone(),
            json!({ "school_items": [], "signature": signature }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "school_items_missing",
        ),
        (
            &principal,
            path.clone(),
            json!({ "school_items": ["x"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "signature_missing",
        ),
        (
            &principal,
            path.clone(),
            json!({ "school_items": ["x"], "signature": office_sig }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_photo",
        ),
    ];
    for (c, p, b, want, code) in cases {
        let (status, e) = error_of(post(&app, c, &p, &b).await).await;
        assert_eq!((status, e["code"].as_str()), (want, Some(code)), "{p} {b}");
    }
    assert_eq!(count(&app, "duty_signatures").await, 0);
    assert_eq!(school_refs(&app).await, 0);
}

#[tokio::test]
async fn a_list_replaced_by_a_newer_one_can_no_longer_be_signed() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let principal = app.client_as("principal").await;
    let old =
        body(put(&app, &office, "/api/v1/duties", &list_body()).await, StatusCode::CREATED).await;
    let newer =
        json!({ "title": "2026年学校安全责任清单（修订）", "duties": ["落实校园安全主体责任"] });
    let new = body(put(&app, &office, "/api/v1/duties", &newer).await, StatusCode::CREATED).await;
    let signature = photo(&app, &principal, 10).await;
    let sign = json!({ "school_items": ["护导"], "signature": signature });
    let (status, e) = error_of(
        post(&app, &principal, &format!("/api/v1/duties/{}/sign", old["id"]), &sign).await,
    )
    .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("list_replaced"))
    );
    let view = body(app.get(&principal, "/api/v1/duties").await, StatusCode::OK).await;
    assert_eq!(view["list"]["id"], new["id"], "the newest list is current");
    let res = post(&app, &principal, &format!("/api/v1/duties/{}/sign", new["id"]), &sign).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

// ---- Activity logs ----

/// An instant given as China wall time in 2026.
fn cst(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    app::domain::time::china()
        .with_ymd_and_hms(2026, m, d, h, 0, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn activities_are_recorded_by_the_school_and_compliance_counts_whole_weeks() {
    let app = spawn_app().await;
    // Wednesday 18 March 2026, 09:00 in China.
    app.state.clock.set(cst(3, 18, 9));
    let principal = app.client_as("principal").await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let other = app.school_id(OTHER).await;
    let activity = |kind: &str, day: &str, sha: &str| json!({ "school_id": school, "kind": kind, "held_on": day, "title": "安全教育主题班会", "photo": sha });
    let mut first = None;
    for (i, (kind, day)) in [
        ("publicity", "2026-03-09"),
        ("publicity", "2026-03-11"),
        ("publicity", "2026-03-16"),
        ("publicity", "2026-03-03"),
        ("screening", "2026-03-02"),
    ]
    .into_iter()
    .enumerate()
    {
        let sha = photo(&app, &principal, 20 + i as u64).await;
        let b = activity(kind, day, &sha);
        let id = Uuid::now_v7();
        body(
            put(&app, &principal, &format!("/api/v1/activities/{id}"), &b).await,
            StatusCode::CREATED,
        )
        .await;
        first.get_or_insert((id, b));
    }
    let (id, b) = first.expect("one");
    let path = format!("/api/v1/activities/{id}");
    body(put(&app, &principal, &path, &b).await, StatusCode::OK).await;
    let mut changed = b.clone();
    changed["title"] = json!("另一次活动");
    let (status, e) = error_of(put(&app, &principal, &path, &changed).await).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("different_record")));
    assert_eq!(count(&app, "activities").await, 5, "nothing doubled");

    // Spring 2026: whole weeks from 2 February; by 18 March six have ended (2 Feb – 9 Mar). Only
    // the week of 9 March had two posts; the week of 2 March had one.
    let all = body(app.get(&office, "/api/v1/activities/compliance").await, StatusCode::OK).await;
    let mine = all
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["school_id"] == school)
        .expect("school row");
    let c = &mine["compliance"];
    assert_eq!(c["weeks_checked"], 6);
    assert_eq!(c["weeks_met"], 1);
    assert_eq!(c["weeks_missed"].as_array().map(Vec::len), Some(5));
    assert_eq!(c["this_week"], 1);
    assert_eq!(c["screenings"], 1);
    assert_eq!(
        (c["publicity_ok"].as_bool(), c["screening_ok"].as_bool()),
        (Some(false), Some(true))
    );
    let theirs =
        all.as_array().expect("rows").iter().find(|r| r["school_id"] == other).expect("other row");
    assert_eq!(
        (theirs["compliance"]["weeks_met"].as_i64(), theirs["compliance"]["screenings"].as_i64()),
        (Some(0), Some(0))
    );
    let since = body(
        app.get(&office, "/api/v1/activities/compliance?since=2026-03-09").await,
        StatusCode::OK,
    )
    .await;
    let c = &since
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["school_id"] == school)
        .expect("row")["compliance"];
    assert_eq!(
        (c["weeks_checked"].as_i64(), c["weeks_met"].as_i64(), c["publicity_ok"].as_bool()),
        (Some(1), Some(1), Some(true))
    );
    let own =
        body(app.get(&principal, "/api/v1/activities/compliance").await, StatusCode::OK).await;
    assert_eq!(own.as_array().map(Vec::len), Some(1), "a principal sees their own school");

    let listed = body(
        app.get(
            &office,
            &format!("/api/v1/activities?school={school}&from=2026-03-09&until=2026-03-16"),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    let sha = photo(&app, &principal, 30).await;
    assert_eq!(
        app.get(&office, &format!("/api/v1/photos/{sha}/thumb")).await.status(),
        StatusCode::NOT_FOUND,
        "not yet anyone's evidence"
    );
    let principal2 = app.client_as("principal2").await;
    assert_eq!(
        app.get(&principal2, &format!("/api/v1/activities?school={school}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn activity_entries_are_refused_for_the_wrong_role_school_or_evidence() {
    let app = spawn_app().await;
    let principal = app.client_as("principal").await;
    let office = app.client_as("office").await;
    let school = app.school_id(SCHOOL).await;
    let sha = photo(&app, &principal, 40).await;
    let base = json!({ "school_id": school, "kind": "publicity", "held_on": today(), "title": "安全提示", "photo": sha });
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let cases: [(&Client, Value, StatusCode, &str); 7] = [
        (&office, base.clone(), StatusCode::FORBIDDEN, "forbidden"),
        (
            &principal,
            with("school_id", json!(app.school_id(OTHER).await)),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            &principal,
            with("held_on", json!("2999-12-31")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "date_in_future",
        ),
        (&principal, with("photo", json!("")), StatusCode::UNPROCESSABLE_ENTITY, "photo_missing"),
        (
            &principal,
            with("photo", json!("cd".repeat(32))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_photo",
        ),
        (&principal, with("title", json!("  ")), StatusCode::UNPROCESSABLE_ENTITY, "title_missing"),
        (&principal, with("kind", json!("poster")), StatusCode::BAD_REQUEST, "malformed"),
    ];
    for (c, b, want, code) in cases {
        let (status, e) =
            error_of(put(&app, c, &format!("/api/v1/activities/{}", Uuid::now_v7()), &b).await)
                .await;
        assert_eq!((status, e["code"].as_str()), (want, Some(code)), "{b}");
    }
    assert_eq!(count(&app, "activities").await, 0);
    assert_eq!(school_refs(&app).await, 0);
}

// ---- Accidents ----

#[tokio::test]
async fn accidents_are_reported_by_the_school_or_the_office_and_listed_by_china_date() {
    let app = spawn_app().await;
    let principal = app.client_as("principal").await;
    let office = app.client_as("office").await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let other = app.school_id(OTHER).await;
    let own_hazard = hazard(&app, &office, school).await;
    let their_hazard = hazard(&app, &office, other).await;
    let accident = |school: i64, day: &str, hazards: Vec<Uuid>| {
        json!({ "school_id": school, "occurred_on": day, "kind": "traffic", "injured": 2, "dead": 0,
                "summary": "放学途中学生被电动车撞伤", "hazard_ids": hazards })
    };
    let id = Uuid::now_v7();
    let path = format!("/api/v1/accidents/{id}");
    let b = accident(school, "2026-03-05", vec![own_hazard, own_hazard]);
    let r = body(put(&app, &principal, &path, &b).await, StatusCode::CREATED).await;
    assert_eq!(r["hazard_ids"], json!([own_hazard]), "a hazard linked once");
    body(put(&app, &principal, &path, &b).await, StatusCode::OK).await;
    let mut changed = b.clone();
    changed["dead"] = json!(1);
    let (status, e) = error_of(put(&app, &principal, &path, &changed).await).await;
    assert_eq!((status, e["code"].as_str()), (StatusCode::CONFLICT, Some("different_record")));
    body(
        put(
            &app,
            &office,
            &format!("/api/v1/accidents/{}", Uuid::now_v7()),
            &accident(other, "2026-03-06", vec![]),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert!(audited(&app, "accident.record", &format!("accident:{id}")).await);

    let mut negative = accident(school, "2026-03-05", vec![]);
    negative["injured"] = json!(-1);
    let cases: [(&Client, Value, StatusCode, &str); 6] = [
        (&inspector, accident(school, "2026-03-05", vec![]), StatusCode::FORBIDDEN, "forbidden"),
        (&principal, accident(other, "2026-03-05", vec![]), StatusCode::NOT_FOUND, "not_found"),
        (
            &principal,
            accident(school, "2026-03-05", vec![their_hazard]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "hazard_of_other_school",
        ),
        (
            &office,
            accident(school, "2999-03-05", vec![]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "date_in_future",
        ),
        (&office, negative, StatusCode::BAD_REQUEST, "malformed"),
        (
            &office,
            json!({ "school_id": school, "occurred_on": "2026-03-05", "kind": "traffic", "summary": " " }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "summary_missing",
        ),
    ];
    for (c, b, want, code) in cases {
        let (status, e) =
            error_of(put(&app, c, &format!("/api/v1/accidents/{}", Uuid::now_v7()), &b).await)
                .await;
        assert_eq!((status, e["code"].as_str()), (want, Some(code)), "{b}");
    }
    assert_eq!(count(&app, "accidents").await, 2, "nothing written by a refusal");

    let list = |c: &Client, q: &str| {
        let url = format!("/api/v1/accidents{q}");
        let c = c.clone();
        let app = &app;
        async move { body(app.get(&c, &url).await, StatusCode::OK).await.as_array().map(Vec::len) }
    };
    assert_eq!(list(&office, "").await, Some(2));
    assert_eq!(list(&office, "?from=2026-03-06").await, Some(1));
    assert_eq!(list(&office, "?until=2026-03-06").await, Some(1));
    assert_eq!(list(&office, "?from=2026-03-05&until=2026-03-05").await, Some(0));
    assert_eq!(list(&principal, "").await, Some(1), "a principal sees their own school's");
}
