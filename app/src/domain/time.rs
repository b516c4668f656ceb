//! Time as the bureau reads it: China Standard Time (UTC+8, no daylight saving), dates written the Chinese way.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

/// Asia/Shanghai has been UTC+8 all year since 1991, so a fixed offset is exact for this product.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The calendar day in China at an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china()).date_naive()
}

/// 2026年11月28日
pub fn long_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 11-28, for lists.
/// "2026-11-28 09:41" in China time.
pub fn date_time(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&china());
    format!("{}-{:02}-{:02} {:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute())
}

pub fn short_date(d: NaiveDate) -> String {
    format!("{:02}-{:02}", d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_china_day_turns_at_16_00_utc() {
        let before = Utc.with_ymd_and_hms(2026, 11, 28, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 28, 16, 0, 0).unwrap();
        assert_eq!(china_date(before), NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        assert_eq!(china_date(after), NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
    }

    #[test]
    fn dates_are_written_as_chinese_users_write_them() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(long_date(d), "2026年1月5日");
        assert_eq!(short_date(d), "01-05");
    }
}
