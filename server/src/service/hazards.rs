//! Hazards: reporting (from an inspection or on their own) with the first event of a hash
//! chain. Every event's hash covers the previous hash and the event's canonical content, so an
//! edited history is detectable.

use crate::auth::Caller;
use crate::storage::hazards::{HazardRow, NewEvent, NewHazard};
use app::domain::hazard::{HazardLevel, HazardStatus, HazardSummary};
use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before the first event of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn summary(r: HazardRow) -> HazardSummary {
    HazardSummary {
        id: r.id,
        school_id: r.school_id,
        school_name: r.school_name,
        inspection_id: r.inspection_id,
        item_id: r.item_id,
        title: r.title,
        description: r.description,
        level: HazardLevel::parse(&r.level).unwrap_or_default(),
        status: HazardStatus::parse(&r.status).unwrap_or(HazardStatus::Reported),
        found_on: r.found_on,
        deadline: r.deadline,
        reporter_name: r.reporter_name,
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
