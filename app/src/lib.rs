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
use leptos_router::{Lazy, LazyRoute, SsrMode, lazy_route, path};

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
                <Route path=path!("/schools") view={Lazy::<SchoolsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/me") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/inspect") view={Lazy::<StartRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/inspections/:id") view={Lazy::<InspectionRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/checklists") view={Lazy::<ChecklistsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/checklists/:id") view={Lazy::<ChecklistRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/plans") view={Lazy::<PlansRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/hazards/new") view={Lazy::<NewHazardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/hazards/:id") view={Lazy::<HazardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/queue") view={Lazy::<QueueRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/ledger") view={Lazy::<LedgerRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/inbox") view={Lazy::<InboxRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/outbox") view={Lazy::<OutboxRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reports") view={Lazy::<TablesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/submissions") view={Lazy::<SubmissionsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
                // @registers routes
                <Route path=path!("/enforcement") view={Lazy::<EnforcementRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/duties") view={Lazy::<DutiesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/activities") view={Lazy::<ActivitiesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/accidents") view={Lazy::<AccidentsRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// A page loaded on demand: in the browser its code is a separate part of the bundle (split by
/// `cargo leptos build --split`), fetched when the page is first shown and kept by the service
/// worker, so the first download carries only what login and the home page need.
macro_rules! lazy_pages {
    ($($route:ident => $($page:ident)::+),* $(,)?) => {$(
        struct $route;
        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            fn view(_this: Self) -> AnyView {
                use $($page)::+ as Shown;
                view! { <Shown/> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    SchoolsRoute => pages::SchoolsPage,
    UsersRoute => pages::UsersPage,
    AuditRoute => pages::AuditLogPage,
    AccountRoute => pages::AccountPage,
    StartRoute => inspect::StartPage,
    InspectionRoute => inspect::InspectionView,
    ChecklistsRoute => planning::ChecklistsPage,
    ChecklistRoute => planning::ChecklistPage,
    PlansRoute => planning::PlansPage,
    NewHazardRoute => closure::NewHazardPage,
    HazardRoute => closure::HazardView,
    QueueRoute => closure::QueuePage,
    LedgerRoute => closure::LedgerPage,
    InboxRoute => closure::InboxPage,
    OutboxRoute => outbox::OutboxPage,
    TablesRoute => reports::TablesPage,
    SubmissionsRoute => reports::SubmissionsPage,
    DashboardRoute => reports::DashboardPage,
    EnforcementRoute => registers::EnforcementPageView,
    DutiesRoute => registers::DutiesPage,
    ActivitiesRoute => registers::ActivitiesPageView,
    AccidentsRoute => registers::AccidentsPageView,
}

/// The language of this page, from context (set by [`App`]).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}
