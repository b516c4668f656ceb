//! What every request handler shares.

use crate::config::Config;
use crate::photo::pipeline::FontData;
use crate::photo::store::PhotoStore;
use crate::storage::Db;
use axum::extract::FromRef;
use chrono::{DateTime, TimeDelta, Utc};
use leptos::config::LeptosOptions;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::sync::Semaphore;

/// What every request handler shares, behind one pointer: axum and Leptos clone the state for
/// each request (a handler's `State`, each middleware), and one reference count is cheaper than a
/// dozen.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    /// Hazard actions on their way to `db`, sharing commits when they come together.
    pub actions: crate::storage::group_commit::GroupCommit,
    pub config: Arc<Config>,
    pub leptos: LeptosOptions,
    /// Bounds how many password hashes run at once (each takes ~19 MiB and a core for ~35 ms).
    pub hashing: Arc<Semaphore>,
    /// A real argon2 hash of a random password: unknown usernames are checked against it so that
    /// they take as long as known ones.
    pub dummy_hash: Arc<String>,
    pub photos: Arc<dyn PhotoStore>,
    /// Bounds how many photos are decoded at once (one per core): memory stays predictable.
    pub photo_slots: Arc<Semaphore>,
    /// The CJK font for caption bands, when the machine has one.
    pub font: Arc<Option<FontData>>,
    /// The service worker for the built site.
    pub worker: Arc<crate::pwa::Worker>,
    pub clock: Clock,
    /// This instance's request counters, scraped on the metrics listener.
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// The time services work by: the real clock, shifted by an offset that only tests move (to file
/// records across several 10-day periods through the real API). Sessions and throttling use the
/// real clock regardless.
#[derive(Clone, Default)]
pub struct Clock(Arc<AtomicI64>);

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(self.0.load(Ordering::Relaxed))
    }

    /// Makes `now()` answer `at` from here on (and move on with real time).
    pub fn set(&self, at: DateTime<Utc>) {
        self.0.store((at - Utc::now()).num_milliseconds(), Ordering::Relaxed);
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> LeptosOptions {
        s.leptos.clone()
    }
}
