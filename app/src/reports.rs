//! Campaign reporting pages: the three statistical tables (every number opens what is behind
//! it), school submissions (a principal files, office sees the matrix and reminds) and the
//! office dashboard with charts drawn as SVG on the server.

use crate::domain::Role;
use crate::domain::report::{
    CampaignInfo, Dashboard, DueItem, DueState, Group, HazardStats, HazardTable, KindStats,
    KindTable, Line, SubmissionKind, SubmissionMatrix, Window,
};
use crate::domain::time::{long_date, short_date};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::ui::{Empty, ErrorBox, FormOutcome, Page, t, use_me};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use backend::SharedReportBackend;

/// Everything the tables page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TablesPage {
    pub campaign: CampaignInfo,
    pub hazards: HazardTable,
    pub measures: KindTable,
    pub actions: KindTable,
}

/// The submissions page: the matrix, and for a principal the numbers the open period's report
/// would carry and an id for each open item's form (made when the page is shown, so a double
/// tap files once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmissionsPage {
    pub matrix: SubmissionMatrix,
    pub preview: Option<(u32, HazardStats)>,
    pub form_ids: Vec<String>,
}

#[cfg(feature = "ssr")]
pub mod backend {
    //! The contract between these server functions and the server that runs them.
    use super::*;
    use crate::domain::report::{Submission, SubmissionInput};
    use http::request::Parts;

    #[async_trait::async_trait]
    pub trait ReportBackend: Send + Sync + 'static {
        async fn tables(
            &self,
            req: &Parts,
            campaign: Option<i64>,
            period: String,
        ) -> Result<TablesPage, AppError>;
        async fn submissions(
            &self,
            req: &Parts,
            campaign: Option<i64>,
        ) -> Result<SubmissionsPage, AppError>;
        async fn file_submission(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            input: SubmissionInput,
        ) -> Result<Submission, AppError>;
        async fn remind(
            &self,
            req: &Parts,
            campaign: i64,
            kind: SubmissionKind,
            seq: u32,
        ) -> Result<u64, AppError>;
        async fn dashboard(&self, req: &Parts) -> Result<Dashboard, AppError>;
    }

    pub type SharedReportBackend = std::sync::Arc<dyn ReportBackend>;

    pub(super) fn get() -> Result<(SharedReportBackend, Parts), AppError> {
        let backend = use_context::<SharedReportBackend>().ok_or(AppError::Internal)?;
        let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
        Ok((backend, parts))
    }
}

#[server(prefix = "/fn", endpoint = "rep_tables")]
pub async fn load_tables(campaign: Option<i64>, period: String) -> Result<TablesPage, AppError> {
    let (b, req) = backend::get()?;
    b.tables(&req, campaign, period).await
}

#[server(prefix = "/fn", endpoint = "rep_submissions")]
pub async fn load_submissions(campaign: Option<i64>) -> Result<SubmissionsPage, AppError> {
    let (b, req) = backend::get()?;
    b.submissions(&req, campaign).await
}

/// Files a report from the plain form (works before the page hydrates).
#[server(prefix = "/fn", endpoint = "rep_file")]
pub async fn file_report(
    id: String,
    campaign_id: i64,
    kind: String,
    seq: u32,
    note: String,
) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::Malformed)?;
    let kind = SubmissionKind::parse(&kind).ok_or(AppError::Malformed)?;
    let input = crate::domain::report::SubmissionInput {
        campaign_id,
        kind,
        seq,
        note,
        attachments: Vec::new(),
    };
    b.file_submission(&req, id, input).await?;
    leptos_axum::redirect("/submissions");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "rep_remind")]
pub async fn send_reminder(campaign: i64, kind: String, seq: u32) -> Result<u64, AppError> {
    let (b, req) = backend::get()?;
    let kind = SubmissionKind::parse(&kind).ok_or(AppError::Malformed)?;
    b.remind(&req, campaign, kind, seq).await
}

