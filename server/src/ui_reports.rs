//! The server side of the reporting pages' server functions.

use crate::service::reports;
use crate::ui_backend::{UiBackend, out};
use app::domain::Role;
use app::domain::report::{Dashboard, Span, Submission, SubmissionInput, SubmissionKind};
use app::error::AppError;
use app::reports::backend::ReportBackend;
use app::reports::{SubmissionsPage, TablesPage};
use axum::http::request::Parts;
use uuid::Uuid;

#[async_trait::async_trait]
impl ReportBackend for UiBackend {
    async fn tables(
        &self,
        req: &Parts,
        campaign: Option<i64>,
        period: String,
    ) -> Result<TablesPage, AppError> {
        out(async {
            let caller = self.caller(req).await?;
            let span = Span::parse(Some(&period)).ok_or(AppError::NotFound)?;
            let c = reports::campaign(&self.0, &caller, campaign).await?;
            Ok(TablesPage {
                campaign: reports::info(&c, app::domain::time::china_date(self.0.clock.now())),
                hazards: reports::hazard_table_of(&self.0, &caller, &c, span).await?,
                measures: reports::kind_table_of(&self.0, &caller, &c, span, "measure").await?,
                actions: reports::kind_table_of(&self.0, &caller, &c, span, "action").await?,
            })
        }
        .await)
    }

    async fn submissions(
        &self,
        req: &Parts,
        campaign: Option<i64>,
    ) -> Result<SubmissionsPage, AppError> {
        out(async {
            let caller = self.caller(req).await?;
            let matrix = reports::matrix(&self.0, &caller, campaign).await?;
            let preview = match (caller.role, matrix.campaign.current_period) {
                (Role::Principal, Some(n)) => {
                    let t = reports::hazard_table(
                        &self.0,
                        &caller,
                        Some(matrix.campaign.id),
                        Span::Period(n),
                    )
                    .await?;
                    t.rows.into_iter().last().map(|r| (n, r.stats))
                }
                _ => None,
            };
            let form_ids = matrix.items.iter().map(|_| Uuid::now_v7().to_string()).collect();
            Ok(SubmissionsPage { matrix, preview, form_ids })
        }
        .await)
    }

    async fn file_submission(
        &self,
        req: &Parts,
        id: Uuid,
        input: SubmissionInput,
    ) -> Result<Submission, AppError> {
        out(async { Ok(reports::submit(&self.0, &self.caller(req).await?, id, input).await?.1) }
            .await)
    }

    async fn remind(
        &self,
        req: &Parts,
        campaign: i64,
        kind: SubmissionKind,
        seq: u32,
    ) -> Result<u64, AppError> {
        out(async { reports::remind(&self.0, &self.caller(req).await?, campaign, kind, seq).await }
            .await)
    }

    async fn dashboard(&self, req: &Parts) -> Result<Dashboard, AppError> {
        out(async { reports::dashboard(&self.0, &self.caller(req).await?).await }.await)
    }
}
