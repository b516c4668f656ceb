//! The screens: login, the home screen of each role, schools, users, my account, not found.

use crate::api::{self, ChangePassword, CreateUser, ResetPassword, SaveSchool, SetUserDisabled};
use crate::domain::time::date_time;
use crate::domain::{AuditFilter, Role, SchoolSummary, SchoolType, UserSummary};
use crate::i18n::Msg;
use crate::ui::{
    Empty, ErrorBox, FormOutcome, LangSwitch, MeResource, Page, error_in_address, role_label,
    school_type_label, t, use_me,
};
use leptos::prelude::*;
use leptos_router::components::{Form, Redirect};
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let MeResource(me) = expect_context::<MeResource>();
    let query = use_query_map();
    let error = move || error_in_address(query, "/fn/login").map(|e| view! { <ErrorBox error=e/> });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                if let Ok(Some(_)) = me.await {
                    return view! { <Redirect path="/"/> }.into_any();
                }
                view! {
                    <main class="login">
                        <div class="login-head">
                            <LangSwitch/>
                        </div>
                        <h1 class="brand">{t(Msg::AppName)}</h1>
                        <p class="hint">{t(Msg::LoginHint)}</p>
                        {error}
                        // A plain form: it signs in whether or not the page has hydrated, and a
                        // full page load afterwards starts the app fresh as the new user.
                        <form method="post" action="/fn/login" class="card stack">
                            <label>
                                <span>{t(Msg::Username)}</span>
                                <input name="username" autocomplete="username" autocapitalize="none" required/>
                            </label>
                            <label>
                                <span>{t(Msg::Password)}</span>
                                <input name="password" type="password" autocomplete="current-password" required/>
                            </label>
                            <button type="submit" class="button primary">{t(Msg::LoginButton)}</button>
                        </form>
                    </main>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Page title=Msg::AppName>
            <HomeContent/>
        </Page>
    }
}

#[component]
fn HomeContent() -> impl IntoView {
    let me = use_me();
    let home = Resource::new(|| (), |_| api::get_home());
    let role = me.role;
    // The role's sections are rendered beside the campaign card, not inside its Suspense, so
    // every resource on this screen is created in the same order on the server and in the
    // browser (a resource created inside another's Suspense broke hydration).
    view! {
        <section class="greeting">
            <p class="hello">{t(Msg::Hello)}<strong>{me.display_name.clone()}</strong></p>
            <p class="who">{t(role_label(role))}" · "{me.org_name.clone()}</p>
        </section>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(h) => view! { <CampaignCard campaign=h.campaign.clone()/> }.into_any(),
                    // Offline the bar under the title says so; the card simply waits for the network.
                    Err(crate::error::AppError::Network) => ().into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <RoleSections role home/>
    }
}

#[component]
fn CampaignCard(campaign: Option<api::CampaignCard>) -> impl IntoView {
    match campaign {
        Some(c) => view! {
            <section class="card campaign">
                <p class="label">{t(Msg::CurrentCampaign)}</p>
                <h2>{c.name}</h2>
                <p>{c.phase_name}</p>
                <p class="muted">{t(Msg::PhaseUntil)}" "{crate::domain::time::long_date(c.phase_ends_on)}</p>
            </section>
        }
        .into_any(),
        None => view! { <section class="card campaign"><p>{t(Msg::NoCampaign)}</p></section> }.into_any(),
    }
}

