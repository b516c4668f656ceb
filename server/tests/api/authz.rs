//! The authorization matrix: every API operation (read from the OpenAPI document), every page
//! and every other route × every kind of caller × an object of the caller's own school, of
//! another school, or sealed (an inspection plan, an unsubmitted unannounced visit) → the
//! answer expected. A route that the source declares and this file has no entry for fails.
//!
//! Callers, in column order: anonymous, admin, office, inspector, the principal of the school
//! the objects belong to ("own"), the principal of another school ("other").

use crate::hazards::photo;
use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::inspections::{answers, put_inspection, school_items, submit};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use server::photo::pipeline::samples::{jpeg, noise_photo};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

const SCHOOL_A: &str = "白榆县实验小学"; // the demo principal's school
const SCHOOL_B: &str = "白榆县第一中学"; // principal2's school

/// Column order of every expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anon,
    Admin,
    Office,
    Inspector,
    Own,
    Other,
}

const WHO: [Who; 6] = [Who::Anon, Who::Admin, Who::Office, Who::Inspector, Who::Own, Who::Other];

impl Who {
    fn username(self) -> Option<&'static str> {
        match self {
            Who::Anon => None,
            Who::Admin => Some("admin"),
            Who::Office => Some("office"),
            Who::Inspector => Some("inspector"),
            Who::Own => Some("principal"),
            Who::Other => Some("principal2"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// "Not sent": the request would undo what the other rows rely on, and another row covers it.
const SKIP: u16 = 0;

/// One expectation: an operation (`METHOD /path` exactly as the OpenAPI document writes it),
/// the object it is aimed at, and the status each caller gets.
struct Row {
    op: &'static str,
    target: &'static str,
    expect: [u16; 6],
}

const fn row(op: &'static str, target: &'static str, expect: [u16; 6]) -> Row {
    Row { op, target, expect }
}

/// Every API operation. Targets: `own` is an object of school A (the demo principal's; for
/// principal2 it is another school's), `sealed` a plan or unannounced draft, `new` a fresh id
/// with a body naming school A, `county` the county checklist, `-` no object.
///
/// Rows run in this order against one app, so writes that change shared objects come after the
/// reads of those objects, and a write allowed to one caller is tried by the denied ones first.
const API: &[Row] = &[
    // Session and the public documents.
    row("POST /api/v1/session", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/me", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/health", "-", [200, 200, 200, 200, 200, 200]),
    row("GET /api/v1/openapi.json", "-", [200, 200, 200, 200, 200, 200]),
    // The audit log: the admin's alone.
    row("GET /api/v1/audit", "-", [401, 200, 403, 403, 403, 403]),
    // Schools.
    row("GET /api/v1/schools", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/schools/{id}", "own", [401, 200, 200, 200, 200, 404]),
    row("GET /api/v1/schools/{id}/checklist", "own", [401, 200, 200, 200, 200, 404]),
    // Photos: the evidence of school A's hazard, and of the sealed visit (its inspector's).
    row("GET /api/v1/photos/{sha256}/{variant}", "own:original", [401, 200, 200, 200, 200, 404]),
    row("GET /api/v1/photos/{sha256}/{variant}", "own:display", [401, 200, 200, 200, 200, 404]),
    row("GET /api/v1/photos/{sha256}/{variant}", "own:thumb", [401, 200, 200, 200, 200, 404]),
    row("GET /api/v1/photos/{sha256}/{variant}", "sealed:thumb", [401, 404, 404, 200, 404, 404]),
    row("GET /api/v1/photos/{sha256}/{variant}", "sealed:original", [401, 404, 404, 200, 404, 404]),
    row("PUT /api/v1/photos/{sha256}", "new", [401, 201, 201, 201, 201, 404]),
    // Checklists: the county template and school A's own items (a draft of its principal).
    row("GET /api/v1/checklists", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/checklists/{id}", "county", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/checklists/{id}", "own", [401, 200, 200, 200, 200, 404]),
    row("POST /api/v1/checklists/edit", "own", [401, 403, 403, 403, 200, 404]),
    row("POST /api/v1/checklists/edit", "county", [401, 403, 200, 403, 403, 403]),
    row("PUT /api/v1/checklists/{id}/items/{code}", "own", [401, 403, 403, 403, 200, 404]),
    row("DELETE /api/v1/checklists/{id}/items/{code}", "own", [401, 403, 403, 403, 204, 404]),
    row("POST /api/v1/checklists/{id}/publish", "own", [401, 403, 403, 403, 200, 404]),
    // Plans: sealed from schools, and not the admin's business.
    row("GET /api/v1/plans", "-", [401, 404, 200, 200, 404, 404]),
    row("GET /api/v1/plans/{id}", "sealed", [401, 404, 200, 200, 404, 404]),
    row("GET /api/v1/plans/{id}", "own", [401, 404, 200, 200, 404, 404]),
    row("GET /api/v1/plans/suggestions", "-", [401, 404, 200, 200, 404, 404]),
    row("POST /api/v1/plans/draw", "-", [401, 404, 200, 200, 404, 404]),
    row("PUT /api/v1/plans/{id}", "sealed", [401, 404, 200, 200, 404, 404]),
    row("PUT /api/v1/plans/{id}", "new", [401, 404, 201, 201, 404, 404]),
    // Inspections: school A's submitted supervision, the sealed unannounced draft, another draft.
    row("GET /api/v1/inspections", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/inspections", "school=own", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/inspections/{id}", "own", [401, 200, 200, 200, 200, 404]),
    row("GET /api/v1/inspections/{id}", "sealed", [401, 404, 404, 200, 404, 404]),
    // Who may file the body's kind is decided first (403 whatever the id), then the id (404).
    row("PUT /api/v1/inspections/{id}", "sealed", [401, 403, 404, 200, 404, 404]),
    row("PUT /api/v1/inspections/{id}", "new", [401, 403, 201, 201, 201, 404]),
    row("POST /api/v1/inspections/{id}/submit", "sealed", [401, 404, 404, SKIP, 404, 404]),
    row("POST /api/v1/inspections/{id}/submit", "own", [401, 404, 404, 200, 404, 404]),
    // Hazards and their loop.
    row("GET /api/v1/hazards", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/hazards/queue", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/hazards.xlsx", "-", [401, 200, 200, 200, 200, 200]),
    // Lists filtered by school A: the other principal must get nothing of it (a 404 or an
    // empty answer; the leak scan says which).
    row("GET /api/v1/hazards", "school=own", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/hazards/queue", "school=own", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/hazards.xlsx", "school=own", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/hazards/{id}", "own", [401, 200, 200, 200, 200, 404]),
    row("PUT /api/v1/hazards/{id}", "new", [401, 403, 201, 201, 201, 404]),
    row("POST /api/v1/hazards/{id}/events", "own", [401, 403, 403, 403, 200, 404]),
    row("PUT /api/v1/hazards/{id}/typical", "own", [401, 200, 200, 403, 403, 403]),
    // The offline feed and the inbox.
    row("GET /api/v1/changes", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/notifications", "-", [401, 200, 200, 200, 200, 200]),
    row("POST /api/v1/notifications/read", "-", [401, 204, 204, 204, 204, 204]),
    // Campaigns, tables and submissions.
    row("GET /api/v1/campaigns", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/campaigns/{id}", "-", [401, 200, 200, 200, 200, 200]),
    row("POST /api/v1/campaigns/{id}/copy", "-", [401, 201, 201, 403, 403, 403]),
    row("POST /api/v1/campaigns/{id}/reminders", "-", [401, 200, 200, 403, 403, 403]),
    row("GET /api/v1/reports/hazards", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/reports/enforcement", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/reports/accountability", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/reports/hazards.xlsx", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/reports/enforcement.xlsx", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/reports/accountability.xlsx", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/reports.xlsx", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/submissions", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/submissions/{id}", "own", [401, 200, 200, 200, 200, 404]),
    // A principal files for their own school only (the body names no school): filed already.
    row("PUT /api/v1/submissions/{id}", "new", [401, 403, 403, 403, 409, 409]),
    row("GET /api/v1/dashboard", "-", [401, 200, 200, 200, 403, 403]),
    // Registers.
    row("GET /api/v1/enforcement", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/enforcement", "school=own", [401, 200, 200, 200, 200, 404]),
    row("PUT /api/v1/enforcement/{id}", "new", [401, 201, 201, 201, 403, 403]),
    row("GET /api/v1/duties", "-", [401, 200, 200, 200, 200, 200]),
    row("PUT /api/v1/duties", "-", [401, 403, 200, 403, 403, 403]),
    // Signing names no school either: each principal signs for their own (signed already).
    row("POST /api/v1/duties/{id}/sign", "-", [401, 403, 403, 403, 200, 200]),
    row("GET /api/v1/activities", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/activities", "school=own", [401, 200, 200, 200, 200, 404]),
    row("GET /api/v1/activities/compliance", "-", [401, 200, 200, 200, 200, 200]),
    row("PUT /api/v1/activities/{id}", "new", [401, 403, 403, 403, 201, 404]),
    row("GET /api/v1/accidents", "-", [401, 200, 200, 200, 200, 200]),
    row("GET /api/v1/accidents", "school=own", [401, 200, 200, 200, 200, 404]),
    row("PUT /api/v1/accidents/{id}", "new", [401, 201, 201, 403, 201, 404]),
    // Last: logging out ends the session (each caller logs out a session of its own).
    row("DELETE /api/v1/session", "-", [204, 204, 204, 204, 204, 204]),
];

/// Routes outside the OpenAPI document, each with why it needs no row above.
const NON_API: &[(&str, &str)] = &[
    ("POST /fn/{*name}", "server functions: see SERVER_FNS"),
    ("GET /lang", "sets the language cookie and redirects; public, tested below"),
    ("GET /sw.js", "the service worker; public, tested below"),
    ("GET /shell", "the offline app shell; public, tested below"),
    ("GET /metrics", "its own listener, never the public one (observe.rs)"),
];

/// What a page answers: the page, the login redirect, the not-found page.
const PAGE: u16 = 200;
const LOGIN: u16 = 302;
const NOPE: u16 = 404;

/// Every page (from the router) × caller. Targets as for [`API`].
const PAGES: &[Row] = &[
    row("/login", "-", [PAGE, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN]),
    row("/", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/schools", "-", [LOGIN, PAGE, PAGE, PAGE, NOPE, NOPE]),
    row("/admin/users", "-", [LOGIN, PAGE, NOPE, NOPE, NOPE, NOPE]),
    row("/admin/audit", "-", [LOGIN, PAGE, NOPE, NOPE, NOPE, NOPE]),
    row("/me", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/inspect", "-", [LOGIN, NOPE, PAGE, PAGE, PAGE, PAGE]),
    row("/inspections/{id}", "own", [LOGIN, PAGE, PAGE, PAGE, PAGE, NOPE]),
    row("/inspections/{id}", "sealed", [LOGIN, NOPE, NOPE, PAGE, NOPE, NOPE]),
    row("/checklists", "-", [LOGIN, NOPE, PAGE, PAGE, PAGE, PAGE]),
    row("/checklists/{id}", "own", [LOGIN, NOPE, PAGE, PAGE, PAGE, PAGE]),
    row("/plans", "-", [LOGIN, NOPE, PAGE, PAGE, NOPE, NOPE]),
    row("/hazards/new", "-", [LOGIN, NOPE, PAGE, PAGE, PAGE, PAGE]),
    row("/hazards/{id}", "own", [LOGIN, PAGE, PAGE, PAGE, PAGE, NOPE]),
    row("/queue", "-", [LOGIN, NOPE, PAGE, PAGE, NOPE, NOPE]),
    row("/ledger", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/inbox", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/outbox", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/reports", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/submissions", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/dashboard", "-", [LOGIN, PAGE, PAGE, PAGE, NOPE, NOPE]),
    row("/enforcement", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/duties", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/activities", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
    row("/accidents", "-", [LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE]),
];

// ---- The route table ----

/// `METHOD /path` of every operation in the OpenAPI document.
fn documented_operations() -> BTreeSet<String> {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(server::api::ApiDoc::openapi()).expect("the document as JSON");
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

/// `METHOD /path` of every `.route("/path", get(..).post(..))` in the server's source.
fn declared_routes() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read the source folder") {
            let p = e.expect("a folder entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut routes = BTreeSet::new();
    for f in files {
        let src = std::fs::read_to_string(&f).expect("read a source file");
        let mut rest = src.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let args = rest.trim_start();
            let Some(args) = args.strip_prefix('"') else { continue };
            let path = &args[..args.find('"').expect("a closing quote")];
            // The handlers: up to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i);
            let handlers = &rest[..end];
            let mut found = false;
            for m in ["get", "post", "put", "delete", "patch"] {
                let called = handlers.match_indices(&format!("{m}(")).any(|(i, _)| {
                    i == 0 || !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if called {
                    routes.insert(format!("{} {path}", m.to_uppercase()));
                    found = true;
                }
            }
            assert!(found, "{}: no method found for the route {path}", f.display());
        }
    }
    routes
}

#[test]
fn every_route_the_server_declares_has_an_entry_in_the_matrix() {
    let documented = documented_operations();
    let non_api: BTreeSet<String> = NON_API.iter().map(|(r, _)| (*r).to_owned()).collect();
    let declared = declared_routes();
    assert!(declared.len() > 50, "the scan finds the routes: {declared:?}");
    let unknown: Vec<&String> =
        declared.iter().filter(|r| !documented.contains(*r) && !non_api.contains(*r)).collect();
    assert!(
        unknown.is_empty(),
        "routes in the source that are neither in the OpenAPI document nor in NON_API: {unknown:?}"
    );
    let in_matrix: BTreeSet<&str> = API.iter().map(|r| r.op).collect();
    let missing: Vec<&String> =
        documented.iter().filter(|op| !in_matrix.contains(op.as_str())).collect();
    assert!(missing.is_empty(), "operations with no row in the API matrix: {missing:?}");
    let stale: Vec<&&str> = in_matrix.iter().filter(|op| !documented.contains(**op)).collect();
    assert!(stale.is_empty(), "matrix rows for operations that are not documented: {stale:?}");
    let stale: Vec<&String> = non_api.iter().filter(|r| !declared.contains(*r)).collect();
    assert!(stale.is_empty(), "NON_API entries that no longer exist: {stale:?}");
}

#[tokio::test]
async fn every_page_the_app_routes_has_an_entry_in_the_matrix() {
    let routed: BTreeSet<String> =
        leptos_axum::generate_route_list(app::App).iter().map(|r| r.path().to_owned()).collect();
    let covered: BTreeSet<String> = PAGES.iter().map(|r| r.op.to_owned()).collect();
    // The router writes parameters as `:id` or `{id}` depending on the version: compare both.
    let norm = |p: &str| p.replace(":id", "{id}");
    let routed: BTreeSet<String> = routed.iter().map(|p| norm(p)).collect();
    let missing: Vec<&String> = routed.difference(&covered).collect();
    assert!(missing.is_empty(), "pages with no row in the page matrix: {missing:?}");
    let stale: Vec<&String> = covered.difference(&routed).collect();
    assert!(stale.is_empty(), "page rows for pages that no longer exist: {stale:?}");
}

// ---- The objects the matrix aims at ----

struct Fx {
    app: TestApp,
    c: Vec<Client>,
    school_a: i64,
    campaign: i64,
    county_template: i64,
    /// School A's own checklist items (a draft of its principal).
    ext_a: i64,
    photo_a: String,
    photo_sealed: String,
    hazard_a: Uuid,
    insp_a: Uuid,
    /// A complete supervision draft of school A by the inspector, for the submit row.
    draft_a: Uuid,
    draft_a_body: Value,
    sealed_insp: Uuid,
    sealed_body: Value,
    plan_sealed: Uuid,
    plan_sealed_body: Value,
    plan_open: Uuid,
    submission_a: Uuid,
    submission_body: Value,
    duty_list: i64,
    duties_body: Value,
    sign_body: [Value; 2],
    /// Strings that only someone who may see school A's records could read.
    markers_a: Vec<String>,
    markers_b: Vec<String>,
    /// What only office staff and inspectors may read (plans).
    markers_plans: Vec<String>,
    /// What only the visiting inspector may read (the unsubmitted unannounced visit).
    markers_draft: Vec<String>,
}

impl Fx {
    fn client(&self, who: Who) -> &Client {
        &self.c[who.index()]
    }

    /// What `who` must never read anywhere.
    fn forbidden(&self, who: Who) -> Vec<&String> {
        let mut out: Vec<&String> = Vec::new();
        match who {
            Who::Anon | Who::Inspector => {}
            Who::Admin => out.extend(self.markers_plans.iter().chain(&self.markers_draft)),
            Who::Office => out.extend(&self.markers_draft),
            Who::Own => out.extend(
                self.markers_b.iter().chain(&self.markers_plans).chain(&self.markers_draft),
            ),
            Who::Other => out.extend(
                self.markers_a.iter().chain(&self.markers_plans).chain(&self.markers_draft),
            ),
        }
        out
    }
}

async fn call(
    c: &Client,
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Value {
    let mut req = c.request(method.clone(), app.url(path));
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let text = res.text().await.expect("body");
    assert!(status.is_success(), "fixture {method} {path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn hazard(app: &TestApp, c: &Client, school: i64, title: &str, photo: &str) -> Uuid {
    let id = Uuid::now_v7();
    let body = json!({ "school_id": school, "title": title, "description": "走廊", "level": "general", "photos": [photo] });
    call(c, app, Method::PUT, &format!("/api/v1/hazards/{id}"), Some(&body)).await;
    id
}

async fn file_submission(app: &TestApp, c: &Client, campaign: i64, note: &str) -> (Uuid, Value) {
    for seq in 1..=20 {
        let id = Uuid::now_v7();
        let body = json!({ "campaign_id": campaign, "kind": "period", "seq": seq, "note": note });
        let res = c
            .put(app.url(&format!("/api/v1/submissions/{id}")))
            .json(&body)
            .send()
            .await
            .expect("file");
        if res.status() == StatusCode::CREATED {
            return (id, body);
        }
    }
    panic!("no period report of the demo campaign is open");
}

async fn fixture() -> Fx {
    let app = spawn_app().await;
    let mut c = vec![app.client()];
    for who in &WHO[1..] {
        c.push(app.client_as(who.username().expect("a user")).await);
    }
    let (office, inspector, own, other) = (&c[2], &c[3], &c[4], &c[5]);
    let school_a = app.school_id(SCHOOL_A).await;
    let school_b = app.school_id(SCHOOL_B).await;
    let campaign = call(office, &app, Method::GET, "/api/v1/campaigns", None).await[0]["id"]
        .as_i64()
        .expect("the demo campaign");
    let (county_template, items) = school_items(&app, inspector, school_a).await;
    let (_, items_b) = school_items(&app, inspector, school_b).await;
    let ext_a = call(
        own,
        &app,
        Method::POST,
        "/api/v1/checklists/edit",
        Some(&json!({ "school_id": school_a })),
    )
    .await["id"]
        .as_i64()
        .expect("a draft id");
    let item = json!({ "area": "emergency", "item": { "code": "A01", "title": "甲校自查条目", "content": "查看记录",
                       "standard": "有记录", "level": "general" } });
    call(own, &app, Method::PUT, &format!("/api/v1/checklists/{ext_a}/items/A01"), Some(&item))
        .await;

    // A hazard of each school with its before-photo, and a submitted supervision of each.
    let photo_a = photo(&app, inspector, 1).await;
    let photo_b = photo(&app, inspector, 2).await;
    let hazard_a = hazard(&app, inspector, school_a, "甲校隐患标记", &photo_a).await;
    let hazard_b = hazard(&app, inspector, school_b, "乙校隐患标记", &photo_b).await;
    let supervision = |school: i64, items: &[Value]| {
        json!({ "kind": "supervision", "school_id": school, "template_id": county_template,
                "note": "", "answers": answers(items, &[]) })
    };
    let insp_a = Uuid::now_v7();
    let insp_b = Uuid::now_v7();
    for (id, body) in
        [(insp_a, supervision(school_a, &items)), (insp_b, supervision(school_b, &items_b))]
    {
        assert!(put_inspection(&app, inspector, &id, &body).await.status().is_success());
        assert!(submit(&app, inspector, &id).await.status().is_success());
    }
    let draft_a = Uuid::now_v7();
    let draft_a_body = supervision(school_a, &items);
    assert!(put_inspection(&app, inspector, &draft_a, &draft_a_body).await.status().is_success());

    // Plans: an unannounced visit to school A (sealed) and a supervision round.
    let inspector_id = app.user_id("inspector").await;
    let plan_sealed = Uuid::now_v7();
    let plan_sealed_body = json!({ "kind": "unannounced", "starts_on": "2026-12-01", "ends_on": "2026-12-10",
        "school_ids": [school_a], "member_ids": [inspector_id], "note": "暗访计划标记" });
    call(
        inspector,
        &app,
        Method::PUT,
        &format!("/api/v1/plans/{plan_sealed}"),
        Some(&plan_sealed_body),
    )
    .await;
    let plan_open = Uuid::now_v7();
    let body = json!({ "kind": "supervision", "starts_on": "2026-12-01", "ends_on": "2026-12-10",
        "school_ids": [school_a, school_b], "member_ids": [inspector_id], "note": "督查计划标记" });
    call(office, &app, Method::PUT, &format!("/api/v1/plans/{plan_open}"), Some(&body)).await;

    // The unannounced visit, under way: one failed item with its photo and hazard.
    let photo_sealed = photo(&app, inspector, 3).await;
    let mut sealed_answers = answers(&items, &[(0, Some(photo_sealed.clone()))]);
    sealed_answers[0]["hazard"]["title"] = json!("暗访隐患标记");
    let sealed_insp = Uuid::now_v7();
    let sealed_body = json!({ "kind": "unannounced", "school_id": school_a, "template_id": county_template,
        "plan_id": plan_sealed, "note": "暗访记录标记", "answers": sealed_answers });
    assert_eq!(
        put_inspection(&app, inspector, &sealed_insp, &sealed_body).await.status(),
        StatusCode::CREATED
    );

    // Each school's registers: a report filed, an activity, an accident, an enforcement record.
    let (submission_a, submission_body) =
        file_submission(&app, own, campaign, "甲校报送标记").await;
    let (submission_b, _) = file_submission(&app, other, campaign, "乙校报送标记").await;
    let today = app::domain::time::china_date(chrono::Utc::now()).to_string();
    let mut markers_regs: Vec<Vec<String>> = Vec::new();
    for (n, (cl, school, tag)) in
        [(own, school_a, "甲校"), (other, school_b, "乙校")].into_iter().enumerate()
    {
        let (activity, accident) = (Uuid::now_v7(), Uuid::now_v7());
        let sha = photo(&app, cl, 10 + n as u64).await;
        let body = json!({ "school_id": school, "kind": "publicity", "held_on": today, "title": format!("{tag}活动标记"), "photo": sha });
        call(cl, &app, Method::PUT, &format!("/api/v1/activities/{activity}"), Some(&body)).await;
        let body = json!({ "school_id": school, "occurred_on": today, "kind": "fall", "injured": 1, "summary": format!("{tag}事故标记") });
        call(cl, &app, Method::PUT, &format!("/api/v1/accidents/{accident}"), Some(&body)).await;
        let record = Uuid::now_v7();
        let body = json!({ "category": "measure", "kind": "责令限期整改", "school_id": school, "persons": [],
                           "taken_on": today, "doc_no": format!("{tag}执法标记"), "note": "" });
        call(inspector, &app, Method::PUT, &format!("/api/v1/enforcement/{record}"), Some(&body))
            .await;
        markers_regs.push(vec![
            activity.to_string(),
            accident.to_string(),
            record.to_string(),
            sha,
            format!("{tag}活动标记"),
            format!("{tag}事故标记"),
            format!("{tag}执法标记"),
        ]);
    }

    // The responsibility list, signed by both principals.
    let duties_body = json!({ "title": "安全责任清单", "duties": ["落实校园安全主体责任"] });
    let duty_list =
        call(office, &app, Method::PUT, "/api/v1/duties", Some(&duties_body)).await["id"]
            .as_i64()
            .expect("a list id");
    let mut sign_body = Vec::new();
    for (cl, seed, item) in [(own, 20, "甲校责任标记"), (other, 21, "乙校责任标记")] {
        let signature = photo(&app, cl, seed).await;
        let body = json!({ "school_items": [item], "signature": signature });
        call(cl, &app, Method::POST, &format!("/api/v1/duties/{duty_list}/sign"), Some(&body))
            .await;
        sign_body.push(body);
    }

    let mut markers_a = vec![
        SCHOOL_A.to_owned(),
        hazard_a.to_string(),
        "甲校隐患标记".to_owned(),
        photo_a.clone(),
        insp_a.to_string(),
        draft_a.to_string(),
        submission_a.to_string(),
        "甲校报送标记".to_owned(),
        "甲校自查条目".to_owned(),
        "甲校责任标记".to_owned(),
    ];
    markers_a.extend(markers_regs.remove(0));
    let mut markers_b = vec![
        SCHOOL_B.to_owned(),
        hazard_b.to_string(),
        "乙校隐患标记".to_owned(),
        photo_b,
        insp_b.to_string(),
        submission_b.to_string(),
        "乙校报送标记".to_owned(),
        "乙校责任标记".to_owned(),
    ];
    markers_b.extend(markers_regs.remove(0));
    let sign_body: [Value; 2] = sign_body.try_into().expect("two signatures");
    Fx {
        c,
        school_a,
        campaign,
        county_template,
        ext_a,
        photo_a,
        photo_sealed: photo_sealed.clone(),
        hazard_a,
        insp_a,
        draft_a,
        draft_a_body,
        sealed_insp,
        sealed_body,
        plan_sealed,
        plan_sealed_body,
        plan_open,
        submission_a,
        submission_body,
        duty_list,
        duties_body,
        sign_body,
        markers_a,
        markers_b,
        markers_plans: vec![
            plan_sealed.to_string(),
            plan_open.to_string(),
            "暗访计划标记".to_owned(),
            "督查计划标记".to_owned(),
        ],
        markers_draft: vec![
            sealed_insp.to_string(),
            "暗访隐患标记".to_owned(),
            "暗访记录标记".to_owned(),
            photo_sealed,
        ],
        app,
    }
}

// ---- Sending a row ----

enum Body {
    None,
    Json(Value),
    Image(Vec<u8>),
}

/// One request of a row, and what a denied one must leave as it was.
struct Req {
    path: String,
    body: Body,
    /// A read (by whom) whose answer a denied write must not change.
    probe: Option<(Who, String)>,
    /// A client of its own (logging out must not end the session the other rows use).
    client: Option<Client>,
}

impl Req {
    fn to(path: String) -> Req {
        Req { path, body: Body::None, probe: None, client: None }
    }
    fn json(mut self, v: Value) -> Req {
        self.body = Body::Json(v);
        self
    }
    fn probe(mut self, who: Who, path: String) -> Req {
        self.probe = Some((who, path));
        self
    }
}

fn today() -> String {
    app::domain::time::china_date(chrono::Utc::now()).to_string()
}

async fn version(fx: &Fx, id: Uuid) -> i64 {
    let h =
        call(fx.client(Who::Office), &fx.app, Method::GET, &format!("/api/v1/hazards/{id}"), None)
            .await;
    h["summary"]["version"].as_i64().expect("a version")
}

/// The request `who` sends for a row.
async fn request(fx: &Fx, op: &str, target: &str, who: Who) -> Req {
    let (a, n) = (fx.school_a, who.index());
    let fresh = Uuid::now_v7();
    match (op, target) {
        ("POST /api/v1/session", _) => {
            let (user, pw) = who.username().map_or(("nobody", "wrong-password"), |u| (u, PASSWORD));
            Req::to("/api/v1/session".into()).json(json!({ "username": user, "password": pw }))
        }
        ("DELETE /api/v1/session", _) => {
            let client = match who.username() {
                Some(u) => fx.app.client_as(u).await,
                None => fx.app.client(),
            };
            Req { client: Some(client), ..Req::to("/api/v1/session".into()) }
        }
        ("GET /api/v1/schools/{id}", _) => Req::to(format!("/api/v1/schools/{a}")),
        ("GET /api/v1/schools/{id}/checklist", _) => Req::to(format!("/api/v1/schools/{a}/checklist")),
        ("GET /api/v1/photos/{sha256}/{variant}", t) => {
            let (whose, variant) = t.split_once(':').expect("whose:variant");
            let sha = if whose == "own" { &fx.photo_a } else { &fx.photo_sealed };
            Req::to(format!("/api/v1/photos/{sha}/{variant}"))
        }
        ("PUT /api/v1/photos/{sha256}", _) => {
            let bytes = jpeg(&noise_photo(96, 64, 500 + n as u64), 96, 64, 80, None);
            let sha = hex::encode(Sha256::digest(&bytes));
            Req { body: Body::Image(bytes), ..Req::to(format!("/api/v1/photos/{sha}?school={a}")) }
        }
        ("GET /api/v1/checklists/{id}", t) => {
            let id = if t == "county" { fx.county_template } else { fx.ext_a };
            Req::to(format!("/api/v1/checklists/{id}"))
        }
        ("POST /api/v1/checklists/edit", t) => {
            let body = if t == "county" { json!({}) } else { json!({ "school_id": a }) };
            Req::to("/api/v1/checklists/edit".into()).json(body)
        }
        ("PUT /api/v1/checklists/{id}/items/{code}", _) => {
            let item = json!({ "area": "emergency", "item": { "code": "x", "title": "新增条目", "content": "查看",
                               "standard": "有记录", "level": "general" } });
            Req::to(format!("/api/v1/checklists/{}/items/B0{n}", fx.ext_a))
                .json(item)
                .probe(Who::Own, format!("/api/v1/checklists/{}", fx.ext_a))
        }
        ("DELETE /api/v1/checklists/{id}/items/{code}", _) => {
            Req::to(format!("/api/v1/checklists/{}/items/A01", fx.ext_a))
                .probe(Who::Own, format!("/api/v1/checklists/{}", fx.ext_a))
        }
        ("POST /api/v1/checklists/{id}/publish", _) => {
            Req::to(format!("/api/v1/checklists/{}/publish", fx.ext_a))
                .probe(Who::Own, format!("/api/v1/checklists/{}", fx.ext_a))
        }
        ("GET /api/v1/plans/{id}", t) => {
            let id = if t == "sealed" { fx.plan_sealed } else { fx.plan_open };
            Req::to(format!("/api/v1/plans/{id}"))
        }
        ("POST /api/v1/plans/draw", _) => {
            Req::to("/api/v1/plans/draw".into()).json(json!({ "schools": 2, "inspectors": 1 }))
        }
        ("PUT /api/v1/plans/{id}", "sealed") => {
            let mut body = fx.plan_sealed_body.clone();
            body["note"] = json!(format!("暗访计划标记（{n}）"));
            Req::to(format!("/api/v1/plans/{}", fx.plan_sealed))
                .json(body)
                .probe(Who::Office, format!("/api/v1/plans/{}", fx.plan_sealed))
        }
        ("PUT /api/v1/plans/{id}", _) => Req::to(format!("/api/v1/plans/{fresh}"))
            .json(fx.plan_sealed_body.clone())
            .probe(Who::Office, format!("/api/v1/plans/{fresh}")),
        ("GET /api/v1/inspections/{id}", t) => {
            let id = if t == "sealed" { fx.sealed_insp } else { fx.insp_a };
            Req::to(format!("/api/v1/inspections/{id}"))
        }
        ("PUT /api/v1/inspections/{id}", "sealed") => {
            let mut body = fx.sealed_body.clone();
            body["note"] = json!(format!("暗访记录标记（{n}）"));
            if matches!(who, Who::Own | Who::Other) {
                body["kind"] = json!("self_check");
                body["plan_id"] = Value::Null;
            }
            Req::to(format!("/api/v1/inspections/{}", fx.sealed_insp))
                .json(body)
                .probe(Who::Inspector, format!("/api/v1/inspections/{}", fx.sealed_insp))
        }
        ("PUT /api/v1/inspections/{id}", _) => {
            let mut body = fx.draft_a_body.clone();
            if matches!(who, Who::Own | Who::Other) {
                body["kind"] = json!("self_check");
            }
            Req::to(format!("/api/v1/inspections/{fresh}")).json(body)
        }
        ("POST /api/v1/inspections/{id}/submit", t) => {
            let id = if t == "sealed" { fx.sealed_insp } else { fx.draft_a };
            Req::to(format!("/api/v1/inspections/{id}/submit"))
                .json(json!({ "latitude": 44.812, "longitude": 123.088 }))
                .probe(Who::Inspector, format!("/api/v1/inspections/{id}"))
        }
        ("GET /api/v1/hazards/{id}", _) => Req::to(format!("/api/v1/hazards/{}", fx.hazard_a)),
        ("PUT /api/v1/hazards/{id}", _) => Req::to(format!("/api/v1/hazards/{fresh}"))
            .json(json!({ "school_id": a, "title": "新报隐患", "level": "general" }))
            .probe(Who::Office, format!("/api/v1/hazards/{fresh}")),
        ("POST /api/v1/hazards/{id}/events", _) => {
            let v = version(fx, fx.hazard_a).await;
            let body = json!({ "event_id": fresh, "action": "plan", "expected_version": v,
                "plan": { "responsible": "王强", "measures": "更换灭火器", "funds_yuan": 100,
                          "deadline": "2099-01-01", "contingency": "增配灭火器" } });
            Req::to(format!("/api/v1/hazards/{}/events", fx.hazard_a))
                .json(body)
                .probe(Who::Office, format!("/api/v1/hazards/{}", fx.hazard_a))
        }
        ("PUT /api/v1/hazards/{id}/typical", _) => {
            Req::to(format!("/api/v1/hazards/{}/typical", fx.hazard_a))
                .json(json!({ "typical": true }))
                .probe(Who::Office, format!("/api/v1/hazards/{}", fx.hazard_a))
        }
        ("POST /api/v1/notifications/read", _) => Req::to("/api/v1/notifications/read".into()),
        ("GET /api/v1/campaigns/{id}", _) => Req::to(format!("/api/v1/campaigns/{}", fx.campaign)),
        ("POST /api/v1/campaigns/{id}/copy", _) => {
            Req::to(format!("/api/v1/campaigns/{}/copy", fx.campaign))
                .json(json!({ "name": format!("复制的专项行动{n}"), "starts_on": "2031-02-25" }))
                .probe(Who::Office, "/api/v1/campaigns".into())
        }
        ("POST /api/v1/campaigns/{id}/reminders", _) => {
            Req::to(format!("/api/v1/campaigns/{}/reminders", fx.campaign))
                .json(json!({ "kind": "period", "seq": 1 }))
                .probe(Who::Own, "/api/v1/notifications".into())
        }
        ("GET /api/v1/submissions/{id}", _) => Req::to(format!("/api/v1/submissions/{}", fx.submission_a)),
        ("PUT /api/v1/submissions/{id}", _) => Req::to(format!("/api/v1/submissions/{fresh}"))
            .json(fx.submission_body.clone())
            .probe(Who::Office, "/api/v1/submissions".into()),
        ("PUT /api/v1/enforcement/{id}", _) => Req::to(format!("/api/v1/enforcement/{fresh}"))
            .json(json!({ "category": "measure", "kind": "责令限期整改", "school_id": a, "persons": [],
                          "taken_on": today(), "doc_no": "", "note": "" }))
            .probe(Who::Office, "/api/v1/enforcement".into()),
        ("PUT /api/v1/duties", _) => Req::to("/api/v1/duties".into())
            .json(fx.duties_body.clone())
            .probe(Who::Office, "/api/v1/duties".into()),
        ("POST /api/v1/duties/{id}/sign", _) => {
            let body = if who == Who::Other { fx.sign_body[1].clone() } else { fx.sign_body[0].clone() };
            Req::to(format!("/api/v1/duties/{}/sign", fx.duty_list))
                .json(body)
                .probe(Who::Office, "/api/v1/duties".into())
        }
        ("PUT /api/v1/activities/{id}", _) => {
            let sha = photo(&fx.app, fx.client(Who::Own), 30).await;
            Req::to(format!("/api/v1/activities/{fresh}"))
                .json(json!({ "school_id": a, "kind": "publicity", "held_on": today(), "title": "新活动", "photo": sha }))
                .probe(Who::Office, "/api/v1/activities".into())
        }
        ("PUT /api/v1/accidents/{id}", _) => Req::to(format!("/api/v1/accidents/{fresh}"))
            .json(json!({ "school_id": a, "occurred_on": today(), "kind": "fall", "summary": "新事故" }))
            .probe(Who::Office, "/api/v1/accidents".into()),
        (op, "-") if op.starts_with("GET ") && !op.contains('{') => {
            Req::to(op.trim_start_matches("GET ").to_owned())
        }
        (op, "school=own") if op.starts_with("GET ") && !op.contains('{') => {
            Req::to(format!("{}?school={a}", op.trim_start_matches("GET ")))
        }
        (op, target) => panic!("no request is written for {op} ({target})"),
    }
}

struct Answer {
    status: StatusCode,
    text: String,
}

/// The body as text to search: cells of a spreadsheet, nothing of an image, the rest as is.
fn readable(content_type: &str, bytes: &[u8]) -> String {
    if content_type.starts_with("image/") {
        String::new()
    } else if content_type == server::xlsx::MIME {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
                .expect("an xlsx file");
        let mut out = String::new();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).expect("a sheet");
            for row in range.rows() {
                for cell in row {
                    out.push_str(&cell.to_string());
                    out.push('\t');
                }
                out.push('\n');
            }
        }
        out
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

async fn send(c: &Client, app: &TestApp, method: &Method, req: &Req) -> Answer {
    let mut r = c.request(method.clone(), app.url(&req.path));
    r = match &req.body {
        Body::None => r,
        Body::Json(v) => r.json(v),
        Body::Image(b) => r.header("content-type", "image/jpeg").body(b.clone()),
    };
    let res = r.send().await.expect("request");
    let status = res.status();
    let content_type =
        res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = res.bytes().await.expect("body");
    Answer { status, text: readable(&content_type, &bytes) }
}

async fn read_probe(fx: &Fx, probe: &(Who, String)) -> (StatusCode, String) {
    let a = send(fx.client(probe.0), &fx.app, &Method::GET, &Req::to(probe.1.clone())).await;
    (a.status, a.text)
}

/// Row counts of every table of records: a refused write adds nothing anywhere.
async fn fingerprint(app: &TestApp) -> Vec<(String, i64)> {
    const TABLES: &[&str] = &[
        "accidents",
        "activities",
        "campaigns",
        "checklist_items",
        "checklist_templates",
        "duty_lists",
        "duty_signatures",
        "enforcement_records",
        "hazard_events",
        "hazards",
        "inspection_answers",
        "inspection_plans",
        "inspections",
        "notifications",
        "photos",
        "photo_refs",
        "plan_schools",
        "submissions",
        "users",
        "orgs",
    ];
    let sql = TABLES
        .iter()
        .map(|t| format!("SELECT '{t}' AS t, COUNT(*) AS n FROM {t}"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    match &app.state.db {
        server::storage::Db::Sqlite(p) => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await
        }
        server::storage::Db::Postgres(p) => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(p).await
        }
    }
    .expect("count rows")
}

fn leaks<'a>(fx: &'a Fx, who: Who, text: &str) -> Vec<&'a String> {
    fx.forbidden(who).into_iter().filter(|m| text.contains(m.as_str())).collect()
}

#[tokio::test]
async fn every_api_operation_answers_each_caller_as_the_matrix_says_and_leaks_nothing() {
    let fx = fixture().await;
    let mut wrong = Vec::new();
    for r in API {
        let (method, _) = r.op.split_once(' ').expect("METHOD /path");
        let method = Method::from_bytes(method.as_bytes()).expect("a method");
        // Callers refused go first, so that what they try meets the object as it was made.
        let mut order = WHO;
        order.sort_by_key(|w| (200..300).contains(&r.expect[w.index()]));
        for who in order {
            let expected = r.expect[who.index()];
            if expected == SKIP {
                continue;
            }
            let req = request(&fx, r.op, r.target, who).await;
            let write = method != Method::GET;
            let before = match (&req.probe, write) {
                (Some(p), true) => Some(read_probe(&fx, p).await),
                _ => None,
            };
            let counts = if write { Some(fingerprint(&fx.app).await) } else { None };
            let c = req.client.as_ref().unwrap_or(fx.client(who));
            let a = send(c, &fx.app, &method, &req).await;
            let case = format!("{} [{}] as {who:?}", r.op, r.target);
            if a.status.as_u16() != expected {
                let text: String = a.text.chars().take(200).collect();
                wrong.push(format!("{case}: {} (expected {expected}) {text}", a.status));
            }
            let found = leaks(&fx, who, &a.text);
            if a.status.is_success() && !found.is_empty() {
                wrong.push(format!("{case}: the answer shows {found:?}"));
            }
            if !a.status.is_success() && write {
                if let (Some(p), Some(before)) = (&req.probe, before)
                    && read_probe(&fx, p).await != before
                {
                    wrong.push(format!("{case}: refused, yet {} changed", p.1));
                }
                if counts.as_ref() != Some(&fingerprint(&fx.app).await) {
                    wrong.push(format!("{case}: refused, yet rows were written"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cases differ from the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn every_page_answers_each_caller_as_the_matrix_says_and_shows_no_other_schools_data() {
    let fx = fixture().await;
    let mut wrong = Vec::new();
    for r in PAGES {
        for who in WHO {
            let id = match (r.op, r.target) {
                ("/inspections/{id}", "sealed") => fx.sealed_insp.to_string(),
                ("/inspections/{id}", _) => fx.insp_a.to_string(),
                ("/checklists/{id}", _) => fx.ext_a.to_string(),
                ("/hazards/{id}", _) => fx.hazard_a.to_string(),
                _ => String::new(),
            };
            let path = r.op.replace("{id}", &id);
            let res = fx
                .client(who)
                .get(fx.app.url(&path))
                .header("accept", "text/html")
                .send()
                .await
                .expect("page");
            let status = res.status();
            let location = res
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let text = res.text().await.expect("html");
            let case = format!("page {path} [{}] as {who:?}", r.target);
            let expected = r.expect[who.index()];
            let got = if status.is_redirection() { LOGIN } else { status.as_u16() };
            if got != expected {
                wrong.push(format!("{case}: {status} {location} (expected {expected})"));
            }
            let home = if who == Who::Anon { "/login" } else { "/" };
            if status.is_redirection() && location != home {
                wrong.push(format!("{case}: redirected to {location}, not {home}"));
            }
            // The page may repeat the id the caller typed; nothing else of what they may not see.
            let found: Vec<&String> =
                leaks(&fx, who, &text).into_iter().filter(|m| **m != id).collect();
            if !found.is_empty() {
                wrong.push(format!("{case}: the page shows {found:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cases differ from the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

// ---- Server functions (`POST /fn/{name}`) ----

/// The call succeeded; the call was refused (any error: server functions answer with the
/// error's own status, and the page shows it).
const DONE: u16 = 200;
const REFUSED: u16 = 1;

/// Every server function the app registers. Each names its arguments (`{hazard}`, `{sealed}`,
/// `{inspection}`, `{checklist}`, `{plan}`, `{school}`, `{campaign}`, `{user}` stand for the
/// fixture's objects of school A) and what each caller gets; a function whose arguments are a
/// whole form has `None`: it is the same service as the API operation named, whose row covers
/// who may call it, and here only an anonymous call is tried (it must be refused).
#[allow(clippy::type_complexity)]
const SERVER_FNS: &[(&str, &str, Option<[u16; 6]>)] = &[
    ("me", "", Some([DONE, DONE, DONE, DONE, DONE, DONE])),
    ("home", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("users", "", Some([REFUSED, DONE, REFUSED, REFUSED, REFUSED, REFUSED])),
    (
        "audit",
        "filter[user]=&filter[action]=",
        Some([REFUSED, DONE, REFUSED, REFUSED, REFUSED, REFUSED]),
    ),
    (
        "set_user_disabled",
        "user_id={user}&disabled=false",
        Some([REFUSED, DONE, REFUSED, REFUSED, REFUSED, REFUSED]),
    ),
    (
        "reset_password",
        "user_id={user}&password=demo1234",
        Some([REFUSED, DONE, REFUSED, REFUSED, REFUSED, REFUSED]),
    ),
    ("schools", "query=", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("start_targets", "query=", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("inspection_page", "id={inspection}", Some([REFUSED, DONE, DONE, DONE, DONE, REFUSED])),
    ("inspection_page", "id={sealed}", Some([REFUSED, REFUSED, REFUSED, DONE, REFUSED, REFUSED])),
    ("inspections", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("checklists", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("checklist", "id={checklist}", Some([REFUSED, DONE, DONE, DONE, DONE, REFUSED])),
    ("plans", "", Some([REFUSED, REFUSED, DONE, DONE, REFUSED, REFUSED])),
    ("cancel_plan", "id={plan}", Some([REFUSED, REFUSED, SKIP, SKIP, REFUSED, REFUSED])),
    ("load_hazard", "id={hazard}", Some([REFUSED, DONE, DONE, DONE, DONE, REFUSED])),
    (
        "reg_set_typical",
        "hazard={hazard}&typical=true",
        Some([REFUSED, DONE, DONE, REFUSED, REFUSED, REFUSED]),
    ),
    ("inbox", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("unread", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("mark_read", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("rep_tables", "period=cumulative", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("rep_submissions", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("rep_dashboard", "", Some([REFUSED, DONE, DONE, DONE, REFUSED, REFUSED])),
    (
        "rep_remind",
        "campaign={campaign}&kind=period&seq=1",
        Some([REFUSED, DONE, DONE, REFUSED, REFUSED, REFUSED]),
    ),
    ("reg_duties", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("reg_activities_page", "", Some([REFUSED, DONE, DONE, DONE, DONE, DONE])),
    ("reg_activities_page", "school={school}", Some([REFUSED, DONE, DONE, DONE, DONE, REFUSED])),
    ("login", "", None),
    // Logging out with no session is harmless; a logged-in caller would end the shared session.
    ("logout", "", Some([DONE, SKIP, SKIP, SKIP, SKIP, SKIP])),
    ("change_password", "", None),
    ("create_user", "", None),
    ("save_school", "", None),
    ("start_inspection", "", None),
    ("save_inspection", "", None),
    ("submit_inspection", "", None),
    ("edit_checklist", "", None),
    ("save_item", "", None),
    ("delete_item", "", None),
    ("publish_checklist", "", None),
    ("create_plan", "", None),
    ("hazard_action", "", None),
    ("submit_rectification", "", None),
    ("hazards", "", None),
    ("report_hazard", "", None),
    ("load_queue", "", None),
    ("rep_file", "", None),
    ("reg_enforcement_page", "", None),
    ("reg_record_enforcement", "", None),
    ("reg_publish_duties", "", None),
    ("reg_sign_duties", "", None),
    ("reg_record_activity", "", None),
    ("reg_accidents_page", "", None),
    ("reg_record_accident", "", None),
];

#[test]
fn every_server_function_has_an_entry_in_the_matrix() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/fn/").to_owned())
        .collect();
    let covered: BTreeSet<String> = SERVER_FNS.iter().map(|(n, _, _)| (*n).to_owned()).collect();
    let missing: Vec<&String> = registered.difference(&covered).collect();
    assert!(missing.is_empty(), "server functions with no entry in SERVER_FNS: {missing:?}");
    let stale: Vec<&String> = covered.difference(&registered).collect();
    assert!(stale.is_empty(), "SERVER_FNS entries for functions that no longer exist: {stale:?}");
}

#[tokio::test]
async fn every_server_function_answers_each_caller_as_the_matrix_says_and_leaks_nothing() {
    let fx = fixture().await;
    let user = fx.app.user_id("inspector2").await.to_string();
    let mut wrong = Vec::new();
    for (name, args, expect) in SERVER_FNS {
        let form = args
            .replace("{hazard}", &fx.hazard_a.to_string())
            .replace("{sealed}", &fx.sealed_insp.to_string())
            .replace("{inspection}", &fx.insp_a.to_string())
            .replace("{checklist}", &fx.ext_a.to_string())
            .replace("{plan}", &fx.plan_sealed.to_string())
            .replace("{school}", &fx.school_a.to_string())
            .replace("{campaign}", &fx.campaign.to_string())
            .replace("{user}", &user);
        let expect = expect.unwrap_or([REFUSED, SKIP, SKIP, SKIP, SKIP, SKIP]);
        for who in WHO {
            let expected = expect[who.index()];
            if expected == SKIP {
                continue;
            }
            let counts = fingerprint(&fx.app).await;
            let res = fx
                .client(who)
                .post(fx.app.url(&format!("/fn/{name}")))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form.clone())
                .send()
                .await
                .expect("server fn");
            let status = res.status();
            let text = res.text().await.expect("body");
            let got = if status.is_success() { DONE } else { REFUSED };
            let case = format!("/fn/{name} ({args}) as {who:?}");
            if got != expected {
                let text: String = text.chars().take(200).collect();
                wrong.push(format!("{case}: {status} (expected {expected}) {text}"));
            }
            let found = leaks(&fx, who, &text);
            if !found.is_empty() {
                wrong.push(format!("{case}: the answer shows {found:?}"));
            }
            if got == REFUSED && counts != fingerprint(&fx.app).await {
                wrong.push(format!("{case}: refused, yet rows were written"));
            }
        }
    }
    // The sealed plan was never cancelled by anyone refused.
    let plan = call(
        fx.client(Who::Office),
        &fx.app,
        Method::GET,
        &format!("/api/v1/plans/{}", fx.plan_sealed),
        None,
    )
    .await;
    assert_eq!(plan["cancelled"], false, "a refused cancel_plan left the plan as it was");
    assert!(
        wrong.is_empty(),
        "{} cases differ from the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

// ---- The feed, the inbox and the public routes, in more detail ----

#[tokio::test]
async fn the_feed_and_the_inbox_carry_only_the_callers_own_records() {
    let fx = fixture().await;
    let (app, own, other) = (&fx.app, fx.client(Who::Own), fx.client(Who::Other));
    for who in [Who::Own, Who::Other] {
        let feed = call(fx.client(who), app, Method::GET, "/api/v1/changes", None).await;
        let mine = if who == Who::Own { fx.school_a } else { app.school_id(SCHOOL_B).await };
        let hazards = feed["hazards"].as_array().expect("hazards");
        assert!(!hazards.is_empty(), "{who:?} gets their school's hazard");
        assert!(
            hazards.iter().all(|h| h["summary"]["school_id"] == mine),
            "{who:?}: only their school's hazards"
        );
        let schools = feed["schools"].as_array().expect("schools");
        assert_eq!(schools.len(), 1, "{who:?}: only their school");
        assert_eq!(feed["plans"], json!([]), "{who:?}: no plan");
    }
    for who in [Who::Admin, Who::Office] {
        let feed = call(fx.client(who), app, Method::GET, "/api/v1/changes", None).await;
        let ids: Vec<&str> = feed["inspections"]
            .as_array()
            .expect("inspections")
            .iter()
            .filter_map(|i| i["summary"]["id"].as_str())
            .collect();
        assert!(
            !ids.contains(&fx.sealed_insp.to_string().as_str()),
            "{who:?}: no unsubmitted visit"
        );
    }

    // The principal was told of the hazard; the other principal marking "all read" marks theirs.
    let unread = |c: &Client| {
        let c = c.clone();
        async move { call(&c, app, Method::GET, "/api/v1/notifications", None).await["unread"].clone() }
    };
    let before = unread(own).await;
    assert!(before.as_i64().is_some_and(|n| n > 0), "the principal has unread notices: {before}");
    let theirs = call(other, app, Method::GET, "/api/v1/notifications", None).await;
    assert!(
        !theirs.to_string().contains(&fx.hazard_a.to_string()),
        "no notice of another school's hazard"
    );
    let res = other.post(app.url("/api/v1/notifications/read")).send().await.expect("read");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(unread(own).await, before, "another user's 'read' leaves this inbox alone");
}

#[tokio::test]
async fn the_public_routes_answer_anyone_and_carry_no_data() {
    let fx = fixture().await;
    for who in WHO {
        let c = fx.client(who);
        let res = c.get(fx.app.url("/lang?set=en&next=/ledger")).send().await.expect("lang");
        assert!(res.status().is_redirection(), "{who:?}: /lang redirects");
        assert_eq!(res.headers()["location"], "/ledger", "{who:?}");
        for path in ["/sw.js", "/shell", "/api/v1/openapi.json", "/api/v1/health"] {
            let res = c.get(fx.app.url(path)).send().await.expect("public route");
            assert_eq!(res.status(), StatusCode::OK, "{who:?} {path}");
            let text = res.text().await.expect("body");
            for m in fx.markers_a.iter().chain(&fx.markers_plans).chain(&fx.markers_draft) {
                assert!(!text.contains(m.as_str()), "{who:?} {path} shows {m}");
            }
        }
    }
    // The metrics listener is not the public one.
    let res = fx.client(Who::Anon).get(fx.app.url("/metrics")).send().await.expect("metrics");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn naming_a_photo_one_may_not_see_never_makes_it_visible() {
    let fx = fixture().await;
    let (app, own) = (&fx.app, fx.client(Who::Own));
    // The sealed visit's photo and school B's hazard photo, named by school A's principal in
    // every record of theirs that carries photos.
    let photo_b = fx.markers_b[3].clone();
    let signature = photo(app, own, 40).await;
    for sha in [&fx.photo_sealed, &photo_b] {
        let v = version(&fx, fx.hazard_a).await;
        let school = fx.school_a;
        let writes = [
            (
                Method::PUT,
                format!("/api/v1/hazards/{}", Uuid::now_v7()),
                json!({ "school_id": school, "title": "借用照片", "level": "general", "photos": [sha] }),
            ),
            (
                Method::POST,
                format!("/api/v1/hazards/{}/events", fx.hazard_a),
                json!({ "event_id": Uuid::now_v7(), "action": "submit", "expected_version": v,
                     "note": "已整改", "photos": [sha], "signature": signature }),
            ),
            (
                Method::POST,
                format!("/api/v1/hazards/{}/events", fx.hazard_a),
                json!({ "event_id": Uuid::now_v7(), "action": "submit", "expected_version": v,
                     "note": "已整改", "photos": [signature], "signature": sha }),
            ),
            (
                Method::PUT,
                format!("/api/v1/activities/{}", Uuid::now_v7()),
                json!({ "school_id": school, "kind": "publicity", "held_on": today(), "title": "借用照片", "photo": sha }),
            ),
            (
                Method::POST,
                format!("/api/v1/duties/{}/sign", fx.duty_list),
                json!({ "school_items": ["甲校责任标记"], "signature": sha }),
            ),
            (
                Method::PUT,
                format!("/api/v1/submissions/{}", Uuid::now_v7()),
                json!({ "campaign_id": fx.campaign, "kind": "stage", "seq": 1, "attachments": [sha] }),
            ),
            (Method::PUT, format!("/api/v1/inspections/{}", Uuid::now_v7()), {
                let mut b = fx.draft_a_body.clone();
                b["kind"] = json!("self_check");
                b["answers"][0]["outcome"] = json!("fail");
                b["answers"][0]["photos"] = json!([sha]);
                b
            }),
        ];
        for (method, path, body) in writes {
            let res = own
                .request(method.clone(), app.url(&path))
                .json(&body)
                .send()
                .await
                .expect("write");
            let status = res.status();
            let text = res.text().await.expect("body");
            // Refused (422: upload it first), or a retry answered with what was stored before.
            assert!(
                !status.is_success() || !text.contains(sha.as_str()),
                "{method} {path} naming {sha} was accepted: {status} {text}"
            );
            let res = app.get(own, &format!("/api/v1/photos/{sha}/thumb")).await;
            assert_eq!(
                res.status(),
                StatusCode::NOT_FOUND,
                "after {method} {path}: {sha} stays hidden"
            );
        }
    }
}

/// Everything a principal can read, with what changes by the clock alone left out.
async fn principal_view(app: &TestApp, c: &Client, school: i64) -> BTreeMap<String, String> {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("cursor");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut paths: Vec<String> = API
        .iter()
        .filter(|r| r.target == "-" && r.op.starts_with("GET ") && !r.op.contains('{'))
        .map(|r| r.op.trim_start_matches("GET ").to_owned())
        .collect();
    paths.push(format!("/api/v1/schools/{school}"));
    paths.push(format!("/api/v1/schools/{school}/checklist"));
    let mut out = BTreeMap::new();
    for path in paths {
        let a = send(c, app, &Method::GET, &Req::to(path.clone())).await;
        let text = match serde_json::from_str::<Value>(&a.text) {
            Ok(mut v) => {
                strip(&mut v);
                v.to_string()
            }
            Err(_) => a.text,
        };
        out.insert(path, format!("{} {text}", a.status));
    }
    out
}

#[tokio::test]
async fn a_school_reads_exactly_the_same_before_and_after_a_visit_to_it_is_planned_and_begun() {
    let app = spawn_app().await;
    let school = app.school_id(SCHOOL_A).await;
    let principal = app.client_as("principal").await;
    let inspector = app.client_as("inspector").await;
    let before = principal_view(&app, &principal, school).await;

    let me = app.user_id("inspector").await;
    let plan = Uuid::now_v7();
    let body = json!({ "kind": "unannounced", "starts_on": "2026-12-01", "ends_on": "2026-12-10",
        "school_ids": [school], "member_ids": [me], "note": "暗访" });
    call(&inspector, &app, Method::PUT, &format!("/api/v1/plans/{plan}"), Some(&body)).await;
    let (template, items) = school_items(&app, &inspector, school).await;
    let sha = photo(&app, &inspector, 7).await;
    let draft = json!({ "kind": "unannounced", "school_id": school, "template_id": template,
        "plan_id": plan, "answers": answers(&items, &[(0, Some(sha))]) });
    let id = Uuid::now_v7();
    assert_eq!(put_inspection(&app, &inspector, &id, &draft).await.status(), StatusCode::CREATED);

    let after = principal_view(&app, &principal, school).await;
    for (path, was) in &before {
        assert_eq!(Some(was), after.get(path), "{path} changed for the school");
    }
}

/// A second county beside the demo one, with its own office, inspector and principal.
async fn neighbouring_county(app: &TestApp) -> [(Who, Client); 3] {
    use app::domain::{DisplayName, Password, Role, Username};
    use server::service::accounts::{NewAccount, create_account};
    let db = &app.state.db;
    let now = chrono::Utc::now();
    let (bureau, path) =
        server::storage::orgs::insert_bureau(db, "邻县教育局", None, now).await.expect("bureau");
    let fields = server::storage::orgs::SchoolFields {
        name: "邻县实验小学",
        school_type: "primary",
        address: "邻县",
        coordinates: None,
        principal_name: "邻县校长",
        phone: "",
    };
    let school = server::storage::orgs::insert_school(db, (bureau, &path), &fields, now)
        .await
        .expect("school");
    // Each outsider builds the requests of the insider whose role they share (a principal: of
    // another school).
    let mut out = Vec::new();
    for (as_who, user, role, org) in [
        (Who::Office, "office_x", Role::Office, bureau),
        (Who::Inspector, "inspector_x", Role::Inspector, bureau),
        (Who::Other, "principal_x", Role::Principal, school),
    ] {
        let account = NewAccount {
            username: Username::parse(user).expect("username"),
            display_name: DisplayName::parse("邻县用户").expect("name"),
            role,
            org_id: org,
            password: Password::parse(PASSWORD).expect("password"),
        };
        create_account(&app.state, &account).await.expect("account");
        out.push((as_who, app.client_as(user).await));
    }
    out.try_into().map_err(|_| ()).expect("three outsiders")
}

#[tokio::test]
async fn a_neighbouring_county_sees_and_changes_nothing_of_this_one() {
    let fx = fixture().await;
    let outsiders = neighbouring_county(&fx.app).await;
    // What only this county may read: every record of its schools and its plans.
    let forbidden: Vec<&String> = fx
        .markers_a
        .iter()
        .chain(&fx.markers_b)
        .chain(&fx.markers_plans)
        .chain(&fx.markers_draft)
        .collect();
    // The county checklist is one template for the whole deployment (see DECISIONS); sessions
    // and the public documents concern no county.
    let concerns_no_county = |r: &Row| {
        r.target == "county"
            || r.op.ends_with(" /api/v1/session")
            || r.op.ends_with("/health")
            || r.op.ends_with("/openapi.json")
    };
    let mut wrong = Vec::new();
    for r in API.iter().filter(|r| !concerns_no_county(r)) {
        let (method, _) = r.op.split_once(' ').expect("METHOD /path");
        let method = Method::from_bytes(method.as_bytes()).expect("a method");
        // A path with an id names one of this county's objects.
        let names_ours = r.op.contains('{');
        for (as_who, c) in &outsiders {
            let req = request(&fx, r.op, r.target, *as_who).await;
            let before = match &req.probe {
                Some(p) => Some(read_probe(&fx, p).await),
                None => None,
            };
            let a = send(c, &fx.app, &method, &req).await;
            let case = format!("{} [{}] as the neighbouring {as_who:?}", r.op, r.target);
            if names_ours && a.status.is_success() {
                wrong.push(format!("{case}: {} (expected 403 or 404)", a.status));
            }
            if names_ours && method == Method::GET && a.status != StatusCode::NOT_FOUND {
                wrong.push(format!("{case}: {} (expected 404)", a.status));
            }
            let found: Vec<&&String> =
                forbidden.iter().filter(|m| a.text.contains(m.as_str())).collect();
            if !found.is_empty() {
                wrong.push(format!("{case}: the answer shows {found:?}"));
            }
            if let (Some(p), Some(before)) = (&req.probe, before)
                && read_probe(&fx, p).await != before
            {
                wrong.push(format!("{case}: {} changed", p.1));
            }
        }
    }
    assert!(wrong.is_empty(), "{} cases leak across counties:\n{}", wrong.len(), wrong.join("\n"));
}
