//! Shared pieces of the screens: language, the logged-in user, page frame, tab bar, messages.

use crate::domain::{Me, Role, SchoolType};
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::use_lang;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_query_map};

/// The page language: the `lang` cookie on the server, `<html lang>` in the browser (which the
/// server wrote from the same cookie), so both render the same text.
pub fn detect_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>();
        let cookie = parts
            .as_ref()
            .and_then(|p| p.headers.get(http::header::COOKIE))
            .and_then(|v| v.to_str().ok());
        Lang::from_cookie_header(cookie)
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::from_code(&l))
            .unwrap_or_default()
    }
}

#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<Me>, AppError>>);

/// Text in the page language.
pub fn t(m: Msg) -> &'static str {
    m.text(use_lang())
}

pub fn role_label(r: Role) -> Msg {
    match r {
        Role::Admin => Msg::RoleAdmin,
        Role::Office => Msg::RoleOffice,
        Role::Inspector => Msg::RoleInspector,
        Role::Principal => Msg::RolePrincipal,
    }
}

pub fn school_type_label(t: SchoolType) -> Msg {
    match t {
        SchoolType::Primary => Msg::TypePrimary,
        SchoolType::Junior => Msg::TypeJunior,
        SchoolType::Senior => Msg::TypeSenior,
        SchoolType::Complete => Msg::TypeComplete,
        SchoolType::NineYear => Msg::TypeNineYear,
        SchoolType::Vocational => Msg::TypeVocational,
        SchoolType::Special => Msg::TypeSpecial,
        SchoolType::Kindergarten => Msg::TypeKindergarten,
    }
}

/// A link that switches the language and comes back here. A plain link handled by the server, so
/// it works before the page hydrates.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    let loc = use_location();
    let href = move || {
        let next = loc.pathname.get();
        format!("/lang?set={}&next={}", lang.other().code(), url_escape(&next))
    };
    view! { <a class="lang-switch" rel="external" href=href>{Msg::LangName.text(lang.other())}</a> }
}

/// Percent-encodes a path, keeping its slashes.
fn url_escape(s: &str) -> String {
    percent_encode(s, b"/")
}

/// The frame of every logged-in screen: a title bar, the content, the tab bar for the role.
/// Sends the visitor to the login page when nobody is logged in, and shows `children` only to
/// the roles in `allow` (everyone when empty).
#[component]
pub fn Page(
    title: Msg,
    #[prop(optional)] allow: &'static [Role],
    children: ChildrenFn,
) -> impl IntoView {
    let MeResource(me) = expect_context::<MeResource>();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) if allow.is_empty() || allow.contains(&me.role) => {
                        let role = me.role;
                        provide_context(me);
                        view! {
                            <header class="topbar">
                                <h1>{t(title)}</h1>
                                <Bell/>
                                <LangSwitch/>
                            </header>
                            <crate::outbox::SyncBar/>
                            <main class="content">{children.with_value(|c| c())}</main>
                            <TabBar role/>
                        }.into_any()
                    }
                    Ok(Some(_)) => view! { <crate::pages::NotFound/> }.into_any(),
                    Ok(None) | Err(AppError::NotLoggedIn) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The inbox with its unread count, in the title bar.
#[component]
fn Bell() -> impl IntoView {
    let unread = Resource::new(|| (), |_| crate::api::unread_count());
    view! {
        <a class="bell" href="/inbox" aria-label=t(Msg::Inbox)>
            <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"/>
            </svg>
            <Suspense>
                {move || Suspend::new(async move {
                    unread.await.ok().filter(|n| *n > 0).map(|n| view! { <span class="bell-count">{n}</span> })
                })}
            </Suspense>
        </a>
    }
}

/// The logged-in user; only inside [`Page`].
pub fn use_me() -> Me {
    expect_context::<Me>()
}

#[component]
fn TabBar(role: Role) -> impl IntoView {
    let tabs: &[(&str, Msg, &str)] = match role {
        Role::Admin => &[
            ("/", Msg::TabHome, "⌂"),
            ("/admin/users", Msg::TabUsers, "☺"),
            ("/schools", Msg::TabSchools, "▦"),
            ("/admin/audit", Msg::TabAudit, "☰"),
            ("/me", Msg::TabMe, "●"),
        ],
        Role::Office => &[
            ("/", Msg::TabHome, "⌂"),
            ("/queue", Msg::TabQueue, "✔"),
            ("/ledger", Msg::TabLedger, "▤"),
            ("/me", Msg::TabMe, "●"),
        ],
        Role::Inspector => &[
            ("/", Msg::TabHome, "⌂"),
            ("/inspect", Msg::TabInspect, "✚"),
            ("/plans", Msg::TabPlans, "▤"),
            ("/me", Msg::TabMe, "●"),
        ],
        Role::Principal => &[
            ("/", Msg::TabHome, "⌂"),
            ("/inspect", Msg::TabSelfCheck, "✚"),
            ("/checklists", Msg::TabChecklists, "☑"),
            ("/me", Msg::TabMe, "●"),
        ],
    };
    let loc = use_location();
    view! {
        <nav class="tabbar">
            {tabs.iter().map(|(href, label, icon)| {
                let href = *href;
                let current = move || (loc.pathname.get() == href).then_some("page");
                view! {
                    <a href=href aria-current=current>
                        <span class="icon" aria-hidden="true">{*icon}</span>
                        <span>{t(*label)}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    view! { <p class="notice error" role="alert">{error.message(use_lang())}</p> }
}

/// The outcome of a form: the action's result once hydrated, or, for a form posted before the
/// page hydrated, the error the server put into the address (`__err`).
#[component]
pub fn FormOutcome<T: Clone + Send + Sync + 'static>(
    value: Signal<Option<Result<T, AppError>>>,
    ok: Msg,
    /// The server function's path, so an error in the address is shown only under its own form.
    path: &'static str,
) -> impl IntoView {
    let query = use_query_map();
    move || {
        let from_url = error_in_address(query, path);
        match value.get() {
            Some(Ok(_)) => view! { <p class="notice ok" role="status">{t(ok)}</p> }.into_any(),
            Some(Err(e)) => view! { <ErrorBox error=e/> }.into_any(),
            None => from_url.map(|e| view! { <ErrorBox error=e/> }).into_any(),
        }
    }
}

/// The error a server function put into the address after a form posted without JavaScript.
pub fn error_in_address(
    query: Memo<leptos_router::params::ParamsMap>,
    path: &str,
) -> Option<AppError> {
    query.with(|q| {
        (q.get("__path").as_deref() == Some(path))
            .then(|| q.get("__err").map(|e| ServerFnUrlError::<AppError>::decode_err(&e)))
            .flatten()
    })
}

/// An empty list: what it means and what to do next.
#[component]
pub fn Empty(text: Msg, #[prop(optional)] link: Option<(&'static str, Msg)>) -> impl IntoView {
    view! {
        <div class="empty">
            <p>{t(text)}</p>
            {link.map(|(href, label)| view! { <a class="button secondary" href=href>{t(label)}</a> })}
        </div>
    }
}

/// Percent-encodes a query value (Chinese names, kinds holding `/`, a user's search words).
pub fn url_encode(s: &str) -> String {
    percent_encode(s, b"~")
}

/// Percent-encodes all but letters, digits, `-`, `_`, `.` and the bytes in `keep`.
fn percent_encode(s: &str, keep: &[u8]) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b if keep.contains(&b) => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
