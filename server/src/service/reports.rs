//! Campaigns, the three statistical tables, school submissions and the dashboard. Every number
//! is counted from the ledger at the moment it is asked for; a submission freezes its school's
//! numbers as filed.

use super::home::ancestors;
use super::scope;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::storage::campaigns::CampaignRow;
use crate::storage::orgs::{SchoolRow, Within};
use crate::storage::{self, reports::NewSubmission};
use app::domain::Role;
use app::domain::campaign::CampaignPlan;
use app::domain::report::{
    CampaignInfo, Dashboard, DueItem, DueState, Group, HazardStats, HazardTable, KindStats,
    KindTable, Line, MatrixRow, Span, Submission, SubmissionInput, SubmissionKind,
    SubmissionMatrix, TableHeader, Window, kind_columns, period_of, periods_due, roll_up,
};
use app::domain::time::china_date;
use app::domain::{Rule, SchoolType};
use app::error::AppError;
use chrono::NaiveDate;
use std::collections::HashMap;
use uuid::Uuid;

/// A campaign the caller may see, with its plan.
pub struct Campaign {
    pub row: CampaignRow,
    pub plan: CampaignPlan,
}

/// Campaigns run by the caller's bureau or a bureau above it, the latest start first.
pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<CampaignInfo>> {
    let today = china_date(state.clock.now());
    let mut out = Vec::new();
    for row in storage::campaigns::of_bureaus(&state.db, &ancestors(&caller.user.org_path)).await? {
        let plan = storage::campaigns::plan(&state.db, &row).await?;
        out.push(info(&Campaign { row, plan }, today));
    }
    Ok(out)
}

/// The campaign asked for, or (None) the one running today, else the latest. 404 when there is
/// none the caller may see.
pub async fn campaign(state: &AppState, caller: &Caller, id: Option<i64>) -> Result<Campaign> {
    let today = china_date(state.clock.now());
    let mine = ancestors(&caller.user.org_path);
    let row = match id {
        Some(id) => {
            storage::campaigns::get(&state.db, id).await?.filter(|c| mine.contains(&c.bureau_id))
        }
        None => {
            let all = storage::campaigns::of_bureaus(&state.db, &mine).await?;
            let running = all.iter().find(|c| c.starts_on <= today && today <= c.ends_on).cloned();
            running.or_else(|| all.into_iter().next())
        }
    };
    let row = row.ok_or(AppError::NotFound)?;
    let plan = storage::campaigns::plan(&state.db, &row).await?;
    Ok(Campaign { row, plan })
}

pub fn info(c: &Campaign, today: NaiveDate) -> CampaignInfo {
    let start = c.plan.reporting_starts_on;
    let current_period = (today <= c.plan.ends_on).then(|| period_of(start, today)).flatten();
    let last = today.min(c.plan.ends_on);
    CampaignInfo {
        id: c.row.id,
        bureau_name: c.row.bureau_name.clone(),
        plan: c.plan.clone(),
        current_period,
        periods_begun: period_of(start, last).unwrap_or(0),
        today,
    }
}

/// A copy of a campaign for new dates: every date moves by the same number of days (office
/// and admin of the bureau that runs it).
pub async fn copy(
    state: &AppState,
    caller: &Caller,
    id: i64,
    name: &str,
    starts_on: NaiveDate,
) -> Result<CampaignInfo> {
    caller.require(&[Role::Office, Role::Admin])?;
    let from = campaign(state, caller, Some(id)).await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Invalid(app::domain::account::InputProblem::NameEmpty).into());
    }
    let shift = starts_on - from.plan.starts_on;
    let mv = |d: NaiveDate| d + shift;
    let plan = CampaignPlan {
        name: name.to_owned(),
        starts_on: mv(from.plan.starts_on),
        ends_on: mv(from.plan.ends_on),
        reporting_starts_on: mv(from.plan.reporting_starts_on),
        stage_reports_due: from.plan.stage_reports_due.iter().copied().map(mv).collect(),
        final_summary_due: mv(from.plan.final_summary_due),
        phases: from
            .plan
            .phases
            .iter()
            .map(|p| app::domain::campaign::PhasePlan {
                starts_on: mv(p.starts_on),
                ends_on: mv(p.ends_on),
                ..p.clone()
            })
            .collect(),
    };
    let now = state.clock.now();
    let new_id = storage::campaigns::insert(&state.db, from.row.bureau_id, &plan, now).await?;
    caller
        .audit(
            state,
            "campaign.copy",
            &format!("campaign:{new_id}"),
            &format!("from campaign:{id}"),
        )
        .await?;
    let c = campaign(state, caller, Some(new_id)).await?;
    Ok(info(&c, china_date(now)))
}

