//! Inspections on the phone: pick a school and start, walk the checklist item by item (pass /
//! fail / not applicable, notes, photos, a hazard drafted from each failure), submit, and read or
//! print the record.

use crate::api::{self, InspectionPage, StartTarget};
use crate::domain::Role;
use crate::domain::checklist::{ChecklistItem, ChecklistSection};
use crate::domain::hazard::{HazardLevel, HazardStatus};
use crate::domain::inspection::{
    self as rules, Answer, HazardDraft, Inspection, InspectionDraft, InspectionKind,
    InspectionStatus, InspectionSummary, ItemRule, Outcome, SubmitInspection,
};
use crate::domain::time::short_date;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::photo::{LocalImg, PhotoPicker, Previews, thumb_url};
use crate::ui::{Empty, ErrorBox, Page, school_type_label, t, use_me};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::collections::BTreeMap;

pub fn kind_label(k: InspectionKind) -> Msg {
    match k {
        InspectionKind::SelfCheck => Msg::KindSelfCheck,
        InspectionKind::Supervision => Msg::KindSupervision,
        InspectionKind::Unannounced => Msg::KindUnannounced,
    }
}

pub fn level_label(l: HazardLevel) -> Msg {
    match l {
        HazardLevel::General => Msg::LevelGeneral,
        HazardLevel::Major => Msg::LevelMajor,
    }
}

pub fn status_label(s: HazardStatus) -> Msg {
    match s {
        HazardStatus::Reported => Msg::StatusReported,
        HazardStatus::Rectifying => Msg::StatusRectifying,
        HazardStatus::Submitted => Msg::StatusSubmitted,
        HazardStatus::Closed => Msg::StatusClosed,
        HazardStatus::Voided => Msg::StatusVoided,
    }
}

fn outcome_label(o: Outcome) -> Msg {
    match o {
        Outcome::Pass => Msg::OutcomePass,
        Outcome::Fail => Msg::OutcomeFail,
        Outcome::NotApplicable => Msg::OutcomeNa,
    }
}

fn time_text(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(crate::domain::time::date_time).unwrap_or_else(|| "—".into())
}

/// Choose a school and the kind of inspection.
#[component]
pub fn StartPage() -> impl IntoView {
    view! {
        <Page title=Msg::StartInspection allow=&[Role::Inspector, Role::Office, Role::Principal]>
            <StartContent/>
        </Page>
    }
}

