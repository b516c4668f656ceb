//! What waits on the phone: the status bar on every screen (online or not, what waits, the last
//! sync, refusals) and the outbox screen, where a refused record is fixed or deliberately
//! discarded and everything unsent can be exported to a file.

use crate::i18n::Msg;
use crate::local::{self, OutboxStatus};
use crate::ui::{Page, t};
use leptos::prelude::*;

fn waiting_text(s: &OutboxStatus) -> Option<String> {
    let other = s.other;
    let parts: Vec<String> = [
        (s.photos, Msg::OutboxPhotos),
        (s.inspections, Msg::OutboxInspections),
        (s.hazards, Msg::OutboxHazards),
        (other, Msg::OutboxOther),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, m)| t(m).replace("{n}", &n.to_string()))
    .collect();
    (!parts.is_empty()).then(|| format!("{} {}", parts.join("、"), t(Msg::WaitingSuffix)))
}

fn last_sync_text(s: &OutboxStatus) -> String {
    let when = s
        .last_sync
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| crate::domain::time::date_time(t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|| t(Msg::NeverSynced).to_owned());
    format!("{} {when}", t(Msg::LastSync))
}

/// The small bar under the title: filled in the browser once the page is interactive.
#[component]
pub fn SyncBar() -> impl IntoView {
    let status = RwSignal::new(None::<OutboxStatus>);
    let refresh =
        move || leptos::task::spawn_local(async move { status.set(local::status().await) });
    Effect::new(move |_| refresh());
    local::on_change(refresh);
    move || {
        status.get().map(|s| {
            let waiting = waiting_text(&s);
            let has_waiting = waiting.is_some();
            let refused = s.refused.len();
            view! {
                <a class="syncbar" href="/outbox" class:offline=!s.online class:waiting=has_waiting aria-live="polite">
                    <span class="dot" aria-hidden="true"></span>
                    <span>{t(if s.online { Msg::Online } else { Msg::Offline })}</span>
                    <span class="sync-what">{waiting.unwrap_or_else(|| t(Msg::AllSent).to_owned())}</span>
                    {(refused > 0).then(|| view! { <span class="sync-refused">{t(Msg::RefusedCount).replace("{n}", &refused.to_string())}</span> })}
                    <span class="sync-last">{last_sync_text(&s)}</span>
                </a>
            }
        })
    }
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    view! {
        <Page title=Msg::OutboxTitle>
            <OutboxContent/>
        </Page>
    }
}

#[component]
fn OutboxContent() -> impl IntoView {
    let status = RwSignal::new(None::<OutboxStatus>);
    let refresh =
        move || leptos::task::spawn_local(async move { status.set(local::status().await) });
    Effect::new(move |_| refresh());
    local::on_change(refresh);
    let sync = move |_| local::sync_soon();
    let export = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async {
            let _ = local::js::export_outbox().await;
        });
    };
    let discard = move |seq: u32| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let _ = local::js::discard(seq).await;
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = seq;
    };
    view! {
        <p class="hint">{t(Msg::OutboxHint)}</p>
        <div class="row">
            <button type="button" class="button primary" on:click=sync>{t(Msg::SyncNow)}</button>
        </div>
        {move || status.get().map(|s| {
            if s.entries.is_empty() {
                return view! { <div class="empty"><p>{t(Msg::EmptyOutbox)}</p></div> }.into_any();
            }
            view! {
                <ul class="list">
                    {s.entries.into_iter().map(|e| {
                        let refused = e.state == "refused";
                        let seq = e.seq;
                        view! {
                            <li class="item" class:refused=refused>
                                <div class="item-head">
                                    <strong>{e.label.clone()}</strong>
                                    <span class="badge" class:off=refused>{t(if refused { Msg::StateRefused } else { Msg::StateWaiting })}</span>
                                </div>
                                {(!e.error.is_empty()).then(|| view! { <p class="notice error">{e.error.clone()}</p> })}
                                {refused.then(|| view! {
                                    <details>
                                        <summary>{t(Msg::Discard)}</summary>
                                        <p>{t(Msg::ConfirmDiscard)}</p>
                                        <button type="button" class="button danger" on:click=move |_| discard(seq)>{t(Msg::Discard)}</button>
                                    </details>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button type="button" class="button secondary wide" on:click=export>{t(Msg::ExportOutbox)}</button>
            }.into_any()
        })}
    }
}