/// The days a table covers, or 404 for a period the campaign does not have.
fn window(c: &Campaign, span: Span, today: NaiveDate) -> Result<Window> {
    let w = span.window(c.plan.reporting_starts_on, today).ok_or(AppError::NotFound)?;
    if matches!(span, Span::Period(_)) && w.from > c.plan.ends_on {
        return Err(AppError::NotFound.into());
    }
    Ok(w)
}

fn header(c: &Campaign, caller: &Caller, span: Span, w: Window, today: NaiveDate) -> TableHeader {
    TableHeader {
        campaign_id: c.row.id,
        campaign_name: c.row.name.clone(),
        unit: caller.user.org_name.clone(),
        period: match span {
            Span::Period(n) => Some(n),
            Span::Cumulative => None,
        },
        window: w,
        generated_on: today,
    }
}

fn group_of(s: &SchoolRow) -> Group {
    SchoolType::parse(&s.school_type).map_or(Group::School, Group::of)
}

/// Table 1 for the caller's scope.
pub async fn hazard_table(
    state: &AppState,
    caller: &Caller,
    campaign_id: Option<i64>,
    span: Span,
) -> Result<HazardTable> {
    let c = campaign(state, caller, campaign_id).await?;
    hazard_table_of(state, caller, &c, span).await
}

/// Table 1 of a campaign already found.
pub async fn hazard_table_of(
    state: &AppState,
    caller: &Caller,
    c: &Campaign,
    span: Span,
) -> Result<HazardTable> {
    caller.require(&[Role::Office, Role::Admin, Role::Inspector, Role::Principal])?;
    let today = china_date(state.clock.now());
    let w = window(c, span, today)?;
    let within = scope::within(caller);
    let schools = storage::orgs::list_schools(&state.db, &within, "").await?;
    let stats: HashMap<i64, HazardStats> =
        storage::reports::hazard_stats(&state.db, &within, w).await?.into_iter().collect();
    let institutions: Vec<Line<HazardStats>> = schools
        .iter()
        .map(|s| Line {
            school_id: Some(s.id),
            name: s.name.clone(),
            group: group_of(s),
            stats: stats.get(&s.id).cloned().unwrap_or_default(),
        })
        .collect();
    let rows = roll_up(&institutions, HazardStats::default, HazardStats::add);
    Ok(HazardTable { header: header(c, caller, span, w, today), rows, institutions })
}

/// Table 2 (`measure`) or 3 (`action`) for the caller's scope.
pub async fn kind_table(
    state: &AppState,
    caller: &Caller,
    campaign_id: Option<i64>,
    span: Span,
    category: &str,
) -> Result<KindTable> {
    let c = campaign(state, caller, campaign_id).await?;
    kind_table_of(state, caller, &c, span, category).await
}

/// Table 2 or 3 of a campaign already found.
pub async fn kind_table_of(
    state: &AppState,
    caller: &Caller,
    c: &Campaign,
    span: Span,
    category: &str,
) -> Result<KindTable> {
    caller.require(&[Role::Office, Role::Admin, Role::Inspector, Role::Principal])?;
    let configured = match category {
        "measure" => &state.config.measure_kinds,
        "action" => &state.config.action_kinds,
        _ => return Err(AppError::NotFound.into()),
    };
    let today = china_date(state.clock.now());
    let w = window(c, span, today)?;
    let within = scope::within(caller);
    let counts = storage::reports::kind_counts(&state.db, &within, category, w).await?;
    let seen: Vec<String> = counts.iter().map(|(_, k, _, _)| k.clone()).collect();
    let kinds = kind_columns(configured, &seen);
    let schools: HashMap<i64, SchoolRow> = storage::orgs::list_schools(&state.db, &within, "")
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut by_school: Vec<Line<KindStats>> = Vec::new();
    for (school_id, kind, n, persons) in counts {
        let Some(s) = schools.get(&school_id) else { continue };
        if by_school.last().is_none_or(|l| l.school_id != Some(school_id)) {
            by_school.push(Line {
                school_id: Some(school_id),
                name: s.name.clone(),
                group: group_of(s),
                stats: KindStats { institutions: 1, ..KindStats::zero(kinds.len()) },
            });
        }
        if let Some(line) = by_school.last_mut() {
            if let Some(col) = kinds.iter().position(|k| *k == kind) {
                line.stats.by_kind[col] += n;
            }
            line.stats.total += n;
            line.stats.persons += persons;
        }
    }
    by_school.sort_by(|a, b| {
        (a.group == Group::Kindergarten, &a.name).cmp(&(b.group == Group::Kindergarten, &b.name))
    });
    let width = kinds.len();
    let rows = roll_up(&by_school, || KindStats::zero(width), KindStats::add);
    Ok(KindTable {
        header: header(c, caller, span, w, today),
        category: category.to_owned(),
        kinds,
        rows,
        institutions: by_school,
    })
}

