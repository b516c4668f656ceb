//! Photo evidence: verified upload (the bytes must match their SHA-256), processing off the async
//! runtime with bounded concurrency, durable storage before the database row, and serving to
//! those who may see it.

use super::{schools, scope};
use crate::auth::Caller;
use crate::error::Result;
use crate::photo::pipeline::{self, Caption, IngestError, Limits};
use crate::photo::store::Variant;
use crate::state::AppState;
use crate::storage::{self, photos::PhotoRow};
use app::domain::time::china;
use app::error::AppError;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// A phone clock more than this far from the server's at upload is flagged for reviewers.
pub const MAX_CLOCK_SKEW_MINUTES: i64 = 10;

pub struct Upload<'a> {
    pub sha256: &'a str,
    pub bytes: &'a [u8],
    /// The school the photo is evidence for (for the caption); must be in scope.
    pub school_id: Option<i64>,
    /// The phone's clock when it sent the photo.
    pub device_time: Option<DateTime<Utc>>,
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn ingest_error(e: IngestError) -> AppError {
    match e {
        IngestError::Unsupported => AppError::UnsupportedMedia,
        IngestError::Heic => AppError::HeicPhoto,
        IngestError::TooManyPixels { .. } => AppError::PhotoTooManyPixels,
        IngestError::Corrupt(_) => AppError::PhotoUnreadable,
    }
}

/// Stores a photo once. Returns whether this call created it (201) or it was already there (200).
pub async fn upload(state: &AppState, caller: &Caller, up: Upload<'_>) -> Result<(bool, PhotoRow)> {
    if !is_sha256_hex(up.sha256) {
        return Err(AppError::Malformed.into());
    }
    if hex::encode(Sha256::digest(up.bytes)) != up.sha256 {
        return Err(AppError::HashMismatch.into());
    }
    if let Some(row) = storage::photos::get(&state.db, up.sha256).await? {
        return Ok((false, row));
    }
    let format = pipeline::sniff(up.bytes).map_err(ingest_error)?;
    let school = match up.school_id {
        Some(id) => Some(schools::get(state, caller, id).await?),
        None => None,
    };
    let received_at = Utc::now();
    let when = received_at.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string();
    let mut lines = Vec::with_capacity(2);
    if let Some(s) = &school {
        lines.push(s.name.clone());
    }
    lines.push(format!("{when} · {}", caller.user.display_name));
    let caption = Caption { lines };

    let processed = {
        let _slot = state.photo_slots.acquire().await.map_err(|_| AppError::Unavailable)?;
        let bytes = up.bytes.to_vec();
        let font = state.font.clone();
        tokio::task::spawn_blocking(move || {
            pipeline::process(&bytes, &Limits::default(), Some(&caption), font.as_ref().as_ref())
        })
        .await?
        .map_err(ingest_error)?
    };

    // Bytes first, row last: a row never points at a photo that is not on disk.
    let store = &state.photos;
    store.put(up.sha256, Variant::Original, up.bytes).await?;
    store.put(up.sha256, Variant::Display, &processed.display_jpeg).await?;
    store.put(up.sha256, Variant::Thumb, &processed.thumb_jpeg).await?;
    let skew = up.device_time.map(|d| (d - received_at).num_minutes().abs());
    let row = PhotoRow {
        sha256: up.sha256.to_owned(),
        uploader_id: caller.id(),
        school_id: school.map(|s| s.id),
        format: format.name().to_owned(),
        bytes: up.bytes.len() as i64,
        width: processed.meta.width as i32,
        height: processed.meta.height as i32,
        taken_at: processed.meta.taken_at,
        latitude: processed.meta.gps.map(|g| g.0),
        longitude: processed.meta.gps.map(|g| g.1),
        device_time: up.device_time,
        received_at,
        clock_skewed: skew.is_some_and(|m| m > MAX_CLOCK_SKEW_MINUTES),
        display_bytes: processed.display_jpeg.len() as i32,
        thumb_bytes: processed.thumb_jpeg.len() as i32,
    };
    let created = storage::photos::insert(&state.db, &row).await?;
    if created {
        caller.audit(state, "photo.upload", &format!("photo:{}", up.sha256), "").await?;
    }
    let row = storage::photos::get(&state.db, up.sha256).await?.ok_or(AppError::Internal)?;
    Ok((created, row))
}

/// Who may see a photo: its uploader, and whoever can see a record that shows it (an inspection
/// or a hazard, or a school's own record). A photo of an unannounced visit is therefore hidden from the school until the
/// inspection is submitted.
async fn may_view(state: &AppState, caller: &Caller, row: &PhotoRow) -> Result<bool> {
    if row.uploader_id == caller.id() {
        return Ok(true);
    }
    for (kind, id) in storage::photos::references(&state.db, &row.sha256).await? {
        let seen = match kind.as_str() {
            "inspection" => storage::inspections::get(&state.db, &id)
                .await?
                .is_some_and(|i| scope::may_see_inspection(caller, &i)),
            "hazard" => storage::hazards::school_path(&state.db, &id)
                .await?
                .is_some_and(|p| scope::may_see_hazard_at(caller, &p)),
            // Evidence in a school's own records (submissions, activities, enforcement records,
            // accidents, signed duties): whoever sees the school.
            "school" => match id.parse::<i64>() {
                Ok(school) => storage::orgs::get_school(&state.db, school)
                    .await?
                    .is_some_and(|s| scope::contains_path(caller, &s.path)),
                Err(_) => false,
            },
            _ => false,
        };
        if seen {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One copy of a photo with its media type, or 404 for anyone who may not see it.
pub async fn fetch(
    state: &AppState,
    caller: &Caller,
    sha256: &str,
    variant: Variant,
) -> Result<(Vec<u8>, &'static str)> {
    let row = match storage::photos::get(&state.db, sha256).await? {
        Some(r) if may_view(state, caller, &r).await? => r,
        _ => return Err(AppError::NotFound.into()),
    };
    // Display and thumbnail copies are always JPEG; the original keeps its uploaded format.
    let mime = match variant {
        Variant::Original => {
            pipeline::Format::from_name(&row.format).map_or("image/jpeg", pipeline::Format::mime)
        }
        Variant::Display | Variant::Thumb => pipeline::Format::Jpeg.mime(),
    };
    let bytes = state.photos.get(sha256, variant).await?.ok_or(AppError::NotFound)?;
    Ok((bytes, mime))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_lower_case_sha256_hex_is_an_address() {
        assert!(super::is_sha256_hex(&"0a".repeat(32)));
        assert!(!super::is_sha256_hex(&"0A".repeat(32)));
        assert!(!super::is_sha256_hex("../../etc/passwd"));
    }
}
