//! Inspection plans, sealed from schools: only office staff and inspectors can list, read or
//! write them; for anyone else every plan route answers 404, as if none existed. Reading a plan
//! is logged.

use super::{schools, scope};
use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use crate::storage::{self, plans::PlanRow};
use app::domain::inspection::InspectionKind;
use app::domain::plan::{self, Draw, Named, Plan, PlanInput, Suggestion};
use app::domain::{Role, account::InputProblem};
use app::error::AppError;
use chrono::Utc;
use uuid::Uuid;

fn sealed(caller: &Caller) -> Result<()> {
    if scope::may_see_plans(caller) { Ok(()) } else { Err(AppError::NotFound.into()) }
}

async fn visible(state: &AppState, caller: &Caller, id: Uuid) -> Result<PlanRow> {
    sealed(caller)?;
    match storage::plans::get(&state.db, &id.to_string()).await? {
        Some(p) if p.bureau_path.starts_with(&caller.user.org_path) => Ok(p),
        _ => Err(AppError::NotFound.into()),
    }
}

async fn views(state: &AppState, rows: Vec<PlanRow>) -> Result<Vec<Plan>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let (schools, members) = storage::plans::schools_and_members(&state.db, &ids).await?;
    let named = |list: &[storage::plans::Named], plan: &str| {
        list.iter()
            .filter(|n| n.plan_id == plan)
            .map(|n| Named { id: n.id, name: n.name.clone() })
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| Plan {
            id: Uuid::parse_str(&r.id).unwrap_or_default(),
            kind: InspectionKind::parse(&r.kind).unwrap_or(InspectionKind::Unannounced),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            note: r.note,
            draw_seed: r.draw_seed,
            cancelled: r.cancelled,
            schools: named(&schools, &r.id),
            members: named(&members, &r.id),
        })
        .collect())
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<Plan>> {
    sealed(caller)?;
    let rows = storage::plans::list(&state.db, &caller.user.org_path).await?;
    views(state, rows).await
}

pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> Result<Plan> {
    let row = visible(state, caller, id).await?;
    caller.audit(state, "plan.view", &format!("plan:{id}"), "").await?;
    Ok(views(state, vec![row]).await?.remove(0))
}

pub async fn put(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    p: PlanInput,
) -> Result<(bool, Plan)> {
    sealed(caller)?;
    if let Some(existing) = storage::plans::get(&state.db, &id.to_string()).await?
        && !existing.bureau_path.starts_with(&caller.user.org_path)
    {
        return Err(AppError::NotFound.into());
    }
    if p.kind == InspectionKind::SelfCheck {
        return Err(AppError::Malformed.into());
    }
    if p.starts_on > p.ends_on || p.school_ids.is_empty() || p.note.chars().count() > 2000 {
        return Err(AppError::Invalid(InputProblem::NameEmpty).into());
    }
    for s in &p.school_ids {
        schools::get(state, caller, *s).await?;
    }
    let team = storage::users::list_under(&state.db, &caller.user.org_path).await?;
    for m in &p.member_ids {
        let ok = team.iter().any(|u| {
            u.id == *m && matches!(Role::parse(&u.role), Some(Role::Office | Role::Inspector))
        });
        if !ok {
            return Err(AppError::NotFound.into());
        }
    }
    let id_text = id.to_string();
    let w = storage::plans::PlanWrite {
        id: &id_text,
        bureau_id: caller.user.org_id,
        kind: p.kind.as_str(),
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        note: p.note.trim(),
        draw_seed: p.draw_seed,
        cancelled: p.cancelled,
        created_by: caller.id(),
        school_ids: &p.school_ids,
        member_ids: &p.member_ids,
    };
    let created = storage::plans::put(&state.db, &w, Utc::now()).await?;
    caller
        .audit(
            state,
            if created { "plan.create" } else { "plan.update" },
            &format!("plan:{id}"),
            "",
        )
        .await?;
    let row = storage::plans::get(&state.db, &id_text).await?.ok_or(AppError::Internal)?;
    Ok((created, views(state, vec![row]).await?.remove(0)))
}

/// An inspection that names a plan must be of a school in it.
pub async fn check_school_in_plan(
    state: &AppState,
    caller: &Caller,
    plan: Uuid,
    school_id: i64,
) -> Result<()> {
    visible(state, caller, plan).await?;
    if storage::plans::has_school(&state.db, &plan.to_string(), school_id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound.into())
    }
}

