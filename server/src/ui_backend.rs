//! The server side of the UI's server functions: each resolves the caller and calls one service.

use crate::auth::{self, Caller, RequestMeta};
use crate::error::Result;
use crate::service::{accounts, home, schools};
use crate::state::AppState;
use app::api::backend::Backend;
use app::api::{HomeData, NewUserForm, SchoolForm};
use app::domain::{Me, SchoolSummary, UserSummary};
use app::error::AppError;
use axum::http::request::Parts;

pub struct UiBackend(pub AppState);

impl UiBackend {
    fn meta(&self, req: &Parts) -> RequestMeta {
        RequestMeta::from_parts(req, self.0.config.trust_proxy)
    }

    async fn caller(&self, req: &Parts) -> Result<Caller> {
        auth::require_caller(&self.0, &self.meta(req)).await
    }
}

/// Maps the server's result to what may cross the wire, logging internal causes once.
fn out<T>(r: Result<T>) -> Result<T, AppError> {
    r.map_err(crate::error::Error::into_app)
}

#[async_trait::async_trait]
impl Backend for UiBackend {
    async fn me(&self, req: &Parts) -> Result<Option<Me>, AppError> {
        out(auth::resolve(&self.0, &self.meta(req)).await.map(|c| c.map(|c| accounts::me(&c.user))))
    }

    async fn login(&self, req: &Parts, username: &str, password: &str) -> Result<String, AppError> {
        out(auth::login(&self.0, &self.meta(req), username, password)
            .await
            .map(|(cookie, _)| cookie))
    }

    async fn logout(&self, req: &Parts) -> Result<String, AppError> {
        out(auth::logout(&self.0, &self.meta(req)).await)
    }

    async fn change_password(
        &self,
        req: &Parts,
        current: &str,
        new: &str,
    ) -> Result<String, AppError> {
        out(async { auth::change_password(&self.0, &self.caller(req).await?, current, new).await }
            .await)
    }

    async fn home(&self, req: &Parts) -> Result<HomeData, AppError> {
        out(async { home::home(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn list_users(&self, req: &Parts) -> Result<Vec<UserSummary>, AppError> {
        out(async { accounts::list(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn create_user(&self, req: &Parts, form: NewUserForm) -> Result<UserSummary, AppError> {
        out(async { accounts::create(&self.0, &self.caller(req).await?, form).await }.await)
    }

    async fn set_user_disabled(
        &self,
        req: &Parts,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), AppError> {
        out(async {
            accounts::set_disabled(&self.0, &self.caller(req).await?, user_id, disabled).await
        }
        .await)
    }

    async fn reset_password(
        &self,
        req: &Parts,
        user_id: i64,
        password: &str,
    ) -> Result<(), AppError> {
        out(async {
            accounts::reset_password(&self.0, &self.caller(req).await?, user_id, password).await
        }
        .await)
    }

    async fn list_schools(&self, req: &Parts, query: &str) -> Result<Vec<SchoolSummary>, AppError> {
        out(async { schools::list(&self.0, &self.caller(req).await?, query).await }.await)
    }

    async fn save_school(&self, req: &Parts, form: SchoolForm) -> Result<SchoolSummary, AppError> {
        out(async { schools::save(&self.0, &self.caller(req).await?, form).await }.await)
    }
}
