use crate::helpers::{PASSWORD, error_of, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn every_demo_account_logs_in_and_sees_who_it_is() {
    let app = spawn_app().await;
    for (user, role) in [
        ("admin", "admin"),
        ("office", "office"),
        ("inspector", "inspector"),
        ("inspector2", "inspector"),
        ("principal", "principal"),
        ("principal2", "principal"),
    ] {
        let c = app.client_as(user).await;
        let me: Value = app.get(&c, "/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["username"], user, "{user}");
        assert_eq!(me["role"], role, "{user}");
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401_without_a_hint() {
    let app = spawn_app().await;
    let c = app.client();
    let (s1, e1) = error_of(app.login(&c, "office", "wrong-password").await).await;
    let (s2, e2) = error_of(app.login(&c, "nobody-here", "wrong-password").await).await;
    assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(e1, e2, "the answer must not tell which part was wrong");
    assert_eq!(e1["code"], "bad_credentials");
    assert!(e1["message"].as_str().unwrap().contains("用户名或密码"), "{e1}");
}

#[tokio::test]
async fn error_messages_follow_the_language_cookie() {
    let app = spawn_app().await;
    let res = app
        .client()
        .post(app.url("/api/v1/session"))
        .header("cookie", "lang=en")
        .json(&serde_json::json!({"username": "office", "password": "nope-nope"}))
        .send()
        .await
        .unwrap();
    let (_, e) = error_of(res).await;
    assert_eq!(e["message"], "Wrong username or password. Please try again.");
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_429_and_retry_after() {
    let app = spawn_app().await;
    let c = app.client();
    for i in 0..5 {
        assert_eq!(
            app.login(&c, "inspector", "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {i}"
        );
    }
    let res = app.login(&c, "inspector", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "retry-after {retry}");
    let (_, e) = error_of(res).await;
    assert_eq!(e["code"], "throttled");
    // Another account from the same address is not locked out by this one's failures.
    assert_eq!(app.login(&c, "office", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn too_many_failures_from_one_address_are_throttled_across_accounts() {
    let app = spawn_app_with(|c| c.login_max_failures_per_address = 3).await;
    let c = app.client();
    for user in ["a-user", "b-user", "c-user"] {
        assert_eq!(app.login(&c, user, "wrong-password").await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.login(&c, "office", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_lax_and_secure_behind_https() {
    let app = spawn_app().await;
    let res = app.login(&app.client(), "office", PASSWORD).await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("xiaoan_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http: no Secure flag, or the browser drops it");

    let tls = spawn_app_with(|c| c.public_url = Some("https://xiaoan.example.cn".into())).await;
    let res = tls.login(&tls.client(), "office", PASSWORD).await;
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let c = app.client_as("office").await;
    let res = c.delete(app.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let (s, e) = error_of(app.get(&c, "/api/v1/me").await).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("not_logged_in")));
}

#[tokio::test]
async fn a_stolen_cookie_value_is_useless_after_logout() {
    let app = spawn_app().await;
    let res = app.login(&app.client(), "office", PASSWORD).await;
    let cookie =
        res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let other = app.client();
    let me = other.get(app.url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    other.delete(app.url("/api/v1/session")).header("cookie", &cookie).send().await.unwrap();
    let me = other.get(app.url("/api/v1/me")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

/// Session fixation: a login never keeps the session the browser brought, whether it was a real
/// one or a value planted by someone else.
#[tokio::test]
async fn a_login_always_starts_a_new_session_and_ends_the_one_it_was_given() {
    let app = spawn_app().await;
    let cookie_of = |res: &reqwest::Response| {
        res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
    };
    let first = cookie_of(&app.login(&app.client(), "office", PASSWORD).await);
    let c = reqwest::Client::new(); // no cookie store: each request carries exactly its header
    let planted = "xiaoan_session=chosen-by-an-attacker";
    for brought in [first.as_str(), planted] {
        let res = c
            .post(app.url("/api/v1/session"))
            .header("cookie", brought)
            .json(&serde_json::json!({"username": "office", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let fresh = cookie_of(&res);
        assert_ne!(fresh, brought, "the login answers with a token of its own");
        let me = |cookie: String| c.get(app.url("/api/v1/me")).header("cookie", cookie).send();
        assert_eq!(me(fresh).await.unwrap().status(), StatusCode::OK);
        assert_eq!(me(brought.to_owned()).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn sessions_end_at_their_absolute_and_idle_expiry() {
    for (name, app) in [
        ("absolute", spawn_app_with(|c| c.session_max = std::time::Duration::ZERO).await),
        ("idle", spawn_app_with(|c| c.session_idle = std::time::Duration::ZERO).await),
    ] {
        let c = app.client_as("office").await;
        assert_eq!(
            app.get(&c, "/api/v1/me").await.status(),
            StatusCode::UNAUTHORIZED,
            "{name} expiry"
        );
    }
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let phone = app.client_as("inspector").await;
    let desk = app.client_as("inspector").await;
    let res = app
        .server_fn(&desk, "change_password", &[("current", PASSWORD), ("new", "new-pass-2026")])
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(
        app.get(&phone, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "the other device is signed out"
    );
    assert_eq!(
        app.get(&desk, "/api/v1/me").await.status(),
        StatusCode::OK,
        "this device keeps working"
    );
    assert_eq!(
        app.login(&app.client(), "inspector", "new-pass-2026").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let app = spawn_app().await;
    let c = app.client_as("inspector").await;
    let res = app
        .server_fn(&c, "change_password", &[("current", "not-it-at-all"), ("new", "new-pass-2026")])
        .await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["kind"], "wrong_current_password");
    assert_eq!(app.login(&app.client(), "inspector", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_json_is_a_400_and_other_media_a_415_with_the_error_body() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c
        .post(app.url("/api/v1/session"))
        .header("content-type", "application/json")
        .body("{\"username\": \"office\", ")
        .send()
        .await
        .unwrap();
    let (s, e) = error_of(res).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed")));
    let res = c
        .post(app.url("/api/v1/session"))
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    let (s, e) = error_of(res).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media"))
    );
    let res = c
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"username": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "wrong shape");
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let app = spawn_app().await;
    let res = app
        .client()
        .post(app.url("/api/v1/session"))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"username": "office", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (s, e) = error_of(res).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::FORBIDDEN, Some("cross_site")));
    let res = app
        .client()
        .post(app.url("/fn/login"))
        .header("origin", "https://evil.example")
        .form(&[("username", "office"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the login form too");
}

#[tokio::test]
async fn the_login_form_works_without_javascript() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c
        .post(app.url("/fn/login"))
        .header("accept", "text/html")
        .header("referer", app.url("/login"))
        .form(&[("username", "principal"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/");
    let home = app.get(&c, "/").await.text().await.unwrap();
    assert!(home.contains("赵丽华"), "the home page greets the principal");

    let res = app
        .client()
        .post(app.url("/fn/login"))
        .header("accept", "text/html")
        .header("referer", app.url("/login"))
        .form(&[("username", "principal"), ("password", "wrong-password")])
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("/login") && location.contains("__err="),
        "back to the form with the error: {location}"
    );
}

#[tokio::test]
async fn pages_need_a_login_and_unknown_pages_are_404() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/")).header("accept", "text/html").send().await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/login");
    let c = app.client_as("office").await;
    assert_eq!(app.get(&c, "/no/such/page").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&c, "/api/v1/nothing").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_reports_the_database() {
    let app = spawn_app().await;
    let body: Value = app.get(&app.client(), "/api/v1/health").await.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.state.db.backend_name());
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let doc: Value = app.get(&app.client(), "/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/schools",
        "/api/v1/schools/{id}",
        "/api/v1/health",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    // Every schema the document refers to is in it.
    let text = doc.to_string();
    for name in text.split("#/components/schemas/").skip(1) {
        let name: String = name.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        assert!(
            doc["components"]["schemas"][&name].is_object(),
            "{name} is referred to, not defined"
        );
    }
    // The answers any operation can give are named on each: 401 unless public, 400/413/415 where
    // there is a body, 503 everywhere.
    let put_hazard = &doc["paths"]["/api/v1/hazards/{id}"]["put"]["responses"];
    for code in ["400", "401", "413", "415", "503"] {
        assert!(put_hazard[code].is_object(), "PUT /api/v1/hazards/{{id}} documents {code}");
    }
    assert!(doc["paths"]["/api/v1/health"]["get"]["responses"]["401"].is_null());
}

#[tokio::test]
async fn the_language_switch_remembers_the_choice_and_only_goes_to_local_pages() {
    let app = spawn_app().await;
    let c = app.client();
    let res = app.get(&c, "/lang?set=en&next=/login").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    assert!(res.headers()["set-cookie"].to_str().unwrap().starts_with("lang=en"));
    let page = app.get(&c, "/login").await.text().await.unwrap();
    assert!(page.contains("Sign in") && page.contains("lang=\"en\""));
    let res = app.get(&c, "/lang?set=en&next=//evil.example").await;
    assert_eq!(res.headers()["location"], "/", "no open redirect");
}
