//! The org tree: a bureau with the schools and kindergartens it oversees.

use super::account::InputProblem;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Bureau,
    School,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Bureau => "bureau",
            OrgKind::School => "school",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        [OrgKind::Bureau, OrgKind::School].into_iter().find(|k| k.as_str() == s)
    }
}

/// The official kinds of institution. Reports group 幼儿园 apart from every kind of 学校.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SchoolType {
    Primary,
    Junior,
    Senior,
    Complete,
    NineYear,
    Vocational,
    Special,
    Kindergarten,
}

impl SchoolType {
    pub const ALL: [SchoolType; 8] = [
        SchoolType::Primary,
        SchoolType::Junior,
        SchoolType::Senior,
        SchoolType::Complete,
        SchoolType::NineYear,
        SchoolType::Vocational,
        SchoolType::Special,
        SchoolType::Kindergarten,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SchoolType::Primary => "primary",
            SchoolType::Junior => "junior",
            SchoolType::Senior => "senior",
            SchoolType::Complete => "complete",
            SchoolType::NineYear => "nine_year",
            SchoolType::Vocational => "vocational",
            SchoolType::Special => "special",
            SchoolType::Kindergarten => "kindergarten",
        }
    }

    pub fn parse(s: &str) -> Option<SchoolType> {
        SchoolType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn is_kindergarten(self) -> bool {
        self == SchoolType::Kindergarten
    }
}

/// A school's name: 1–60 characters after trimming.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolName(String);

impl SchoolName {
    pub fn parse(raw: &str) -> Result<SchoolName, InputProblem> {
        super::account::bounded_name(raw, 60).map(SchoolName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Optional WGS-84 coordinates; both or neither.
/// The great-circle distance between two points (latitude, longitude) in kilometres.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) =
        (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

pub fn parse_coordinates(
    lat: Option<f64>,
    lng: Option<f64>,
) -> Result<Option<(f64, f64)>, InputProblem> {
    match (lat, lng) {
        (None, None) => Ok(None),
        (Some(la), Some(lo)) if (-90.0..=90.0).contains(&la) && (-180.0..=180.0).contains(&lo) => {
            Ok(Some((la, lo)))
        }
        _ => Err(InputProblem::CoordinatesOutOfRange),
    }
}

/// A school or kindergarten as lists and detail pages show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchoolSummary {
    pub id: i64,
    pub name: String,
    pub school_type: SchoolType,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub principal_name: String,
    pub phone: String,
    pub bureau_id: i64,
    pub bureau_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_school_type_round_trips_and_only_kindergartens_count_as_such() {
        for t in SchoolType::ALL {
            assert_eq!(SchoolType::parse(t.as_str()), Some(t), "{t:?}");
            assert_eq!(t.is_kindergarten(), t == SchoolType::Kindergarten, "{t:?}");
        }
    }

    #[test]
    fn coordinates_come_in_pairs_within_range() {
        assert_eq!(parse_coordinates(None, None), Ok(None));
        assert_eq!(parse_coordinates(Some(44.8), Some(123.1)), Ok(Some((44.8, 123.1))));
        assert!(parse_coordinates(Some(44.8), None).is_err(), "latitude alone");
        assert!(parse_coordinates(Some(91.0), Some(0.0)).is_err(), "latitude out of range");
    }

    #[test]
    fn school_names_are_trimmed_and_bounded() {
        assert_eq!(SchoolName::parse("  通榆县第一小学 ").unwrap().as_str(), "通榆县第一小学");
        assert!(SchoolName::parse("   ").is_err());
        assert!(SchoolName::parse(&"校".repeat(61)).is_err());
    }
}
