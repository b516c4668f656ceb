//! `xiaoan gen`: a realistic province for benchmarks, fully determined by a seed. A province
//! office user (`g<seed>_office`); counties of schools and kindergartens, each with an office
//! user and an inspector (`g<seed>_office_<county>`), a principal per school, submitted
//! inspections with answers, hazards in every state with hash-chained events (so `xiaoan verify`
//! passes), and enforcement measures and accountability actions.

use crate::error::Result;
use crate::service::hazards::{Canonical, GENESIS, chain_hash};
use crate::state::AppState;
use crate::storage::dataset::{GenEvent, GenHazard, GenInspection, GenRecord};
use crate::storage::hazards::NewEvent;
use crate::storage::{self, orgs::SchoolFields};
use app::domain::checklist::Area;
use app::domain::time::china_date;
use app::error::AppError;
use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

/// What to make.
#[derive(Clone, Debug)]
pub struct Options {
    pub schools: u32,
    pub hazards: u64,
    pub seed: u64,
    /// Schools per county (a province of 10,000 schools has about 60 counties).
    pub per_county: u32,
}

/// What was made.
#[derive(Clone, Debug, Default)]
pub struct Made {
    pub counties: u32,
    pub schools: u32,
    pub users: u32,
    pub hazards: u64,
    pub events: u64,
    pub inspections: u64,
    pub records: u64,
}

const TITLES: [&str; 8] = [
    "灭火器压力不足",
    "疏散通道堆放杂物",
    "配电箱未上锁",
    "校车安全带损坏",
    "食堂留样记录不全",
    "宿舍电暖器私拉电线",
    "围墙局部开裂",
    "监控设备离线",
];

/// A deterministic id: the seed and a counter, in the form of a v4-shaped UUID.
fn id(seed: u64, kind: u64, n: u64) -> String {
    Uuid::from_u64_pair(seed ^ (kind << 56), n).to_string()
}

/// 10:00 China time on `day`, plus `minutes`, but never later than an hour and a half before
/// `now` (shifted by the same `minutes`): before 10:00 today that hour has not come yet, and a
/// record from the future would sit ahead of every changes-feed cursor. Both bounds grow with
/// `day` and `minutes`, so a hazard's events keep their order.
fn at(now: DateTime<Utc>, day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    let minutes = TimeDelta::minutes(minutes);
    (crate::storage::reports::china_midnight(day) + TimeDelta::hours(10) + minutes)
        .min(now - TimeDelta::minutes(90) + minutes)
}