#[server(prefix = "/fn", endpoint = "rep_dashboard")]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    let (b, req) = backend::get()?;
    b.dashboard(&req).await
}

fn loading() -> impl IntoView {
    view! { <p class="loading">{t(Msg::Loading)}</p> }
}

/// "第3期" or "累计".
fn span_name(period: Option<u32>) -> String {
    match period {
        Some(n) => t(Msg::RepPeriodN).replace("{n}", &n.to_string()),
        None => t(Msg::RepCumulative).to_owned(),
    }
}

/// 学校, 幼儿园 or 合计 in the reader's language.
fn group_label(g: Group) -> Msg {
    match g {
        Group::School => Msg::RepGroupSchools,
        Group::Kindergarten => Msg::RepGroupKindergartens,
        Group::Total => Msg::RepTotal,
    }
}

fn window_text(w: Window) -> String {
    format!("{} – {}", long_date(w.from), long_date(w.last_day()))
}

/// The three tables for a campaign and a period (or cumulative), with the periods to pick from.
#[component]
pub fn TablesPage() -> impl IntoView {
    view! {
        <Page title=Msg::Reports allow=&[Role::Office, Role::Admin, Role::Inspector, Role::Principal]>
            <TablesContent/>
        </Page>
    }
}

#[component]
fn TablesContent() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        query.with(|q| {
            (
                q.get("campaign").and_then(|c| c.parse::<i64>().ok()),
                q.get("period").unwrap_or_default(),
            )
        })
    };
    let page = Resource::new(args, |(c, p)| load_tables(c, p));
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <Tables p/> }.into_any(),
                    Err(AppError::NotFound) => view! { <Empty text=Msg::NoCampaign/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Tables(p: TablesPage) -> impl IntoView {
    let h = p.hazards.header.clone();
    let c = p.campaign.id;
    let chips = std::iter::once(None)
        .chain((1..=p.campaign.periods_begun).rev().map(Some))
        .map(|n| {
            let href = match n {
                Some(n) => format!("?campaign={c}&period={n}"),
                None => format!("?campaign={c}"),
            };
            let current = (n == h.period).then_some("page");
            view! { <a class="chip" href=href aria-current=current>{span_name(n)}</a> }
        })
        .collect_view();
    let xlsx = format!(
        "/api/v1/reports.xlsx?campaign={c}&period={}",
        h.period.map_or_else(|| "cumulative".to_owned(), |n| n.to_string())
    );
    view! {
        <section class="card">
            <p class="label">{p.campaign.plan.name.clone()}</p>
            <h2>{span_name(h.period)}</h2>
            <p class="muted">{window_text(h.window)}" · "{t(Msg::RepUnit)}{h.unit.clone()}</p>
            <a class="button secondary" href=xlsx rel="external" download>{t(Msg::ExportXlsx)}</a>
        </section>
        <nav class="chips" aria-label=t(Msg::RepPickPeriod)>{chips}</nav>
        <HazardTableView table=p.hazards/>
        <KindTableView table=p.measures title=Msg::RepTableMeasures/>
        <KindTableView table=p.actions title=Msg::RepTableActions/>
    }
}

/// Where a number of table 1 leads: the ledger filtered to the hazards behind it.
fn ledger_link(stage: &str, w: Window, group: &str, extra: &str) -> String {
    let group = if group == "total" { String::new() } else { format!("&group={group}") };
    match stage {
        "open_at_start" => format!("/ledger?stage={stage}&from={}{group}{extra}", w.from),
        "open_at_end" | "overdue_at_end" => {
            format!("/ledger?stage={stage}&to={}{group}{extra}", w.last_day())
        }
        _ => format!("/ledger?stage={stage}&from={}&to={}{group}{extra}", w.from, w.last_day()),
    }
}

/// Table 1, transposed so that it reads on a phone: one line per figure, one column per row of
/// the official form (学校, 幼儿园, 合计).
#[component]
fn HazardTableView(table: HazardTable) -> impl IntoView {
    let w = table.header.window;
    type Figure = (Msg, Option<&'static str>, &'static str, fn(&HazardStats) -> String);
    let figures: [Figure; 15] = [
        (Msg::RepInspected, None, "", |s| s.inspected.to_string()),
        (Msg::RepSelfChecks, None, "", |s| s.self_checks.to_string()),
        (Msg::RepSupervisions, None, "", |s| s.supervisions.to_string()),
        (Msg::RepUnannounced, None, "", |s| s.unannounced.to_string()),
        (Msg::RepOpenAtStart, Some("open_at_start"), "", |s| s.open_at_start.to_string()),
        (Msg::RepFoundGeneral, Some("found"), "&level=general", |s| s.found_general.to_string()),
        (Msg::RepFoundMajor, Some("found"), "&level=major", |s| s.found_major.to_string()),
        (Msg::RepFound, Some("found"), "", |s| s.found().to_string()),
        (Msg::RepRectified, Some("rectified"), "", |s| s.rectified.to_string()),
        (Msg::RepClosed, Some("closed"), "", |s| s.closed.to_string()),
        (Msg::RepVoided, Some("voided"), "", |s| s.voided.to_string()),
        (Msg::RepOpenAtEnd, Some("open_at_end"), "", |s| s.open_at_end.to_string()),
        (Msg::RepClosureRate, None, "", |s| {
            s.closure_rate().map_or_else(|| "—".to_owned(), |r| format!("{r:.1}%"))
        }),
        (Msg::RepOverdue, Some("overdue_at_end"), "", |s| s.overdue_open.to_string()),
        (Msg::RepFunds, Some("planned"), "", |s| format!("{:.2}", s.funds_cents as f64 / 100.0)),
    ];
    let rows = table.rows.clone();
    let body = figures
        .iter()
        .map(|(label, stage, extra, value)| {
            let cells = rows
                .iter()
                .map(|r| {
                    let v = value(&r.stats);
                    match stage {
                        Some(stage) if v != "0" && v != "0.00" => {
                            let href = ledger_link(stage, w, r.group.as_str(), extra);
                            view! { <td><a href=href>{v}</a></td> }.into_any()
                        }
                        _ => view! { <td>{v}</td> }.into_any(),
                    }
                })
                .collect_view();
            let major = *label == Msg::RepFoundMajor;
            view! { <tr class:major=major><th scope="row">{t(*label)}</th>{cells}</tr> }
        })
        .collect_view();
    let heads = rows
        .iter()
        .map(|r| view! { <th scope="col">{t(group_label(r.group))}</th> })
        .collect_view();
    let busy: Vec<Line<HazardStats>> =
        table.institutions.into_iter().filter(|l| l.stats != HazardStats::default()).collect();
    view! {
        <section class="section report">
            <h2>{t(Msg::RepTableHazards)}</h2>
            <div class="table-wrap">
                <table class="stats">
                    <thead><tr><th scope="col">{t(Msg::RepFigure)}</th>{heads}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <details class="institutions">
                <summary>{t(Msg::RepByInstitution)}" ("{busy.len()}")"</summary>
                {busy.is_empty().then(|| view! { <p class="muted">{t(Msg::RepNothingYet)}</p> })}
                <ul class="list">
                    {busy.into_iter().map(|l| {
                        let href = format!("/ledger?school={}", l.school_id.unwrap_or_default());
                        let s = l.stats;
                        view! {
                            <li class="card line">
                                <a href=href><strong>{l.name}</strong></a>
                                <span>{t(Msg::RepFound)}" "{s.found()}" · "{t(Msg::RepClosed)}" "{s.closed}
                                    " · "{t(Msg::RepOpenAtEnd)}" "{s.open_at_end}</span>
                                {(s.overdue_open > 0).then(|| view! {
                                    <span class="overdue-text">{t(Msg::RepOverdue)}" "{s.overdue_open}</span>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        </section>
    }
}

/// Table 2 or 3, transposed like table 1; each count opens the records behind it.
#[component]
fn KindTableView(table: KindTable, title: Msg) -> impl IntoView {
    let w = table.header.window;
    let category = table.category.clone();
    let link = move |kind: Option<&str>, count: i64| {
        let href = format!(
            "/enforcement?category={category}{}&from={}&until={}",
            kind.map(|k| format!("&kind={}", crate::ui::url_encode(k))).unwrap_or_default(),
            w.from,
            w.until
        );
        if count == 0 {
            view! { <td>{count}</td> }.into_any()
        } else {
            view! { <td><a href=href>{count}</a></td> }.into_any()
        }
    };
    let rows = table.rows.clone();
    let heads = rows
        .iter()
        .map(|r| view! { <th scope="col">{t(group_label(r.group))}</th> })
        .collect_view();
    let kinds = table
        .kinds
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let cells = rows
                .iter()
                .map(|r| link(Some(k), r.stats.by_kind.get(i).copied().unwrap_or(0)))
                .collect_view();
            view! { <tr><th scope="row">{k.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    let total = rows.iter().map(|r| link(None, r.stats.total)).collect_view();
    let persons = (table.category == "action").then(|| {
        let cells = rows.iter().map(|r| view! { <td>{r.stats.persons}</td> }).collect_view();
        view! { <tr><th scope="row">{t(Msg::RepPersons)}</th>{cells}</tr> }
    });
    let institutions =
        rows.iter().map(|r| view! { <td>{r.stats.institutions}</td> }).collect_view();
    let busy: Vec<Line<KindStats>> = table.institutions;
    view! {
        <section class="section report">
            <h2>{t(title)}</h2>
            <div class="table-wrap">
                <table class="stats">
                    <thead><tr><th scope="col">{t(Msg::RepKind)}</th>{heads}</tr></thead>
                    <tbody>
                        {kinds}
                        <tr class="sum"><th scope="row">{t(Msg::RepTotal)}</th>{total}</tr>
                        {persons}
                        <tr><th scope="row">{t(Msg::RepInstitutions)}</th>{institutions}</tr>
                    </tbody>
                </table>
            </div>
            {(!busy.is_empty()).then(|| view! {
                <details class="institutions">
                    <summary>{t(Msg::RepByInstitution)}" ("{busy.len()}")"</summary>
                    <ul class="list">
                        {busy.into_iter().map(|l| view! {
                            <li class="card line">
                                <a href=format!("/enforcement?category={}&school={}&from={}&until={}", table.category, l.school_id.unwrap_or_default(), w.from, w.until)>
                                    <strong>{l.name}</strong>
                                </a>
                                <span>{t(Msg::RepTotal)}" "{l.stats.total}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}

fn state_class(s: DueState) -> &'static str {
    match s {
        DueState::OnTime => "due on-time",
        DueState::Late => "due late",
        DueState::Missing => "due missing",
        DueState::Pending => "due pending",
    }
}

fn state_label(s: DueState) -> Msg {
    match s {
        DueState::OnTime => Msg::RepOnTime,
        DueState::Late => Msg::RepLate,
        DueState::Missing => Msg::RepMissing,
        DueState::Pending => Msg::RepPending,
    }
}

fn item_label(i: &DueItem) -> String {
    match i.kind {
        SubmissionKind::Period => t(Msg::RepPeriodN).replace("{n}", &i.seq.to_string()),
        SubmissionKind::Stage => t(Msg::RepStageN).replace("{n}", &i.seq.to_string()),
        SubmissionKind::Final => t(Msg::RepFinal).to_owned(),
    }
}

/// Submissions: a principal files what is open; office sees every school's state and reminds.
#[component]
pub fn SubmissionsPage() -> impl IntoView {
    view! {
        <Page title=Msg::RepSubmissions allow=&[Role::Office, Role::Admin, Role::Inspector, Role::Principal]>
            <SubmissionsContent/>
        </Page>
    }
}

#[component]
fn SubmissionsContent() -> impl IntoView {
    let query = use_query_map();
    let file = ServerAction::<FileReport>::new();
    let remind = ServerAction::<SendReminder>::new();
    // Filing or reminding shows the new state at once.
    let args = move || {
        let campaign = query.with(|q| q.get("campaign").and_then(|c| c.parse::<i64>().ok()));
        (campaign, file.version().get() + remind.version().get())
    };
    let page = Resource::new(args, |(campaign, _)| load_submissions(campaign));
    let principal = use_me().role == Role::Principal;
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) if principal => view! { <SchoolDue p file/> }.into_any(),
                    Ok(p) => view! { <Matrix m=p.matrix remind/> }.into_any(),
                    Err(AppError::NotFound) => view! { <Empty text=Msg::NoCampaign/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A principal's due items: what is filed and how, and a form for each open one.
#[component]
fn SchoolDue(p: SubmissionsPage, file: ServerAction<FileReport>) -> impl IntoView {
    let m = p.matrix;
    let campaign = m.campaign.id;
    let row = m.rows.into_iter().next();
    let preview = p.preview;
    let ids = p.form_ids;
    // What can be filed now first (the earliest due first), then what was filed.
    let mut order: Vec<(usize, DueItem)> = m.items.clone().into_iter().enumerate().collect();
    let filed_at =
        |col: usize| row.as_ref().and_then(|r| r.cells.get(col)).is_some_and(|c| c.1.is_some());
    order.sort_by_key(|(col, item)| (filed_at(*col), item.due_on));
    let items = order
        .into_iter()
        .map(|(col, item)| {
            let form_id = ids.get(col).cloned().unwrap_or_default();
            let (state, filed) = row
                .as_ref()
                .and_then(|r| r.cells.get(col).cloned())
                .unwrap_or((DueState::Pending, None));
            let label = item_label(&item);
            let form = filed.is_none().then(|| {
                let numbers = (item.kind == SubmissionKind::Period)
                    .then(|| {
                        preview
                            .clone()
                            .filter(|(n, _)| *n == item.seq)
                            .map(|(_, s)| view! { <Numbers s/> })
                    })
                    .flatten();
                view! {
                    {numbers}
                    <ActionForm action=file attr:class="stack">
                        <input type="hidden" name="id" value=form_id/>
                        <input type="hidden" name="campaign_id" value=campaign/>
                        <input type="hidden" name="kind" value=item.kind.as_str()/>
                        <input type="hidden" name="seq" value=item.seq/>
                        <label>{t(Msg::RepProgressNote)}
                            <textarea name="note" rows="4" maxlength="5000"></textarea>
                        </label>
                        <button class="button primary wide" type="submit">{t(Msg::RepFile)}</button>
                    </ActionForm>
                }
            });
            view! {
                <li class="card due-item">
                    <div class="row between">
                        <strong>{label}</strong>
                        <span class=state_class(state)>{t(state_label(state))}</span>
                    </div>
                    <p class="muted">{t(Msg::RepDueOn)}" "{long_date(item.due_on)}</p>
                    {form}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <p class="label">{m.campaign.plan.name.clone()}</p>
            <p class="muted">{t(Msg::RepSubmitHint)}</p>
        </section>
        <FormOutcome value=file.value().into() ok=Msg::RepFiled path="/fn/rep_file"/>
        {m.items.is_empty().then(|| view! { <Empty text=Msg::RepNothingDue/> })}
        <ul class="list">{items}</ul>
    }
}

/// The figures a period report carries, read-only (they come from the ledger).
#[component]
fn Numbers(s: HazardStats) -> impl IntoView {
    view! {
        <dl class="numbers">
            <div><dt>{t(Msg::RepFound)}</dt><dd>{s.found()}</dd></div>
            <div><dt>{t(Msg::RepFoundMajor)}</dt><dd>{s.found_major}</dd></div>
            <div><dt>{t(Msg::RepClosed)}</dt><dd>{s.closed}</dd></div>
            <div><dt>{t(Msg::RepOpenAtEnd)}</dt><dd>{s.open_at_end}</dd></div>
            <div><dt>{t(Msg::RepOverdue)}</dt><dd>{s.overdue_open}</dd></div>
            <div><dt>{t(Msg::RepClosureRate)}</dt><dd>{s.closure_rate().map_or_else(|| "—".to_owned(), |r| format!("{r:.1}%"))}</dd></div>
        </dl>
    }
}

/// Schools × due items, with the count per state under each item and a reminder button.
#[component]
fn Matrix(m: SubmissionMatrix, remind: ServerAction<SendReminder>) -> impl IntoView {
    let campaign = m.campaign.id;
    let office = matches!(use_me().role, Role::Office | Role::Admin);
    let heads = m
        .items
        .iter()
        .map(|i| {
            view! {
                <th scope="col">{item_label(i)}<br/><small>{short_date(i.due_on)}</small></th>
            }
        })
        .collect_view();
    let totals = m
        .items
        .clone()
        .into_iter()
        .zip(m.totals.clone())
        .map(|(i, n)| {
            let form = (office && n[2] + n[3] > 0).then(|| {
                view! {
                    <ActionForm action=remind>
                        <input type="hidden" name="campaign" value=campaign/>
                        <input type="hidden" name="kind" value=i.kind.as_str()/>
                        <input type="hidden" name="seq" value=i.seq/>
                        <button class="button small" type="submit">{t(Msg::RepRemind)}</button>
                    </ActionForm>
                }
            });
            view! {
                <td>
                    <span class="due on-time">{n[0]}</span>" "
                    <span class="due late">{n[1]}</span>" "
                    <span class="due missing">{n[2]}</span>
                    {form}
                </td>
            }
        })
        .collect_view();
    let rows = m.rows.into_iter().map(|r| {
        let cells = r.cells.into_iter().map(|(state, id)| {
            let mark = match state {
                DueState::OnTime => "✓",
                DueState::Late => "!",
                DueState::Missing => "✗",
                DueState::Pending => "·",
            };
            let title = t(state_label(state));
            match id {
                Some(id) => view! { <td class=state_class(state)><a href=format!("/api/v1/submissions/{id}") rel="external" title=title aria-label=title>{mark}</a></td> }.into_any(),
                None => view! { <td class=state_class(state) title=title aria-label=title>{mark}</td> }.into_any(),
            }
        }).collect_view();
        view! { <tr><th scope="row">{r.name}</th>{cells}</tr> }
    }).collect_view();
    let reminded = move || {
        remind.value().get().and_then(Result::ok).map(|n| view! {
        <p class="notice ok" role="status">{t(Msg::RepReminded).replace("{n}", &n.to_string())}</p>
    })
    };
    view! {
        <section class="card">
            <p class="label">{m.campaign.plan.name.clone()}</p>
            <p class="legend">
                <span class="due on-time">"✓ "{t(Msg::RepOnTime)}</span>" "
                <span class="due late">"! "{t(Msg::RepLate)}</span>" "
                <span class="due missing">"✗ "{t(Msg::RepMissing)}</span>" "
                <span class="due pending">"· "{t(Msg::RepPending)}</span>
            </p>
        </section>
        {reminded}
        <div class="table-wrap">
            <table class="matrix">
                <thead><tr><th scope="col">{t(Msg::RepSchool)}</th>{heads}</tr></thead>
                <tbody>
                    <tr class="sum"><th scope="row">{t(Msg::RepTotal)}</th>{totals}</tr>
                    {rows}
                </tbody>
            </table>
        </div>
    }
}

/// The office dashboard: the ledger at a glance, closure per period, the schools most overdue,
/// missing reports and accidents against a year earlier. Charts are SVG drawn on the server.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Page title=Msg::RepDashboard allow=&[Role::Office, Role::Admin, Role::Inspector]>
            <DashboardContent/>
        </Page>
    }
}

#[component]
fn DashboardContent() -> impl IntoView {
    let d = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match d.await {
                    Ok(d) => view! { <DashboardView d/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    use crate::domain::hazard::HazardStatus;
    let count =
        |s: HazardStatus| d.by_status.iter().find(|(k, _)| k == s.as_str()).map_or(0, |(_, n)| *n);
    let states = [
        (HazardStatus::Reported, Msg::StatusReported, "reported"),
        (HazardStatus::Rectifying, Msg::StatusRectifying, "rectifying"),
        (HazardStatus::Submitted, Msg::StatusSubmitted, "submitted"),
        (HazardStatus::Closed, Msg::StatusClosed, "closed"),
    ];
    let tiles = states
        .into_iter()
        .map(|(s, label, class)| {
            view! {
                <a class=format!("count {class}") href=format!("/ledger?status={}", s.as_str())>
                    <strong>{count(s)}</strong><span>{t(label)}</span>
                </a>
            }
        })
        .collect_view();
    let campaign = d.campaign.clone();
    view! {
        <div class="counts">
            {tiles}
            <a class="count overdue" href="/ledger?overdue=true"><strong>{d.overdue}</strong><span>{t(Msg::Overdue)}</span></a>
        </div>
        <section class="section">
            <h2>{t(Msg::RepClosureByPeriod)}</h2>
            {if d.periods.is_empty() { view! { <Empty text=Msg::RepNothingYet/> }.into_any() } else {
                view! { <RateChart periods=d.periods.clone() campaign=campaign.as_ref().map(|c| c.id)/> }.into_any()
            }}
        </section>
        <section class="section">
            <h2>{t(Msg::RepMostOverdue)}</h2>
            {if d.most_overdue.is_empty() { view! { <Empty text=Msg::RepNoneOverdue/> }.into_any() } else {
                view! { <OverdueChart rows=d.most_overdue.clone()/> }.into_any()
            }}
        </section>
        <section class="section">
            <h2>{t(Msg::RepSubmissions)}</h2>
            {match d.missing_reports {
                Some((n, missing)) => view! {
                    <a class="card line" href="/submissions">
                        <strong>{t(Msg::RepPeriodN).replace("{n}", &n.to_string())}</strong>
                        <span class={if missing > 0 { "overdue-text" } else { "muted" }}>
                            {t(Msg::RepMissingSchools).replace("{n}", &missing.to_string())}
                        </span>
                    </a>
                }.into_any(),
                None => view! { <Empty text=Msg::RepNothingDue/> }.into_any(),
            }}
        </section>
        <section class="section">
            <h2>{t(Msg::RepAccidents)}</h2>
            {d.accident_window.map(|w| view! {
                <p class="muted">{window_text(w)}" · "{t(Msg::RepSameDaysLastYear)}</p>
                <AccidentChart now=d.accidents last=d.accidents_last_year/>
            })}
        </section>
        <section class="tiles">
            <a class="tile" href="/reports"><span class="tile-title">{t(Msg::Reports)}</span></a>
            <a class="tile" href="/submissions"><span class="tile-title">{t(Msg::RepSubmissions)}</span></a>
        </section>
    }
}

/// Closure rate per period as bars (SVG); each bar opens that period's tables.
#[component]
fn RateChart(periods: Vec<(u32, i64, i64, Option<f64>)>, campaign: Option<i64>) -> impl IntoView {
    let n = periods.len().max(1) as f64;
    let (w, h, top, bottom) = (340.0, 180.0, 20.0, 28.0);
    let slot = w / n;
    let bar = (slot * 0.6).min(40.0);
    let bars = periods.into_iter().enumerate().map(|(i, (p, found, closed, rate))| {
        let r = rate.unwrap_or(0.0);
        let height = (h - top - bottom) * r / 100.0;
        let x = slot * i as f64 + (slot - bar) / 2.0;
        let y = h - bottom - height;
        let href = format!("/reports?{}period={p}", campaign.map(|c| format!("campaign={c}&")).unwrap_or_default());
        let label = rate.map_or_else(|| "—".to_owned(), |r| format!("{r:.0}%"));
        let title = format!("{}: {closed}/{found}", t(Msg::RepPeriodN).replace("{n}", &p.to_string()));
        view! {
            <a href=href>
                <title>{title}</title>
                <rect x=x y=y width=bar height=height.max(1.0) class="bar"></rect>
                <text x=x + bar / 2.0 y=y - 4.0 text-anchor="middle" class="value">{label}</text>
                <text x=x + bar / 2.0 y=h - 10.0 text-anchor="middle" class="axis">{p}</text>
            </a>
        }
    }).collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {w} {h}") role="img" aria-label=t(Msg::RepClosureByPeriod)>
            <line x1="0" y1=h - bottom x2=w y2=h - bottom class="baseline"></line>
            {bars}
        </svg>
    }
}

/// The schools with the most overdue hazards as horizontal bars; each opens its overdue ledger.
#[component]
fn OverdueChart(rows: Vec<(i64, String, i64)>) -> impl IntoView {
    let max = rows.iter().map(|r| r.2).max().unwrap_or(1).max(1) as f64;
    let (w, row_h) = (340.0, 36.0);
    let h = row_h * rows.len() as f64;
    let bars = rows.into_iter().enumerate().map(|(i, (id, name, n))| {
        let y = row_h * i as f64;
        let len = (w - 150.0) * n as f64 / max;
        view! {
            <a href=format!("/ledger?school={id}&overdue=true")>
                <text x="0" y=y + 22.0 class="axis">{name}</text>
                <rect x="140" y=y + 8.0 width=len.max(2.0) height="20" class="bar overdue"></rect>
                <text x=144.0 + len y=y + 23.0 class="value">{n}</text>
            </a>
        }
    }).collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {w} {h}") role="img" aria-label=t(Msg::RepMostOverdue)>{bars}</svg>
    }
}

/// Accidents, injured and dead this campaign against the same days a year earlier.
#[component]
fn AccidentChart(now: (i64, i64, i64), last: (i64, i64, i64)) -> impl IntoView {
    let pairs = [
        (Msg::RepAccidentCount, now.0, last.0),
        (Msg::RepInjured, now.1, last.1),
        (Msg::RepDead, now.2, last.2),
    ];
    let max = pairs.iter().map(|p| p.1.max(p.2)).max().unwrap_or(1).max(1) as f64;
    let (w, h, bottom) = (340.0, 150.0, 24.0);
    let groups = pairs.into_iter().enumerate().map(|(i, (label, a, b))| {
        let x = 20.0 + 110.0 * i as f64;
        let ha = (h - bottom - 20.0) * a as f64 / max;
        let hb = (h - bottom - 20.0) * b as f64 / max;
        view! {
            <g>
                <rect x=x y=h - bottom - hb width="34" height=hb.max(1.0) class="bar last"></rect>
                <text x=x + 17.0 y=h - bottom - hb - 4.0 text-anchor="middle" class="value">{b}</text>
                <rect x=x + 38.0 y=h - bottom - ha width="34" height=ha.max(1.0) class="bar"></rect>
                <text x=x + 55.0 y=h - bottom - ha - 4.0 text-anchor="middle" class="value">{a}</text>
                <text x=x + 36.0 y=h - 6.0 text-anchor="middle" class="axis">{t(label)}</text>
            </g>
        }
    }).collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {w} {h}") role="img" aria-label=t(Msg::RepAccidents)>{groups}</svg>
        <p class="legend"><span class="swatch last"></span>{t(Msg::RepLastYear)}" "<span class="swatch"></span>{t(Msg::RepThisYear)}</p>
        <a class="button secondary" href="/accidents">{t(Msg::RepAccidentRegister)}</a>
    }
}
