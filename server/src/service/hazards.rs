//! Hazards: reporting (from an inspection or on their own) with the first event of a hash
//! chain. Every event's hash covers the previous hash and the event's canonical content, so an
//! edited history is detectable.

use crate::auth::Caller;
use crate::storage::hazards::{HazardRow, NewEvent, NewHazard};
use app::domain::checklist::Area;
use app::domain::hazard::{HazardLevel, HazardStatus, HazardSummary, overdue_days};
use app::domain::report::Group;
use app::domain::time::china_date;
use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before the first event of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn summary(r: HazardRow, today: NaiveDate) -> HazardSummary {
    let status = HazardStatus::parse(&r.status).unwrap_or(HazardStatus::Reported);
    HazardSummary {
        overdue_days: overdue_days(status, r.deadline, today),
        area: r.area.as_deref().and_then(Area::parse),
        id: r.id,
        school_id: r.school_id,
        school_name: r.school_name,
        inspection_id: r.inspection_id,
        item_id: r.item_id,
        title: r.title,
        description: r.description,
        level: HazardLevel::parse(&r.level).unwrap_or_default(),
        status,
        found_on: r.found_on,
        deadline: r.deadline,
        reporter_name: r.reporter_name,
        reported_by: r.reported_by,
        version: r.version,
    }
}

/// The canonical content an event's hash covers, in a fixed order.
pub struct Canonical<'a> {
    pub hazard_id: &'a str,
    pub seq: i32,
    pub event_id: &'a str,
    pub action: &'a str,
    pub actor_id: i64,
    pub at: DateTime<Utc>,
    pub from_status: Option<&'a str>,
    pub to_status: &'a str,
    pub payload: &'a str,
}

/// SHA-256 over the previous hash and the event's fields, each length-prefixed so no two
/// different events can produce the same input.
pub fn chain_hash(prev_hash: &str, e: &Canonical<'_>) -> String {
    let at = e.at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let seq = e.seq.to_string();
    let actor = e.actor_id.to_string();
    let fields: [&str; 10] = [
        prev_hash,
        e.hazard_id,
        &seq,
        e.event_id,
        e.action,
        &actor,
        &at,
        e.from_status.unwrap_or(""),
        e.to_status,
        e.payload,
    ];
    let mut h = Sha256::new();
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What a report needs.
pub struct Report<'a> {
    pub id: Uuid,
    pub school_id: i64,
    pub inspection_id: Option<String>,
    pub item_id: Option<i64>,
    pub title: &'a str,
    pub description: &'a str,
    pub level: HazardLevel,
    pub found_on: NaiveDate,
    pub deadline: NaiveDate,
    pub area: Option<Area>,
    pub photos: Vec<String>,
    pub caller: &'a Caller,
    pub at: DateTime<Utc>,
}

/// A new hazard with its `report` event, hashed as the first link of its chain.
pub fn new_report(r: Report<'_>) -> NewHazard {
    let id = r.id.to_string();
    // Stored timestamps keep microseconds; hash what will be read back.
    let at = r.at.trunc_subsecs(6);
    let payload = serde_json::json!({
        "title": r.title,
        "description": r.description,
        "level": r.level.as_str(),
        "deadline": r.deadline,
        "photos": r.photos,
        "inspection_id": r.inspection_id,
        "item_id": r.item_id,
    })
    .to_string();
    // The report event's id derives from the hazard's, so a retried report is the same event.
    let event_id = format!("{id}:report");
    let canonical = Canonical {
        hazard_id: &id,
        seq: 1,
        event_id: &event_id,
        action: "report",
        actor_id: r.caller.id(),
        at,
        from_status: None,
        to_status: HazardStatus::Reported.as_str(),
        payload: &payload,
    };
    let hash = chain_hash(GENESIS, &canonical);
    NewHazard {
        id: id.clone(),
        school_id: r.school_id,
        inspection_id: r.inspection_id,
        item_id: r.item_id,
        title: r.title.to_owned(),
        description: r.description.to_owned(),
        level: r.level.as_str(),
        found_on: r.found_on,
        deadline: r.deadline,
        reported_by: r.caller.id(),
        reporter_org_id: r.caller.user.org_id,
        area: r.area.map(Area::as_str),
        photos: r.photos,
        event: NewEvent {
            seq: 1,
            event_id,
            action: "report",
            actor_id: r.caller.id(),
            at,
            from_status: None,
            to_status: HazardStatus::Reported.as_str(),
            payload,
            prev_hash: GENESIS.to_owned(),
            hash,
        },
    }
}