/// Which tables a workbook holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tables {
    All,
    Hazards,
    Enforcement,
    Accountability,
}

/// Tables as a workbook laid out like the official forms, one sheet each.
pub async fn tables_xlsx(
    state: &AppState,
    caller: &Caller,
    campaign_id: Option<i64>,
    span: Span,
    which: Tables,
) -> Result<Vec<u8>> {
    let c = campaign(state, caller, campaign_id).await?;
    let t1 = match which {
        Tables::All | Tables::Hazards => Some(hazard_table_of(state, caller, &c, span).await?),
        _ => None,
    };
    let mut kinds = Vec::new();
    if matches!(which, Tables::All | Tables::Enforcement) {
        kinds.push(kind_table_of(state, caller, &c, span, "measure").await?);
    }
    if matches!(which, Tables::All | Tables::Accountability) {
        kinds.push(kind_table_of(state, caller, &c, span, "action").await?);
    }
    let preparer = caller.user.display_name.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let refs: Vec<&KindTable> = kinds.iter().collect();
        crate::xlsx::report_tables(t1.as_ref(), &refs, &preparer)
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "xlsx rendering failed");
        AppError::Internal
    })?;
    caller
        .audit(state, "report.export", &format!("campaign:{}", c.row.id), &format!("{which:?}"))
        .await?;
    Ok(bytes)
}

fn parse_list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn submission_view(
    r: storage::reports::SubmissionRow,
    school_name: String,
    items: &[DueItem],
) -> Submission {
    let kind = SubmissionKind::parse(&r.kind).unwrap_or(SubmissionKind::Stage);
    let seq = u32::try_from(r.seq).unwrap_or(1);
    let filed = china_date(r.submitted_at);
    let state = items
        .iter()
        .find(|i| i.kind == kind && i.seq == seq)
        .map_or(DueState::OnTime, |i| i.state(Some(filed), filed));
    Submission {
        id: r.id,
        campaign_id: r.campaign_id,
        school_id: r.school_id,
        school_name,
        kind,
        seq,
        note: r.note,
        numbers: serde_json::from_str(&r.numbers).ok(),
        attachments: parse_list(&r.attachments),
        submitted_by: r.submitter_name,
        submitted_at: r.submitted_at,
        state,
    }
}

