//! The 校安巡查 server: configuration, storage, auth, the REST API and the Leptos app, assembled
//! on a listener the caller provides (so tests run it on port 0).
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod config;
pub mod dataset;
pub mod demo;
pub mod error;
pub mod http;
pub mod jobs;
pub mod logging;
pub mod metrics;
pub mod ops;
pub mod photo;
pub mod pwa;
pub mod service;
pub mod state;
pub mod storage;
mod ui_backend;
mod ui_registers;
mod ui_reports;
pub mod xlsx;

use crate::config::Config;
use crate::error::Result;
use crate::state::AppState;
use crate::storage::Db;
use app::api::backend::SharedBackend;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Connects to the database (migrating it) and prepares the shared state.
pub async fn prepare(config: Config) -> Result<AppState> {
    std::fs::create_dir_all(&config.data_dir)?;
    let photos = photo::store::open(&config).await?;
    let db = Db::connect(&config.database_url).await?;
    let site_root = config.site_root.clone();
    let leptos = LeptosOptions::builder()
        .output_name("xiaoan")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let hashing = Arc::new(tokio::sync::Semaphore::new(cores));
    let random =
        app::domain::Password::parse(&auth::random_secret()).map_err(app::error::AppError::from)?;
    let dummy_hash = Arc::new(auth::hash_bounded(&hashing, &random).await?);
    let state = AppState::new(state::Shared {
        actions: storage::group_commit::GroupCommit::start(db.clone()),
        db,
        config: Arc::new(config),
        leptos,
        hashing,
        dummy_hash,
        photos,
        photo_slots: Arc::new(tokio::sync::Semaphore::new(cores)),
        font: Arc::new(photo::pipeline::FontData::load_default()),
        worker: Arc::new(pwa::worker(std::path::Path::new(&site_root))),
        clock: state::Clock::default(),
        metrics: Arc::default(),
    });
    service::checklists::load_default(&state).await?;
    Ok(state)
}

/// Brotli and gzip level for responses compressed as they are sent: close to the best ratio
/// for pages and JSON at a small fraction of the CPU.
const ON_THE_FLY_COMPRESSION: i32 = 4;

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let backend: SharedBackend = Arc::new(ui_backend::UiBackend(state.clone()));
    let reports: app::reports::SharedReportBackend = Arc::new(ui_backend::UiBackend(state.clone()));
    let registers: app::registers::SharedRegisterBackend =
        Arc::new(ui_backend::UiBackend(state.clone()));
    let context = move || {
        provide_context(backend.clone());
        provide_context(reports.clone());
        provide_context(registers.clone());
        // The nonce the security headers will name, on every inline script rendering writes.
        let nonce = leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<http::PageNonce>().cloned());
        if let Some(http::PageNonce(n)) = nonce {
            provide_context(leptos::nonce::Nonce::from_value(n));
        }
    };
    let server_fns = {
        let context = context.clone();
        move |req: axum::extract::Request| {
            leptos_axum::handle_server_fns_with_context(context.clone(), req)
        }
    };
    let routes = generate_route_list(app::App);
    let shell_opts = state.leptos.clone();
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes.clone(), context, move || {
            app::shell(shell_opts.clone())
        })
        .with_state(state.clone());
    let render =
        move |req: axum::extract::Request| http::render_page(pages.clone(), req, http::PAGE_STALL);
    Router::new()
        .merge(api::router())
        .route("/fn/{*name}", post(server_fns))
        .route("/lang", get(http::switch_language))
        .route("/sw.js", get(pwa::service_worker))
        .route("/shell", get(pwa::shell))
        .leptos_routes_with_handler(routes, render)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(DefaultBodyLimit::max(256 * 1024))
        .merge(api::photo_router(state.config.max_photo_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), http::refuse_cross_site))
        .layer(middleware::from_fn(http::localise_errors))
        .layer(middleware::from_fn_with_state(state.clone(), http::security_headers))
        .layer(middleware::from_fn(http::run_to_completion))
        // Pages, JSON and the bundle travel compressed (brotli where the browser takes it): a
        // rural school's one bar of signal. Photos are JPEG already and are left alone. The
        // release bundle is precompressed at the best level when it is built and served as is;
        // what is compressed per response uses a fast level (brotli's default, 11, costs
        // seconds of CPU on a large file and starves every other request on two cores).
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Precise(ON_THE_FLY_COMPRESSION)),
        )
        // Outermost: the request id, log span and metrics cover everything above.
        .layer(middleware::from_fn_with_state(state.clone(), http::observe))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then drains requests in flight. Metrics are served too when
/// `XIAOAN_METRICS_ADDR` is set.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let metrics = match state.config.metrics_addr {
        Some(addr) => Some(TcpListener::bind(addr).await?),
        None => None,
    };
    serve_with_metrics(listener, metrics, state, shutdown).await
}

/// [`serve`], with the metrics listener (if any) given by the caller.
pub async fn serve_with_metrics(
    listener: TcpListener,
    metrics: Option<TcpListener>,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let jobs = tokio::spawn(jobs::run(state.clone()));
    let metrics = match metrics {
        Some(l) => {
            tracing::info!("metrics on http://{}/metrics", l.local_addr()?);
            let app = metrics::router(state.clone());
            Some(tokio::spawn(async move { axum::serve(l, app).await }))
        }
        None => None,
    };
    let config = &state.config;
    let (headers, requests) = (config.header_timeout, config.request_timeout);
    http::serve_connections(listener, router(state.clone()), headers, requests, shutdown).await?;
    housekeeping.abort();
    jobs.abort();
    if let Some(m) = metrics {
        m.abort();
    }
    state.db.close().await;
    Ok(())
}

/// Expired sessions and old login failures are dropped every ten minutes.
async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = auth::purge(&state).await {
            tracing::warn!(error = ?e, "housekeeping failed");
        }
    }
}
