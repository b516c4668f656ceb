//! The phone's own copy and its outbox (`public/offline.js`), so inspectors and principals work
//! with no signal. Every loader asks the server first and falls back to the local copy; every
//! write goes into the outbox, which sends it when it can. On the server these are the plain
//! server functions.

use crate::api::{self, HazardPage, InspectionPage, StartTarget};
use crate::domain::Me;
use crate::domain::hazard::{EventInput, HazardDetail, HazardFilter, HazardStatus, HazardSummary};
use crate::domain::inspection::{
    Inspection, InspectionDraft, InspectionKind, InspectionStatus, InspectionSummary,
    SubmitInspection,
};
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// What the outbox holds, for the status bar.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxStatus {
    pub online: bool,
    pub syncing: bool,
    pub photos: u32,
    pub records: u32,
    pub inspections: u32,
    pub hazards: u32,
    /// Writes of neither an inspection nor a hazard.
    #[serde(default)]
    pub other: u32,
    pub refused: Vec<Refused>,
    pub entries: Vec<Entry>,
    pub last_sync: Option<String>,
    pub last_error: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Refused {
    pub seq: u32,
    pub label: String,
    pub error: String,
    pub group: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u32,
    pub label: String,
    pub state: String,
    pub error: String,
    pub group: String,
    pub kind: String,
}

/// A write waiting for the network.
#[derive(Clone, Debug, Serialize)]
pub struct Outgoing {
    /// A newer write with the same key replaces one not yet sent.
    pub key: String,
    pub method: &'static str,
    pub url: String,
    pub body: Option<String>,
    pub label: String,
    /// The record it belongs to (`inspection:ID`, `hazard:ID`).
    pub group: String,
}

/// Lets a browser future (which awaits JavaScript, so is not `Send`) feed a resource. The browser
/// runs one thread, so the wrapper never moves.
#[cfg(feature = "hydrate")]
pub fn sendable<F: std::future::Future + 'static>(
    f: F,
) -> impl std::future::Future<Output = F::Output> + Send {
    send_wrapper::SendWrapper::new(f)
}

#[cfg(not(feature = "hydrate"))]
pub fn sendable<F: std::future::Future + Send>(
    f: F,
) -> impl std::future::Future<Output = F::Output> + Send {
    f
}

fn offline(e: &AppError) -> bool {
    matches!(e, AppError::Network | AppError::Unavailable)
}

#[cfg(feature = "hydrate")]
pub mod js {
    //! The bindings to `public/offline.js` (loaded by every page as `XiaoanOffline`).
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = XiaoanOffline, js_name = kvGet, catch)]
        pub async fn kv_get(key: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, js_name = kvSet, catch)]
        pub async fn kv_set(key: &str, value: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, js_name = setMe, catch)]
        pub async fn set_me(me: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, js_name = enqueueJson, catch)]
        pub async fn enqueue_json(item: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, js_name = putPhoto, catch)]
        pub async fn put_photo(
            sha: &str,
            blob: JsValue,
            school: f64,
            group: &str,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, js_name = photoUrl, catch)]
        pub async fn photo_url(sha: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, catch)]
        pub async fn status() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, catch)]
        pub async fn pending(group: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, catch)]
        pub async fn discard(seq: u32) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, js_name = syncNow, catch)]
        pub async fn sync_now() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = XiaoanOffline, js_name = exportOutbox, catch)]
        pub async fn export_outbox() -> Result<JsValue, JsValue>;
    }

    /// Whether the offline layer loaded (a page without it still works online).
    pub fn present() -> bool {
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("XiaoanOffline"))
            .is_ok_and(|v| !v.is_undefined())
    }
}

