//! Extractors that turn bad requests into our error body: JSON bodies (415 when not JSON, 400
//! when malformed), the request's metadata, and the logged-in caller (401 otherwise).

use crate::auth::{self, Caller, RequestMeta};
use crate::error::{Error, IntoApiResponse};
use crate::state::AppState;
use app::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;
use std::convert::Infallible;

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => {
                Err(AppError::UnsupportedMedia.into_api_response())
            }
            Err(JsonRejection::BytesRejection(_)) => Err(AppError::TooLarge.into_api_response()),
            Err(_) => Err(AppError::Malformed.into_api_response()),
        }
    }
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(RequestMeta::from_parts(parts, state.config.trust_proxy))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let meta = RequestMeta::from_parts(parts, state.config.trust_proxy);
        auth::require_caller(state, &meta).await
    }
}

/// A path parameter; one that does not parse names nothing, so it is a 404 like any unknown id.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(AppError::NotFound.into_api_response()),
        }
    }
}

/// Query parameters; malformed ones are a 400 in our error body.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(_) => Err(AppError::Malformed.into_api_response()),
        }
    }
}