#[component]
fn RoleSections(
    role: Role,
    home: Resource<Result<api::HomeData, crate::error::AppError>>,
) -> impl IntoView {
    match role {
        Role::Inspector => view! {
            <a class="button primary wide big" href="/inspect">{t(Msg::StartInspection)}</a>
            <section class="tiles">
                <a class="tile" href="/queue"><span class="tile-title">{t(Msg::MyReviews)}</span></a>
                <a class="tile" href="/hazards/new"><span class="tile-title">{t(Msg::ReportHazard)}</span></a>
                <a class="tile" href="/enforcement"><span class="tile-title">{t(Msg::RegEnforcementTitle)}</span></a>
                <a class="tile" href="/ledger"><span class="tile-title">{t(Msg::Ledger)}</span></a>
                <a class="tile" href="/schools"><span class="tile-title">{t(Msg::SeeSchools)}</span></a>
            </section>
            <section class="section">
                <h2>{t(Msg::MyInspections)}</h2>
                <crate::inspect::InspectionList/>
            </section>
        }
        .into_any(),
        Role::Principal => view! {
            <section class="section">
                <h2>{t(Msg::MySchoolHazards)}</h2>
                <crate::closure::SchoolHazards/>
                <a class="button secondary" href="/ledger">{t(Msg::AllMyHazards)}</a>
            </section>
            <section class="tiles">
                <a class="tile" href="/duties"><span class="tile-title">{t(Msg::RegDutiesTitle)}</span></a>
                <a class="tile" href="/activities"><span class="tile-title">{t(Msg::RegActivitiesTitle)}</span></a>
                <a class="tile" href="/accidents"><span class="tile-title">{t(Msg::RegAccidentsTitle)}</span></a>
                <a class="tile" href="/enforcement"><span class="tile-title">{t(Msg::RegEnforcementTitle)}</span></a>
            </section>
            <section class="tiles">
                <a class="tile" href="/submissions"><span class="tile-title">{t(Msg::RepSubmissions)}</span></a>
                <a class="tile" href="/reports"><span class="tile-title">{t(Msg::Reports)}</span></a>
            </section>
            <section class="section">
                <h2>{t(Msg::SchoolInspections)}</h2>
                <crate::inspect::InspectionList/>
            </section>
        }
        .into_any(),
        Role::Office => view! {
            <section class="tiles">
                <a class="tile" href="/queue"><span class="tile-title">{t(Msg::ClosureQueue)}</span></a>
                <a class="tile" href="/ledger"><span class="tile-title">{t(Msg::Ledger)}</span></a>
                <a class="tile" href="/plans"><span class="tile-title">{t(Msg::PlansTitle)}</span></a>
                <a class="tile" href="/checklists"><span class="tile-title">{t(Msg::ChecklistsTitle)}</span></a>
                <a class="tile" href="/schools"><span class="tile-title">{t(Msg::SeeSchools)}</span></a>
                <a class="tile" href="/hazards/new"><span class="tile-title">{t(Msg::ReportHazard)}</span></a>
                <a class="tile" href="/enforcement"><span class="tile-title">{t(Msg::RegEnforcementTitle)}</span></a>
                <a class="tile" href="/duties"><span class="tile-title">{t(Msg::RegDutiesTitle)}</span></a>
                <a class="tile" href="/activities"><span class="tile-title">{t(Msg::RegActivitiesTitle)}</span></a>
                <a class="tile" href="/accidents"><span class="tile-title">{t(Msg::RegAccidentsTitle)}</span></a>
            </section>
            <section class="section">
                <h2>{t(Msg::Inspections)}</h2>
                <crate::inspect::InspectionList/>
            </section>
            <section class="section">
                <h2>{t(Msg::Reports)}</h2>
                <section class="tiles">
                    <a class="tile" href="/dashboard"><span class="tile-title">{t(Msg::RepDashboard)}</span></a>
                    <a class="tile" href="/reports"><span class="tile-title">{t(Msg::Reports)}</span></a>
                    <a class="tile" href="/submissions"><span class="tile-title">{t(Msg::RepSubmissions)}</span></a>
                </section>
            </section>
        }
        .into_any(),
        Role::Admin => view! {
            <Suspense>
                {move || Suspend::new(async move {
                    home.await.ok().map(|home| view! {
                        <section class="tiles">
                            <a class="tile" href="/admin/users">
                                <strong>{home.users}</strong>
                                <span>{t(Msg::AccountsCount)}</span>
                                <span class="tile-title">{t(Msg::AdminUsers)}</span>
                            </a>
                            <a class="tile" href="/schools">
                                <strong>{home.schools}</strong>
                                <span>{t(Msg::SchoolsCount)}</span>
                                <span class="tile-title">{t(Msg::AdminSchools)}</span>
                            </a>
                        </section>
                    })
                })}
            </Suspense>
        }
        .into_any(),
    }
}

