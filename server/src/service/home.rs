//! The home screen's numbers: the running campaign and phase, and the admin's counts.

use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use crate::storage;
use app::api::{CampaignCard, HomeData};
use app::domain::Role;
use app::domain::time::china_date;

/// The org ids on the caller's path, nearest first: a school sees its bureau's campaign.
pub(crate) fn ancestors(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|s| s.parse().ok()).rev().collect()
}

pub async fn home(state: &AppState, caller: &Caller) -> Result<HomeData> {
    let today = china_date(state.clock.now());
    let campaign =
        storage::campaigns::current_phase(&state.db, &ancestors(&caller.user.org_path), today)
            .await?
            .map(|c| CampaignCard {
                name: c.campaign_name,
                phase_name: c.phase_name,
                phase_ends_on: c.phase_ends_on,
            });
    let (users, schools) = if caller.role == Role::Admin {
        let path = &caller.user.org_path;
        (
            storage::users::count_under(&state.db, path).await?,
            storage::orgs::count_schools_under(&state.db, path).await?,
        )
    } else {
        (0, 0)
    };
    Ok(HomeData { campaign, users, schools })
}

#[cfg(test)]
mod tests {
    #[test]
    fn ancestors_are_listed_nearest_first() {
        assert_eq!(super::ancestors("/1/7/"), vec![7, 1]);
        assert!(super::ancestors("").is_empty());
    }
}