/// Schools in scope ranked by risk: overdue hazards, open major hazards, days since the last visit.
pub async fn suggestions(state: &AppState, caller: &Caller) -> Result<Vec<Suggestion>> {
    sealed(caller)?;
    let now = state.clock.now();
    let today = app::domain::time::china_date(now);
    let path = &caller.user.org_path;
    let schools = schools::list(state, caller, "").await?;
    let risk = storage::hazards::risk_by_school(&state.db, path, today).await?;
    let visits = storage::inspections::last_visits(&state.db, path).await?;
    let mut out: Vec<Suggestion> = schools
        .into_iter()
        .map(|s| {
            let r = risk.iter().find(|r| r.school_id == s.id);
            let (overdue, open_major) = r.map_or((0, 0), |r| (r.overdue, r.open_major));
            let days = visits
                .iter()
                .find(|v| v.school_id == s.id)
                .and_then(|v| v.last)
                .map(|t| (now - t).num_days());
            Suggestion {
                school_id: s.id,
                school_name: s.name,
                overdue,
                open_major,
                days_since_visit: days,
                score: plan::risk_score(overdue, open_major, days),
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.school_name.cmp(&b.school_name)));
    Ok(out)
}

/// A random draw of schools and inspectors (双随机). A given seed replays a draw; without one a
/// fresh seed is drawn and returned, to be recorded with the plan.
pub async fn draw(
    state: &AppState,
    caller: &Caller,
    seed: Option<i64>,
    schools_n: usize,
    inspectors_n: usize,
) -> Result<Draw> {
    sealed(caller)?;
    let seed = seed.unwrap_or_else(|| {
        let bytes = Uuid::now_v7().into_bytes();
        let mut tail = [0u8; 8];
        tail.copy_from_slice(&bytes[8..]);
        (u64::from_be_bytes(tail) >> 2) as i64
    });
    let school_ids: Vec<i64> =
        schools::list(state, caller, "").await?.iter().map(|s| s.id).collect();
    let inspector_ids: Vec<i64> = storage::users::list_under(&state.db, &caller.user.org_path)
        .await?
        .iter()
        .filter(|u| u.role == Role::Inspector.as_str() && !u.disabled)
        .map(|u| u.id)
        .collect();
    // Two independent streams from one seed: schools and inspectors.
    Ok(Draw {
        seed,
        school_ids: plan::draw(seed, &school_ids, schools_n),
        inspector_ids: plan::draw(seed.wrapping_add(1), &inspector_ids, inspectors_n),
    })
}

/// A plan from the plans screen's form: the schools are the highest-ranked by risk, or drawn at
/// random with the seed recorded; a random plan also draws its team.
pub async fn create_from_form(
    state: &AppState,
    caller: &Caller,
    f: app::api::PlanForm,
) -> Result<()> {
    sealed(caller)?;
    let id = Uuid::parse_str(f.id.trim()).map_err(|_| AppError::Malformed)?;
    let kind = InspectionKind::parse(&f.kind).ok_or(AppError::Malformed)?;
    let date = |s: &str| {
        s.trim()
            .parse::<chrono::NaiveDate>()
            .map_err(|_| AppError::Invalid(InputProblem::NameEmpty))
    };
    let (starts_on, ends_on) = (date(&f.starts_on)?, date(&f.ends_on)?);
    let count = |s: &str| s.trim().parse::<usize>().map_err(|_| AppError::Malformed);
    let (n_schools, n_inspectors) =
        (count(&f.schools)?.clamp(1, 200), count(&f.inspectors)?.min(20));
    let (school_ids, member_ids, seed) = if f.pick == "random" {
        let d = draw(state, caller, None, n_schools, n_inspectors).await?;
        (d.school_ids, d.inspector_ids, Some(d.seed))
    } else {
        let ranked = suggestions(state, caller).await?;
        (ranked.iter().take(n_schools).map(|s| s.school_id).collect(), vec![caller.id()], None)
    };
    let input = PlanInput {
        kind,
        starts_on,
        ends_on,
        school_ids,
        member_ids,
        note: f.note,
        draw_seed: seed,
        cancelled: false,
    };
    put(state, caller, id, input).await.map(|_| ())
}

pub async fn cancel(state: &AppState, caller: &Caller, id: Uuid) -> Result<()> {
    let p = get(state, caller, id).await?;
    let input = PlanInput {
        kind: p.kind,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        school_ids: p.schools.iter().map(|s| s.id).collect(),
        member_ids: p.members.iter().map(|m| m.id).collect(),
        note: p.note,
        draw_seed: p.draw_seed,
        cancelled: true,
    };
    put(state, caller, id, input).await.map(|_| ())
}

/// The plans screen.
pub async fn page(state: &AppState, caller: &Caller) -> Result<app::api::PlansPage> {
    let plans = list(state, caller).await?;
    let suggestions = suggestions(state, caller).await?;
    let inspectors = storage::users::list_under(&state.db, &caller.user.org_path)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Inspector.as_str() && !u.disabled)
        .map(|u| Named { id: u.id, name: u.display_name })
        .collect();
    Ok(app::api::PlansPage {
        plans,
        suggestions,
        inspectors,
        new_plan_id: Uuid::now_v7().to_string(),
        today: app::domain::time::china_date(state.clock.now()),
    })
}
