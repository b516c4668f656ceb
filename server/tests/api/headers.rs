//! The security headers: a content security policy on every response that lets the page run
//! exactly its own scripts (the wasm bundle with `'wasm-unsafe-eval'`, inline scripts only by
//! this response's nonce or, for the cached offline shell, by hash), and the baseline headers.

use crate::helpers::spawn_app_with;
use base64::Engine;
use sha2::{Digest, Sha256};

fn policy(res: &reqwest::Response) -> String {
    res.headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a content security policy")
        .to_owned()
}

/// The inline `<script>` elements of a page: (their attributes, their text).
fn inline_scripts(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start + "<script".len()..];
        let Some(end_tag) = rest.find('>') else { break };
        let attrs = rest[..end_tag].to_owned();
        let Some(close) = rest.find("</script>") else { break };
        let body = rest[end_tag + 1..close].to_owned();
        rest = &rest[close..];
        if !attrs.contains("src=") {
            out.push((attrs, body));
        }
    }
    out
}

#[tokio::test]
async fn pages_allow_only_their_own_nonced_scripts_and_every_response_is_hardened() {
    let app = spawn_app_with(|_| {}).await;
    let c = app.client_as("office").await;
    for page in ["/login", "/", "/queue"] {
        let res = app.get(&c, page).await;
        let csp = policy(&res);
        for part in [
            "default-src 'self'",
            "'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{page}: {part} in {csp}");
        }
        assert!(!csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"), "{csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .expect("the page's policy names a nonce")
            .to_owned();
        assert!(nonce.len() >= 16, "a nonce of 128 bits: {nonce}");
        let html = res.text().await.expect("page");
        let scripts = inline_scripts(&html);
        assert!(!scripts.is_empty(), "{page} hydrates with an inline script");
        for (attrs, _) in &scripts {
            assert!(attrs.contains(&format!("nonce=\"{nonce}\"")), "{page}: <script{attrs}>");
        }
        assert!(!html.contains(" style=\""), "{page}: no inline style attribute");
        // A second load has a nonce of its own.
        let again = policy(&app.get(&c, page).await);
        assert!(!again.contains(&nonce), "{page}: the nonce is new on every response");
    }

    // The offline shell is replayed by the service worker, so its one script goes by hash.
    let res = app.get(&c, "/shell").await;
    let csp = policy(&res);
    let html = res.text().await.expect("shell");
    let scripts = inline_scripts(&html);
    assert_eq!(scripts.len(), 1, "{html}");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&scripts[0].1));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");

    for path in ["/api/v1/health", "/api/v1/me", "/sw.js", "/manifest.webmanifest", "/no-such"] {
        let res = app.get(&c, path).await;
        let h = res.headers();
        assert!(h.contains_key("content-security-policy"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(!h.contains_key("strict-transport-security"), "{path}: no HSTS over plain http");
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_public_address_is_https() {
    let app = spawn_app_with(|c| c.public_url = Some("https://xiaoan.example.cn".into())).await;
    let res = app.get(&app.client(), "/api/v1/health").await;
    let hsts = res.headers()["strict-transport-security"].to_str().expect("ascii");
    assert!(hsts.starts_with("max-age=31536000"), "{hsts}");
}
