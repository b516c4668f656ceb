//! Enforcement measures and accountability actions, the responsibility list, activity logs and
//! accidents: who may write and read each, the rules, idempotent writes by the phone's id, and
//! the audit log. Reading follows scope (a principal sees their own school's records only).

use super::{schools, scope};
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::storage::{self, registers as store};
use app::domain::Role;
use app::domain::register::{
    Accident, AccidentInput, AccidentKind, AccidentRecord, Activity, ActivityInput, ActivityKind,
    ActivityRecord, Category, DutiesView, DutyList, DutyListDraft, DutyListInput, DutySignature,
    Enforcement, EnforcementFilter, EnforcementInput, EnforcementList, EnforcementRecord,
    LIST_LIMIT, RegisterFilter, RegisterProblem, SchoolCompliance, SchoolRef, SignInput, Signing,
    canonical_text, compliance, semester_of,
};
use app::domain::rule::Rule;
use app::domain::time::china_date;
use app::error::AppError;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use uuid::Uuid;

impl From<RegisterProblem> for Error {
    fn from(problem: RegisterProblem) -> Self {
        Error::App(AppError::Rule(Rule::Register { problem }))
    }
}

fn today(state: &AppState) -> NaiveDate {
    china_date(state.clock.now())
}

fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

/// Every photo must be stored and the caller's own upload (else 422: upload photos first).
async fn own_photos(state: &AppState, caller: &Caller, shas: &[String]) -> Result<()> {
    let owned = storage::photos::owned_by(&state.db, shas, caller.id()).await?;
    match shas.iter().find(|s| !owned.contains(s)) {
        Some(missing) => Err(AppError::Rule(Rule::UnknownPhoto { sha256: missing.clone() }).into()),
        None => Ok(()),
    }
}

/// Every linked hazard must be one of this school's.
async fn hazards_of(state: &AppState, school_id: i64, ids: &[String]) -> Result<()> {
    let found = store::hazards_of_school(&state.db, school_id, ids).await?;
    if found.len() == ids.len() { Ok(()) } else { Err(RegisterProblem::HazardOfOtherSchool.into()) }
}

/// A retried write: the stored record when it says the same (200), 409 when it differs, 404
/// when the caller may not see it.
fn settle<R>(caller: &Caller, path: &str, record: R, same: bool) -> Result<(bool, R)> {
    if !scope::contains_path(caller, path) {
        return Err(AppError::NotFound.into());
    }
    if same { Ok((false, record)) } else { Err(RegisterProblem::DifferentRecord.into()) }
}

/// A school filter of a list must name a school in scope (404 otherwise).
async fn check_school(state: &AppState, caller: &Caller, school: Option<i64>) -> Result<()> {
    if let Some(id) = school {
        schools::get(state, caller, id).await?;
    }
    Ok(())
}

// ---- Enforcement measures and accountability actions ----

/// The configured kinds of a category, in order.
pub fn kinds(state: &AppState, category: Category) -> &[String] {
    match category {
        Category::Measure => &state.config.measure_kinds,
        Category::Action => &state.config.action_kinds,
    }
}

fn enforcement_record(r: store::EnforcementRow) -> EnforcementRecord {
    EnforcementRecord {
        category: Category::parse(&r.category).unwrap_or(Category::Measure),
        persons: json_list(&r.persons),
        attachments: json_list(&r.attachments),
        id: r.id,
        kind: r.kind,
        school_id: r.school_id,
        school_name: r.school_name,
        hazard_id: r.hazard_id,
        hazard_title: r.hazard_title,
        persons_count: r.persons_count,
        taken_on: r.taken_on,
        doc_no: r.doc_no,
        note: r.note,
        created_by_name: r.created_by_name,
        created_at: r.created_at,
    }
}

fn settle_enforcement(
    caller: &Caller,
    e: &Enforcement,
    row: store::EnforcementRow,
) -> Result<(bool, EnforcementRecord)> {
    let path = row.school_path.clone();
    let record = enforcement_record(row);
    let same = e.same_as(&record);
    settle(caller, &path, record, same)
}