// ---- The closed loop: read, list, act, report, verify ----

use super::{schools, scope};
use crate::error::Result;
use crate::state::AppState;
use crate::storage::{self, hazards::Apply, hazards::Changes, hazards::ListQuery, orgs::Within};
use app::domain::Role;
use app::domain::hazard::{
    EventInput, EventView, HazardDetail, HazardFilter, HazardList, ItemRef, PlanFields,
    ReportInput, StatusCount,
};
use app::domain::workflow::{self, Action, Actor, HazardFacts, Supplied};
use app::error::AppError;

const PAGE: i64 = 50;
const MAX_TEXT: usize = 2000;

/// A hazard in the caller's scope (else not found), with its events, read in one statement: the
/// row and its history always agree, even with an event landing at the same moment.
async fn visible_with_events(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<(HazardRow, Vec<storage::hazards::EventRow>)> {
    match storage::hazards::with_events(&state.db, id).await? {
        Some((r, events)) if scope::may_see_hazard_at(caller, &r.school_path) => Ok((r, events)),
        _ => Err(AppError::NotFound.into()),
    }
}

fn facts(r: &HazardRow) -> HazardFacts {
    HazardFacts {
        status: HazardStatus::parse(&r.status).unwrap_or(HazardStatus::Reported),
        level: HazardLevel::parse(&r.level).unwrap_or_default(),
        school_id: r.school_id,
        reported_by: r.reported_by,
    }
}

fn actor(caller: &Caller, r: &HazardRow) -> Actor {
    Actor {
        user_id: caller.id(),
        role: caller.role,
        org_id: caller.user.org_id,
        oversees_discoverer: caller.role != Role::Principal
            && r.reporter_org_path.starts_with(&caller.user.org_path),
    }
}

fn photo_list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn event_view(e: storage::hazards::EventRow) -> EventView {
    let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
    let text = ["note", "reason", "measures", "title"]
        .iter()
        .find_map(|k| payload[*k].as_str().filter(|s| !s.is_empty()))
        .unwrap_or("")
        .to_owned();
    let deadline = payload["deadline"].as_str().and_then(|d| d.parse().ok());
    let photos = payload["photos"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    EventView {
        seq: e.seq,
        action: e.action,
        actor_name: e.actor_name,
        at: e.at,
        from_status: e.from_status.as_deref().and_then(HazardStatus::parse),
        to_status: HazardStatus::parse(&e.to_status).unwrap_or(HazardStatus::Reported),
        text,
        deadline,
        photos,
    }
}

async fn detail_of(state: &AppState, caller: &Caller, r: HazardRow) -> Result<HazardDetail> {
    let events = storage::hazards::events(&state.db, &r.id).await?;
    Ok(assemble(state, caller, r, events))
}

/// The details of hazards already read within the caller's scope, with all their events read in
/// one statement (the changes feed sends hundreds at a time).
pub async fn details_of(
    state: &AppState,
    caller: &Caller,
    rows: Vec<HazardRow>,
) -> Result<Vec<HazardDetail>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut by_hazard: std::collections::HashMap<String, Vec<storage::hazards::EventRow>> =
        std::collections::HashMap::with_capacity(rows.len());
    for e in storage::hazards::events_of(&state.db, &ids).await? {
        by_hazard.entry(e.hazard_id.clone()).or_default().push(e);
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let events = by_hazard.remove(&r.id).unwrap_or_default();
            assemble(state, caller, r, events)
        })
        .collect())
}

