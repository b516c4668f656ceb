//! Planning screens: checklist templates (read, and edit a draft to publish as the next
//! version) and inspection plans (ranked suggestions, random draw). Every form here is a plain
//! form that works before the page is interactive.

use crate::api::{self, CancelPlan, CreatePlan, DeleteItem, PublishChecklist};
use crate::domain::Role;
use crate::domain::checklist::{AppliesTo, Area, Checklist, ChecklistItem, TemplateStatus};
use crate::domain::hazard::HazardLevel;
use crate::domain::inspection::InspectionKind;
use crate::i18n::Msg;
use crate::inspect::{kind_label, level_label};
use crate::ui::{Empty, ErrorBox, FormOutcome, Page, error_in_address, t, use_me};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn area_label(a: Area) -> Msg {
    match a {
        Area::Responsibility => Msg::AreaResponsibility,
        Area::KeyDomains => Msg::AreaKeyDomains,
        Area::FiveOnes => Msg::AreaFiveOnes,
        Area::Supervision => Msg::AreaSupervision,
        Area::Emergency => Msg::AreaEmergency,
    }
}

fn applies_label(a: AppliesTo) -> Msg {
    match a {
        AppliesTo::All => Msg::AppliesAll,
        AppliesTo::School => Msg::AppliesSchool,
        AppliesTo::Kindergarten => Msg::AppliesKindergarten,
    }
}

#[component]
pub fn ChecklistsPage() -> impl IntoView {
    view! {
        <Page title=Msg::ChecklistsTitle allow=&[Role::Office, Role::Inspector, Role::Principal]>
            <ChecklistsContent/>
        </Page>
    }
}

