use crate::helpers::{PASSWORD, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_admin_creates_a_principal_who_can_then_log_in() {
    let app = spawn_app().await;
    let admin = app.client_as("admin").await;
    let school = app.school_id("兴隆镇中学").await.to_string();
    let res = app
        .server_fn(
            &admin,
            "create_user",
            &[
                ("form[username]", "xinglong"),
                ("form[display_name]", "卫东升"),
                ("form[role]", "principal"),
                ("form[school_id]", &school),
                ("form[password]", "willow-bridge-26"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let c = app.client();
    assert_eq!(app.login(&c, "xinglong", "willow-bridge-26").await.status(), StatusCode::OK);
    let list: Vec<Value> = app.get(&c, "/api/v1/schools").await.json().await.unwrap();
    assert_eq!(list[0]["name"], "兴隆镇中学");
}

#[tokio::test]
async fn bad_new_users_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.client_as("admin").await;
    type Form<'a> = [(&'a str, &'a str); 5];
    let cases: [(&str, Form, &str); 6] = [
        (
            "taken username",
            [
                ("form[username]", "office"),
                ("form[display_name]", "x"),
                ("form[role]", "office"),
                ("form[school_id]", ""),
                ("form[password]", "long-enough"),
            ],
            "username_taken",
        ),
        (
            "short password",
            [
                ("form[username]", "newone"),
                ("form[display_name]", "x"),
                ("form[role]", "office"),
                ("form[school_id]", ""),
                ("form[password]", "short"),
            ],
            "invalid",
        ),
        (
            "a common password",
            [
                ("form[username]", "newone"),
                ("form[display_name]", "x"),
                ("form[role]", "office"),
                ("form[school_id]", ""),
                ("form[password]", "woaini1314"),
            ],
            "invalid",
        ),
        (
            "the username in the password",
            [
                ("form[username]", "newone"),
                ("form[display_name]", "x"),
                ("form[role]", "office"),
                ("form[school_id]", ""),
                ("form[password]", "NewOne2026!"),
            ],
            "invalid",
        ),
        (
            "principal without school",
            [
                ("form[username]", "newone"),
                ("form[display_name]", "x"),
                ("form[role]", "principal"),
                ("form[school_id]", ""),
                ("form[password]", "long-enough"),
            ],
            "invalid",
        ),
        (
            "unknown role",
            [
                ("form[username]", "newone"),
                ("form[display_name]", "x"),
                ("form[role]", "root"),
                ("form[school_id]", ""),
                ("form[password]", "long-enough"),
            ],
            "invalid",
        ),
    ];
    for (name, form, kind) in cases {
        let body: Value = app.server_fn(&admin, "create_user", &form).await.json().await.unwrap();
        assert_eq!(body["kind"], kind, "{name}: {body}");
    }
    assert!(server::storage::users::by_username(&app.state.db, "newone").await.unwrap().is_none());
}

#[tokio::test]
async fn only_the_admin_manages_users() {
    let app = spawn_app().await;
    let target = app.user_id("inspector2").await.to_string();
    for user in ["office", "inspector", "principal"] {
        let c = app.client_as(user).await;
        let body: Value = app
            .server_fn(&c, "set_user_disabled", &[("user_id", &target), ("disabled", "true")])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["kind"], "forbidden", "{user}");
        let body: Value = app.server_fn(&c, "users", &[]).await.json().await.unwrap();
        assert_eq!(body["kind"], "forbidden", "{user} lists users");
    }
    assert_eq!(app.login(&app.client(), "inspector2", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in_and_their_sessions_end() {
    let app = spawn_app().await;
    let admin = app.client_as("admin").await;
    let victim = app.client_as("inspector2").await;
    let id = app.user_id("inspector2").await.to_string();
    let res =
        app.server_fn(&admin, "set_user_disabled", &[("user_id", &id), ("disabled", "true")]).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(
        app.get(&victim, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "open session ended"
    );
    let res = app.login(&app.client(), "inspector2", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "account_disabled");
    app.server_fn(&admin, "set_user_disabled", &[("user_id", &id), ("disabled", "false")]).await;
    assert_eq!(
        app.login(&app.client(), "inspector2", PASSWORD).await.status(),
        StatusCode::OK,
        "enabled again"
    );
}

#[tokio::test]
async fn a_password_reset_signs_the_user_out_everywhere() {
    let app = spawn_app().await;
    let admin = app.client_as("admin").await;
    let victim = app.client_as("principal2").await;
    let id = app.user_id("principal2").await.to_string();
    let res = app
        .server_fn(&admin, "reset_password", &[("user_id", &id), ("password", "fresh-start-1")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.get(&victim, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login(&app.client(), "principal2", "fresh-start-1").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_admin_cannot_disable_themself() {
    let app = spawn_app().await;
    let admin = app.client_as("admin").await;
    let id = app.user_id("admin").await.to_string();
    let body: Value = app
        .server_fn(&admin, "set_user_disabled", &[("user_id", &id), ("disabled", "true")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["kind"], "forbidden");
}

#[tokio::test]
async fn the_admin_adds_and_edits_a_school_and_duplicates_are_refused() {
    let app = spawn_app().await;
    let admin = app.client_as("admin").await;
    let form = |name: &'static str| {
        vec![
            ("form[name]", name),
            ("form[school_type]", "kindergarten"),
            ("form[address]", "团结乡团结村"),
            ("form[principal_name]", "李园长"),
            ("form[phone]", ""),
            ("form[latitude]", "44.95"),
            ("form[longitude]", "122.90"),
        ]
    };
    let created: Value =
        app.server_fn(&admin, "save_school", &form("团结乡中心幼儿园")).await.json().await.unwrap();
    assert_eq!(created["school_type"], "kindergarten", "{created}");
    let id = created["id"].as_i64().unwrap().to_string();
    let mut edit = form("团结乡第一幼儿园");
    edit.push(("form[id]", &id));
    let edited: Value = app.server_fn(&admin, "save_school", &edit).await.json().await.unwrap();
    assert_eq!(edited["name"], "团结乡第一幼儿园");
    let dup: Value =
        app.server_fn(&admin, "save_school", &form("白榆县实验小学")).await.json().await.unwrap();
    assert_eq!(dup["kind"], "conflict");
    let mut bad = form("某某学校");
    bad[5] = ("form[latitude]", "north");
    let body: Value = app.server_fn(&admin, "save_school", &bad).await.json().await.unwrap();
    assert_eq!(body["kind"], "invalid");
    let office = app.client_as("office").await;
    let body: Value =
        app.server_fn(&office, "save_school", &form("某某学校")).await.json().await.unwrap();
    assert_eq!(body["kind"], "forbidden");
}

/// The audit-log viewer: the admin sees who did what, when and from where (failed logins
/// included), filters by account and action and pages back; nobody else may read it.
#[tokio::test]
async fn the_admin_reads_the_audit_log_and_nobody_else_may() {
    let app = spawn_app().await;
    assert_eq!(app.login(&app.client(), "principal", "not-the-password").await.status(), 401);
    let admin = app.client_as("admin").await;
    let office = app.client_as("office").await;

    let page: Value = app.get(&admin, "/api/v1/audit").await.json().await.unwrap();
    let items = page["items"].as_array().expect("items");
    let actions: Vec<&str> = items.iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"login") && actions.contains(&"login.failed"), "{actions:?}");
    let newest = &items[0];
    assert_eq!(newest["action"], "login", "newest first: the office's login");
    assert_eq!(newest["actor_username"], "office");
    assert_eq!(newest["client_addr"], "127.0.0.1");

    let failed: Value =
        app.get(&admin, "/api/v1/audit?user=principal&action=login").await.json().await.unwrap();
    let failed = failed["items"].as_array().expect("items");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["action"], "login.failed");
    assert_eq!(failed[0]["target"], "user:principal");
    assert!(failed[0]["actor_username"].is_null());

    // Paging: 60 more entries, then two pages that meet without overlap.
    for _ in 0..60 {
        app.login(&app.client(), "inspector", "not-the-password").await;
        server::storage::throttle::clear(&app.state.db, "user:inspector").await.unwrap();
        server::storage::throttle::clear(&app.state.db, "addr:127.0.0.1").await.unwrap();
    }
    let first: Value = app.get(&admin, "/api/v1/audit?user=inspector").await.json().await.unwrap();
    assert_eq!(first["items"].as_array().map(Vec::len), Some(50));
    let before = first["next_before"].as_i64().expect("a next page");
    let second: Value = app
        .get(&admin, &format!("/api/v1/audit?user=inspector&before={before}"))
        .await
        .json()
        .await
        .unwrap();
    let second = second["items"].as_array().expect("items");
    assert!(second.len() >= 10 && second.iter().all(|e| e["id"].as_i64() < Some(before)));

    for (who, c) in [("office", &office), ("anonymous", &app.client())] {
        let status = app.get(c, "/api/v1/audit").await.status();
        assert!(status == 403 || status == 401, "{who}: {status}");
    }
    let bad = app.get(&admin, "/api/v1/audit?before=yesterday").await;
    assert_eq!(bad.status(), 400);
}
