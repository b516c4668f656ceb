//! Background work that must run once across every instance: webhook deliveries (claimed row by
//! row) and the daily reminders (a lease in the database, and keys that make a repeat harmless).

use crate::error::Result;
use crate::service::notifications;
use crate::state::AppState;
use crate::storage::{self, on_db};
use chrono::{DateTime, Duration, Timelike, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Reminders go out once a day, from this hour (China time).
const REMINDER_HOUR: u32 = 8;

/// Runs until the task is dropped.
pub async fn run(state: AppState) {
    let holder = uuid::Uuid::now_v7().to_string();
    let client =
        reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().ok();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(15));
    loop {
        tick.tick().await;
        if let (Some(url), Some(client)) = (state.config.webhook_url.as_deref(), client.as_ref())
            && let Err(e) = deliver_webhooks(&state, client, url).await
        {
            tracing::warn!(error = ?e, "webhook delivery round failed");
        }
        if let Err(e) = reminders_if_due(&state, &holder, Utc::now()).await {
            tracing::warn!(error = ?e, "daily reminders failed");
        }
    }
}

/// The signature of a webhook body: HMAC-SHA256 over "{timestamp}.{body}", hex.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC accepts keys of any length, so this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("{timestamp}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Sends what is due; a failure is retried with backoff (1, 2, 4 … minutes, at most an hour).
pub async fn deliver_webhooks(
    state: &AppState,
    client: &reqwest::Client,
    url: &str,
) -> Result<usize> {
    let now = Utc::now();
    let due = storage::webhooks::claim_due(&state.db, now, now + Duration::minutes(2), 20).await?;
    let n = due.len();
    for d in due {
        let ts = Utc::now().timestamp();
        let sent = client
            .post(url)
            .header("content-type", "application/json")
            .header("x-xiaoan-event", &d.event)
            .header("x-xiaoan-timestamp", ts.to_string())
            .header(
                "x-xiaoan-signature",
                format!("sha256={}", signature(&state.config.webhook_secret, ts, &d.payload)),
            )
            .body(d.payload.clone())
            .send()
            .await;
        match sent {
            Ok(res) if res.status().is_success() => {
                storage::webhooks::delivered(&state.db, d.id, Utc::now()).await?
            }
            other => {
                let error = match other {
                    Ok(res) => format!("HTTP {}", res.status()),
                    Err(e) => format!("{e}"),
                };
                let wait =
                    Duration::minutes(1i64 << d.attempts.clamp(0, 6)).min(Duration::hours(1));
                storage::webhooks::failed(&state.db, d.id, Utc::now() + wait, &error).await?;
            }
        }
    }
    Ok(n)
}

/// Sends the daily reminders when it is past the hour in China and no instance has yet today.
pub async fn reminders_if_due(
    state: &AppState,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<Option<u64>> {
    let local = now.with_timezone(&app::domain::time::china());
    if local.hour() < REMINDER_HOUR {
        return Ok(None);
    }
    let today = local.date_naive();
    if !take_daily_lease(&state.db, "daily_reminders", holder, now, today).await? {
        return Ok(None);
    }
    let added = notifications::daily_reminders(state, now).await?;
    tracing::info!(added, "daily reminders sent");
    Ok(Some(added))
}

/// Takes the day's run of a job: true for exactly one caller per day across instances.
async fn take_daily_lease(
    db: &storage::Db,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    today: chrono::NaiveDate,
) -> Result<bool> {
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    Ok(on_db!(db, p => {
        sqlx::query("INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, '', $2) ON CONFLICT (name) DO NOTHING")
            .bind(name).bind(epoch).execute(p).await?;
        sqlx::query(
            "UPDATE job_leases SET holder = $2, expires_at = $3, last_run_on = $4 \
             WHERE name = $1 AND (last_run_on IS NULL OR last_run_on < $4)")
            .bind(name).bind(holder).bind(now + Duration::minutes(10)).bind(today)
            .execute(p).await?.rows_affected()
    }) == 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_and_body() {
        // Computed independently: printf '1.{}' | openssl dgst -sha256 -hmac key
        let sig = super::signature("key", 1, "{}");
        assert_eq!(sig, "1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224");
        assert_ne!(sig, super::signature("key", 2, "{}"));
        assert_ne!(sig, super::signature("other", 1, "{}"));
    }
}