/// A hazard's detail from its row and its events in order.
fn assemble(
    state: &AppState,
    caller: &Caller,
    r: HazardRow,
    events: Vec<storage::hazards::EventRow>,
) -> HazardDetail {
    let before_photos = events
        .first()
        .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok())
        .and_then(|p| p["photos"].as_array().cloned())
        .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let today = china_date(state.clock.now());
    let actions = workflow::available(&facts(&r), &actor(caller, &r), today);
    let plan = match (
        &r.plan_responsible,
        &r.plan_measures,
        r.plan_funds_cents,
        r.plan_deadline,
        &r.plan_contingency,
    ) {
        (Some(resp), Some(meas), Some(cents), Some(dl), Some(cont)) => Some(PlanFields {
            responsible: resp.clone(),
            measures: meas.clone(),
            funds_yuan: cents as f64 / 100.0,
            deadline: dl,
            contingency: cont.clone(),
        }),
        _ => None,
    };
    let item = match (&r.item_code, &r.item_title, &r.item_content, &r.item_standard) {
        (Some(code), Some(title), Some(content), Some(standard)) => Some(ItemRef {
            code: code.clone(),
            title: title.clone(),
            content: content.clone(),
            standard: standard.clone(),
        }),
        _ => None,
    };
    HazardDetail {
        item,
        before_photos,
        after_photos: photo_list(&r.after_photos),
        signature: r.signature_sha.clone(),
        plan,
        submit_note: r.submit_note.clone(),
        return_reason: r.return_reason.clone(),
        events: events.into_iter().map(event_view).collect(),
        actions,
        summary: summary(r, china_date(state.clock.now())),
    }
}

pub async fn detail(state: &AppState, caller: &Caller, id: Uuid) -> Result<HazardDetail> {
    let (r, events) = visible_with_events(state, caller, &id.to_string()).await?;
    Ok(assemble(state, caller, r, events))
}

/// The ledger (and, with `queue`, the closure queue: submitted, oldest first).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    f: &HazardFilter,
    queue: bool,
) -> Result<HazardList> {
    let within = scope::within(caller);
    let q = list_query(state, &within, f, queue);
    let status = q.status.and_then(HazardStatus::parse);
    let (rows, counts, overdue) = storage::hazards::list(&state.db, &q).await?;
    let counts: Vec<StatusCount> = HazardStatus::ALL
        .into_iter()
        .map(|s| StatusCount {
            status: s,
            count: counts.iter().find(|(k, _)| k == s.as_str()).map_or(0, |(_, n)| *n),
        })
        .collect();
    let total = match status {
        Some(s) => counts.iter().find(|c| c.status == s).map_or(0, |c| c.count),
        None => counts.iter().map(|c| c.count).sum(),
    };
    Ok(HazardList {
        items: rows.into_iter().map(|r| summary(r, q.today)).collect(),
        counts,
        overdue,
        total,
    })
}

/// The storage query of a ledger page (or the closure queue) for `f` within a scope.
fn list_query<'a>(
    state: &AppState,
    within: &'a Within<'a>,
    f: &HazardFilter,
    queue: bool,
) -> ListQuery<'a> {
    let status = if queue { Some(HazardStatus::Submitted) } else { f.status };
    ListQuery {
        within,
        status: status.map(HazardStatus::as_str),
        school: f.school,
        area: f.area.map(Area::as_str),
        level: f.level.map(HazardLevel::as_str),
        overdue: f.overdue.unwrap_or(false),
        from: f.from,
        to: f.to,
        reporter: f.reporter,
        stage: f.stage,
        kindergarten: match f.group {
            Some(Group::Kindergarten) => Some(true),
            Some(Group::School) => Some(false),
            Some(Group::Total) | None => None,
        },
        changed_after: None,
        today: china_date(state.clock.now()),
        order_queue: queue,
        limit: PAGE,
        offset: i64::from(f.page.unwrap_or(0).min(100_000)) * PAGE,
    }
}

