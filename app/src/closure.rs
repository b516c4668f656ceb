//! The closed loop on screen: the principal's hazards and the hazard page (what was found, the
//! plan, the rectification with before | after photos and a signature), the office's closure
//! queue, the ledger, a hazard reported on its own, and the notification inbox.

use crate::api::{self, HazardPage};
use crate::domain::Role;
use crate::domain::checklist::Area;
use crate::domain::hazard::{HazardDetail, HazardFilter, HazardLevel, HazardStatus, HazardSummary};
use crate::domain::notification::NoticeKind;
use crate::domain::report::{Group, Stage};
use crate::domain::time::{date_time, long_date, short_date};
use crate::domain::workflow::Action;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::inspect::{level_label, status_label};
use crate::photo::{PhotoPicker, Previews, display_url, thumb_url};
use crate::planning::area_label;
use crate::ui::{Empty, ErrorBox, Page, error_in_address, t, use_me};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

fn status_class(s: HazardStatus) -> &'static str {
    match s {
        HazardStatus::Reported => "status reported",
        HazardStatus::Rectifying => "status rectifying",
        HazardStatus::Submitted => "status submitted",
        HazardStatus::Closed => "status closed",
        HazardStatus::Voided => "status voided",
    }
}

/// "逾期 3 天" — louder than anything else on a card.
fn overdue_text(days: i64) -> String {
    t(Msg::OverdueDays).replace("{n}", &days.to_string())
}

#[component]
pub fn HazardCard(h: HazardSummary) -> impl IntoView {
    view! {
        <li class="item hazard-card" class:overdue=h.overdue_days.is_some()>
            <a class="item-link" href=format!("/hazards/{}", h.id)>
                {h.overdue_days.map(|d| view! { <p class="overdue-flag">{overdue_text(d)}</p> })}
                <div class="item-head">
                    <strong>{h.title.clone()}</strong>
                    {(h.level == HazardLevel::Major).then(|| view! { <span class="badge major">{t(Msg::LevelMajor)}</span> })}
                    <span class=status_class(h.status)>{t(status_label(h.status))}</span>
                </div>
                <p class="muted">{h.school_name.clone()}" · "{t(Msg::Deadline)}" "{short_date(h.deadline)}</p>
            </a>
        </li>
    }
}

