//! 校安巡查: the Leptos UI (server-rendered, hydrated in the browser) and the shared domain.
#![forbid(unsafe_code)]
// Deeply nested views (the checklist item card) exceed the default type-layout depth.
#![recursion_limit = "256"]

pub mod api;
mod closure;
pub mod domain;
pub mod error;
pub mod i18n;
mod inspect;
pub mod local;
mod outbox;
mod pages;
mod photo;
mod planning;
pub mod registers;
pub mod reports;
mod ui;

use i18n::{Lang, Msg};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = ui::detect_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#0b5cad"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <script src="/offline.js" defer></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = ui::detect_lang();
    provide_context(lang);
    // Who is logged in, loaded once per page load; login and logout are full page loads.
    let me = Resource::new_blocking(|| (), |_| local::sendable(local::me()));
    provide_context(ui::MeResource(me));
    // Remember who this is, so the app can start offline later.
    Effect::new(move |_| {
        if let Some(Ok(Some(m))) = me.get() {
            local::keep_me(&m);
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/xiaoan.css"/>
        <Title text=Msg::AppName.text(lang)/>
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/login") view=pages::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/") view=pages::HomePage ssr=SsrMode::Async/>
                <Route path=path!("/schools") view=pages::SchoolsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/users") view=pages::UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view=pages::AuditLogPage ssr=SsrMode::Async/>
                <Route path=path!("/me") view=pages::AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/inspect") view=inspect::StartPage ssr=SsrMode::Async/>
                <Route path=path!("/inspections/:id") view=inspect::InspectionView ssr=SsrMode::Async/>
                <Route path=path!("/checklists") view=planning::ChecklistsPage ssr=SsrMode::Async/>
                <Route path=path!("/checklists/:id") view=planning::ChecklistPage ssr=SsrMode::Async/>
                <Route path=path!("/plans") view=planning::PlansPage ssr=SsrMode::Async/>
                <Route path=path!("/hazards/new") view=closure::NewHazardPage ssr=SsrMode::Async/>
                <Route path=path!("/hazards/:id") view=closure::HazardView ssr=SsrMode::Async/>
                <Route path=path!("/queue") view=closure::QueuePage ssr=SsrMode::Async/>
                <Route path=path!("/ledger") view=closure::LedgerPage ssr=SsrMode::Async/>
                <Route path=path!("/inbox") view=closure::InboxPage ssr=SsrMode::Async/>
                <Route path=path!("/outbox") view=outbox::OutboxPage ssr=SsrMode::Async/>
                <Route path=path!("/reports") view=reports::TablesPage ssr=SsrMode::Async/>
                <Route path=path!("/submissions") view=reports::SubmissionsPage ssr=SsrMode::Async/>
                <Route path=path!("/dashboard") view=reports::DashboardPage ssr=SsrMode::Async/>
                // @registers routes
                <Route path=path!("/enforcement") view=registers::EnforcementPageView ssr=SsrMode::Async/>
                <Route path=path!("/duties") view=registers::DutiesPage ssr=SsrMode::Async/>
                <Route path=path!("/activities") view=registers::ActivitiesPageView ssr=SsrMode::Async/>
                <Route path=path!("/accidents") view=registers::AccidentsPageView ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// The language of this page, from context (set by [`App`]).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}