/// The plans of the statements behind a ledger page (or the closure queue) as `caller` would
/// run them, for the benchmark report.
pub async fn explain(
    state: &AppState,
    caller: &Caller,
    f: &HazardFilter,
    queue: bool,
) -> Result<Vec<storage::hazards::Plan>> {
    let within = scope::within(caller);
    storage::hazards::explain_list(&state.db, &list_query(state, &within, f, queue)).await
}

/// The principals of a school (who are told of its hazards).
pub async fn principals_of(state: &AppState, school_id: i64) -> Result<Vec<i64>> {
    storage::users::principals_of(&state.db, school_id).await
}

/// The discoverer and the safety office over the discovering unit (who review a submission).
async fn reviewers_of(state: &AppState, r: &HazardRow) -> Result<Vec<i64>> {
    let mut ids = vec![r.reported_by];
    let above = super::home::ancestors(&r.reporter_org_path);
    for u in storage::users::office_over(&state.db, &above).await? {
        if !ids.contains(&u) {
            ids.push(u);
        }
    }
    Ok(ids)
}

/// The webhook body for a hazard just reported (before its row can be read back).
pub fn new_hazard_payload(h: &NewHazard, school_name: &str) -> String {
    serde_json::json!({
        "event": "hazard.reported",
        "hazard": {
            "id": h.id, "title": h.title, "level": h.level, "status": "reported",
            "school_id": h.school_id, "school_name": school_name, "deadline": h.deadline,
            "version": 1,
        },
        "at": Utc::now(),
    })
    .to_string()
}

fn webhook_payload(event: &str, r: &HazardRow) -> String {
    serde_json::json!({
        "event": event,
        "hazard": {
            "id": r.id, "title": r.title, "level": r.level, "status": r.status,
            "school_id": r.school_id, "school_name": r.school_name, "deadline": r.deadline,
            "version": r.version,
        },
        "at": Utc::now(),
    })
    .to_string()
}

/// Checks that every photo is stored and the caller's own upload.
async fn own_photos(state: &AppState, caller: &Caller, shas: &[String]) -> Result<()> {
    let owned = storage::photos::owned_by(&state.db, shas, caller.id()).await?;
    match shas.iter().find(|s| !owned.contains(s)) {
        Some(missing) => {
            Err(AppError::Rule(app::domain::Rule::UnknownPhoto { sha256: missing.clone() }).into())
        }
        None => Ok(()),
    }
}

fn bounded(s: &str) -> Result<String> {
    let t = s.trim();
    if t.chars().count() > MAX_TEXT {
        return Err(AppError::Invalid(app::domain::account::InputProblem::NameTooLong).into());
    }
    Ok(t.to_owned())
}

