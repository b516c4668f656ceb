//! Server functions the UI calls. Each is thin: find the backend and the request, call one
//! backend method, shape the response. The backend (implemented by the server crate) does the work.

use crate::domain::{Me, SchoolSummary, UserSummary};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The campaign card on every home screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignCard {
    pub name: String,
    pub phase_name: String,
    pub phase_ends_on: NaiveDate,
}

/// What a home screen shows besides the per-role sections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub campaign: Option<CampaignCard>,
    pub users: i64,
    pub schools: i64,
}

/// A user as the admin's form sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// Empty for bureau roles. Text, because an HTML form sends text.
    pub school_id: String,
    pub password: String,
}

/// A school as the admin's form sends it; `id` empty for a new one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SchoolForm {
    pub id: Option<i64>,
    pub name: String,
    pub school_type: String,
    pub address: String,
    pub principal_name: String,
    pub phone: String,
    /// Empty or a decimal number; text, because an HTML form sends text.
    pub latitude: String,
    pub longitude: String,
}

#[cfg(feature = "ssr")]
pub mod backend {
    //! The contract between these server functions and the server that runs them.
    use super::*;
    use http::request::Parts;

    #[async_trait::async_trait]
    pub trait Backend: Send + Sync + 'static {
        async fn me(&self, req: &Parts) -> Result<Option<Me>, AppError>;
        /// Returns the `Set-Cookie` value of the new session.
        async fn login(
            &self,
            req: &Parts,
            username: &str,
            password: &str,
        ) -> Result<String, AppError>;
        /// Returns the `Set-Cookie` value that clears the session cookie.
        async fn logout(&self, req: &Parts) -> Result<String, AppError>;
        /// Returns the `Set-Cookie` value of the fresh session that replaces every old one.
        async fn change_password(
            &self,
            req: &Parts,
            current: &str,
            new: &str,
        ) -> Result<String, AppError>;
        async fn home(&self, req: &Parts) -> Result<HomeData, AppError>;
        async fn list_users(&self, req: &Parts) -> Result<Vec<UserSummary>, AppError>;
        async fn create_user(
            &self,
            req: &Parts,
            form: NewUserForm,
        ) -> Result<UserSummary, AppError>;
        async fn set_user_disabled(
            &self,
            req: &Parts,
            user_id: i64,
            disabled: bool,
        ) -> Result<(), AppError>;
        async fn reset_password(
            &self,
            req: &Parts,
            user_id: i64,
            password: &str,
        ) -> Result<(), AppError>;
        async fn list_schools(
            &self,
            req: &Parts,
            query: &str,
        ) -> Result<Vec<SchoolSummary>, AppError>;
        async fn save_school(
            &self,
            req: &Parts,
            form: SchoolForm,
        ) -> Result<SchoolSummary, AppError>;
    }

    pub type SharedBackend = std::sync::Arc<dyn Backend>;

    pub(super) fn get() -> Result<(SharedBackend, Parts), AppError> {
        let backend = use_context::<SharedBackend>().ok_or(AppError::Internal)?;
        let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
        Ok((backend, parts))
    }

    pub(super) fn set_cookie(value: &str) -> Result<(), AppError> {
        let opts = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
        let value = http::HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
        opts.append_header(http::header::SET_COOKIE, value);
        Ok(())
    }
}

#[server(prefix = "/fn", endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    let (b, req) = backend::get()?;
    b.me(&req).await
}

#[server(prefix = "/fn", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let cookie = b.login(&req, &username, &password).await?;
    backend::set_cookie(&cookie)?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let cookie = b.logout(&req).await?;
    backend::set_cookie(&cookie)?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let cookie = b.change_password(&req, &current, &new).await?;
    backend::set_cookie(&cookie)
}

#[server(prefix = "/fn", endpoint = "home")]
pub async fn get_home() -> Result<HomeData, AppError> {
    let (b, req) = backend::get()?;
    b.home(&req).await
}

#[server(prefix = "/fn", endpoint = "users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let (b, req) = backend::get()?;
    b.list_users(&req).await
}

#[server(prefix = "/fn", endpoint = "create_user")]
pub async fn create_user(form: NewUserForm) -> Result<UserSummary, AppError> {
    let (b, req) = backend::get()?;
    b.create_user(&req, form).await
}

#[server(prefix = "/fn", endpoint = "set_user_disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.set_user_disabled(&req, user_id, disabled).await
}

#[server(prefix = "/fn", endpoint = "reset_password")]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.reset_password(&req, user_id, &password).await
}

#[server(prefix = "/fn", endpoint = "schools")]
pub async fn list_schools(query: String) -> Result<Vec<SchoolSummary>, AppError> {
    let (b, req) = backend::get()?;
    b.list_schools(&req, &query).await
}

#[server(prefix = "/fn", endpoint = "save_school")]
pub async fn save_school(form: SchoolForm) -> Result<SchoolSummary, AppError> {
    let (b, req) = backend::get()?;
    b.save_school(&req, form).await
}
