//! Scope, in one place: what part of the org tree a caller can see. A principal sees their own
//! school; every other role sees everything under the org they belong to.

use crate::auth::Caller;
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