/// Records a measure (office, admin, inspectors) or an action (office, admin) by the phone's id:
/// created (true), or the same record already there (false); a different one under the id is 409.
pub async fn put_enforcement(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    input: EnforcementInput,
) -> Result<(bool, EnforcementRecord)> {
    match input.category {
        Category::Measure => caller.require(&[Role::Office, Role::Admin, Role::Inspector])?,
        Category::Action => caller.require(&[Role::Office, Role::Admin])?,
    }
    let school = schools::get(state, caller, input.school_id).await?;
    let e = Enforcement::parse(&input, kinds(state, input.category), today(state))?;
    let id_text = id.to_string();
    if let Some(row) = store::get_enforcement(&state.db, &id_text).await? {
        return settle_enforcement(caller, &e, row);
    }
    if let Some(h) = e.hazard_id() {
        hazards_of(state, school.id, &[h.to_owned()]).await?;
    }
    own_photos(state, caller, e.attachments()).await?;
    let new = store::NewEnforcement {
        id: &id_text,
        category: e.category().as_str(),
        kind: e.kind(),
        school_id: school.id,
        hazard_id: e.hazard_id(),
        persons: e.persons(),
        taken_on: e.taken_on(),
        doc_no: e.doc_no(),
        note: e.note(),
        attachments: e.attachments(),
        created_by: caller.id(),
    };
    let created = store::insert_enforcement(&state.db, &new, state.clock.now()).await?;
    let row = store::get_enforcement(&state.db, &id_text).await?.ok_or(AppError::Internal)?;
    if !created {
        // Another request with this id won the race.
        return settle_enforcement(caller, &e, row);
    }
    let action = format!("enforcement.{}", e.category().as_str());
    caller.audit(state, &action, &format!("enforcement:{id}"), e.kind()).await?;
    Ok((true, enforcement_record(row)))
}

pub async fn list_enforcement(
    state: &AppState,
    caller: &Caller,
    f: &EnforcementFilter,
) -> Result<EnforcementList> {
    check_school(state, caller, f.school).await?;
    let within = scope::within(caller);
    let q = store::EnforcementQuery {
        within: &within,
        category: f.category.map(Category::as_str),
        kind: f.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()),
        school: f.school,
        from: f.from,
        until: f.until,
        limit: LIST_LIMIT,
    };
    let (rows, (total, persons, institutions)) = store::list_enforcement(&state.db, &q).await?;
    Ok(EnforcementList {
        items: rows.into_iter().map(enforcement_record).collect(),
        total,
        persons,
        institutions,
    })
}

/// Flags a hazard as a typical case for exposure, or clears the flag (office and admin).
pub async fn set_typical(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    typical: bool,
) -> Result<bool> {
    caller.require(&[Role::Office, Role::Admin])?;
    let id_text = id.to_string();
    match storage::hazards::school_path(&state.db, &id_text).await? {
        Some(path) if scope::may_see_hazard_at(caller, &path) => {}
        _ => return Err(AppError::NotFound.into()),
    }
    if store::is_typical(&state.db, &id_text).await? != typical {
        store::set_typical(&state.db, &id_text, typical).await?;
        let detail = if typical { "typical" } else { "not typical" };
        caller.audit(state, "hazard.typical", &format!("hazard:{id}"), detail).await?;
    }
    Ok(typical)
}

// ---- The responsibility list ----

fn duty_list(r: store::DutyListRow) -> DutyList {
    DutyList {
        duties: json_list(&r.duties),
        id: r.id,
        bureau_name: r.bureau_name,
        title: r.title,
        published_by_name: r.published_by_name,
        published_at: r.published_at,
    }
}

fn duty_signature(r: store::SignatureRow) -> DutySignature {
    DutySignature {
        school_items: json_list(&r.school_items),
        list_id: r.list_id,
        school_id: r.school_id,
        school_name: r.school_name,
        signer_name: r.signer_name,
        signed_at: r.signed_at,
        content_sha: r.content_sha,
        signature_sha: r.signature_sha,
    }
}