/// A workflow action. A retried `event_id` answers the current state without applying twice; a
/// stale `expected_version` answers 409 with the current state.
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    e: EventInput,
) -> Result<HazardDetail> {
    let id_text = id.to_string();
    let (r, mut events) = visible_with_events(state, caller, &id_text).await?;
    let event_id = e.event_id.to_string();
    if events.iter().any(|x| x.event_id == event_id) {
        // A retry: answer the current state.
        return Ok(assemble(state, caller, r, events));
    }
    if e.expected_version != r.version {
        return Err(AppError::Stale(Box::new(assemble(state, caller, r, events))).into());
    }
    let head = events.last().map(|x| (x.hash.clone(), x.seq)).ok_or(AppError::Internal)?;
    let note = bounded(&e.note)?;
    let reason = bounded(&e.reason)?;
    if e.photos.len() > 12 {
        return Err(AppError::Malformed.into());
    }
    let mut mine: Vec<String> = e.photos.clone();
    mine.extend(e.signature.iter().cloned());
    own_photos(state, caller, &mine).await?;
    let plan = match &e.plan {
        Some(p) => Some(PlanFields {
            responsible: bounded(&p.responsible)?,
            measures: bounded(&p.measures)?,
            contingency: bounded(&p.contingency)?,
            ..p.clone()
        }),
        None => None,
    };
    let supplied = Supplied {
        plan_complete: plan.as_ref().is_some_and(PlanFields::is_complete),
        after_photos: e.photos.len(),
        note: !note.is_empty(),
        signature: e.signature.is_some(),
        reason: !reason.is_empty(),
        new_deadline: e.deadline,
    };
    // Stored to the microsecond on both databases: the answer below carries the same instant.
    let now = state.clock.now().trunc_subsecs(6);
    let today = china_date(now);
    let from = facts(&r).status;
    let to = workflow::transition(&facts(&r), e.action, &actor(caller, &r), &supplied, today)
        .map_err(AppError::Refused)?;

    let mut changes = Changes::default();
    // The day of a step is never before the day the hazard was found, so every period reconciles.
    let day = Some(today.max(r.found_on));
    let mut refs = Vec::new();
    let mut notify_principals = false;
    let mut notify_reviewers = false;
    match e.action {
        Action::Plan => {
            changes.planned_on = day;
            if let Some(p) = &plan {
                changes.plan = Some((
                    p.responsible.clone(),
                    p.measures.clone(),
                    p.funds_cents(),
                    p.deadline,
                    p.contingency.clone(),
                ));
            }
        }
        Action::Submit => {
            changes.rectified_on = day;
            changes.submit_note = Some(note.clone());
            changes.after_photos =
                Some(serde_json::to_string(&e.photos).unwrap_or_else(|_| "[]".into()));
            changes.signature_sha = e.signature.clone();
            refs.extend(e.photos.iter().map(|p| (p.clone(), "after")));
            refs.extend(e.signature.iter().map(|p| (p.clone(), "signature")));
            notify_reviewers = true;
        }
        Action::Approve => {
            changes.closed_at = Some(now);
            changes.closed_on = day;
            notify_principals = true;
        }
        Action::Return => {
            changes.return_reason = Some(reason.clone());
            notify_principals = true;
        }
        Action::Extend => {
            changes.deadline = e.deadline;
            notify_principals = true;
        }
        Action::Void => {
            changes.voided_on = day;
            notify_principals = true;
        }
    }
    let kind = match e.action {
        Action::Plan => "hazard_planned",
        Action::Submit => "hazard_submitted",
        Action::Approve => "hazard_closed",
        Action::Return => "hazard_returned",
        Action::Extend => "hazard_extended",
        Action::Void => "hazard_voided",
    };
    let mut notify = Vec::new();
    if notify_reviewers {
        notify.extend(reviewers_of(state, &r).await?.into_iter().map(|u| (u, kind)));
    }
    notify.retain(|(u, _)| *u != caller.id());
    let webhook_event = format!("hazard.{}", e.action.as_str());
    let school_id = r.school_id;
    let after = changes.applied_to(r, to.as_str(), now);
    let webhook = state
        .config
        .webhook_url
        .as_ref()
        .map(|_| (webhook_event.clone(), webhook_payload(&webhook_event, &after)));
    let payload = serde_json::json!({
        "note": note, "reason": reason, "photos": e.photos, "signature": e.signature,
        "measures": plan.as_ref().map(|p| p.measures.clone()),
        "plan": plan, "deadline": e.deadline.or(plan.as_ref().map(|p| p.deadline)),
    })
    .to_string();
    let at = now;
    let action = e.action.as_str();
    let (prev_hash, seq) = (head.0, head.1 + 1);
    let hash = chain_hash(
        &prev_hash,
        &Canonical {
            hazard_id: &id_text,
            seq,
            event_id: &event_id,
            action,
            actor_id: caller.id(),
            at,
            from_status: Some(from.as_str()),
            to_status: to.as_str(),
            payload: &payload,
        },
    );
    let event = NewEvent {
        seq,
        event_id: event_id.clone(),
        action,
        actor_id: caller.id(),
        at,
        from_status: Some(from.as_str()),
        to_status: to.as_str(),
        payload,
        prev_hash,
        hash,
    };
    let apply = Apply {
        hazard_id: id_text.clone(),
        expected_version: e.expected_version,
        to_status: to.as_str(),
        changes,
        event: event.clone(),
        photo_refs: refs,
        notify_principals: notify_principals.then_some((school_id, kind)),
        notify,
        webhook,
        audit: (
            format!("hazard.{action}"),
            format!("hazard:{id}"),
            caller.meta.client_addr.clone(),
        ),
        now,
    };
    match state.actions.apply(apply).await {
        Ok(true) => {
            // Answer from what was just written: the row as the write changed it (it moved from
            // the version read, so nothing else came between), the events read and the one
            // appended.
            events.push(storage::hazards::EventRow {
                hazard_id: id_text,
                seq: event.seq,
                event_id: event.event_id,
                action: event.action.to_owned(),
                actor_id: event.actor_id,
                actor_name: caller.user.display_name.clone(),
                at: event.at,
                from_status: event.from_status.map(str::to_owned),
                to_status: event.to_status.to_owned(),
                payload: event.payload,
                prev_hash: event.prev_hash,
                hash: event.hash,
            });
            Ok(assemble(state, caller, after, events))
        }
        // Someone acted between our read and our write. If it was this very event, sent twice
        // at once (a phone's outbox retrying), answer as a retry; otherwise as a stale version.
        Ok(false) => {
            let (current, now_there) = visible_with_events(state, caller, &id_text).await?;
            let retried = now_there.iter().any(|x| x.event_id == event.event_id);
            let answer = assemble(state, caller, current, now_there);
            if retried { Ok(answer) } else { Err(AppError::Stale(Box::new(answer)).into()) }
        }
        // The event id is taken: by this very event, raced in twice (answer the current state),
        // or on another hazard, a client's bug.
        Err(crate::error::Error::Db(ref db)) if storage::is_unique_violation(db) => {
            match storage::hazards::hazard_of_event(&state.db, &event_id).await? {
                Some(other) if other != id_text => Err(AppError::Malformed.into()),
                _ => detail(state, caller, id).await,
            }
        }
        Err(other) => Err(other),
    }
}