/// A value of the local copy.
pub async fn get<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    #[cfg(feature = "hydrate")]
    {
        if !js::present() {
            return None;
        }
        let v = js::kv_get(key).await.ok()?.as_string()?;
        serde_json::from_str(&v).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

pub async fn set<T: Serialize>(key: &str, value: &T) {
    #[cfg(feature = "hydrate")]
    if js::present()
        && let Ok(s) = serde_json::to_string(value)
    {
        let _ = js::kv_set(key, &s).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, serde_json::to_string(value));
}

pub async fn enqueue(item: &Outgoing) {
    #[cfg(feature = "hydrate")]
    if let Ok(s) = serde_json::to_string(item) {
        let _ = js::enqueue_json(&s).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = item;
}

pub async fn status() -> Option<OutboxStatus> {
    #[cfg(feature = "hydrate")]
    {
        if !js::present() {
            return None;
        }
        serde_json::from_str(&js::status().await.ok()?.as_string()?).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// A page hydrates with the server's copy of its record (what the server rendered: anything else
/// would not match the page); once it has, the phone's own copy takes over if writes of the
/// record still wait in the outbox, by bumping `reload` so the page's resource reads again (and
/// finds the local copy first).
pub fn prefer_pending_copy(group: String, reload: leptos::prelude::RwSignal<u32>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        // Only a page the server rendered: a page the app renders itself already read the
        // phone's copy first.
        let hydrating = Owner::current_shared_context().is_some_and(|sc| sc.during_hydration());
        if !hydrating {
            return;
        }
        Effect::new(move |done: Option<()>| {
            if done.is_none() {
                let group = group.clone();
                leptos::task::spawn_local(async move {
                    if pending(&group).await {
                        reload.update(|n| *n += 1);
                    }
                });
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (group, reload);
}

/// Whether writes of this record still wait in the outbox.
pub async fn pending(group: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        js::present() && js::pending(group).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = group;
        false
    }
}

/// Whether the offline layer is there to take writes (so a form can be handled on the phone).
pub fn available() -> bool {
    #[cfg(feature = "hydrate")]
    {
        js::present()
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

pub fn sync_soon() {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async {
        if js::present() {
            let _ = js::sync_now().await;
        }
    });
}

/// Who is logged in: the server's answer, remembered for starting the app offline.
pub async fn me() -> Result<Option<Me>, AppError> {
    match api::get_me().await {
        Ok(me) => {
            if let Some(m) = &me {
                keep_me(m);
            }
            Ok(me)
        }
        Err(e) if offline(&e) => Ok(get("me").await),
        Err(e) => Err(e),
    }
}

/// Keeps what a server-rendered screen showed, so the same screen opens offline later (a
/// hydrated page gets its data from the server's HTML and never runs its loader in the browser).
pub fn keep_hazard_page(p: &HazardPage) {
    #[cfg(feature = "hydrate")]
    {
        let p = p.clone();
        leptos::task::spawn_local(async move {
            if !pending(&format!("hazard:{}", p.detail.summary.id)).await {
                set(&hazard_key(&p.detail.summary.id), &p).await;
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = p;
}

/// Remembers who is logged in (the hydrated page got it from the server's HTML).
pub fn keep_me(me: &Me) {
    #[cfg(feature = "hydrate")]
    {
        let me = me.clone();
        leptos::task::spawn_local(async move {
            if js::present()
                && let Ok(s) = serde_json::to_string(&me)
            {
                let _ = js::set_me(&s).await;
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = me;
}

pub fn keep_inspection_page(p: &InspectionPage) {
    #[cfg(feature = "hydrate")]
    {
        let p = p.clone();
        leptos::task::spawn_local(async move {
            let id = p.inspection.summary.id.to_string();
            if !pending(&format!("inspection:{id}")).await {
                set(&inspection_key(&id), &p).await;
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = p;
}

fn inspection_key(id: &str) -> String {
    format!("page:inspection:{id}")
}

/// An inspection's screen: the local draft while writes of it wait (it is newer), else the
/// server's, else whatever the phone kept.
pub async fn inspection_page(id: String) -> Result<InspectionPage, AppError> {
    let group = format!("inspection:{id}");
    if pending(&group).await
        && let Some(p) = get::<InspectionPage>(&inspection_key(&id)).await
    {
        return Ok(p);
    }
    match api::load_inspection(id.clone()).await {
        Ok(p) => {
            set(&inspection_key(&id), &p).await;
            Ok(p)
        }
        Err(e) if offline(&e) || e == AppError::NotFound => match get(&inspection_key(&id)).await {
            Some(p) => Ok(p),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Saves a draft on the phone and queues it for the server.
/// Answered and failed counts from the answers themselves.
fn count_answers(p: &mut InspectionPage) {
    let answers = &p.inspection.answers;
    p.inspection.summary.answered = answers.len() as i64;
    p.inspection.summary.failed =
        answers.iter().filter(|a| a.outcome == crate::domain::inspection::Outcome::Fail).count()
            as i64;
}

pub async fn save_inspection(page: &InspectionPage, draft: &InspectionDraft) {
    let id = page.inspection.summary.id.to_string();
    let mut p = page.clone();
    p.inspection.answers = draft.answers.clone();
    count_answers(&mut p);
    set(&inspection_key(&id), &p).await;
    remember_mine(&p.inspection.summary).await;
    enqueue(&Outgoing {
        key: format!("PUT /api/v1/inspections/{id}"),
        method: "PUT",
        url: format!("/api/v1/inspections/{id}"),
        body: serde_json::to_string(draft).ok(),
        label: format!(
            "{} · {}",
            p.inspection.summary.school_name,
            kind_text(p.inspection.summary.kind)
        ),
        group: format!("inspection:{id}"),
    })
    .await;
}

fn kind_text(k: InspectionKind) -> &'static str {
    crate::ui::t(crate::inspect::kind_label(k))
}

/// Submits on the phone: queued after the draft, shown as submitted-and-waiting until it goes.
pub async fn submit_inspection(page: &InspectionPage, body: &SubmitInspection) {
    let id = page.inspection.summary.id.to_string();
    let mut p = page.clone();
    p.editable = false;
    p.queued = true;
    count_answers(&mut p);
    p.inspection.summary.status = InspectionStatus::Submitted;
    set(&inspection_key(&id), &p).await;
    remember_mine(&p.inspection.summary).await;
    enqueue(&Outgoing {
        key: format!("POST /api/v1/inspections/{id}/submit"),
        method: "POST",
        url: format!("/api/v1/inspections/{id}/submit"),
        body: serde_json::to_string(body).ok(),
        label: format!(
            "{} · {}",
            p.inspection.summary.school_name,
            crate::ui::t(crate::i18n::Msg::SubmitInspection)
        ),
        group: format!("inspection:{id}"),
    })
    .await;
}

/// Inspections made on this phone, so the home screen lists them offline and before they sync.
async fn remember_mine(s: &InspectionSummary) {
    let mut mine: Vec<InspectionSummary> = get("mine").await.unwrap_or_default();
    mine.retain(|m| m.id != s.id);
    mine.insert(0, s.clone());
    mine.truncate(50);
    set("mine", &mine).await;
}

/// The inspections list: the server's, with this phone's not-yet-sent ones first.
pub async fn inspections() -> Result<Vec<(InspectionSummary, bool)>, AppError> {
    let server = api::list_inspections().await;
    let mine: Vec<InspectionSummary> = get("mine").await.unwrap_or_default();
    let mut waiting = Vec::new();
    for m in mine {
        if pending(&format!("inspection:{}", m.id)).await {
            waiting.push((m, true));
        }
    }
    let rest: Vec<InspectionSummary> = match server {
        Ok(list) => list,
        Err(e) if offline(&e) => {
            let kept: std::collections::BTreeMap<String, Inspection> =
                get("inspections").await.unwrap_or_default();
            let mut v: Vec<InspectionSummary> = kept.into_values().map(|i| i.summary).collect();
            v.sort_by_key(|s| std::cmp::Reverse(s.updated_at));
            v
        }
        Err(e) => return Err(e),
    };
    let mut out = waiting;
    for s in rest {
        if !out.iter().any(|(w, _)| w.id == s.id) {
            out.push((s, false));
        }
    }
    Ok(out)
}

/// The schools one can start an inspection of: the server's list, or the phone's copy (with
/// ids made here) when there is no network.
pub async fn start_targets(query: String) -> Result<Vec<StartTarget>, AppError> {
    match api::start_targets(query.clone()).await {
        Err(e) if offline(&e) => {
            let schools: Vec<crate::domain::SchoolSummary> = get("schools").await.ok_or(e)?;
            let q = query.trim().to_lowercase();
            Ok(schools
                .into_iter()
                .filter(|s| {
                    q.is_empty()
                        || s.name.to_lowercase().contains(&q)
                        || s.address.to_lowercase().contains(&q)
                })
                .map(|school| StartTarget { school, draft_id: new_id() })
                .collect())
        }
        other => other,
    }
}

pub fn new_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        uuid::Uuid::now_v7().to_string()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Starts an inspection on the phone from its copy of the schools and checklists. None when the
/// phone has no copy yet (the form then goes to the server).
pub async fn start_inspection(target: &StartTarget, kind: InspectionKind) -> Option<String> {
    use crate::domain::checklist::{Checklist, TemplateStatus};
    let me: Me = get("me").await?;
    let checklists: Vec<Checklist> = get("checklists").await?;
    let deadlines = get("deadlines").await?;
    let today = get("today").await?;
    let county = checklists
        .iter()
        .find(|c| c.summary.school_id.is_none() && c.summary.status == TemplateStatus::Published)?;
    let ext = checklists.iter().find(|c| c.summary.school_id == Some(target.school.id));
    let id = uuid::Uuid::parse_str(&target.draft_id).ok()?;
    let now = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(now_ms())?;
    let summary = InspectionSummary {
        id,
        kind,
        status: InspectionStatus::Draft,
        school_id: target.school.id,
        school_name: target.school.name.clone(),
        inspector_name: me.display_name.clone(),
        answered: 0,
        failed: 0,
        started_at: Some(now),
        submitted_at: None,
        updated_at: now,
    };
    let page = InspectionPage {
        inspection: Inspection {
            summary,
            template_id: county.summary.id,
            extension_id: ext.map(|e| e.summary.id),
            plan_id: None,
            note: String::new(),
            finished_at: None,
            latitude: None,
            longitude: None,
            answers: Vec::new(),
            hazards: Vec::new(),
        },
        checklists: std::iter::once(county.clone()).chain(ext.cloned()).collect(),
        school_type: target.school.school_type,
        editable: true,
        deadlines,
        today,
        queued: false,
    };
    let draft = InspectionDraft {
        kind,
        school_id: target.school.id,
        template_id: county.summary.id,
        extension_id: ext.map(|e| e.summary.id),
        plan_id: None,
        started_at: Some(now),
        note: String::new(),
        answers: Vec::new(),
    };
    save_inspection(&page, &draft).await;
    Some(target.draft_id.clone())
}

fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

fn hazard_key(id: &str) -> String {
    format!("page:hazard:{id}")
}

/// A hazard's screen: the local copy while actions on it wait, else the server's, else the copy.
pub async fn hazard_page(id: String) -> Result<HazardPage, AppError> {
    if pending(&format!("hazard:{id}")).await
        && let Some(p) = get::<HazardPage>(&hazard_key(&id)).await
    {
        return Ok(p);
    }
    match api::load_hazard(id.clone()).await {
        Ok(p) => {
            set(&hazard_key(&id), &p).await;
            Ok(p)
        }
        Err(e) if offline(&e) => {
            if let Some(p) = get::<HazardPage>(&hazard_key(&id)).await {
                return Ok(p);
            }
            let kept: std::collections::BTreeMap<String, HazardDetail> =
                get("hazards").await.unwrap_or_default();
            let detail = kept.get(&id).cloned().ok_or(e)?;
            Ok(HazardPage {
                detail,
                event_id: new_id(),
                today: get("today").await.unwrap_or_default(),
                typical: false,
            })
        }
        Err(e) => Err(e),
    }
}

/// Queues a workflow action and shows its effect at once (the version moves on, so a following
/// action offline carries the version it was decided on).
pub async fn hazard_action(page: &HazardPage, event: EventInput, to: HazardStatus, label: String) {
    let id = page.detail.summary.id.clone();
    let mut p = page.clone();
    p.detail.summary.status = to;
    p.detail.summary.version += 1;
    // What may follow, by the same rules the server applies.
    p.detail.actions = match get::<Me>("me").await {
        Some(me) => {
            let s = &p.detail.summary;
            let facts = crate::domain::workflow::HazardFacts {
                status: s.status,
                level: s.level,
                school_id: s.school_id,
                reported_by: s.reported_by,
            };
            let actor = crate::domain::workflow::Actor {
                user_id: me.id,
                role: me.role,
                org_id: me.org_id,
                oversees_discoverer: false,
            };
            crate::domain::workflow::available(&facts, &actor, page.today)
        }
        None => Vec::new(),
    };
    if let Some(plan) = &event.plan {
        p.detail.plan = Some(plan.clone());
    }
    if !event.photos.is_empty() {
        p.detail.after_photos = event.photos.clone();
        p.detail.signature = event.signature.clone();
        p.detail.submit_note = Some(event.note.clone());
    }
    p.event_id = new_id();
    set(&hazard_key(&id), &p).await;
    enqueue(&Outgoing {
        key: format!("POST /api/v1/hazards/{id}/events {}", event.event_id),
        method: "POST",
        url: format!("/api/v1/hazards/{id}/events"),
        body: serde_json::to_string(&event).ok(),
        label,
        group: format!("hazard:{id}"),
    })
    .await;
}

/// A school's open hazards: the server's, or the phone's copy.
pub async fn school_hazards() -> Result<Vec<HazardSummary>, AppError> {
    match api::list_hazards(HazardFilter::default(), false).await {
        Ok(l) => Ok(l.items),
        Err(e) if offline(&e) => {
            let kept: std::collections::BTreeMap<String, HazardDetail> =
                get("hazards").await.ok_or(e)?;
            let mut v: Vec<HazardSummary> = kept.into_values().map(|h| h.summary).collect();
            v.sort_by_key(|h| h.deadline);
            Ok(v)
        }
        Err(e) => Err(e),
    }
}

/// Runs `f` whenever the outbox changes or the network comes and goes, while the screen is open.
pub fn on_change(f: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        let f = std::rc::Rc::new(f);
        let handles = ["xiaoan-outbox", "online", "offline"].map(|name| {
            let f = f.clone();
            window_event_listener_untyped(name, move |_| f())
        });
        on_cleanup(move || {
            for h in handles {
                h.remove();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}
