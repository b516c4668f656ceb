//! The notification inbox, and the daily reminders of hazards due within three days and of
//! overdue ones, run once a day across all instances.

use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use crate::storage;
use app::domain::notification::{Inbox, Notice, NoticeKind};
use app::domain::time::china_date;
use chrono::{DateTime, Utc};

pub async fn inbox(state: &AppState, caller: &Caller) -> Result<Inbox> {
    let rows = storage::notifications::list(&state.db, caller.id(), 100).await?;
    let unread = storage::notifications::unread(&state.db, caller.id()).await?;
    let items = rows
        .into_iter()
        .filter_map(|r| {
            Some(Notice {
                id: r.id,
                kind: NoticeKind::parse(&r.kind)?,
                hazard_id: r.hazard_id,
                hazard_title: r.hazard_title,
                school_name: r.school_name,
                at: r.created_at,
                read: r.read_at.is_some(),
            })
        })
        .collect();
    Ok(Inbox { unread, items })
}

pub async fn unread(state: &AppState, caller: &Caller) -> Result<i64> {
    storage::notifications::unread(&state.db, caller.id()).await
}

pub async fn mark_read(state: &AppState, caller: &Caller) -> Result<()> {
    storage::notifications::mark_all_read(&state.db, caller.id(), Utc::now()).await
}

/// Tells everyone responsible — the school's principals and the discoverer — of open hazards due
/// within three days and of overdue ones, once per person, hazard and day (the key makes a second
/// run on the same day, on this or another instance, add nothing). Returns how many were added.
pub async fn daily_reminders(state: &AppState, now: DateTime<Utc>) -> Result<u64> {
    let today = china_date(now);
    let rows = storage::hazards::open_due_by(&state.db, today + chrono::Days::new(3)).await?;
    let mut items = Vec::new();
    for h in rows {
        let kind = if h.deadline < today { NoticeKind::Overdue } else { NoticeKind::DueSoon };
        let mut who = super::hazards::principals_of(state, h.school_id).await?;
        if !who.contains(&h.reported_by) {
            who.push(h.reported_by);
        }
        for u in who {
            let key = format!("{}:{}:{}:{}", kind.as_str(), h.id, u, today);
            items.push((u, Some(h.id.clone()), kind.as_str(), Some(key)));
        }
    }
    let refs: Vec<(i64, Option<&str>, &str, Option<String>)> =
        items.iter().map(|(u, h, k, d)| (*u, h.as_deref(), *k, d.clone())).collect();
    storage::notifications::add(&state.db, &refs, now).await
}
