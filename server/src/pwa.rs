//! The installable app: the service worker (versioned by a hash of the built site, with the list
//! of files it precaches) and the shell it serves offline, which renders the app in the browser.

use crate::state::AppState;
use app::i18n::Lang;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::path::Path;

const SW_TEMPLATE: &str = include_str!("../assets/sw.js");

/// What the worker precaches besides the built bundle.
const STATIC: &[&str] = &[
    "/shell",
    "/offline.html",
    "/offline.js",
    "/manifest.webmanifest",
    "/favicon.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/maskable-192.png",
    "/icons/maskable-512.png",
    "/icons/apple-touch-icon.png",
    "/icons/icon.svg",
];

#[derive(Clone, Debug)]
pub struct Worker {
    pub version: String,
    pub script: String,
}

/// Builds the worker for the site in `site_root`: precaches every file of the bundle (`/pkg/…`,
/// including wasm-bindgen snippets) and the static files, versioned by their bytes.
pub fn worker(site_root: &Path) -> Worker {
    let mut files: Vec<String> = STATIC.iter().map(|s| (*s).to_owned()).collect();
    let mut hasher = Sha256::new();
    let mut bundle = Vec::new();
    collect(&site_root.join("pkg"), "/pkg", &mut bundle);
    bundle.sort();
    for (url, path) in &bundle {
        if let Ok(bytes) = std::fs::read(path) {
            hasher.update(url.as_bytes());
            hasher.update(&bytes);
        }
        files.push(url.clone());
    }
    for s in STATIC {
        if let Ok(bytes) = std::fs::read(site_root.join(s.trim_start_matches('/'))) {
            hasher.update(&bytes);
        }
    }
    hasher.update(SW_TEMPLATE.as_bytes());
    let version = hex::encode(&hasher.finalize()[..8]);
    let list = serde_json::to_string(&files).unwrap_or_else(|_| "[]".into());
    let script = SW_TEMPLATE
        .replace("'__VERSION__'", &format!("'{version}'"))
        .replace("__PRECACHE__", &list);
    Worker { version, script }
}

/// Files under `dir` as (URL, path); precompressed copies (.br, .gz) are the server's business.
fn collect(dir: &Path, url: &str, out: &mut Vec<(String, std::path::PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if path.is_dir() {
            collect(&path, &format!("{url}/{name}"), out);
        } else if !(name.ends_with(".br") || name.ends_with(".gz") || name.ends_with(".d.ts")) {
            out.push((format!("{url}/{name}"), path));
        }
    }
}

pub async fn service_worker(State(state): State<AppState>) -> Response {
    let mut res = state.worker.script.clone().into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
    // The browser must always ask for a new worker; the worker itself versions the caches.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// The offline shell's one inline script: it starts the app in the browser with nothing from
/// the server.
const SHELL_SCRIPT: &str = "import init, { mount } from '/pkg/xiaoan.js'; \
     init({ module_or_path: '/pkg/xiaoan.wasm' }).then(() => mount());";

/// The offline shell's policy: [`SHELL_SCRIPT`] is allowed by its hash, as the shell is cached
/// and replayed by the service worker (a per-response nonce would not do).
fn shell_policy() -> &'static HeaderValue {
    static POLICY: std::sync::LazyLock<HeaderValue> = std::sync::LazyLock::new(|| {
        use base64::Engine;
        let hash = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(SHELL_SCRIPT.as_bytes()));
        HeaderValue::from_str(&crate::http::content_security_policy(&format!(" 'sha256-{hash}'")))
            .unwrap_or(HeaderValue::from_static("default-src 'self'"))
    });
    &POLICY
}

/// The offline shell: the head of every page and a script that renders the app in the browser.
pub async fn shell(headers: HeaderMap) -> Response {
    let lang = Lang::from_cookie_header(headers.get(header::COOKIE).and_then(|v| v.to_str().ok()));
    let page = Html(format!(
        r##"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
<meta name="theme-color" content="#0b5cad"/>
<title>{title}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
<link rel="manifest" href="/manifest.webmanifest"/>
<link rel="stylesheet" href="/pkg/xiaoan.css"/>
<script src="/offline.js" defer></script>
<script type="module">{SHELL_SCRIPT}</script>
</head><body></body></html>"##,
        lang = lang.code(),
        title = app::i18n::Msg::AppName.text(lang),
    ));
    let mut res = page.into_response();
    res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, shell_policy().clone());
    res
}