/// Reports a hazard on its own, outside an inspection: inspectors and office staff for any
/// school in scope, a principal for their own school. Reporting the same id again is harmless.
pub async fn report(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    input: ReportInput,
) -> Result<(bool, HazardDetail)> {
    if caller.role == Role::Admin {
        return Err(AppError::Forbidden.into());
    }
    let school = schools::get(state, caller, input.school_id).await?;
    if let Some(existing) = storage::hazards::get(&state.db, &id.to_string()).await? {
        if existing.reported_by != caller.id() {
            return Err(AppError::NotFound.into());
        }
        return Ok((false, detail_of(state, caller, existing).await?));
    }
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(AppError::Invalid(app::domain::account::InputProblem::ItemTextEmpty).into());
    }
    let description = bounded(&input.description)?;
    if input.photos.len() > 12 {
        return Err(AppError::Malformed.into());
    }
    own_photos(state, caller, &input.photos).await?;
    let now = state.clock.now();
    let today = china_date(now);
    let deadline =
        input.deadline.unwrap_or_else(|| state.config.deadlines.deadline(input.level, today));
    if deadline < today {
        return Err(AppError::Rule(app::domain::Rule::DeadlineBeforeFound).into());
    }
    let h = new_report(Report {
        id,
        school_id: school.id,
        inspection_id: None,
        item_id: None,
        title,
        description: &description,
        level: input.level,
        found_on: today,
        deadline,
        area: input.area,
        photos: input.photos,
        caller,
        at: now,
    });
    let notify: Vec<(i64, &'static str)> = principals_of(state, school.id)
        .await?
        .into_iter()
        .filter(|u| *u != caller.id())
        .map(|u| (u, "hazard_reported"))
        .collect();
    let webhook = state.config.webhook_url.as_ref().map(|_| new_hazard_payload(&h, &school.name));
    let created = storage::hazards::report(&state.db, &h, &notify, webhook.as_deref(), now).await?;
    if created {
        caller.audit(state, "hazard.report", &format!("hazard:{id}"), "").await?;
    }
    Ok((created, detail(state, caller, id).await?))
}