#[component]
pub fn SchoolsPage() -> impl IntoView {
    view! {
        <Page title=Msg::SchoolsTitle allow=&[Role::Admin, Role::Office, Role::Inspector]>
            <SchoolsContent/>
        </Page>
    }
}

#[component]
fn SchoolsContent() -> impl IntoView {
    let is_admin = use_me().role == Role::Admin;
    let query = use_query_map();
    let q = move || query.with(|q| q.get("q").unwrap_or_default());
    let save = ServerAction::<SaveSchool>::new();
    let schools = Resource::new(move || (q(), save.version().get()), |(q, _)| api::list_schools(q));
    view! {
        <Form method="GET" action="" attr:class="searchbar">
            <input type="search" name="q" prop:value=q placeholder=t(Msg::SearchSchools) aria-label=t(Msg::Search)/>
            <button type="submit" class="button secondary">{t(Msg::Search)}</button>
        </Form>
        {is_admin.then(|| view! {
            <details class="card">
                <summary>{t(Msg::NewSchool)}</summary>
                <SchoolFormView action=save school=None/>
            </details>
        })}
        <FormOutcome value=save.value().into() ok=Msg::SchoolUpdated path="/fn/save_school"/>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match schools.await {
                    Ok(list) if list.is_empty() && q().is_empty() => view! { <Empty text=Msg::EmptySchools/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty text=Msg::EmptySchoolSearch/> }.into_any(),
                    Ok(list) => view! {
                        <ul class="list">
                            {list.into_iter().map(|s| view! { <SchoolItem school=s is_admin save/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SchoolItem(
    school: SchoolSummary,
    is_admin: bool,
    save: ServerAction<SaveSchool>,
) -> impl IntoView {
    let kind = if school.school_type.is_kindergarten() { "badge kg" } else { "badge" };
    let edit = is_admin.then(|| {
        let s = school.clone();
        view! {
            <details>
                <summary>{t(Msg::Edit)}</summary>
                <SchoolFormView action=save school=Some(s)/>
            </details>
        }
    });
    view! {
        <li class="item">
            <div class="item-head">
                <strong>{school.name.clone()}</strong>
                <span class=kind>{t(school_type_label(school.school_type))}</span>
            </div>
            <p class="muted">{school.address.clone()}</p>
            <p class="muted">{t(Msg::PrincipalName)}": "{school.principal_name.clone()}" "{school.phone.clone()}</p>
            {edit}
        </li>
    }
}

#[component]
fn SchoolFormView(
    action: ServerAction<SaveSchool>,
    school: Option<SchoolSummary>,
) -> impl IntoView {
    let s = school.clone();
    let v = move |f: fn(&SchoolSummary) -> String| s.as_ref().map(f).unwrap_or_default();
    let current_type = school.as_ref().map(|s| s.school_type);
    view! {
        <ActionForm action attr:class="stack">
            {school.as_ref().map(|s| view! { <input type="hidden" name="form[id]" value=s.id/> })}
            <label><span>{t(Msg::SchoolName)}</span>
                <input name="form[name]" required value=v(|s| s.name.clone())/></label>
            <label><span>{t(Msg::SchoolType)}</span>
                <select name="form[school_type]" required>
                    {SchoolType::ALL.into_iter().map(|ty| view! {
                        <option value=ty.as_str() selected=current_type == Some(ty)>{t(school_type_label(ty))}</option>
                    }).collect_view()}
                </select></label>
            <label><span>{t(Msg::Address)}</span>
                <input name="form[address]" value=v(|s| s.address.clone())/></label>
            <label><span>{t(Msg::PrincipalName)}</span>
                <input name="form[principal_name]" value=v(|s| s.principal_name.clone())/></label>
            <label><span>{t(Msg::Phone)}</span>
                <input name="form[phone]" type="tel" value=v(|s| s.phone.clone())/></label>
            <div class="row">
                <label><span>{t(Msg::Latitude)}</span>
                    <input name="form[latitude]" inputmode="decimal" value=v(|s| s.latitude.map(|x| x.to_string()).unwrap_or_default())/></label>
                <label><span>{t(Msg::Longitude)}</span>
                    <input name="form[longitude]" inputmode="decimal" value=v(|s| s.longitude.map(|x| x.to_string()).unwrap_or_default())/></label>
            </div>
            <button type="submit" class="button primary">{t(Msg::Save)}</button>
        </ActionForm>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Page title=Msg::UsersTitle allow=&[Role::Admin]>
            <UsersContent/>
        </Page>
    }
}

#[component]
fn UsersContent() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let toggle = ServerAction::<SetUserDisabled>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let users = Resource::new(
        move || (create.version().get(), toggle.version().get(), reset.version().get()),
        |_| api::list_users(),
    );
    let schools = Resource::new(|| (), |_| api::list_schools(String::new()));
    // A created account leaves an empty form behind, ready for the next one.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move || {
        if create.value().with(|v| matches!(v, Some(Ok(_))))
            && let Some(f) = form.get()
        {
            f.reset();
        }
    });
    view! {
        <details class="card" open=move || create.value().with(|v| matches!(v, Some(Err(_))))>
            <summary>{t(Msg::NewUser)}</summary>
            <ActionForm action=create node_ref=form attr:class="stack">
                <label><span>{t(Msg::Username)}</span>
                    <input name="form[username]" required autocapitalize="none" autocomplete="off"/></label>
                <label><span>{t(Msg::DisplayName)}</span>
                    <input name="form[display_name]" required/></label>
                <label><span>{t(Msg::Role)}</span>
                    <select name="form[role]">
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{t(role_label(r))}</option> }).collect_view()}
                    </select></label>
                <label><span>{t(Msg::SchoolForPrincipal)}</span>
                    <select name="form[school_id]">
                        <option value="">"—"</option>
                        <Suspense>
                            {move || Suspend::new(async move {
                                schools.await.unwrap_or_default().into_iter().map(|s| view! {
                                    <option value=s.id>{s.name}</option>
                                }).collect_view()
                            })}
                        </Suspense>
                    </select></label>
                <label><span>{t(Msg::InitialPassword)}</span>
                    <input name="form[password]" type="password" autocomplete="new-password" required minlength="8"/></label>
                <button type="submit" class="button primary">{t(Msg::Create)}</button>
            </ActionForm>
        </details>
        <FormOutcome value=create.value().into() ok=Msg::UserCreated path="/fn/create_user"/>
        <FormOutcome value=toggle.value().into() ok=Msg::Saved path="/fn/set_user_disabled"/>
        <FormOutcome value=reset.value().into() ok=Msg::PasswordResetDone path="/fn/reset_password"/>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! {
                        <ul class="list">
                            {list.into_iter().map(|u| view! { <UserItem user=u toggle reset/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UserItem(
    user: UserSummary,
    toggle: ServerAction<SetUserDisabled>,
    reset: ServerAction<ResetPassword>,
) -> impl IntoView {
    let me = use_me();
    let is_self = me.id == user.id;
    let next_disabled = !user.disabled;
    view! {
        <li class="item" class:disabled=user.disabled>
            <div class="item-head">
                <strong>{user.display_name.clone()}</strong>
                <span class="badge">{t(role_label(user.role))}</span>
                {user.disabled.then(|| view! { <span class="badge off">{t(Msg::Disabled)}</span> })}
            </div>
            <p class="muted">{user.username.clone()}" · "{user.org_name.clone()}</p>
            {(!is_self).then(|| view! {
                <div class="actions">
                    <ActionForm action=toggle>
                        <input type="hidden" name="user_id" value=user.id/>
                        <input type="hidden" name="disabled" value=next_disabled.to_string()/>
                        <button type="submit" class="button secondary">
                            {t(if next_disabled { Msg::Disable } else { Msg::Enable })}
                        </button>
                    </ActionForm>
                    <details>
                        <summary>{t(Msg::ResetPassword)}</summary>
                        <ActionForm action=reset attr:class="stack">
                            <input type="hidden" name="user_id" value=user.id/>
                            <label><span>{t(Msg::NewPassword)}</span>
                                <input name="password" type="password" autocomplete="new-password" required minlength="8"/></label>
                            <button type="submit" class="button primary">{t(Msg::ResetPassword)}</button>
                        </ActionForm>
                    </details>
                </div>
            })}
        </li>
    }
}

/// The admin's audit log: who did what, when, from where. Filters and paging are in the address
/// (a plain GET form and links), so it works before hydration and can be bookmarked.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <Page title=Msg::AuditTitle allow=&[Role::Admin]>
            <AuditLogContent/>
        </Page>
    }
}

#[component]
fn AuditLogContent() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let filter = move || {
        query.with(|q| AuditFilter {
            user: q.get("user").unwrap_or_default(),
            action: q.get("action").unwrap_or_default(),
            before: q.get("before").and_then(|b| b.parse().ok()),
        })
    };
    let page = Resource::new(filter, api::load_audit);
    view! {
        <form class="card stack" method="get" action="/admin/audit">
            <label><span>{t(Msg::AuditUser)}</span>
                <input name="user" autocapitalize="none" value=move || filter().user/></label>
            <label><span>{t(Msg::AuditAction)}</span>
                <input name="action" autocapitalize="none" value=move || filter().action/></label>
            <button type="submit" class="button secondary">{t(Msg::AuditFilterGo)}</button>
        </form>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) if p.items.is_empty() => view! { <Empty text=Msg::AuditEmpty/> }.into_any(),
                    Ok(p) => {
                        let f = filter();
                        let older = p.next_before.map(|b| format!(
                            "/admin/audit?user={}&action={}&before={b}",
                            crate::ui::url_encode(&f.user),
                            crate::ui::url_encode(&f.action),
                        ));
                        view! {
                            <ul class="list audit">
                                {p.items.into_iter().map(|e| view! {
                                    <li class="item">
                                        <div class="item-head">
                                            <strong>{e.action}</strong>
                                            <span class="muted">{date_time(e.at)}</span>
                                        </div>
                                        <p>{e.actor_name.map_or_else(|| t(Msg::AuditNobody).to_owned(), |n| format!("{n} ({})", e.actor_username.unwrap_or_default()))}
                                           " → "{e.target}</p>
                                        {(!e.detail.is_empty()).then(|| view! { <p class="muted">{e.detail}</p> })}
                                        <p class="muted small">{t(Msg::AuditFrom)}" "{e.client_addr}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                            {older.map(|href| view! { <a class="button secondary" href=href>{t(Msg::AuditOlder)}</a> })}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Page title=Msg::MeTitle>
            <AccountContent/>
        </Page>
    }
}

#[component]
fn AccountContent() -> impl IntoView {
    let me = use_me();
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <section class="card">
            <h2>{me.display_name.clone()}</h2>
            <p class="muted">{me.username.clone()}" · "{t(role_label(me.role))}</p>
            <p class="muted">{me.org_name.clone()}</p>
        </section>
        <section class="card">
            <h2>{t(Msg::Language)}</h2>
            <LangSwitch/>
        </section>
        <details class="card">
            <summary>{t(Msg::ChangePassword)}</summary>
            <ActionForm action=change attr:class="stack">
                <label><span>{t(Msg::CurrentPassword)}</span>
                    <input name="current" type="password" autocomplete="current-password" required/></label>
                <label><span>{t(Msg::NewPassword)}</span>
                    <input name="new" type="password" autocomplete="new-password" required minlength="8"/></label>
                <button type="submit" class="button primary">{t(Msg::Save)}</button>
            </ActionForm>
        </details>
        <FormOutcome value=change.value().into() ok=Msg::PasswordChanged path="/fn/change_password"/>
        // A plain form, so that signing out always ends in a fresh page load.
        <form method="post" action="/fn/logout">
            <button type="submit" class="button danger wide">{t(Msg::Logout)}</button>
        </form>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="content notfound">
            <h1>{t(Msg::NotFoundTitle)}</h1>
            <p>{t(Msg::NotFoundBody)}</p>
            <a class="button primary" href="/">{t(Msg::BackHome)}</a>
        </main>
    }
}