/// The principal's open hazards, overdue first, then by deadline.
#[component]
pub fn SchoolHazards() -> impl IntoView {
    let list = Resource::new(|| (), |_| crate::local::sendable(crate::local::school_hazards()));
    view! {
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) => {
                        let open: Vec<_> = l.into_iter().filter(|h| h.status.is_open()).collect();
                        if open.is_empty() {
                            view! { <Empty text=Msg::EmptySchoolHazards/> }.into_any()
                        } else {
                            view! { <ul class="list">{open.into_iter().map(|h| view! { <HazardCard h/> }).collect_view()}</ul> }.into_any()
                        }
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn HazardView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let page = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| crate::local::sendable(crate::local::hazard_page(id)),
    );
    crate::local::prefer_pending_copy(
        format!("hazard:{}", params.with_untracked(|p| p.get("id").unwrap_or_default())),
        reload,
    );
    view! {
        <Page title=Msg::HazardTitlePage>
            <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <HazardBody p reload/> }.into_any(),
                        Err(AppError::NotFound) => view! { <crate::pages::NotFound/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn HazardBody(p: HazardPage, reload: RwSignal<u32>) -> impl IntoView {
    crate::local::keep_hazard_page(&p);
    let page = p.clone();
    let typical = p.typical;
    let HazardPage { detail, event_id, today, .. } = p;
    let h = detail.summary.clone();
    let query = use_query_map();
    let action_error =
        move || error_in_address(query, "/fn/hazard_action").map(|e| view! { <ErrorBox error=e/> });
    let before = detail.before_photos.clone();
    let after = detail.after_photos.clone();
    let can = |a: Action| detail.actions.contains(&a);
    let base = FormBase { hazard_id: h.id.clone(), event_id: event_id.clone(), version: h.version };
    view! {
        {action_error}
        <section class="card hazard-head" class:overdue=h.overdue_days.is_some()>
            {h.overdue_days.map(|d| view! { <p class="overdue-flag">{overdue_text(d)}</p> })}
            <div class="item-head">
                <h2>{h.title.clone()}</h2>
                {(h.level == HazardLevel::Major).then(|| view! { <span class="badge major">{t(Msg::LevelMajor)}</span> })}
                <span class=status_class(h.status)>{t(status_label(h.status))}</span>
            </div>
            <dl class="facts">
                <dt>{t(Msg::School)}</dt><dd>{h.school_name.clone()}</dd>
                <dt>{t(Msg::Deadline)}</dt><dd>{long_date(h.deadline)}</dd>
                <dt>{t(Msg::FoundOn)}</dt><dd>{long_date(h.found_on)}</dd>
                <dt>{t(Msg::FoundBy)}</dt><dd>{h.reporter_name.clone()}</dd>
                {h.area.map(|a| view! { <dt>{t(Msg::Area)}</dt><dd>{t(area_label(a))}</dd> })}
            </dl>
        </section>
        {detail.return_reason.clone().filter(|_| h.status == HazardStatus::Rectifying).map(|r| view! {
            <p class="notice error" role="alert">{t(Msg::ReturnedBecause)}{r}</p>
        })}
        <section class="card">
            <h2>{t(Msg::WhatWasFound)}</h2>
            {detail.item.clone().map(|i| view! {
                <p><strong>{i.title}</strong></p>
                <p class="standard"><strong>{t(Msg::Standard)}"："</strong>{i.standard}</p>
            })}
            {(!h.description.is_empty()).then(|| view! { <p>{h.description.clone()}</p> })}
            <div class="big-photos">
                {before.iter().map(|p| view! { <a href=display_url(p) target="_blank"><img src=display_url(p) alt=t(Msg::BeforePhoto)/></a> }).collect_view()}
            </div>
            {(h.status.is_open() && use_me().role == Role::Principal).then(|| view! { <p class="hint">{t(Msg::WhatIsAsked)}</p> })}
        </section>
        {detail.plan.clone().map(|p| view! {
            <section class="card">
                <h2>{t(Msg::RectPlan)}</h2>
                <dl class="facts">
                    <dt>{t(Msg::Responsible)}</dt><dd>{p.responsible}</dd>
                    <dt>{t(Msg::Measures)}</dt><dd>{p.measures}</dd>
                    <dt>{t(Msg::Funds)}</dt><dd>{format!("{:.2}", p.funds_yuan)}</dd>
                    <dt>{t(Msg::PlanDeadline)}</dt><dd>{long_date(p.deadline)}</dd>
                    <dt>{t(Msg::Contingency)}</dt><dd>{p.contingency}</dd>
                </dl>
            </section>
        })}
        {(!after.is_empty()).then(|| view! {
            <section class="card">
                <h2>{t(Msg::Rectification)}</h2>
                <BeforeAfter before=before.clone() after=after.clone()/>
                {detail.submit_note.clone().map(|n| view! { <p>{n}</p> })}
                {detail.signature.clone().map(|s| view! {
                    <p class="muted small">{t(Msg::Signature)}</p>
                    <img class="signature" src=format!("/api/v1/photos/{s}/original") alt=t(Msg::Signature)/>
                })}
            </section>
        })}
        {can(Action::Plan).then(|| view! { <PlanForm base=base.clone() today page=page.clone() reload/> })}
        {can(Action::Submit).then(|| view! {
            <SubmitForm base=base.clone() school_id=h.school_id before=before.first().cloned() reload page=page.clone()/>
        })}
        {can(Action::Approve).then(|| view! { <ReviewForms base=base.clone() back=format!("/hazards/{}", h.id)/> })}
        {can(Action::Extend).then(|| view! { <ExtendForm base=base.clone() today/> })}
        {can(Action::Void).then(|| view! { <VoidForm base=base.clone()/> })}
        {matches!(use_me().role, Role::Office | Role::Admin).then(|| view! { <crate::registers::TypicalToggle hazard_id=h.id.clone() typical/> })}
        <section class="card">
            <h2>{t(Msg::Timeline)}</h2>
            <ol class="timeline">
                {detail.events.iter().map(|e| view! {
                    <li>
                        <p><strong>{event_label(&e.action)}</strong>" · "{e.actor_name.clone()}<span class="muted">" · "{date_time(e.at)}</span></p>
                        {(!e.text.is_empty()).then(|| view! { <p class="muted">{e.text.clone()}</p> })}
                        {e.deadline.map(|d| view! { <p class="muted small">{t(Msg::Deadline)}" "{long_date(d)}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

fn event_label(action: &str) -> &'static str {
    t(match action {
        "report" => Msg::EvReport,
        "plan" => Msg::EvPlan,
        "submit" => Msg::EvSubmit,
        "approve" => Msg::EvApprove,
        "return" => Msg::EvReturn,
        "extend" => Msg::EvExtend,
        _ => Msg::EvVoid,
    })
}

#[component]
fn BeforeAfter(before: Vec<String>, after: Vec<String>) -> impl IntoView {
    view! {
        <div class="before-after">
            <figure>
                <figcaption>{t(Msg::Before)}</figcaption>
                {before.first().map(|p| view! { <a href=display_url(p) target="_blank"><img src=display_url(p) alt=t(Msg::Before)/></a> })}
            </figure>
            <figure>
                <figcaption>{t(Msg::After)}</figcaption>
                {after.first().map(|p| view! { <a href=display_url(p) target="_blank"><img src=display_url(p) alt=t(Msg::After)/></a> })}
            </figure>
        </div>
        {(after.len() > 1).then(|| view! {
            <div class="record-thumbs">{after.iter().skip(1).map(|p| view! { <img src=thumb_url(p) alt=t(Msg::After)/> }).collect_view()}</div>
        })}
    }
}

/// What every action form carries: the hazard, the action's id, the version it was decided on.
#[derive(Clone)]
struct FormBase {
    hazard_id: String,
    event_id: String,
    version: i32,
}

#[component]
fn Hidden(base: FormBase, action: Action, #[prop(optional)] back: Option<String>) -> impl IntoView {
    view! {
        <input type="hidden" name="form[hazard_id]" value=base.hazard_id/>
        <input type="hidden" name="form[event_id]" value=base.event_id/>
        <input type="hidden" name="form[expected_version]" value=base.version/>
        <input type="hidden" name="form[action]" value=action.as_str()/>
        {back.map(|b| view! { <input type="hidden" name="form[back]" value=b/> })}
    }
}

/// 五落实, as a plain form; with the offline layer it is kept on the phone and queued instead.
#[component]
fn PlanForm(
    base: FormBase,
    today: chrono::NaiveDate,
    page: HazardPage,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let page = StoredValue::new(page);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if !crate::local::available() {
                return;
            }
            let Some(form) =
                ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
            ev.prevent_default();
            let field = |k: &str| data.get(&format!("form[{k}]")).as_string().unwrap_or_default();
            let p = page.get_value();
            let plan = crate::domain::hazard::PlanFields {
                responsible: field("responsible"),
                measures: field("measures"),
                funds_yuan: field("funds_yuan").trim().parse().unwrap_or(f64::NAN),
                deadline: field("deadline").parse().unwrap_or(p.today),
                contingency: field("contingency"),
            };
            let event = crate::domain::hazard::EventInput {
                event_id: uuid::Uuid::parse_str(&p.event_id)
                    .unwrap_or_else(|_| uuid::Uuid::now_v7()),
                action: Action::Plan,
                expected_version: p.detail.summary.version,
                note: String::new(),
                reason: String::new(),
                photos: Vec::new(),
                signature: None,
                plan: Some(plan),
                deadline: None,
            };
            let label = format!("{} · {}", p.detail.summary.title, t(Msg::EvPlan));
            leptos::task::spawn_local(async move {
                crate::local::hazard_action(&p, event, HazardStatus::Rectifying, label).await;
                reload.update(|n| *n += 1);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, page, reload);
    };
    view! {
        <details class="card" open>
            <summary>{t(Msg::RecordPlan)}</summary>
            <form method="post" action="/fn/hazard_action" class="stack" on:submit=on_submit>
                <Hidden base action=Action::Plan/>
                <label><span>{t(Msg::Responsible)}</span><input name="form[responsible]" required/></label>
                <label><span>{t(Msg::Measures)}</span><textarea name="form[measures]" rows="3" required></textarea></label>
                <div class="row">
                    <label><span>{t(Msg::Funds)}</span><input name="form[funds_yuan]" inputmode="decimal" required value="0"/></label>
                    <label><span>{t(Msg::PlanDeadline)}</span><input type="date" name="form[deadline]" required min=today.to_string()/></label>
                </div>
                <label><span>{t(Msg::Contingency)}</span><textarea name="form[contingency]" rows="2" required></textarea></label>
                <button type="submit" class="button primary">{t(Msg::SavePlan)}</button>
            </form>
        </details>
    }
}

/// The rectification: after-photos (the before-photo over the camera), a note, a signature.
#[component]
fn SubmitForm(
    base: FormBase,
    school_id: i64,
    before: Option<String>,
    reload: RwSignal<u32>,
    page: HazardPage,
) -> impl IntoView {
    let dest = crate::photo::Dest { school_id, group: format!("hazard:{}", base.hazard_id) };
    let dest_sv = StoredValue::new(dest.clone());
    let page = StoredValue::new(page);
    let photos = RwSignal::new(Vec::<String>::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let unsigned = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let previews = Previews::new();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let lang = use_lang();
    let base = StoredValue::new(base);
    let send = move |_| {
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        error.set(None);
        unsigned.set(false);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let b = base.get_value();
            let signature = match canvas.get_untracked() {
                Some(c) => crate::photo::client::store_signature(&c, &dest_sv.get_value()).await,
                None => None,
            };
            unsigned.set(signature.is_none());
            let event = crate::domain::hazard::EventInput {
                event_id: uuid::Uuid::parse_str(&b.event_id)
                    .unwrap_or_else(|_| uuid::Uuid::now_v7()),
                action: Action::Submit,
                expected_version: b.version,
                note: note.get_untracked(),
                reason: String::new(),
                photos: photos.get_untracked(),
                signature,
                plan: None,
                deadline: None,
            };
            // Checked here too, so nothing incomplete goes into the outbox.
            let missing = if event.photos.is_empty() {
                Some(crate::domain::workflow::Refusal::AfterPhotoMissing)
            } else if event.note.trim().is_empty() {
                Some(crate::domain::workflow::Refusal::NoteMissing)
            } else if event.signature.is_none() {
                Some(crate::domain::workflow::Refusal::SignatureMissing)
            } else {
                None
            };
            if let Some(r) = missing {
                error.set(Some(AppError::Refused(r)));
            } else if crate::local::available() {
                let p = page.get_value();
                let label = format!("{} · {}", p.detail.summary.title, t(Msg::EvSubmit));
                crate::local::hazard_action(&p, event, HazardStatus::Submitted, label).await;
                reload.update(|n| *n += 1);
            } else {
                match api::submit_rectification(b.hazard_id.clone(), event).await {
                    Ok(_) => reload.update(|n| *n += 1),
                    Err(e) => error.set(Some(e)),
                }
            }
            sending.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (photos, reload, base, dest_sv, page);
    };
    let (on_added, on_removed) = crate::photo::keep_in(photos);
    view! {
        <section class="card stack submit-rect">
            <h2>{t(Msg::SubmitRectification)}</h2>
            {before.clone().map(|b| view! {
                <figure class="before-ref">
                    <img src=display_url(&b) alt=t(Msg::Before)/>
                    <figcaption>{t(Msg::SameSpotHint)}</figcaption>
                </figure>
            })}
            <PhotoPicker photos=Signal::derive(move || photos.get()) on_added on_removed dest previews
                required=true overlay=before.map(|b| display_url(&b)).unwrap_or_default()/>
            <label><span>{t(Msg::RectNote)}</span>
                <textarea rows="3" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea></label>
            <crate::photo::SignaturePad canvas/>
            {move || unsigned.get().then(|| view! { <p class="hint warn">{t(Msg::RefusedSignatureMissing)}</p> })}
            {move || error.get().map(|e| view! { <p class="notice error" role="alert">{e.message(lang)}</p> })}
            <button type="button" class="button primary wide" on:click=send disabled=move || sending.get()>
                {move || t(if sending.get() { Msg::Submitting } else { Msg::SubmitRectification })}
            </button>
        </section>
    }
}

const RETURN_REASONS: [Msg; 3] =
    [Msg::ReasonPhotoUnclear, Msg::ReasonNotDone, Msg::ReasonWrongSpot];

/// Approve or return, two taps each: open, confirm (or pick a reason). Plain forms.
#[component]
fn ReviewForms(base: FormBase, back: String) -> impl IntoView {
    let b2 = base.clone();
    let back2 = back.clone();
    view! {
        <div class="review">
            <details class="approve">
                <summary class="button primary">{t(Msg::Approve)}</summary>
                <form method="post" action="/fn/hazard_action" class="stack">
                    <Hidden base action=Action::Approve back=back/>
                    <label><span>{t(Msg::Note)}</span><input name="form[note]" value=t(Msg::ApproveNoteDefault)/></label>
                    <button type="submit" class="button primary">{t(Msg::ConfirmApprove)}</button>
                </form>
            </details>
            <details class="return">
                <summary class="button danger">{t(Msg::Return)}</summary>
                <form method="post" action="/fn/hazard_action" class="stack">
                    <Hidden base=b2 action=Action::Return back=back2/>
                    {RETURN_REASONS.into_iter().map(|m| view! {
                        <button type="submit" name="form[reason]" value=t(m) class="button secondary">{t(m)}</button>
                    }).collect_view()}
                </form>
            </details>
        </div>
    }
}

#[component]
fn ExtendForm(base: FormBase, today: chrono::NaiveDate) -> impl IntoView {
    view! {
        <details class="card">
            <summary>{t(Msg::Extend)}</summary>
            <form method="post" action="/fn/hazard_action" class="stack">
                <Hidden base action=Action::Extend/>
                <label><span>{t(Msg::NewDeadline)}</span><input type="date" name="form[deadline]" required min=today.to_string()/></label>
                <label><span>{t(Msg::Reason)}</span><input name="form[reason]" required/></label>
                <button type="submit" class="button secondary">{t(Msg::Extend)}</button>
            </form>
        </details>
    }
}

#[component]
fn VoidForm(base: FormBase) -> impl IntoView {
    view! {
        <details class="card">
            <summary>{t(Msg::Void)}</summary>
            <form method="post" action="/fn/hazard_action" class="stack">
                <Hidden base action=Action::Void/>
                <label><span>{t(Msg::Reason)}</span><input name="form[reason]" required placeholder=t(Msg::VoidHint)/></label>
                <button type="submit" class="button danger">{t(Msg::Void)}</button>
            </form>
        </details>
    }
}

fn filter_from_query(q: &leptos_router::params::ParamsMap) -> HazardFilter {
    let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
    HazardFilter {
        status: get("status").and_then(|v| HazardStatus::parse(&v)),
        school: get("school").and_then(|v| v.parse().ok()),
        area: get("area").and_then(|v| Area::parse(&v)),
        level: get("level").and_then(|v| HazardLevel::parse(&v)),
        overdue: get("overdue").map(|v| v == "true" || v == "on"),
        from: get("from").and_then(|v| v.parse().ok()),
        to: get("to").and_then(|v| v.parse().ok()),
        reporter: get("reporter").and_then(|v| v.parse().ok()),
        stage: get("stage").and_then(|v| Stage::parse(&v)),
        group: get("group").and_then(|v| Group::parse(&v)),
        page: get("page").and_then(|v| v.parse().ok()),
    }
}

/// The closure queue: submitted hazards, oldest first, before | after, approve or return.
#[component]
pub fn QueuePage() -> impl IntoView {
    view! {
        <Page title=Msg::ClosureQueue allow=&[Role::Office, Role::Inspector]>
            <QueueContent/>
        </Page>
    }
}

#[component]
fn QueueContent() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let mine_only = me.role == Role::Inspector;
    let me_id = me.id;
    let filter = move || {
        let mut f = query.with(filter_from_query);
        if mine_only {
            f.reporter = Some(me_id);
        }
        f
    };
    let queue = Resource::new(filter, api::load_queue);
    let action_error =
        move || error_in_address(query, "/fn/hazard_action").map(|e| view! { <ErrorBox error=e/> });
    #[cfg(feature = "hydrate")]
    keyboard_shortcuts();
    view! {
        {action_error}
        <FilterBar queue=true/>
        <p class="hint desktop-only">{t(Msg::QueueKeys)}</p>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(q) if q.items.is_empty() => view! { <Empty text=Msg::EmptyClosureQueue/> }.into_any(),
                    Ok(q) => view! {
                        <p class="muted">{t(Msg::Waiting)}" "{q.total}</p>
                        <ul class="list queue">
                            {q.items.into_iter().map(|(d, ev)| view! { <QueueItem d event_id=ev/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueItem(d: HazardDetail, event_id: String) -> impl IntoView {
    let h = d.summary;
    let base = FormBase { hazard_id: h.id.clone(), event_id, version: h.version };
    view! {
        <li class="item queue-item" tabindex="0">
            <a class="item-link" href=format!("/hazards/{}", h.id)>
                {h.overdue_days.map(|d| view! { <p class="overdue-flag">{overdue_text(d)}</p> })}
                <div class="item-head">
                    <strong>{h.title.clone()}</strong>
                    {(h.level == HazardLevel::Major).then(|| view! { <span class="badge major">{t(Msg::LevelMajor)}</span> })}
                </div>
                <p class="muted">{h.school_name.clone()}" · "{h.reporter_name.clone()}</p>
            </a>
            <BeforeAfter before=d.before_photos after=d.after_photos/>
            {d.submit_note.map(|n| view! { <p>{n}</p> })}
            <ReviewForms base back="/queue".to_owned()/>
        </li>
    }
}

/// j / k move between queue items, a opens approve, r opens return (desktop).
#[cfg(feature = "hydrate")]
fn keyboard_shortcuts() {
    use wasm_bindgen::JsCast;
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let doc = document();
        let items = doc.query_selector_all(".queue-item").ok();
        let Some(items) = items else { return };
        let active = doc.active_element();
        let current = (0..items.length()).find(|i| {
            items
                .get(*i)
                .zip(active.as_ref())
                .is_some_and(|(n, a)| n.is_same_node(Some(a)) || n.contains(Some(a)))
        });
        let focus = |i: u32| {
            if let Some(el) = items.get(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = el.focus();
            }
        };
        let open = |sel: &str| {
            if let Some(i) = current
                && let Some(el) = items.get(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                && let Ok(Some(d)) = el.query_selector(sel)
            {
                let _ = d.set_attribute("open", "");
            }
        };
        match ev.key().as_str() {
            "j" => focus(current.map_or(0, |i| (i + 1).min(items.length().saturating_sub(1)))),
            "k" => focus(current.map_or(0, |i| i.saturating_sub(1))),
            "a" => open("details.approve"),
            "r" => open("details.return"),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// Filters as a GET form, so a filtered list has an address and works before hydration.
#[component]
fn FilterBar(queue: bool) -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &'static str| query.with(|q| q.get(k).unwrap_or_default());
    let schools = Resource::new(|| (), |_| api::list_schools(String::new()));
    let is_principal = use_me().role == Role::Principal;
    view! {
        <details class="card filters" open=move || query.with(|q| ["status", "school", "level", "area", "overdue", "from", "to"].iter().any(|k| q.get(k).is_some_and(|v| !v.is_empty())))>
            <summary>{t(Msg::Filters)}</summary>
            <Form method="GET" action="" attr:class="stack">
                {(!queue).then(|| view! {
                    <label><span>{t(Msg::Status)}</span>
                        <select name="status">
                            <option value="">{t(Msg::All)}</option>
                            {HazardStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str() selected=move || q("status") == s.as_str()>{t(status_label(s))}</option> }).collect_view()}
                        </select></label>
                })}
                {(!is_principal).then(|| view! {
                    <label><span>{t(Msg::School)}</span>
                        <select name="school">
                            <option value="">{t(Msg::All)}</option>
                            <Suspense>
                                {move || Suspend::new(async move {
                                    schools.await.unwrap_or_default().into_iter().map(|s| {
                                        let v = s.id.to_string();
                                        let sel = q("school") == v;
                                        view! { <option value=v selected=sel>{s.name}</option> }
                                    }).collect_view()
                                })}
                            </Suspense>
                        </select></label>
                })}
                <div class="row">
                    <label><span>{t(Msg::Level)}</span>
                        <select name="level">
                            <option value="">{t(Msg::All)}</option>
                            {HazardLevel::ALL.into_iter().map(|l| view! { <option value=l.as_str() selected=move || q("level") == l.as_str()>{t(level_label(l))}</option> }).collect_view()}
                        </select></label>
                    <label><span>{t(Msg::Area)}</span>
                        <select name="area">
                            <option value="">{t(Msg::All)}</option>
                            {Area::ALL.into_iter().map(|a| view! { <option value=a.as_str() selected=move || q("area") == a.as_str()>{t(area_label(a))}</option> }).collect_view()}
                        </select></label>
                </div>
                {(!queue).then(|| view! {
                    <div class="row">
                        <label><span>{t(Msg::From)}</span><input type="date" name="from" value=move || q("from")/></label>
                        <label><span>{t(Msg::To)}</span><input type="date" name="to" value=move || q("to")/></label>
                    </div>
                })}
                <label class="check"><input type="checkbox" name="overdue" value="true" checked=move || q("overdue") == "true"/><span>{t(Msg::OnlyOverdue)}</span></label>
                <button type="submit" class="button secondary">{t(Msg::ApplyFilters)}</button>
            </Form>
        </details>
    }
}

/// 隐患台账: every hazard in scope, filtered, with counts per status and an xlsx export.
#[component]
pub fn LedgerPage() -> impl IntoView {
    view! {
        <Page title=Msg::Ledger allow=&[Role::Office, Role::Inspector, Role::Principal, Role::Admin]>
            <LedgerContent/>
        </Page>
    }
}

#[component]
fn LedgerContent() -> impl IntoView {
    let query = use_query_map();
    let filter = move || query.with(filter_from_query);
    let list = Resource::new(filter, |f| api::list_hazards(f, false));
    let export = move || {
        let qs = query.with(|q| q.to_query_string());
        format!("/api/v1/hazards.xlsx{qs}")
    };
    let page_link = move |delta: i64| {
        let page =
            query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0)) + delta;
        let mut q = query.get();
        q.replace("page", page.max(0).to_string());
        q.to_query_string()
    };
    view! {
        <FilterBar queue=false/>
        <a class="button secondary" href=export rel="external" download>{t(Msg::ExportXlsx)}</a>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) => {
                        let page = query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0));
                        let more = (page + 1) * 50 < l.total;
                        view! {
                            <div class="counts">
                                {l.counts.iter().map(|c| view! {
                                    <a class=format!("count {}", status_class(c.status)) href=format!("?status={}", c.status.as_str())>
                                        <strong>{c.count}</strong><span>{t(status_label(c.status))}</span>
                                    </a>
                                }).collect_view()}
                                <a class="count overdue" href="?overdue=true"><strong>{l.overdue}</strong><span>{t(Msg::Overdue)}</span></a>
                            </div>
                            {l.items.is_empty().then(|| view! { <Empty text=Msg::EmptyLedger/> })}
                            <ul class="list">{l.items.into_iter().map(|h| view! { <HazardCard h/> }).collect_view()}</ul>
                            <div class="row pager">
                                {(page > 0).then(|| view! { <a class="button secondary" href=page_link(-1)>{t(Msg::Previous)}</a> })}
                                {more.then(|| view! { <a class="button secondary" href=page_link(1)>{t(Msg::Next)}</a> })}
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A hazard reported on its own, outside an inspection.
#[component]
pub fn NewHazardPage() -> impl IntoView {
    view! {
        <Page title=Msg::ReportHazard allow=&[Role::Office, Role::Inspector, Role::Principal]>
            <NewHazardContent/>
        </Page>
    }
}

#[component]
fn NewHazardContent() -> impl IntoView {
    let schools = Resource::new(|| (), |_| api::list_schools(String::new()));
    let school = RwSignal::new(0i64);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let level = RwSignal::new(HazardLevel::General);
    let area = RwSignal::new(None::<Area>);
    let photos = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<AppError>);
    let previews = Previews::new();
    let lang = use_lang();
    let (on_added, on_removed) = crate::photo::keep_in(photos);
    let id = StoredValue::new(String::new());
    let send = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if id.get_value().is_empty() {
                id.set_value(uuid::Uuid::now_v7().to_string());
            }
            let report = crate::domain::hazard::ReportInput {
                school_id: school.get_untracked(),
                title: title.get_untracked(),
                description: description.get_untracked(),
                level: level.get_untracked(),
                deadline: None,
                area: area.get_untracked(),
                photos: photos.get_untracked(),
            };
            leptos::task::spawn_local(async move {
                // The photos go first (the report names them), then the report itself.
                if crate::local::available() {
                    let _ = crate::local::js::sync_now().await;
                }
                match api::report_hazard(id.get_value(), report).await {
                    Ok(h) => {
                        let nav = leptos_router::hooks::use_navigate();
                        nav(&format!("/hazards/{}", h.summary.id), Default::default());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    };
    view! {
        <section class="card stack">
            <label><span>{t(Msg::School)}</span>
                <select on:change=move |ev| school.set(event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="0">"—"</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            schools.await.unwrap_or_default().into_iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()
                        })}
                    </Suspense>
                </select></label>
            <label><span>{t(Msg::HazardTitle)}</span><input on:change=move |ev| title.set(event_target_value(&ev))/></label>
            <div class="row">
                <label><span>{t(Msg::Level)}</span>
                    <select on:change=move |ev| level.set(HazardLevel::parse(&event_target_value(&ev)).unwrap_or_default())>
                        {HazardLevel::ALL.into_iter().map(|l| view! { <option value=l.as_str()>{t(level_label(l))}</option> }).collect_view()}
                    </select></label>
                <label><span>{t(Msg::Area)}</span>
                    <select on:change=move |ev| area.set(Area::parse(&event_target_value(&ev)))>
                        <option value="">"—"</option>
                        {Area::ALL.into_iter().map(|a| view! { <option value=a.as_str()>{t(area_label(a))}</option> }).collect_view()}
                    </select></label>
            </div>
            <label><span>{t(Msg::HazardDescription)}</span><textarea rows="3" on:change=move |ev| description.set(event_target_value(&ev))></textarea></label>
            {move || (school.get() > 0).then(|| view! {
                <PhotoPicker photos=Signal::derive(move || photos.get()) on_added on_removed previews
                    dest=crate::photo::Dest { school_id: school.get(), group: "report".into() }/>
            })}
            {move || error.get().map(|e| view! { <p class="notice error" role="alert">{e.message(lang)}</p> })}
            <button type="button" class="button primary wide" on:click=send>{t(Msg::ReportHazard)}</button>
        </section>
    }
}

/// The inbox: what happened to the hazards the user is responsible for.
#[component]
pub fn InboxPage() -> impl IntoView {
    view! {
        <Page title=Msg::Inbox>
            <InboxContent/>
        </Page>
    }
}

#[component]
fn InboxContent() -> impl IntoView {
    let read = ServerAction::<api::MarkAllRead>::new();
    let inbox = Resource::new(move || read.version().get(), |_| api::load_inbox());
    view! {
        <ActionForm action=read>
            <button type="submit" class="button secondary">{t(Msg::MarkAllRead)}</button>
        </ActionForm>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Ok(i) if i.items.is_empty() => view! { <Empty text=Msg::EmptyInbox/> }.into_any(),
                    Ok(i) => view! {
                        <ul class="list">
                            {i.items.into_iter().map(|n| view! {
                                <li class="item" class:unread=!n.read>
                                    <a class="item-link" href=n.hazard_id.as_ref().map_or_else(|| "/submissions".to_owned(), |h| format!("/hazards/{h}"))>
                                        <strong>{t(notice_label(n.kind))}</strong>
                                        <p>{n.hazard_title.clone().unwrap_or_default()}</p>
                                        <p class="muted small">{n.school_name.clone().unwrap_or_default()}" · "{date_time(n.at)}</p>
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn notice_label(k: NoticeKind) -> Msg {
    match k {
        NoticeKind::HazardReported => Msg::NoticeReported,
        NoticeKind::HazardPlanned => Msg::NoticePlanned,
        NoticeKind::HazardSubmitted => Msg::NoticeSubmitted,
        NoticeKind::HazardClosed => Msg::NoticeClosed,
        NoticeKind::HazardReturned => Msg::NoticeReturned,
        NoticeKind::HazardExtended => Msg::NoticeExtended,
        NoticeKind::HazardVoided => Msg::NoticeVoided,
        NoticeKind::DueSoon => Msg::NoticeDueSoon,
        NoticeKind::Overdue => Msg::NoticeOverdue,
        NoticeKind::SubmissionReminder => Msg::NoticeSubmissionReminder,
    }
}