/// A place where a hazard's chain does not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Break {
    pub hazard_id: String,
    pub seq: i32,
    pub problem: &'static str,
}

/// Recomputes every hazard's chain of events. Returns the breaks and how many events were checked.
pub async fn verify(db: &storage::Db) -> Result<(Vec<Break>, u64)> {
    let mut breaks = Vec::new();
    let mut checked = 0u64;
    let mut cursor = (String::new(), 0);
    let (mut current, mut prev_hash, mut expect_seq) = (String::new(), GENESIS.to_owned(), 1);
    loop {
        let page = storage::hazards::events_after(db, (&cursor.0, cursor.1), 1000).await?;
        let Some(last) = page.last() else { break };
        cursor = (last.hazard_id.clone(), last.seq);
        for e in page {
            if e.hazard_id != current {
                current = e.hazard_id.clone();
                prev_hash = GENESIS.to_owned();
                expect_seq = 1;
            }
            checked += 1;
            let c = Canonical {
                hazard_id: &e.hazard_id,
                seq: e.seq,
                event_id: &e.event_id,
                action: &e.action,
                actor_id: e.actor_id,
                at: e.at,
                from_status: e.from_status.as_deref(),
                to_status: &e.to_status,
                payload: &e.payload,
            };
            let problem = if e.seq != expect_seq {
                Some("missing or reordered event")
            } else if e.prev_hash != prev_hash {
                Some("link to the previous event broken")
            } else if chain_hash(&prev_hash, &c) != e.hash {
                Some("event content changed after it was written")
            } else {
                None
            };
            if let Some(problem) = problem {
                breaks.push(Break { hazard_id: e.hazard_id.clone(), seq: e.seq, problem });
            }
            prev_hash = e.hash.clone();
            expect_seq = e.seq + 1;
        }
    }
    Ok((breaks, checked))
}

/// A hazard's screen, with a fresh id for the next action.
pub async fn page(state: &AppState, caller: &Caller, id: Uuid) -> Result<app::api::HazardPage> {
    let detail = detail(state, caller, id).await?;
    let typical = matches!(caller.role, Role::Office | Role::Admin)
        && storage::registers::is_typical(&state.db, &id.to_string()).await?;
    Ok(app::api::HazardPage {
        detail,
        event_id: Uuid::now_v7().to_string(),
        today: china_date(state.clock.now()),
        typical,
    })
}

/// The ledger as an xlsx file, every matching hazard (up to 20,000).
pub async fn ledger_xlsx(state: &AppState, caller: &Caller, f: &HazardFilter) -> Result<Vec<u8>> {
    let mut all = Vec::new();
    for page in 0..400 {
        let l = list(state, caller, &HazardFilter { page: Some(page), ..f.clone() }, false).await?;
        let done = l.items.len() < PAGE as usize;
        all.extend(l.items);
        if done {
            break;
        }
    }
    let unit = caller.user.org_name.clone();
    let today = china_date(state.clock.now()).to_string();
    let bytes = tokio::task::spawn_blocking(move || crate::xlsx::ledger(&unit, &today, &all))
        .await?
        .map_err(|e| {
            tracing::error!(error = %e, "xlsx rendering failed");
            AppError::Internal
        })?;
    caller.audit(state, "hazard.export", "ledger", "").await?;
    Ok(bytes)
}