/// Files a school's submission; the statistics of a period report are computed from the ledger
/// now and frozen. 201 new, 200 for a retry of the same id; 409 when the school already filed
/// this item.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    input: SubmissionInput,
) -> Result<(bool, Submission)> {
    caller.require(&[Role::Principal])?;
    let c = campaign(state, caller, Some(input.campaign_id)).await?;
    let school = storage::orgs::get_school(&state.db, caller.user.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let items = DueItem::all(&c.plan);
    if let Some(existing) = storage::reports::submission(&state.db, &id.to_string()).await? {
        let same = existing.school_id == school.id
            && existing.campaign_id == c.row.id
            && existing.kind == input.kind.as_str()
            && u32::try_from(existing.seq).ok() == Some(input.seq);
        if !same {
            return Err(AppError::Conflict.into());
        }
        return Ok((false, submission_view(existing, school.name, &items)));
    }
    let now = state.clock.now();
    let today = china_date(now);
    let item = items
        .iter()
        .find(|i| i.kind == input.kind && i.seq == input.seq)
        .ok_or(AppError::Rule(Rule::UnknownDueItem))?;
    if !item.is_open(today) {
        return Err(AppError::Rule(Rule::NotOpenYet).into());
    }
    if input.note.chars().count() > 5000 || input.attachments.len() > 20 {
        return Err(AppError::Rule(Rule::SubmissionTooLong).into());
    }
    let owned = storage::photos::owned_by(&state.db, &input.attachments, caller.id()).await?;
    if let Some(sha) = input.attachments.iter().find(|a| !owned.contains(a)) {
        return Err(AppError::Rule(Rule::UnknownPhoto { sha256: sha.clone() }).into());
    }
    let numbers = match input.kind {
        SubmissionKind::Period => {
            let w = app::domain::report::period(c.plan.reporting_starts_on, input.seq)
                .ok_or(AppError::Rule(Rule::UnknownDueItem))?;
            let stats = storage::reports::hazard_stats(&state.db, &Within::School(school.id), w)
                .await?
                .into_iter()
                .next()
                .map(|(_, s)| s)
                .unwrap_or_default();
            serde_json::to_string(&stats).map_err(|_| AppError::Internal)?
        }
        SubmissionKind::Stage | SubmissionKind::Final => "null".to_owned(),
    };
    let seq = i32::try_from(input.seq).map_err(|_| AppError::Rule(Rule::UnknownDueItem))?;
    let new = NewSubmission {
        id: &id.to_string(),
        campaign_id: c.row.id,
        school_id: school.id,
        kind: input.kind.as_str(),
        seq,
        note: input.note.trim(),
        numbers: &numbers,
        attachments: &input.attachments,
        submitted_by: caller.id(),
    };
    if !storage::reports::insert_submission(&state.db, &new, now).await? {
        // The same id raced in, or the school filed this item under another id.
        return match storage::reports::submission(&state.db, &id.to_string()).await? {
            Some(r) => Ok((false, submission_view(r, school.name, &items))),
            None => Err(AppError::Conflict.into()),
        };
    }
    caller
        .audit(
            state,
            "submission.file",
            &format!("submission:{id}"),
            &format!("{} {}", input.kind.as_str(), input.seq),
        )
        .await?;
    let row = storage::reports::submission(&state.db, &id.to_string())
        .await?
        .ok_or(AppError::Internal)?;
    Ok((true, submission_view(row, school.name, &items)))
}

/// One submission, for whoever sees its school.
pub async fn get_submission(state: &AppState, caller: &Caller, id: Uuid) -> Result<Submission> {
    let row = storage::reports::submission(&state.db, &id.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    let school =
        storage::orgs::get_school(&state.db, row.school_id).await?.ok_or(AppError::NotFound)?;
    if !scope::contains_path(caller, &school.path) {
        return Err(AppError::NotFound.into());
    }
    let c = campaign(state, caller, Some(row.campaign_id)).await?;
    Ok(submission_view(row, school.name, &DueItem::all(&c.plan)))
}

/// Schools × the items open by today (on time, late, missing, pending).
pub async fn matrix(
    state: &AppState,
    caller: &Caller,
    campaign_id: Option<i64>,
) -> Result<SubmissionMatrix> {
    let today = china_date(state.clock.now());
    let c = campaign(state, caller, campaign_id).await?;
    let within = scope::within(caller);
    let schools = storage::orgs::list_schools(&state.db, &within, "").await?;
    let filed = storage::reports::submissions(&state.db, c.row.id, &within).await?;
    let items: Vec<DueItem> =
        DueItem::all(&c.plan).into_iter().filter(|i| i.is_open(today)).collect();
    let mut totals = vec![[0i64; 4]; items.len()];
    let rows = schools
        .iter()
        .map(|s| {
            let cells = items
                .iter()
                .enumerate()
                .map(|(col, item)| {
                    let sub = filed.iter().find(|f| {
                        f.school_id == s.id
                            && f.kind == item.kind.as_str()
                            && u32::try_from(f.seq).ok() == Some(item.seq)
                    });
                    let st = item.state(sub.map(|f| china_date(f.submitted_at)), today);
                    let k = match st {
                        DueState::OnTime => 0,
                        DueState::Late => 1,
                        DueState::Missing => 2,
                        DueState::Pending => 3,
                    };
                    totals[col][k] += 1;
                    (st, sub.map(|f| f.id.clone()))
                })
                .collect();
            MatrixRow { school_id: s.id, name: s.name.clone(), cells }
        })
        .collect();
    Ok(SubmissionMatrix { campaign: info(&c, today), items, rows, totals })
}

/// Reminds the principals of every school in scope that has not filed an item (once a day per
/// school and item). Returns how many reminders went out.
pub async fn remind(
    state: &AppState,
    caller: &Caller,
    campaign_id: i64,
    kind: SubmissionKind,
    seq: u32,
) -> Result<u64> {
    caller.require(&[Role::Office, Role::Admin])?;
    let m = matrix(state, caller, Some(campaign_id)).await?;
    let col = m
        .items
        .iter()
        .position(|i| i.kind == kind && i.seq == seq)
        .ok_or(AppError::Rule(Rule::UnknownDueItem))?;
    let today = m.campaign.today;
    let missing: std::collections::HashSet<i64> =
        m.rows.iter().filter(|r| r.cells[col].1.is_none()).map(|r| r.school_id).collect();
    // The principals of those schools, in one query over the caller's bureau.
    let to: Vec<(i64, String)> = storage::users::list_under(&state.db, &caller.user.org_path)
        .await?
        .into_iter()
        .filter(|u| {
            u.role == Role::Principal.as_str() && !u.disabled && missing.contains(&u.org_id)
        })
        .map(|u| (u.id, format!("remind:{campaign_id}:{}:{seq}:{}:{today}", kind.as_str(), u.id)))
        .collect();
    let detail = serde_json::json!({ "campaign_id": campaign_id, "kind": kind.as_str(), "seq": seq, "due_on": m.items[col].due_on }).to_string();
    let sent = storage::reports::remind(&state.db, &to, &detail, state.clock.now()).await?;
    caller
        .audit(
            state,
            "submission.remind",
            &format!("campaign:{campaign_id}"),
            &format!("{} {seq}: {sent}", kind.as_str()),
        )
        .await?;
    Ok(sent)
}

/// The office dashboard: the ledger by state, closure per period, the schools most overdue,
/// missing reports and accidents against a year earlier.
pub async fn dashboard(state: &AppState, caller: &Caller) -> Result<Dashboard> {
    caller.require(&[Role::Office, Role::Admin, Role::Inspector])?;
    let today = china_date(state.clock.now());
    let within = scope::within(caller);
    let by = storage::reports::open_by_status(&state.db, &within, today).await?;
    let overdue = by.iter().map(|(_, _, o)| o).sum();
    let by_status = by.into_iter().map(|(s, n, _)| (s, n)).collect();
    let most_overdue = storage::reports::most_overdue(&state.db, &within, today, 5).await?;
    let c = match campaign(state, caller, None).await {
        Ok(c) => Some(c),
        Err(Error::App(AppError::NotFound)) => None,
        Err(e) => return Err(e),
    };
    let mut periods = Vec::new();
    let mut missing_reports = None;
    let mut accident_window = None;
    let (mut accidents, mut accidents_last_year) = ((0, 0, 0), (0, 0, 0));
    if let Some(c) = &c {
        let start = c.plan.reporting_starts_on;
        let last = today.min(c.plan.ends_on);
        for n in 1..=period_of(start, last).unwrap_or(0) {
            if let Some(w) = app::domain::report::period(start, n) {
                let s = storage::reports::hazard_stats(&state.db, &within, w)
                    .await?
                    .into_iter()
                    .fold(HazardStats::default(), |mut acc, (_, s)| {
                        acc.add(&s);
                        acc
                    });
                periods.push((n, s.found(), s.found_closed_by_end, s.closure_rate()));
            }
        }
        let due = periods_due(start, c.plan.ends_on, today);
        if due > 0 {
            let m = matrix(state, caller, Some(c.row.id)).await?;
            if let Some(col) =
                m.items.iter().position(|i| i.kind == SubmissionKind::Period && i.seq == due)
            {
                missing_reports = Some((due, m.totals[col][2]));
            }
        }
        let w = Window {
            from: c.plan.starts_on,
            until: today.succ_opt().unwrap_or(today).max(c.plan.starts_on),
        };
        accidents = storage::reports::accident_totals(&state.db, &within, w).await?;
        accidents_last_year =
            storage::reports::accident_totals(&state.db, &within, w.a_year_earlier()).await?;
        accident_window = Some(w);
    }
    Ok(Dashboard {
        campaign: c.as_ref().map(|c| info(c, today)),
        by_status,
        overdue,
        periods,
        most_overdue,
        missing_reports,
        accidents,
        accidents_last_year,
        accident_window,
    })
}