/// The bureau whose list applies to the caller: a principal's school's bureau, else their own.
async fn bureau_of(
    state: &AppState,
    caller: &Caller,
) -> Result<(i64, Option<storage::orgs::SchoolRow>)> {
    if caller.role == Role::Principal {
        let school = storage::orgs::get_school(&state.db, caller.user.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((school.bureau_id, Some(school)))
    } else {
        Ok((caller.user.org_id, None))
    }
}

/// The current list, who signed it and who has not. The list covers the schools directly under
/// the bureau that published it.
pub async fn duties(state: &AppState, caller: &Caller) -> Result<DutiesView> {
    let (bureau_id, own) = bureau_of(state, caller).await?;
    let (school_name, signer_name) = match own {
        Some(s) => (Some(s.name), Some(caller.user.display_name.clone())),
        None => (None, None),
    };
    let Some(list) = store::current_list(&state.db, bureau_id).await? else {
        return Ok(DutiesView {
            list: None,
            signed: vec![],
            unsigned: vec![],
            school_name,
            signer_name,
        });
    };
    let within = scope::within(caller);
    let signed: Vec<DutySignature> = store::signatures(&state.db, list.id, &within)
        .await?
        .into_iter()
        .map(duty_signature)
        .collect();
    let unsigned = storage::orgs::list_schools(&state.db, &within, "")
        .await?
        .into_iter()
        .filter(|s| s.bureau_id == list.bureau_id && !signed.iter().any(|g| g.school_id == s.id))
        .map(|s| SchoolRef { id: s.id, name: s.name })
        .collect();
    Ok(DutiesView { list: Some(duty_list(list)), signed, unsigned, school_name, signer_name })
}

/// Publishes a new list for the office's bureau; it becomes the current one. Publishing the
/// same title and duties as the current list again is a retry and changes nothing.
pub async fn publish(
    state: &AppState,
    caller: &Caller,
    input: DutyListInput,
) -> Result<(bool, DutyList)> {
    caller.require(&[Role::Office])?;
    let draft = DutyListDraft::parse(&input)?;
    let bureau_id = caller.user.org_id;
    if let Some(current) = store::current_list(&state.db, bureau_id).await?
        && current.title == draft.title()
        && json_list(&current.duties) == draft.duties()
    {
        return Ok((false, duty_list(current)));
    }
    let id = store::publish_list(
        &state.db,
        bureau_id,
        draft.title(),
        draft.duties(),
        caller.id(),
        state.clock.now(),
    )
    .await?;
    caller.audit(state, "duties.publish", &format!("duty_list:{id}"), draft.title()).await?;
    let list = store::get_list(&state.db, id).await?.ok_or(AppError::Internal)?;
    Ok((true, duty_list(list)))
}

/// SHA-256 of the canonical text, lower-case hex.
pub fn content_sha(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The principal signs the current list for their school. The same content again is a retry
/// (false); a signed list cannot be signed differently (409).
pub async fn sign(
    state: &AppState,
    caller: &Caller,
    list_id: i64,
    input: SignInput,
) -> Result<(bool, DutySignature)> {
    caller.require(&[Role::Principal])?;
    let (bureau_id, school) = bureau_of(state, caller).await?;
    let school = school.ok_or(AppError::Internal)?;
    let list = match store::get_list(&state.db, list_id).await? {
        Some(l) if l.bureau_id == bureau_id => l,
        _ => return Err(AppError::NotFound.into()),
    };
    let s = Signing::parse(&input)?;
    let text = canonical_text(
        &list.title,
        &json_list(&list.duties),
        &school.name,
        s.school_items(),
        &caller.user.display_name,
    );
    let sha = content_sha(&text);
    let settle = |row: store::SignatureRow| -> Result<(bool, DutySignature)> {
        if row.content_sha == sha {
            Ok((false, duty_signature(row)))
        } else {
            Err(RegisterProblem::AlreadySigned.into())
        }
    };
    if let Some(row) = store::signature(&state.db, list.id, school.id).await? {
        return settle(row);
    }
    if store::current_list(&state.db, bureau_id).await?.map(|c| c.id) != Some(list.id) {
        return Err(RegisterProblem::ListReplaced.into());
    }
    own_photos(state, caller, &[s.signature().to_owned()]).await?;
    let new = store::NewSignature {
        list_id: list.id,
        school_id: school.id,
        school_items: s.school_items(),
        content_sha: &sha,
        signature_sha: s.signature(),
        signed_by: caller.id(),
    };
    let created = store::sign(&state.db, &new, state.clock.now()).await?;
    let row = store::signature(&state.db, list.id, school.id).await?.ok_or(AppError::Internal)?;
    if !created {
        return settle(row);
    }
    caller
        .audit(
            state,
            "duties.sign",
            &format!("duty_list:{}", list.id),
            &format!("school:{} sha256:{sha}", school.id),
        )
        .await?;
    Ok((true, duty_signature(row)))
}

// ---- Activity logs ----

fn activity_record(r: store::ActivityRow) -> ActivityRecord {
    ActivityRecord {
        kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Publicity),
        id: r.id,
        school_id: r.school_id,
        school_name: r.school_name,
        held_on: r.held_on,
        title: r.title,
        photo: r.photo_sha,
        created_by_name: r.created_by_name,
        created_at: r.created_at,
    }
}

/// A principal records a publicity post or a screening of their school, with its photo.
pub async fn put_activity(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    input: ActivityInput,
) -> Result<(bool, ActivityRecord)> {
    caller.require(&[Role::Principal])?;
    let school = schools::get(state, caller, input.school_id).await?;
    let a = Activity::parse(&input, today(state))?;
    let id_text = id.to_string();
    let settle_row = |row: store::ActivityRow| {
        let path = row.school_path.clone();
        let r = activity_record(row);
        let same = a.same_as(&r);
        settle(caller, &path, r, same)
    };
    if let Some(row) = store::get_activity(&state.db, &id_text).await? {
        return settle_row(row);
    }
    own_photos(state, caller, &[a.photo().to_owned()]).await?;
    let new = store::NewActivity {
        id: &id_text,
        school_id: school.id,
        kind: a.kind().as_str(),
        held_on: a.held_on(),
        title: a.title(),
        photo_sha: a.photo(),
        created_by: caller.id(),
    };
    let created = store::insert_activity(&state.db, &new, state.clock.now()).await?;
    let row = store::get_activity(&state.db, &id_text).await?.ok_or(AppError::Internal)?;
    if !created {
        return settle_row(row);
    }
    caller.audit(state, "activity.record", &format!("activity:{id}"), a.kind().as_str()).await?;
    Ok((true, activity_record(row)))
}

pub async fn list_activities(
    state: &AppState,
    caller: &Caller,
    f: &RegisterFilter,
) -> Result<Vec<ActivityRecord>> {
    check_school(state, caller, f.school).await?;
    let rows = store::list_activities(
        &state.db,
        &scope::within(caller),
        f.school,
        f.from,
        f.until,
        LIST_LIMIT,
    )
    .await?;
    Ok(rows.into_iter().map(activity_record).collect())
}

/// Each school in scope against the activity rules today (weeks judged from `since` when later
/// than the semester's start).
pub async fn compliance_by_school(
    state: &AppState,
    caller: &Caller,
    since: Option<NaiveDate>,
) -> Result<Vec<SchoolCompliance>> {
    let within = scope::within(caller);
    let today = today(state);
    let semester = semester_of(today);
    let days = store::activity_days(&state.db, &within, semester.from, semester.until).await?;
    let schools = storage::orgs::list_schools(&state.db, &within, "").await?;
    Ok(schools
        .into_iter()
        .map(|s| {
            let of = |kind: ActivityKind| -> Vec<NaiveDate> {
                days.iter()
                    .filter(|(id, k, _)| *id == s.id && k == kind.as_str())
                    .map(|(_, _, d)| *d)
                    .collect()
            };
            let c = compliance(
                &of(ActivityKind::Publicity),
                &of(ActivityKind::Screening),
                since,
                today,
            );
            SchoolCompliance { school_id: s.id, school_name: s.name, compliance: c }
        })
        .collect())
}

// ---- Accidents ----

fn accident_record(r: store::AccidentRow) -> AccidentRecord {
    AccidentRecord {
        kind: AccidentKind::parse(&r.kind).unwrap_or(AccidentKind::Other),
        hazard_ids: json_list(&r.hazard_ids),
        id: r.id,
        school_id: r.school_id,
        school_name: r.school_name,
        occurred_on: r.occurred_on,
        injured: r.injured,
        dead: r.dead,
        summary: r.summary,
        created_by_name: r.created_by_name,
        created_at: r.created_at,
    }
}

/// A principal reports an accident of their school; office and admin of any school in scope.
pub async fn put_accident(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    input: AccidentInput,
) -> Result<(bool, AccidentRecord)> {
    caller.require(&[Role::Principal, Role::Office, Role::Admin])?;
    let school = schools::get(state, caller, input.school_id).await?;
    let a = Accident::parse(&input, today(state))?;
    let id_text = id.to_string();
    let settle_row = |row: store::AccidentRow| {
        let path = row.school_path.clone();
        let r = accident_record(row);
        let same = a.same_as(&r);
        settle(caller, &path, r, same)
    };
    if let Some(row) = store::get_accident(&state.db, &id_text).await? {
        return settle_row(row);
    }
    hazards_of(state, school.id, a.hazard_ids()).await?;
    let new = store::NewAccident {
        id: &id_text,
        school_id: school.id,
        occurred_on: a.occurred_on(),
        kind: a.kind().as_str(),
        // Parsing bounds both by MAX_CASUALTIES, far inside i32.
        injured: a.injured() as i32,
        dead: a.dead() as i32,
        summary: a.summary(),
        hazard_ids: a.hazard_ids(),
        created_by: caller.id(),
    };
    let created = store::insert_accident(&state.db, &new, state.clock.now()).await?;
    let row = store::get_accident(&state.db, &id_text).await?.ok_or(AppError::Internal)?;
    if !created {
        return settle_row(row);
    }
    caller.audit(state, "accident.record", &format!("accident:{id}"), a.kind().as_str()).await?;
    Ok((true, accident_record(row)))
}

pub async fn list_accidents(
    state: &AppState,
    caller: &Caller,
    f: &RegisterFilter,
) -> Result<Vec<AccidentRecord>> {
    check_school(state, caller, f.school).await?;
    let rows = store::list_accidents(
        &state.db,
        &scope::within(caller),
        f.school,
        f.from,
        f.until,
        LIST_LIMIT,
    )
    .await?;
    Ok(rows.into_iter().map(accident_record).collect())
}
