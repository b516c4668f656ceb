//! Scope, in one place: what part of the org tree a caller can see. A principal sees their own
//! school; every other role sees everything under the org they belong to.

use crate::auth::Caller;
use crate::storage::inspections::{InspectionRow, Seen};
use crate::storage::orgs::Within;
use app::domain::Role;

pub fn within(caller: &Caller) -> Within<'_> {
    match caller.role {
        Role::Principal => Within::School(caller.user.org_id),
        Role::Admin | Role::Office | Role::Inspector => Within::Path(&caller.user.org_path),
    }
}

/// Whether an org with this materialised path is inside the caller's scope.
pub fn contains_path(caller: &Caller, path: &str) -> bool {
    match within(caller) {
        Within::School(_) => path == caller.user.org_path,
        Within::Path(prefix) => path.starts_with(prefix),
    }
}

/// How the caller sees inspections: a principal sees the school's submitted inspections and its
/// self-checks; bureau roles see submitted inspections in their scope and their own drafts. An
/// unannounced visit is therefore invisible to the school until the inspector submits it.
pub fn inspections_seen(caller: &Caller) -> Seen<'_> {
    match caller.role {
        Role::Principal => Seen::BySchool { school_id: caller.user.org_id, me: caller.id() },
        Role::Admin | Role::Office | Role::Inspector => {
            Seen::ByBureau { path: &caller.user.org_path, me: caller.id() }
        }
    }
}

/// The same rule for one inspection.
pub fn may_see_inspection(caller: &Caller, i: &InspectionRow) -> bool {
    if i.created_by == caller.id() {
        return true;
    }
    match inspections_seen(caller) {
        Seen::BySchool { school_id, .. } => {
            i.school_id == school_id && (i.status == "submitted" || i.kind == "self_check")
        }
        Seen::ByBureau { path, .. } => i.status == "submitted" && i.school_path.starts_with(path),
    }
}

/// Plans are for bureau roles only, and only within their bureau.
pub fn may_see_plans(caller: &Caller) -> bool {
    matches!(caller.role, Role::Office | Role::Inspector)
}

/// Hazards are reported only when an inspection is submitted (or reported on their own), so
/// scope alone decides.
pub fn may_see_hazard_at(caller: &Caller, school_path: &str) -> bool {
    contains_path(caller, school_path)
}