#[component]
fn ChecklistsContent() -> impl IntoView {
    let me = use_me();
    let list = Resource::new(|| (), |_| api::list_checklists());
    let query = use_query_map();
    let edit_error = move || {
        error_in_address(query, "/fn/edit_checklist").map(|e| view! { <ErrorBox error=e/> })
    };
    let (edit_label, school) = match me.role {
        Role::Office => (Some(Msg::EditCountyChecklist), None),
        Role::Principal => (Some(Msg::EditSchoolItems), Some(me.org_id)),
        _ => (None, None),
    };
    view! {
        {edit_error}
        {edit_label.map(|label| view! {
            <form method="post" action="/fn/edit_checklist" class="card stack">
                <p class="muted">{t(if school.is_some() { Msg::SchoolItemsHint } else { Msg::CountyEditHint })}</p>
                {school.map(|s| view! { <input type="hidden" name="school_id" value=s/> })}
                <button type="submit" class="button primary">{t(label)}</button>
            </form>
        })}
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(v) if v.is_empty() => view! { <Empty text=Msg::EmptyChecklists/> }.into_any(),
                    Ok(v) => view! {
                        <ul class="list">
                            {v.into_iter().map(|c| view! {
                                <li class="item">
                                    <a class="item-link" href=format!("/checklists/{}", c.id)>
                                        <div class="item-head">
                                            <strong>{c.name.clone()}</strong>
                                            <span class="badge" class:draft=c.status == TemplateStatus::Draft>
                                                {t(if c.status == TemplateStatus::Draft { Msg::Draft } else { Msg::Published })}
                                            </span>
                                        </div>
                                        <p class="muted">{t(Msg::Version)}" "{c.version}" · "{c.item_count}" "{t(Msg::ItemsCount)}</p>
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

#[component]
pub fn ChecklistPage() -> impl IntoView {
    view! {
        <Page title=Msg::ChecklistsTitle allow=&[Role::Office, Role::Inspector, Role::Principal]>
            <ChecklistContent/>
        </Page>
    }
}

#[component]
fn ChecklistContent() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let delete = ServerAction::<DeleteItem>::new();
    let publish = ServerAction::<PublishChecklist>::new();
    let checklist = Resource::new(
        move || (id(), delete.version().get(), publish.version().get()),
        |(id, _, _)| api::get_checklist(id),
    );
    let me = use_me();
    view! {
        <FormOutcome value=publish.value().into() ok=Msg::ChecklistPublished path="/fn/publish_checklist"/>
        <FormOutcome value=delete.value().into() ok=Msg::Saved path="/fn/delete_item"/>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || {
                let me = me.clone();
                Suspend::new(async move {
                    match checklist.await {
                        Ok(c) => {
                            let editable = c.summary.status == TemplateStatus::Draft
                                && match c.summary.school_id {
                                    None => me.role == Role::Office,
                                    Some(s) => me.role == Role::Principal && me.org_id == s,
                                };
                            view! { <ChecklistBody c editable delete publish/> }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ChecklistBody(
    c: Checklist,
    editable: bool,
    delete: ServerAction<DeleteItem>,
    publish: ServerAction<PublishChecklist>,
) -> impl IntoView {
    let template_id = c.summary.id;
    let query = use_query_map();
    let save_error =
        move || error_in_address(query, "/fn/save_item").map(|e| view! { <ErrorBox error=e/> });
    view! {
        <section class="card">
            <h2>{c.summary.name.clone()}</h2>
            <p class="muted">{t(Msg::Version)}" "{c.summary.version}" · "{c.summary.item_count}" "{t(Msg::ItemsCount)}
                " · "{t(if c.summary.status == TemplateStatus::Draft { Msg::Draft } else { Msg::Published })}</p>
            {editable.then(|| view! {
                <p class="hint">{t(Msg::DraftHint)}</p>
                <ActionForm action=publish>
                    <input type="hidden" name="template_id" value=template_id/>
                    <button type="submit" class="button primary wide">{t(Msg::Publish)}</button>
                </ActionForm>
            })}
        </section>
        {save_error}
        {editable.then(|| view! {
            <details class="card">
                <summary>{t(Msg::AddItem)}</summary>
                <ItemEditor template_id item=None area=Area::KeyDomains/>
            </details>
        })}
        {c.sections.into_iter().map(|s| {
            let area = s.area;
            view! {
                <section class="check-section">
                    <h2>{s.title.clone()}<span class="muted small">" · "{t(area_label(s.area))}</span></h2>
                    {s.items.into_iter().map(|i| view! { <TemplateItem i editable template_id area delete/> }).collect_view()}
                </section>
            }
        }).collect_view()}
    }
}

#[component]
fn TemplateItem(
    i: ChecklistItem,
    editable: bool,
    template_id: i64,
    area: Area,
    delete: ServerAction<DeleteItem>,
) -> impl IntoView {
    let code = i.code.clone();
    let edit = editable.then(|| {
        let item = i.clone();
        view! {
            <details>
                <summary>{t(Msg::Edit)}</summary>
                <ItemEditor template_id item=Some(item) area/>
                <ActionForm action=delete>
                    <input type="hidden" name="template_id" value=template_id/>
                    <input type="hidden" name="code" value=code/>
                    <button type="submit" class="button danger">{t(Msg::DeleteItem)}</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <article class="check-item">
            <header class="item-head">
                <span class="code">{i.code.clone()}</span>
                <h3>{i.title.clone()}</h3>
                {(i.level == HazardLevel::Major).then(|| view! { <span class="badge major">{t(Msg::LevelMajor)}</span> })}
            </header>
            <p class="item-content">{i.content.clone()}</p>
            <p class="standard"><strong>{t(Msg::Standard)}"："</strong>{i.standard.clone()}</p>
            <p class="muted small">
                {t(applies_label(i.applies_to))}
                {i.photo_required.then(|| format!(" · {}", t(Msg::PhotoRequiredOnFail)))}
                {i.direct_major.then(|| format!(" · {}", t(Msg::DirectMajor)))}
            </p>
            {edit}
        </article>
    }
}

/// One item's form: a plain form posted to the server, so it works before hydration.
#[component]
fn ItemEditor(template_id: i64, item: Option<ChecklistItem>, area: Area) -> impl IntoView {
    let i = item.clone().unwrap_or(ChecklistItem {
        id: 0,
        code: String::new(),
        title: String::new(),
        content: String::new(),
        standard: String::new(),
        level: HazardLevel::General,
        photo_required: true,
        direct_major: false,
        applies_to: AppliesTo::All,
    });
    let is_new = item.is_none();
    view! {
        <form method="post" action="/fn/save_item" class="stack">
            <input type="hidden" name="form[template_id]" value=template_id/>
            {if is_new {
                view! {
                    <label><span>{t(Msg::ItemCode)}</span><input name="form[code]" required maxlength="16" pattern="[A-Za-z0-9_-]+"/></label>
                    <label><span>{t(Msg::Area)}</span>
                        <select name="form[area]">
                            {Area::ALL.into_iter().map(|a| view! { <option value=a.as_str() selected=a == area>{t(area_label(a))}</option> }).collect_view()}
                        </select></label>
                }.into_any()
            } else {
                view! {
                    <input type="hidden" name="form[code]" value=i.code.clone()/>
                    <input type="hidden" name="form[area]" value=area.as_str()/>
                }.into_any()
            }}
            <label><span>{t(Msg::ItemTitle)}</span><input name="form[title]" required value=i.title.clone()/></label>
            <label><span>{t(Msg::ItemContent)}</span><textarea name="form[content]" rows="2" required>{i.content.clone()}</textarea></label>
            <label><span>{t(Msg::Standard)}</span><textarea name="form[standard]" rows="3" required>{i.standard.clone()}</textarea></label>
            <div class="row">
                <label><span>{t(Msg::Level)}</span>
                    <select name="form[level]">
                        {HazardLevel::ALL.into_iter().map(|l| view! { <option value=l.as_str() selected=i.level == l>{t(level_label(l))}</option> }).collect_view()}
                    </select></label>
                <label><span>{t(Msg::AppliesTo)}</span>
                    <select name="form[applies_to]">
                        {AppliesTo::ALL.into_iter().map(|a| view! { <option value=a.as_str() selected=i.applies_to == a>{t(applies_label(a))}</option> }).collect_view()}
                    </select></label>
            </div>
            <label class="check"><input type="checkbox" name="form[photo_required]" checked=i.photo_required/><span>{t(Msg::PhotoRequiredOnFail)}</span></label>
            <label class="check"><input type="checkbox" name="form[direct_major]" checked=i.direct_major/><span>{t(Msg::DirectMajor)}</span></label>
            <button type="submit" class="button primary">{t(Msg::Save)}</button>
        </form>
    }
}

#[component]
pub fn PlansPage() -> impl IntoView {
    view! {
        <Page title=Msg::PlansTitle allow=&[Role::Office, Role::Inspector]>
            <PlansContent/>
        </Page>
    }
}

#[component]
fn PlansContent() -> impl IntoView {
    let create = ServerAction::<CreatePlan>::new();
    let cancel = ServerAction::<CancelPlan>::new();
    let page = Resource::new(
        move || (create.version().get(), cancel.version().get()),
        |_| api::load_plans(),
    );
    view! {
        <p class="hint">{t(Msg::PlansSealedHint)}</p>
        <FormOutcome value=create.value().into() ok=Msg::PlanCreated path="/fn/create_plan"/>
        <FormOutcome value=cancel.value().into() ok=Msg::Saved path="/fn/cancel_plan"/>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <PlansBody p create cancel/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PlansBody(
    p: api::PlansPage,
    create: ServerAction<CreatePlan>,
    cancel: ServerAction<CancelPlan>,
) -> impl IntoView {
    let api::PlansPage { plans, suggestions, inspectors, new_plan_id, today } = p;
    view! {
        <details class="card" open=plans.is_empty()>
            <summary>{t(Msg::NewPlan)}</summary>
            <ActionForm action=create attr:class="stack">
                <input type="hidden" name="form[id]" value=new_plan_id/>
                <label><span>{t(Msg::Kind)}</span>
                    <select name="form[kind]">
                        {[InspectionKind::Unannounced, InspectionKind::Supervision].into_iter().map(|k| view! {
                            <option value=k.as_str()>{t(kind_label(k))}</option>
                        }).collect_view()}
                    </select></label>
                <div class="row">
                    <label><span>{t(Msg::From)}</span><input type="date" name="form[starts_on]" required value=today.to_string()/></label>
                    <label><span>{t(Msg::To)}</span><input type="date" name="form[ends_on]" required value=(today + chrono::Days::new(9)).to_string()/></label>
                </div>
                <label><span>{t(Msg::PickSchools)}</span>
                    <select name="form[pick]">
                        <option value="random">{t(Msg::PickRandom)}</option>
                        <option value="risk">{t(Msg::PickRisk)}</option>
                    </select></label>
                <div class="row">
                    <label><span>{t(Msg::HowManySchools)}</span><input type="number" name="form[schools]" min="1" max="200" value="3" required/></label>
                    <label><span>{t(Msg::HowManyInspectors)}</span><input type="number" name="form[inspectors]" min="0" max=inspectors.len() value="2" required/></label>
                </div>
                <label><span>{t(Msg::Note)}</span><textarea name="form[note]" rows="2"></textarea></label>
                <button type="submit" class="button primary">{t(Msg::Create)}</button>
            </ActionForm>
        </details>
        <section class="section">
            <h2>{t(Msg::Plans)}</h2>
            {plans.is_empty().then(|| view! { <Empty text=Msg::EmptyPlans/> })}
            <ul class="list">
                {plans.into_iter().map(|p| view! {
                    <li class="item" class:disabled=p.cancelled>
                        <div class="item-head">
                            <strong>{t(kind_label(p.kind))}</strong>
                            <span class="muted">{p.starts_on.to_string()}" — "{p.ends_on.to_string()}</span>
                            {p.cancelled.then(|| view! { <span class="badge off">{t(Msg::Cancelled)}</span> })}
                        </div>
                        <p>{p.schools.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join("、")}</p>
                        <p class="muted">{t(Msg::Team)}": "{p.members.iter().map(|m| m.name.clone()).collect::<Vec<_>>().join("、")}</p>
                        {p.draw_seed.map(|s| view! { <p class="muted small">{t(Msg::DrawSeed)}": "{s}</p> })}
                        {(!p.cancelled).then(|| view! {
                            <ActionForm action=cancel>
                                <input type="hidden" name="id" value=p.id.to_string()/>
                                <button type="submit" class="button danger">{t(Msg::CancelPlan)}</button>
                            </ActionForm>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section class="section">
            <h2>{t(Msg::RiskRanking)}</h2>
            <p class="muted small">{t(Msg::RiskRankingHint)}</p>
            <table class="rank-table">
                <thead><tr><th>{t(Msg::School)}</th><th>{t(Msg::Overdue)}</th><th>{t(Msg::OpenMajor)}</th><th>{t(Msg::DaysSinceVisit)}</th></tr></thead>
                <tbody>
                    {suggestions.into_iter().take(15).map(|s| view! {
                        <tr>
                            <td>{s.school_name}</td>
                            <td class:alert={s.overdue > 0}>{s.overdue}</td>
                            <td class:alert={s.open_major > 0}>{s.open_major}</td>
                            <td>{s.days_since_visit.map_or_else(|| t(Msg::NeverVisited).to_owned(), |d| d.to_string())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