#[component]
fn StartContent() -> impl IntoView {
    let role = use_me().role;
    let query = use_query_map();
    let q = move || query.with(|q| q.get("q").unwrap_or_default());
    let targets = Resource::new(q, |q| crate::local::sendable(crate::local::start_targets(q)));
    let here = RwSignal::new(None::<(f64, f64)>);
    let locating = RwSignal::new(false);
    let find_me = move |_| {
        locating.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            here.set(crate::photo::client::locate(8000).await);
            locating.set(false);
        });
    };
    let kinds = InspectionKind::for_role(role);
    view! {
        {(role != Role::Principal).then(|| view! {
            <Form method="GET" action="" attr:class="searchbar">
                <input type="search" name="q" prop:value=q placeholder=t(Msg::SearchSchools) aria-label=t(Msg::Search)/>
                <button type="submit" class="button secondary">{t(Msg::Search)}</button>
            </Form>
            <button type="button" class="button secondary wide" on:click=find_me disabled=locating>
                {move || t(if here.get().is_some() { Msg::SortedByDistance } else { Msg::NearestFirst })}
            </button>
        })}
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || {
                let kinds = kinds.clone();
                Suspend::new(async move {
                    match targets.await {
                        Ok(list) if list.is_empty() => view! { <Empty text=Msg::EmptySchoolSearch/> }.into_any(),
                        Ok(list) => {
                            let kinds = kinds.clone();
                            view! {
                                <ul class="list">
                                    {move || sorted(list.clone(), here.get()).into_iter().map(|(target, km)| {
                                        view! { <StartItem target km kinds=kinds.clone()/> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Schools nearest first when the phone shared where it is, with the distance in km.
fn sorted(list: Vec<StartTarget>, here: Option<(f64, f64)>) -> Vec<(StartTarget, Option<f64>)> {
    let mut v: Vec<_> = list
        .into_iter()
        .map(|t| {
            let d = match (here, t.school.latitude, t.school.longitude) {
                (Some((la, lo)), Some(sla), Some(slo)) => {
                    Some(crate::domain::org::distance_km((la, lo), (sla, slo)))
                }
                _ => None,
            };
            (t, d)
        })
        .collect();
    if here.is_some() {
        v.sort_by(|a, b| a.1.unwrap_or(f64::MAX).total_cmp(&b.1.unwrap_or(f64::MAX)));
    }
    v
}

#[component]
fn StartItem(target: StartTarget, km: Option<f64>, kinds: Vec<InspectionKind>) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    // With the offline layer, the inspection starts on the phone (with or without a network) from
    // its copy of the schools and checklists; without it, the form goes to the server.
    let start = {
        let target = target.clone();
        move |ev: leptos::ev::MouseEvent, kind: InspectionKind| {
            if !crate::local::available() {
                return;
            }
            ev.prevent_default();
            let target = target.clone();
            let navigate = navigate.clone();
            let form = ev.target();
            leptos::task::spawn_local(async move {
                match crate::local::start_inspection(&target, kind).await {
                    Some(id) => navigate(&format!("/inspections/{id}"), Default::default()),
                    None => submit_form(form, kind),
                }
            });
        }
    };
    let s = target.school;
    view! {
        <li class="item">
            <div class="item-head">
                <strong>{s.name.clone()}</strong>
                <span class="badge" class:kg=s.school_type.is_kindergarten()>{t(school_type_label(s.school_type))}</span>
            </div>
            <p class="muted">{s.address.clone()}{km.map(|k| format!(" · {k:.1} km"))}</p>
            // A plain form: starting works before the page is interactive, and the id made with
            // the list keeps a double tap from starting two inspections.
            <form method="post" action="/fn/start_inspection" class="row start-kinds">
                <input type="hidden" name="id" value=target.draft_id.clone()/>
                <input type="hidden" name="school_id" value=s.id/>
                {kinds.iter().map(|k| {
                    let k = *k;
                    let start = start.clone();
                    view! {
                        <button type="submit" name="kind" value=k.as_str() on:click=move |ev| start(ev, k)
                            class=if k == InspectionKind::Unannounced { "button primary" } else { "button secondary" }>
                            {t(kind_label(k))}
                        </button>
                    }
                }).collect_view()}
            </form>
        </li>
    }
}

/// The phone has no copy to start from: send the form to the server after all.
#[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
fn submit_form(button: Option<leptos::web_sys::EventTarget>, kind: InspectionKind) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(b) = button.and_then(|b| b.dyn_into::<web_sys::HtmlButtonElement>().ok())
            && let Some(form) = b.form()
        {
            if let Ok(input) = document().create_element("input") {
                let _ = input.set_attribute("type", "hidden");
                let _ = input.set_attribute("name", "kind");
                let _ = input.set_attribute("value", kind.as_str());
                let _ = form.append_child(&input);
            }
            let _ = form.submit();
        }
    }
}

/// The inspections the user can see, newest first (for the home screen).
#[component]
pub fn InspectionList() -> impl IntoView {
    let list = Resource::new(|| (), |_| crate::local::sendable(crate::local::inspections()));
    view! {
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(v) if v.is_empty() => view! { <Empty text=Msg::EmptyInspections link=("/inspect", Msg::StartInspection)/> }.into_any(),
                    Ok(v) => view! {
                        <ul class="list">{v.into_iter().map(|(i, waiting)| view! { <InspectionRow i waiting/> }).collect_view()}</ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn InspectionRow(i: InspectionSummary, waiting: bool) -> impl IntoView {
    let draft = i.status == InspectionStatus::Draft;
    let when = i.submitted_at.or(i.started_at).unwrap_or(i.updated_at);
    view! {
        <li class="item">
            <a class="item-link" href=format!("/inspections/{}", i.id)>
                <div class="item-head">
                    <strong>{i.school_name.clone()}</strong>
                    <span class="badge" class:draft=draft>{t(if draft { Msg::Draft } else { Msg::Submitted })}</span>
                    {waiting.then(|| view! { <span class="badge waiting">{t(Msg::WaitingUpload)}</span> })}
                </div>
                <p class="muted">
                    {t(kind_label(i.kind))}" · "{short_date(crate::domain::time::china_date(when))}" · "{i.inspector_name.clone()}
                </p>
                <p class="muted">{t(Msg::Answered)}" "{i.answered}" · "{t(Msg::Failures)}" "{i.failed}</p>
            </a>
        </li>
    }
}

/// One inspection: the checklist walk while it is the user's draft, the record otherwise.
#[component]
pub fn InspectionView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let page = Resource::new(
        move || (id(), reload.get()),
        |(id, _)| crate::local::sendable(crate::local::inspection_page(id)),
    );
    crate::local::prefer_pending_copy(
        format!("inspection:{}", params.with_untracked(|p| p.get("id").unwrap_or_default())),
        reload,
    );
    view! {
        <Page title=Msg::InspectionTitle>
            <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) if p.editable => view! { <Walk page=p reload/> }.into_any(),
                        Ok(p) => view! { <Record page=p reload/> }.into_any(),
                        Err(AppError::NotFound) => view! { <crate::pages::NotFound/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    /// On the server.
    Saved,
    Saving,
    /// Kept on the phone, waiting in the outbox.
    OnPhone,
    Failed(AppError),
}

/// The checklist walk.
#[component]
fn Walk(page: InspectionPage, reload: RwSignal<u32>) -> impl IntoView {
    crate::local::keep_inspection_page(&page);
    let insp = page.inspection.clone();
    let id = insp.summary.id.to_string();
    let school_id = insp.summary.school_id;
    let school_type = page.school_type;
    let sections: Vec<ChecklistSection> = page
        .checklists
        .iter()
        .flat_map(|c| c.sections.iter().cloned())
        .map(|mut s| {
            s.items.retain(|i| i.applies_to.includes(school_type));
            s
        })
        .filter(|s| !s.items.is_empty())
        .collect();
    let rules_: Vec<ItemRule> = sections
        .iter()
        .flat_map(|s| s.items.iter())
        .map(|i| ItemRule { id: i.id, photo_required: i.photo_required })
        .collect();
    let order: Vec<i64> = rules_.iter().map(|r| r.id).collect();
    let answers = RwSignal::new(
        insp.answers.iter().map(|a| (a.item_id, a.clone())).collect::<BTreeMap<i64, Answer>>(),
    );
    let save_state = RwSignal::new(SaveState::Saved);
    let inflight = StoredValue::new(false);
    let again = StoredValue::new(false);
    let base = StoredValue::new(InspectionDraft {
        kind: insp.summary.kind,
        school_id,
        template_id: insp.template_id,
        extension_id: insp.extension_id,
        plan_id: insp.plan_id,
        started_at: insp.summary.started_at,
        note: insp.note.clone(),
        answers: Vec::new(),
    });
    let id_for_save = id.clone();
    let page_sv = StoredValue::new(page.clone());
    // Saves the whole draft; changes made while a save is on its way are saved right after it, so
    // the server always ends with the newest draft.
    let save_slot = StoredValue::new(None::<Callback<()>>);
    let save = Callback::new(move |()| {
        if inflight.get_value() {
            again.set_value(true);
            return;
        }
        inflight.set_value(true);
        let id = id_for_save.clone();
        leptos::task::spawn_local(async move {
            loop {
                again.set_value(false);
                save_state.set(SaveState::Saving);
                let mut draft = base.get_value();
                draft.answers = answers.get_untracked().into_values().collect();
                if crate::local::available() {
                    // Kept on the phone first; the outbox sends it when there is a network.
                    crate::local::save_inspection(&page_sv.get_value(), &draft).await;
                    save_state.set(SaveState::OnPhone);
                    if !again.get_value() {
                        break;
                    }
                    continue;
                }
                match api::save_inspection(id.clone(), draft).await {
                    Ok(_) => save_state.set(SaveState::Saved),
                    Err(e) => {
                        // No network (or a server restarting): keep trying while the page is open.
                        if matches!(e, AppError::Network | AppError::Unavailable)
                            && let Some(again) = save_slot.get_value()
                        {
                            set_timeout(move || again.run(()), std::time::Duration::from_secs(10));
                        }
                        save_state.set(SaveState::Failed(e));
                    }
                }
                if !again.get_value() {
                    break;
                }
            }
            inflight.set_value(false);
        });
    });
    save_slot.set_value(Some(save));
    // The outbox tells when the draft has reached the server.
    let group = format!("inspection:{id}");
    crate::local::on_change(move || {
        let group = group.clone();
        leptos::task::spawn_local(async move {
            if save_state.get_untracked() == SaveState::OnPhone
                && !crate::local::pending(&group).await
            {
                save_state.set(SaveState::Saved);
            }
        });
    });
    let rules_sv = StoredValue::new(rules_);
    let progress = Memo::new(move |_| {
        let list: Vec<Answer> = answers.with(|m| m.values().cloned().collect());
        rules_sv.with_value(|r| rules::progress(r, &list))
    });
    let next_unanswered = move || {
        answers
            .with(|m| order.iter().find(|id| !m.contains_key(id)).map(|id| format!("#item-{id}")))
    };
    let previews = Previews::new();
    let today = page.today;
    let problem = Memo::new(move |_| {
        let list: Vec<Answer> = answers.with(|m| m.values().cloned().collect());
        rules_sv.with_value(|r| rules::check_complete(r, &list, today).err())
    });
    let submit_error = RwSignal::new(None::<AppError>);
    let submitting = RwSignal::new(false);
    let id_for_submit = id.clone();
    let submit = move |_| {
        if submitting.get_untracked() {
            return;
        }
        submitting.set(true);
        submit_error.set(None);
        let id = id_for_submit.clone();
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            let here = crate::photo::client::locate(5000).await;
            #[cfg(not(feature = "hydrate"))]
            let here: Option<(f64, f64)> = None;
            let body = SubmitInspection {
                latitude: here.map(|h| h.0),
                longitude: here.map(|h| h.1),
                finished_at: None,
            };
            if crate::local::available() {
                let mut p = page_sv.get_value();
                p.inspection.answers = answers.get_untracked().into_values().collect();
                crate::local::submit_inspection(&p, &body).await;
                reload.update(|n| *n += 1);
            } else {
                match api::finish_inspection(id, body).await {
                    Ok(_) => reload.update(|n| *n += 1),
                    Err(e) => submit_error.set(Some(e)),
                }
            }
            submitting.set(false);
        });
    };
    let lang = use_lang();
    view! {
        <section class="walk-head card">
            <h2>{insp.summary.school_name.clone()}</h2>
            <p class="muted">{t(kind_label(insp.summary.kind))}" · "{t(school_type_label(school_type))}</p>
            {(insp.summary.kind == InspectionKind::Unannounced).then(|| view! {
                <p class="hint">{t(Msg::UnannouncedSealed)}</p>
            })}
        </section>
        <div class="progress-bar" role="status">
            <span class="progress-text">
                {move || { let p = progress.get(); format!("{} {}/{} · {} {}", t(Msg::Answered), p.answered, p.total, t(Msg::Failures), p.failed) }}
            </span>
            <span class="save-state">
                {move || match save_state.get() {
                    SaveState::Saved => t(Msg::SavedOnServer).to_owned(),
                    SaveState::Saving => t(Msg::Saving).to_owned(),
                    SaveState::OnPhone => t(Msg::SavedOnPhone).to_owned(),
                    SaveState::Failed(e) => e.message(lang),
                }}
            </span>
            {move || next_unanswered().map(|href| view! { <a class="jump" href=href>{t(Msg::NextUnanswered)}</a> })}
            <progress max=move || progress.get().total value=move || progress.get().answered></progress>
        </div>
        {sections.into_iter().map(|s| view! {
            <section class="check-section">
                <h2>{s.title.clone()}</h2>
                {s.items.into_iter().map(|item| view! {
                    <ItemCard item answers save school_id inspection_id=insp.summary.id previews deadlines=page.deadlines today/>
                }).collect_view()}
            </section>
        }).collect_view()}
        <section class="card submit-box">
            {move || problem.get().map(|p| view! { <p class="hint warn">{AppError::Rule(p).message(lang)}</p> })}
            {move || submit_error.get().map(|e| view! { <ErrorBox error=e/> })}
            <button type="button" class="button primary wide" on:click=submit
                disabled=move || problem.get().is_some() || submitting.get() || matches!(save_state.get(), SaveState::Saving | SaveState::Failed(_))>
                {move || t(if submitting.get() { Msg::Submitting } else { Msg::SubmitInspection })}
            </button>
        </section>
    }
}

#[component]
fn ItemCard(
    item: ChecklistItem,
    answers: RwSignal<BTreeMap<i64, Answer>>,
    save: Callback<()>,
    school_id: i64,
    inspection_id: uuid::Uuid,
    previews: Previews,
    deadlines: crate::domain::hazard::DeadlinePolicy,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let item_id = item.id;
    let item = StoredValue::new(item);
    let answer = move || answers.with(|m| m.get(&item_id).cloned());
    let outcome = move || answer().map(|a| a.outcome);
    let change = move |f: &dyn Fn(&mut Answer)| {
        answers.update(|m| {
            let a = m.entry(item_id).or_insert_with(|| Answer {
                item_id,
                outcome: Outcome::Pass,
                note: String::new(),
                photos: Vec::new(),
                hazard: None,
            });
            f(a);
        });
        save.run(());
    };
    let choose = move |o: Outcome| {
        change(&|a: &mut Answer| {
            a.outcome = o;
            if o == Outcome::Fail && a.hazard.is_none() {
                let it = item.get_value();
                a.hazard = Some(HazardDraft {
                    id: new_id(),
                    title: it.title.clone(),
                    description: String::new(),
                    level: it.level,
                    deadline: deadlines.deadline(it.level, today),
                });
            }
        })
    };
    let hazard =
        move || answer().and_then(|a| a.hazard).filter(|_| outcome() == Some(Outcome::Fail));
    let photos = Signal::derive(move || answer().map(|a| a.photos).unwrap_or_default());
    let on_added = Callback::new(move |sha: String| {
        change(&|a: &mut Answer| {
            if !a.photos.contains(&sha) {
                a.photos.push(sha.clone());
            }
        })
    });
    let on_removed =
        Callback::new(move |sha: String| change(&|a: &mut Answer| a.photos.retain(|p| *p != sha)));
    let set_hazard = move |f: &dyn Fn(&mut HazardDraft)| {
        change(&|a: &mut Answer| {
            if let Some(h) = a.hazard.as_mut() {
                f(h);
            }
        })
    };
    let it = item.get_value();
    let major = it.level == HazardLevel::Major;
    let photo_required = it.photo_required;
    let button = move |o: Outcome, class: &'static str| {
        view! {
            <button type="button" class=format!("outcome {class}") aria-pressed=move || (outcome() == Some(o)).to_string()
                on:click=move |_| choose(o)>{t(outcome_label(o))}</button>
        }
    };
    view! {
        <article class="check-item" id=format!("item-{item_id}")
            class:answered=move || outcome().is_some() class:failed=move || outcome() == Some(Outcome::Fail)>
            <header class="item-head">
                <span class="code">{it.code.clone()}</span>
                <h3>{it.title.clone()}</h3>
                {major.then(|| view! { <span class="badge major">{t(Msg::LevelMajor)}</span> })}
            </header>
            <p class="item-content">{it.content.clone()}</p>
            <p class="standard"><strong>{t(Msg::Standard)}"："</strong>{it.standard.clone()}</p>
            <div class="outcomes" role="group">
                {button(Outcome::Pass, "pass")}
                {button(Outcome::Fail, "fail")}
                {button(Outcome::NotApplicable, "na")}
            </div>
            {move || hazard().map(|h| view! {
                <div class="hazard-draft stack">
                    <p class="label">{t(Msg::HazardFound)}</p>
                    <label><span>{t(Msg::HazardTitle)}</span>
                        <input value=h.title.clone() on:change=move |ev| { let v = event_target_value(&ev); set_hazard(&|h: &mut HazardDraft| h.title = v.clone()) }/></label>
                    <div class="row">
                        <label><span>{t(Msg::Level)}</span>
                            <select on:change=move |ev| {
                                let level = HazardLevel::parse(&event_target_value(&ev)).unwrap_or_default();
                                set_hazard(&|h: &mut HazardDraft| { h.level = level; h.deadline = deadlines.deadline(level, today); })
                            }>
                                {HazardLevel::ALL.into_iter().map(|l| view! {
                                    <option value=l.as_str() selected=h.level == l>{t(level_label(l))}</option>
                                }).collect_view()}
                            </select></label>
                        <label><span>{t(Msg::Deadline)}</span>
                            <input type="date" value=h.deadline.to_string() min=today.to_string() on:change=move |ev| {
                                if let Ok(d) = event_target_value(&ev).parse() { set_hazard(&|h: &mut HazardDraft| h.deadline = d) }
                            }/></label>
                    </div>
                    <label><span>{t(Msg::HazardDescription)}</span>
                        <textarea rows="2" prop:value=h.description.clone() on:change=move |ev| { let v = event_target_value(&ev); set_hazard(&|h: &mut HazardDraft| h.description = v.clone()) }></textarea></label>
                    <PhotoPicker photos on_added on_removed previews required=photo_required
                        dest=crate::photo::Dest { school_id, group: format!("inspection:{inspection_id}") }/>
                </div>
            })}
            <details class="note">
                <summary>{t(Msg::Note)}{move || answer().filter(|a| !a.note.is_empty()).map(|_| " ✓")}</summary>
                <textarea rows="2" prop:value=move || answer().map(|a| a.note).unwrap_or_default()
                    on:change=move |ev| { let v = event_target_value(&ev); change(&|a: &mut Answer| a.note = v.clone()) }></textarea>
            </details>
        </article>
    }
}

fn new_id() -> uuid::Uuid {
    #[cfg(feature = "hydrate")]
    {
        uuid::Uuid::now_v7()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        uuid::Uuid::nil()
    }
}

/// The completed (or someone else's) inspection, readable and printable on A4.
#[component]
fn Record(page: InspectionPage, reload: RwSignal<u32>) -> impl IntoView {
    if page.queued {
        let group = format!("inspection:{}", page.inspection.summary.id);
        crate::local::on_change(move || {
            let group = group.clone();
            leptos::task::spawn_local(async move {
                if !crate::local::pending(&group).await {
                    reload.update(|n| *n += 1);
                }
            });
        });
    }
    let Inspection { summary, answers, hazards, latitude, longitude, .. } = page.inspection.clone();
    let by_item: BTreeMap<i64, Answer> = answers.into_iter().map(|a| (a.item_id, a)).collect();
    let count = |o: Outcome| by_item.values().filter(|a| a.outcome == o).count();
    let (pass, fail, na) =
        (count(Outcome::Pass), count(Outcome::Fail), count(Outcome::NotApplicable));
    let school_type = page.school_type;
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().print();
    };
    view! {
        <section class="card record-head">
            <h2>{t(Msg::InspectionRecord)}</h2>
            <dl class="facts">
                <dt>{t(Msg::School)}</dt><dd>{summary.school_name.clone()}</dd>
                <dt>{t(Msg::Kind)}</dt><dd>{t(kind_label(summary.kind))}</dd>
                <dt>{t(Msg::Inspector)}</dt><dd>{summary.inspector_name.clone()}</dd>
                <dt>{t(Msg::StartedAt)}</dt><dd>{time_text(summary.started_at)}</dd>
                <dt>{t(Msg::SubmittedAt)}</dt><dd>{time_text(summary.submitted_at)}</dd>
                <dt>{t(Msg::Location)}</dt><dd>{match (latitude, longitude) { (Some(a), Some(o)) => format!("{a:.5}, {o:.5}"), _ => "—".into() }}</dd>
                <dt>{t(Msg::Result)}</dt>
                <dd>{format!("{} {} · {} {} · {} {}", t(Msg::OutcomePass), pass, t(Msg::OutcomeFail), fail, t(Msg::OutcomeNa), na)}</dd>
            </dl>
            {if page.queued {
                Some(view! { <p class="notice ok" role="status">{t(Msg::QueuedForUpload)}</p> }.into_any())
            } else {
                (summary.status == InspectionStatus::Draft).then(|| view! { <p class="hint warn">{t(Msg::DraftNotSubmitted)}</p> }.into_any())
            }}
            <button type="button" class="button secondary no-print" on:click=print>{t(Msg::Print)}</button>
        </section>
        <section class="card">
            <h2>{t(Msg::HazardsRaised)}" ("{hazards.len()}")"</h2>
            {hazards.is_empty().then(|| view! { <p class="muted">{t(Msg::NoHazardsRaised)}</p> })}
            <ul class="list">
                {hazards.into_iter().map(|h| view! {
                    <li class="item hazard-row">
                        <div class="item-head">
                            <strong>{h.title.clone()}</strong>
                            <span class="badge" class:major=h.level == HazardLevel::Major>{t(level_label(h.level))}</span>
                            <span class="badge">{t(status_label(h.status))}</span>
                        </div>
                        <p class="muted">{t(Msg::Deadline)}" "{short_date(h.deadline)}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        {page.checklists.iter().flat_map(|c| c.sections.iter().cloned()).map(|s| {
            let rows: Vec<_> = s.items.iter().filter(|i| i.applies_to.includes(school_type)).cloned().collect();
            (!rows.is_empty()).then(|| view! {
                <section class="record-section">
                    <h3>{s.title.clone()}</h3>
                    <table class="record-table">
                        <tbody>
                            {rows.into_iter().map(|i| {
                                let a = by_item.get(&i.id).cloned();
                                let o = a.as_ref().map(|a| a.outcome);
                                view! {
                                    <tr class:fail=o == Some(Outcome::Fail)>
                                        <td class="code">{i.code.clone()}</td>
                                        <td>{i.title.clone()}
                                            {a.as_ref().filter(|a| !a.note.is_empty()).map(|a| view! { <div class="muted">{a.note.clone()}</div> })}
                                            <div class="record-thumbs">
                                                {a.as_ref().map(|a| a.photos.iter().map(|p| view! { <LocalImg sha=p.clone() src=thumb_url(p) alt=t(Msg::PhotoAlt)/> }).collect_view())}
                                            </div>
                                        </td>
                                        <td class="result">{o.map(|o| t(outcome_label(o))).unwrap_or("—")}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })
        }).collect_view()}
    }
}
