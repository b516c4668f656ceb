//! The offline read feed: everything a phone needs to work with no signal, changed since a
//! cursor. The same visibility rules as every list apply, so nothing sealed ever reaches a school.

use super::{checklists, hazards, inspections, plans, schools, scope};
use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use crate::storage::{self, hazards::ListQuery};
use app::domain::Role;
use app::domain::checklist::TemplateStatus;
use app::domain::sync::ChangeSet;
use app::domain::time::china_date;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// The most hazards one answer carries; the cursor then points at the rest.
const FEED_HAZARDS: i64 = 300;

pub async fn changes(
    state: &AppState,
    caller: &Caller,
    since: Option<DateTime<Utc>>,
) -> Result<ChangeSet> {
    // A little overlap, so a write committed while this runs is not missed next time.
    let now = Utc::now();
    let cursor = now - Duration::seconds(5);
    let schools = schools::list(state, caller, "").await?;

    // The newest published version of each family the caller can read.
    let mut newest: Vec<(String, i64, i32)> = Vec::new();
    for t in checklists::list(state, caller).await? {
        if t.status != TemplateStatus::Published {
            continue;
        }
        match newest.iter_mut().find(|(f, _, _)| *f == t.family) {
            Some(n) if n.2 < t.version => *n = (t.family.clone(), t.id, t.version),
            Some(_) => {}
            None => newest.push((t.family.clone(), t.id, t.version)),
        }
    }
    let mut templates = Vec::with_capacity(newest.len());
    for (_, id, _) in newest {
        templates.push(checklists::get(state, caller, id).await?);
    }

    let seen = scope::inspections_seen(caller);
    let mut list = Vec::new();
    for r in storage::inspections::list(&state.db, &seen, None, 100).await? {
        if since.is_none_or(|s| r.updated_at > s) {
            let id = Uuid::parse_str(&r.id).unwrap_or_default();
            list.push(inspections::get(state, caller, id).await?);
        }
    }

    let within = scope::within(caller);
    let q = ListQuery {
        // An inspector carries the hazards they found; a school all of its own.
        reporter: (caller.role == Role::Inspector).then(|| caller.id()),
        changed_after: Some(match since {
            Some(s) => (s, false),
            None => (now - Duration::days(30), true),
        }),
        // Oldest change first, so that a feed cut at the limit resumes where it stopped.
        order_queue: true,
        limit: FEED_HAZARDS,
        ..ListQuery::all(&within, china_date(now))
    };
    let rows = storage::hazards::page(&state.db, &q).await?;
    let cursor = match rows.last() {
        // More may wait: the next call starts just before the last one sent (sent again, which
        // the phone's upsert absorbs) instead of skipping what did not fit.
        Some(last) if rows.len() as i64 == FEED_HAZARDS => {
            cursor.min(last.updated_at - Duration::microseconds(1))
        }
        _ => cursor,
    };
    // The rows come from a list within the caller's scope: no second visibility check.
    let hazard_details = hazards::details_of(state, caller, rows).await?;

    let plans = if scope::may_see_plans(caller) {
        plans::list(state, caller).await?.into_iter().filter(|p| !p.cancelled).collect()
    } else {
        Vec::new()
    };
    Ok(ChangeSet {
        cursor,
        me: super::accounts::me(&caller.user),
        schools,
        checklists: templates,
        inspections: list,
        hazards: hazard_details,
        plans,
        deadlines: state.config.deadlines,
        today: china_date(now),
    })
}
