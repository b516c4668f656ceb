//! Accounts: who am I, and the admin's work on users (create, disable, reset password).

use super::{schools, scope};
use crate::auth::{self, Caller};
use crate::error::Result;
use crate::state::AppState;
use crate::storage::{self, users::UserRow};
use app::api::NewUserForm;
use app::domain::account::InputProblem;
use app::domain::{DisplayName, Me, Password, Role, UserSummary, Username};
use app::error::AppError;
use chrono::Utc;

pub fn me(u: &UserRow) -> Me {
    Me {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: Role::parse(&u.role).unwrap_or(Role::Principal),
        org_id: u.org_id,
        org_name: u.org_name.clone(),
    }
}

fn summary(u: UserRow) -> UserSummary {
    UserSummary {
        id: u.id,
        role: Role::parse(&u.role).unwrap_or(Role::Principal),
        username: u.username,
        display_name: u.display_name,
        org_id: u.org_id,
        org_name: u.org_name,
        disabled: u.disabled,
    }
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<UserSummary>> {
    caller.require(&[Role::Admin])?;
    let rows = storage::users::list_under(&state.db, &caller.user.org_path).await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// An account as validated input, whoever creates it (the admin screen or the command line).
pub struct NewAccount {
    pub username: Username,
    pub display_name: DisplayName,
    pub role: Role,
    pub org_id: i64,
    pub password: Password,
}

/// Inserts an account; the username must be free.
pub async fn create_account(state: &AppState, a: &NewAccount) -> Result<i64> {
    let hash = auth::hash_password(state, &a.password).await?;
    let new = storage::users::NewUser {
        username: a.username.as_str(),
        display_name: a.display_name.as_str(),
        role: a.role.as_str(),
        org_id: a.org_id,
        password_hash: &hash,
    };
    storage::users::insert(&state.db, &new, Utc::now()).await.map_err(|e| {
        if storage::is_unique_violation(&e) { AppError::UsernameTaken.into() } else { e.into() }
    })
}

pub async fn create(state: &AppState, caller: &Caller, form: NewUserForm) -> Result<UserSummary> {
    caller.require(&[Role::Admin])?;
    let username = Username::parse(&form.username).map_err(AppError::from)?;
    let display_name = DisplayName::parse(&form.display_name).map_err(AppError::from)?;
    let role = Role::parse(&form.role).ok_or(AppError::Invalid(InputProblem::UnknownRole))?;
    let password =
        Password::parse_new(&form.password, username.as_str()).map_err(AppError::from)?;
    let org_id = if role.belongs_to_school() {
        let id = form
            .school_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::Invalid(InputProblem::SchoolRequired))?;
        schools::get(state, caller, id).await?.id
    } else {
        caller.user.org_id
    };
    let account = NewAccount { username, display_name, role, org_id, password };
    let id = create_account(state, &account).await?;
    caller
        .audit(
            state,
            "user.create",
            &format!("user:{id}"),
            &format!("{} {}", account.username.as_str(), role),
        )
        .await?;
    let row = storage::users::by_id(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok(summary(row))
}

/// A user the admin may manage: in scope, and not the admin themself (locking oneself out by
/// accident helps nobody).
async fn managed_user(state: &AppState, caller: &Caller, id: i64) -> Result<UserRow> {
    caller.require(&[Role::Admin])?;
    match storage::users::by_id(&state.db, id).await? {
        Some(u) if u.id == caller.id() => Err(AppError::Forbidden.into()),
        Some(u) if scope::contains_path(caller, &u.org_path) => Ok(u),
        _ => Err(AppError::NotFound.into()),
    }
}

pub async fn set_disabled(
    state: &AppState,
    caller: &Caller,
    id: i64,
    disabled: bool,
) -> Result<()> {
    let user = managed_user(state, caller, id).await?;
    storage::users::set_disabled(&state.db, user.id, disabled, Utc::now()).await?;
    let action = if disabled { "user.disable" } else { "user.enable" };
    caller.audit(state, action, &format!("user:{id}"), &user.username).await
}

pub async fn reset_password(
    state: &AppState,
    caller: &Caller,
    id: i64,
    password: &str,
) -> Result<()> {
    let user = managed_user(state, caller, id).await?;
    let password = Password::parse_new(password, &user.username).map_err(AppError::from)?;
    let hash = auth::hash_password(state, &password).await?;
    storage::users::set_password(&state.db, user.id, &hash, Utc::now()).await?;
    caller.audit(state, "user.reset_password", &format!("user:{id}"), &user.username).await
}

/// The admin's audit-log viewer: entries by accounts in the admin's scope, newest first.
pub async fn audit_log(
    state: &AppState,
    caller: &Caller,
    filter: &app::domain::AuditFilter,
) -> Result<app::domain::AuditPage> {
    caller.require(&[Role::Admin])?;
    let mut items = storage::audit::page(&state.db, &caller.user.org_path, filter).await?;
    let more = items.len() as i64 > storage::audit::PAGE;
    items.truncate(storage::audit::PAGE as usize);
    for e in &mut items {
        redact_sealed(e);
    }
    let next_before = if more { items.last().map(|e| e.id) } else { None };
    Ok(app::domain::AuditPage { items, next_before })
}

/// Plans and inspections may be an unannounced visit's, which no one outside the inspectors may
/// learn of, the admin included; photos may be its evidence. Their entries say who acted and
/// when, and what kind of record, but not which one.
fn redact_sealed(e: &mut app::domain::AuditEntry) {
    let kind = e.target.split(':').next().unwrap_or_default();
    if matches!(kind, "plan" | "inspection" | "photo") {
        e.target = format!("{kind}:…");
        e.detail.clear();
    }
}