pub async fn run(state: &AppState, o: &Options) -> Result<Made> {
    let mut rng = StdRng::seed_from_u64(o.seed);
    let now = Utc::now();
    let today = china_date(now);
    let mut made = Made::default();
    let password = app::domain::Password::parse(crate::demo::DEMO_PASSWORD)
        .map_err(app::error::AppError::from)?;
    let hash = crate::auth::hash_password(state, &password).await?;
    let tag = format!("g{}", o.seed);

    let (province, province_path) =
        storage::orgs::insert_bureau(&state.db, &format!("生成省教育厅{}", o.seed), None, now)
            .await?;
    // The province runs the seed notice's campaign, as the demo county does.
    let campaign = app::domain::campaign::seed_campaign_around(today);
    storage::campaigns::insert(&state.db, province, &campaign, now).await?;
    // The province's own safety office: the whole province in scope (its tables, its ledger).
    let office = (format!("{tag}_office"), "省安全办".to_owned(), "office", province);
    storage::dataset::insert_users(&state.db, &[office], &hash, now).await?;
    made.users += 1;
    let per_county = o.per_county.max(1);
    let counties = o.schools.div_ceil(per_county).max(1);
    // (school id, county org id, county office user, county inspector, principal)
    let mut schools: Vec<(i64, i64, i64, i64, i64)> = Vec::with_capacity(o.schools as usize);
    for c in 0..counties {
        let (county, county_path) = storage::orgs::insert_bureau(
            &state.db,
            &format!("生成县{c}教育局"),
            Some((province, &province_path)),
            now,
        )
        .await?;
        let staff = storage::dataset::insert_users(
            &state.db,
            &[
                (format!("{tag}_office_{c}"), format!("安全办{c}"), "office", county),
                (format!("{tag}_inspector_{c}"), format!("检查员{c}"), "inspector", county),
            ],
            &hash,
            now,
        )
        .await?;
        let n = per_county.min(o.schools - c * per_county);
        let mut principals = Vec::with_capacity(n as usize);
        let mut ids = Vec::with_capacity(n as usize);
        for s in 0..n {
            let kindergarten = rng.gen_bool(0.3);
            let (ty, name) = if kindergarten {
                ("kindergarten", format!("生成县{c}第{s}幼儿园"))
            } else {
                (
                    ["primary", "junior", "senior"][rng.gen_range(0..3)],
                    format!("生成县{c}第{s}学校"),
                )
            };
            let fields = SchoolFields {
                name: &name,
                school_type: ty,
                address: "",
                coordinates: None,
                principal_name: "",
                phone: "",
            };
            let sid = storage::orgs::insert_school(&state.db, (county, &county_path), &fields, now)
                .await?;
            principals.push((
                format!("{tag}_principal_{c}_{s}"),
                format!("校长{c}-{s}"),
                "principal",
                sid,
            ));
            ids.push(sid);
        }
        let pids = storage::dataset::insert_users(&state.db, &principals, &hash, now).await?;
        for (sid, pid) in ids.into_iter().zip(pids) {
            schools.push((sid, county, staff[0], staff[1], pid));
        }
        made.users += 2 + n;
        made.schools += n;
        made.counties += 1;
    }

    let template =
        storage::checklists::latest_published(&state.db, crate::service::checklists::COUNTY)
            .await?
            .ok_or(app::error::AppError::Internal)?;
    let items: Vec<i64> = storage::checklists::get(&state.db, template)
        .await?
        .map(|t| t.items().take(5).map(|i| i.id).collect())
        .unwrap_or_default();
    let measure_kinds = state.config.measure_kinds.clone();
    let action_kinds = state.config.action_kinds.clone();

    let batch = 2000u64;
    let mut n = 0u64;
    while n < o.hazards {
        let size = batch.min(o.hazards - n);
        let mut hazards = Vec::with_capacity(size as usize);
        let mut events = Vec::with_capacity(size as usize * 3);
        let mut inspections = Vec::new();
        let mut records = Vec::new();
        for k in n..n + size {
            let (school, county, office, inspector, principal) =
                schools[rng.gen_range(0..schools.len())];
            let found = today - Days::new(rng.gen_range(0..365));
            let major = rng.gen_bool(0.08);
            let deadline = found + Days::new(if major { 30 } else { 15 });
            let h = id(o.seed, 1, k);
            // The hazard's loop as far as it went: report, plan, submit, approve — or void.
            let roll: f64 = rng.r#gen();
            let steps: &[(&'static str, Option<&'static str>, &'static str, i64)] = if roll < 0.05 {
                &[
                    ("report", None, "reported", inspector),
                    ("void", Some("reported"), "voided", office),
                ]
            } else if roll < 0.25 {
                &[("report", None, "reported", inspector)]
            } else if roll < 0.45 {
                &[
                    ("report", None, "reported", inspector),
                    ("plan", Some("reported"), "rectifying", principal),
                ]
            } else if roll < 0.55 {
                &[
                    ("report", None, "reported", inspector),
                    ("plan", Some("reported"), "rectifying", principal),
                    ("submit", Some("rectifying"), "submitted", principal),
                ]
            } else {
                &[
                    ("report", None, "reported", inspector),
                    ("plan", Some("reported"), "rectifying", principal),
                    ("submit", Some("rectifying"), "submitted", principal),
                    ("approve", Some("submitted"), "closed", office),
                ]
            };
            let mut prev = GENESIS.to_owned();
            let mut day = found;
            let mut row = GenHazard {
                id: h.clone(),
                school_id: school,
                bureau_id: county,
                title: TITLES[rng.gen_range(0..TITLES.len())].to_owned(),
                level: if major { "major" } else { "general" },
                status: "reported",
                found_on: found,
                deadline,
                reported_by: inspector,
                reporter_org_id: county,
                version: 0,
                created_at: at(now, found, 0),
                updated_at: at(now, found, 0),
                closed_at: None,
                area: Area::ALL[rng.gen_range(0..Area::ALL.len())].as_str(),
                plan_funds_cents: None,
                planned_on: None,
                rectified_on: None,
                closed_on: None,
                voided_on: None,
            };
            for (seq, (action, from, to, actor)) in (1i32..).zip(steps.iter().copied()) {
                if seq > 1 {
                    day = (day + Days::new(rng.gen_range(0..6))).min(today);
                }
                let when = at(now, day, i64::from(seq) * 7);
                let event_id = id(o.seed, 2, k * 8 + seq as u64);
                let payload = "{}".to_owned();
                let hash = chain_hash(
                    &prev,
                    &Canonical {
                        hazard_id: &h,
                        seq,
                        event_id: &event_id,
                        action,
                        actor_id: actor,
                        at: when,
                        from_status: from,
                        to_status: to,
                        payload: &payload,
                    },
                );
                match action {
                    "plan" => {
                        row.planned_on = Some(day);
                        row.plan_funds_cents = Some(rng.gen_range(0..500_000));
                    }
                    "submit" => row.rectified_on = Some(day),
                    "approve" => {
                        row.closed_on = Some(day);
                        row.closed_at = Some(when);
                    }
                    "void" => row.voided_on = Some(day),
                    _ => {}
                }
                row.status = to;
                row.version = seq;
                row.updated_at = when;
                events.push(GenEvent {
                    hazard_id: h.clone(),
                    event: NewEvent {
                        seq,
                        event_id,
                        action,
                        actor_id: actor,
                        at: when,
                        from_status: from,
                        to_status: to,
                        payload,
                        prev_hash: std::mem::replace(&mut prev, hash.clone()),
                        hash,
                    },
                });
            }
            hazards.push(row);
            if k % 3 == 0 {
                let kind = ["self_check", "supervision", "unannounced"][rng.gen_range(0..3)];
                let by = if kind == "self_check" { principal } else { inspector };
                inspections.push(GenInspection {
                    id: id(o.seed, 3, k),
                    kind,
                    school_id: school,
                    template_id: template,
                    created_by: by,
                    submitted_at: at(now, found, -30),
                });
            }
            if k % 50 == 0 {
                let (category, kinds) = if k % 100 == 0 {
                    ("measure", &measure_kinds)
                } else {
                    ("action", &action_kinds)
                };
                records.push(GenRecord {
                    id: id(o.seed, 4, k),
                    category,
                    kind: kinds[rng.gen_range(0..kinds.len())].clone(),
                    school_id: school,
                    persons_count: rng.gen_range(0..3),
                    taken_on: found,
                    created_by: office,
                    created_at: at(now, found, 60),
                });
            }
        }
        storage::dataset::write_batch(&state.db, &hazards, &events, &inspections, &items, &records)
            .await?;
        made.hazards += hazards.len() as u64;
        made.events += events.len() as u64;
        made.inspections += inspections.len() as u64;
        made.records += records.len() as u64;
        n += size;
    }
    storage::dataset::analyze(&state.db).await?;
    Ok(made)
}

/// The plans of the hot hazard queries as `username` runs them, in Markdown: a ledger page
/// filtered by status and area, and the closure queue's first page.
pub async fn explain(state: &AppState, username: &str) -> Result<String> {
    use app::domain::hazard::{HazardFilter, HazardStatus};
    use std::fmt::Write;
    let user = storage::users::by_username(&state.db, username).await?.ok_or(AppError::NotFound)?;
    let caller = crate::auth::Caller::operator(user).ok_or(AppError::NotFound)?;
    let ledger = HazardFilter {
        status: Some(HazardStatus::Rectifying),
        area: Some(Area::KeyDomains),
        ..HazardFilter::default()
    };
    let mut out = String::new();
    for (title, filter, queue) in [
        ("ledger page (status rectifying, area key domains)", &ledger, false),
        ("closure queue, first page", &HazardFilter::default(), true),
    ] {
        let _ = writeln!(out, "#### {title}, as {username}\n");
        for p in crate::service::hazards::explain(state, &caller, filter, queue).await? {
            let _ = writeln!(out, "```sql\n{}\n```\n```text\n{}\n```\n", p.sql, p.plan);
        }
    }
    Ok(out)
}
