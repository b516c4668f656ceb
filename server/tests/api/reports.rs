//! The three statistical tables, cell by cell (API and .xlsx), over a fixture of hazards,
//! inspections, measures and actions filed through the API across three periods (the server's
//! clock moved to each moment, China time); submissions and their matrix; the dashboard.

use crate::hazards::photo;
use crate::helpers::{TestApp, error_of, spawn_app};
use crate::inspections::{answers, put_inspection, school_items, submit};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

const SCHOOL: &str = "白榆县实验小学"; // the demo principal's school
const KINDERGARTEN: &str = "白榆县实验幼儿园";

/// An instant given as China wall time.
fn cst(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    app::domain::time::china()
        .with_ymd_and_hms(2031, m, d, h, min, 0)
        .single()
        .expect("a valid China time")
        .with_timezone(&Utc)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2031, m, d).expect("date")
}

async fn ok(res: reqwest::Response, want: StatusCode) -> Value {
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, want, "{body}");
    body
}

struct Fixture {
    app: TestApp,
    office: Client,
    principal: Client,
    inspector: Client,
    campaign: i64,
    school: i64,
    kindergarten: i64,
    hazards: Vec<(&'static str, Uuid)>,
}

impl Fixture {
    fn at(&self, t: DateTime<Utc>) {
        self.app.state.clock.set(t);
    }

    async fn report(&mut self, name: &'static str, school: i64, level: &str, seed: u64) -> Uuid {
        let id = Uuid::now_v7();
        let sha = photo(&self.app, &self.inspector, seed).await;
        let body = json!({ "school_id": school, "title": format!("隐患{name}"), "level": level, "photos": [sha] });
        let res = self
            .inspector
            .put(self.app.url(&format!("/api/v1/hazards/{id}")))
            .json(&body)
            .send()
            .await
            .expect("report");
        ok(res, StatusCode::CREATED).await;
        self.hazards.push((name, id));
        id
    }

    async fn version(&self, id: Uuid) -> i64 {
        let h =
            ok(self.app.get(&self.office, &format!("/api/v1/hazards/{id}")).await, StatusCode::OK)
                .await;
        h["summary"]["version"].as_i64().expect("version")
    }

    async fn act(&self, who: &Client, id: Uuid, mut body: Value) {
        body["event_id"] = json!(Uuid::now_v7());
        body["expected_version"] = json!(self.version(id).await);
        let res = who
            .post(self.app.url(&format!("/api/v1/hazards/{id}/events")))
            .json(&body)
            .send()
            .await
            .expect("event");
        ok(res, StatusCode::OK).await;
    }

    async fn plan(&self, id: Uuid, yuan: f64) {
        let body = json!({ "action": "plan", "plan": { "responsible": "王强", "measures": "整改", "funds_yuan": yuan,
                                                      "deadline": "2031-06-30", "contingency": "临时管控" } });
        self.act(&self.principal, id, body).await;
    }

    async fn submit(&self, id: Uuid, seed: u64) {
        let after = photo(&self.app, &self.principal, seed).await;
        let signature = photo(&self.app, &self.principal, seed + 1).await;
        let body = json!({ "action": "submit", "note": "已整改", "photos": [after], "signature": signature });
        self.act(&self.principal, id, body).await;
    }

    async fn inspection(&self, who: &Client, kind: &str) {
        let (template_id, items) = school_items(&self.app, who, self.school).await;
        let id = Uuid::now_v7();
        let body = json!({ "kind": kind, "school_id": self.school, "template_id": template_id, "answers": answers(&items, &[]) });
        assert!(put_inspection(&self.app, who, &id, &body).await.status().is_success());
        assert_eq!(submit(&self.app, who, &id).await.status(), StatusCode::OK);
    }

    async fn record(
        &self,
        category: &str,
        kind: &str,
        school: i64,
        taken_on: NaiveDate,
        persons: &[&str],
    ) {
        let id = Uuid::now_v7();
        let body = json!({ "category": category, "kind": kind, "school_id": school, "persons": persons,
                           "taken_on": taken_on, "doc_no": "白教发〔2031〕1号", "note": "", "attachments": [] });
        let res = self
            .office
            .put(self.app.url(&format!("/api/v1/enforcement/{id}")))
            .json(&body)
            .send()
            .await
            .expect("record");
        ok(res, StatusCode::CREATED).await;
    }

    fn id(&self, name: &str) -> Uuid {
        self.hazards.iter().find(|(n, _)| *n == name).map(|(_, id)| *id).expect("hazard")
    }
}

/// Hazards H1–H6, three inspections, three measures and two actions over periods 1–3 of a
/// campaign whose reporting starts 2031-03-02 (P1 03-02..03-11, P2 03-12..03-21, P3 03-22..03-31).
async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let principal = app.client_as("principal").await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let kindergarten = app.school_id(KINDERGARTEN).await;
    // The demo campaign, copied so that reporting starts on 2031-03-02 (five days after its start).
    let current = ok(app.get(&office, "/api/v1/campaigns").await, StatusCode::OK).await;
    let demo = current[0]["id"].as_i64().expect("demo campaign");
    let res = office
        .post(app.url(&format!("/api/v1/campaigns/{demo}/copy")))
        .json(&json!({ "name": "2031年春季安全整治", "starts_on": "2031-02-25" }))
        .send()
        .await
        .expect("copy");
    let copied = ok(res, StatusCode::CREATED).await;
    assert_eq!(copied["plan"]["reporting_starts_on"], "2031-03-02");
    let campaign = copied["id"].as_i64().expect("id");
    let mut f = Fixture {
        app,
        office,
        principal,
        inspector,
        campaign,
        school,
        kindergarten,
        hazards: Vec::new(),
    };

    // Period 1.
    f.at(cst(3, 2, 10, 0));
    let h1 = f.report("H1", school, "general", 1).await;
    f.at(cst(3, 3, 10, 0));
    f.report("H2", kindergarten, "major", 2).await;
    f.at(cst(3, 4, 10, 0));
    let h3 = f.report("H3", school, "general", 3).await;
    f.at(cst(3, 5, 10, 0));
    f.plan(h1, 1200.50).await;
    f.at(cst(3, 6, 10, 0));
    f.submit(h1, 10).await;
    f.at(cst(3, 7, 10, 0));
    f.act(&f.office, h1, json!({ "action": "approve", "note": "验收合格" })).await;
    f.at(cst(3, 8, 10, 0));
    f.act(&f.office, h3, json!({ "action": "void", "reason": "重复登记" })).await;
    f.at(cst(3, 9, 10, 0));
    f.inspection(&f.principal, "self_check").await;
    f.at(cst(3, 10, 9, 0));
    f.record("action", "通报批评", kindergarten, day(3, 10), &["金某"]).await;
    // 23:30 on the last day of period 1, China time (15:30 UTC): still period 1.
    f.at(cst(3, 11, 23, 30));
    let h5 = f.report("H5", school, "major", 5).await;

    // Period 2. 00:30 on its first day, China time (16:30 UTC the day before).
    f.at(cst(3, 12, 0, 30));
    f.report("H4", school, "general", 4).await;
    f.at(cst(3, 15, 10, 0));
    f.record("measure", "责令限期整改", school, day(3, 15), &["张三"]).await;
    f.inspection(&f.inspector, "supervision").await;
    f.at(cst(3, 16, 10, 0));
    f.plan(h5, 5000.0).await;
    f.at(cst(3, 18, 10, 0));
    f.submit(h5, 20).await;
    f.at(cst(3, 20, 10, 0));
    f.act(&f.office, h5, json!({ "action": "return", "reason": "照片不清楚" })).await;
    f.at(cst(3, 21, 10, 0));
    f.submit(h5, 30).await;

    // Period 3.
    f.at(cst(3, 23, 10, 0));
    f.record("measure", "责令停止使用", kindergarten, day(3, 23), &[]).await;
    f.at(cst(3, 24, 10, 0));
    f.record("measure", "责令限期整改", kindergarten, day(3, 24), &[]).await;
    f.at(cst(3, 25, 10, 0));
    f.act(&f.office, h5, json!({ "action": "approve", "note": "验收合格" })).await;
    f.at(cst(3, 26, 10, 0));
    f.report("H6", kindergarten, "general", 6).await;
    f.at(cst(3, 27, 10, 0));
    f.record("action", "约谈", school, day(3, 27), &["赵丽华", "王强"]).await;
    f.at(cst(3, 28, 10, 0));
    f.inspection(&f.inspector, "unannounced").await;
    // "Today" for the cumulative tables: the last day of period 3.
    f.at(cst(3, 31, 18, 0));
    f
}

/// Table 1's fifteen numbers in the order of the form: inspected institutions; self-checks,
/// supervisions, unannounced; open at start; found general, major, subtotal; rectified; closed;
/// voided; open at end; closure rate (None: nothing found); overdue and open; funds (yuan).
type Row1 = [Option<f64>; 15];

fn r1(v: [f64; 14], rate: Option<f64>) -> Row1 {
    [
        Some(v[0]),
        Some(v[1]),
        Some(v[2]),
        Some(v[3]),
        Some(v[4]),
        Some(v[5]),
        Some(v[6]),
        Some(v[7]),
        Some(v[8]),
        Some(v[9]),
        Some(v[10]),
        Some(v[11]),
        rate,
        Some(v[12]),
        Some(v[13]),
    ]
}

fn row1_of(stats: &Value) -> Row1 {
    let n = |k: &str| Some(stats[k].as_i64().unwrap_or_else(|| panic!("{k} in {stats}")) as f64);
    let found = stats["found_general"].as_i64().expect("present")
        + stats["found_major"].as_i64().expect("present");
    let base = found - stats["found_voided_by_end"].as_i64().expect("present");
    let closed = stats["found_closed_by_end"].as_i64().expect("present");
    let rate = (base > 0).then(|| (1000.0 * closed as f64 / base as f64).round() / 10.0);
    [
        n("inspected"),
        n("self_checks"),
        n("supervisions"),
        n("unannounced"),
        n("open_at_start"),
        n("found_general"),
        n("found_major"),
        Some(found as f64),
        n("rectified"),
        n("closed"),
        n("voided"),
        n("open_at_end"),
        rate,
        n("overdue_open"),
        Some(stats["funds_cents"].as_i64().expect("present") as f64 / 100.0),
    ]
}

/// Expected rows 学校, 幼儿园, 合计 of table 1 for each span, computed by hand from the fixture.
fn expected_table1(span: &str) -> [Row1; 3] {
    match span {
        // A: H1, H3 general and H5 major found; H1 planned (1,200.50), rectified, closed; H3
        // voided; a self-check. K: H2 major found.
        "1" => [
            r1([1., 1., 0., 0., 0., 2., 1., 3., 1., 1., 1., 1., 0., 1200.5], Some(50.0)),
            r1([0., 0., 0., 0., 0., 0., 1., 1., 0., 0., 0., 1., 0., 0.], Some(0.0)),
            r1([1., 1., 0., 0., 0., 2., 2., 4., 1., 1., 1., 2., 0., 1200.5], Some(33.3)),
        ],
        // A: H5 open at start; H4 found (00:30 on day 1); H5 planned (5,000) and first submitted;
        // a supervision. K: H2 open throughout.
        "2" => [
            r1([1., 0., 1., 0., 1., 1., 0., 1., 1., 0., 0., 2., 0., 5000.], Some(0.0)),
            r1([0., 0., 0., 0., 1., 0., 0., 0., 0., 0., 0., 1., 0., 0.], None),
            r1([1., 0., 1., 0., 2., 1., 0., 1., 1., 0., 0., 3., 0., 5000.], Some(0.0)),
        ],
        // A: H5 closed (its resubmission is not a second rectification); H4 open and past its
        // deadline (03-27); an unannounced visit. K: H6 found; H2 (due 04-02) not yet overdue.
        "3" => [
            r1([1., 0., 0., 1., 2., 0., 0., 0., 0., 1., 0., 1., 1., 0.], None),
            r1([0., 0., 0., 0., 1., 1., 0., 1., 0., 0., 0., 2., 0., 0.], Some(0.0)),
            r1([1., 0., 0., 1., 3., 1., 0., 1., 0., 1., 0., 3., 1., 0.], Some(0.0)),
        ],
        // Everything from 03-02 to today (03-31).
        _ => [
            r1([1., 1., 1., 1., 0., 3., 1., 4., 2., 2., 1., 1., 1., 6200.5], Some(66.7)),
            r1([0., 0., 0., 0., 0., 1., 1., 2., 0., 0., 0., 2., 0., 0.], Some(0.0)),
            r1([1., 1., 1., 1., 0., 4., 2., 6., 2., 2., 1., 3., 1., 6200.5], Some(40.0)),
        ],
    }
}

/// Tables 2 and 3: per row, the counts per kind (in the configured order), the total, persons
/// and institutions.
fn expected_kinds(category: &str, span: &str) -> [(Vec<i64>, i64, i64, i64); 3] {
    let z = |n: usize| vec![0; n];
    let with = |n: usize, set: &[(usize, i64)]| {
        let mut v = vec![0; n];
        for (i, c) in set {
            v[*i] = *c;
        }
        v
    };
    match (category, span) {
        ("measure", "1") => [(z(5), 0, 0, 0), (z(5), 0, 0, 0), (z(5), 0, 0, 0)],
        ("measure", "2") => {
            [(with(5, &[(0, 1)]), 1, 1, 1), (z(5), 0, 0, 0), (with(5, &[(0, 1)]), 1, 1, 1)]
        }
        ("measure", "3") => [
            (z(5), 0, 0, 0),
            (with(5, &[(0, 1), (1, 1)]), 2, 0, 1),
            (with(5, &[(0, 1), (1, 1)]), 2, 0, 1),
        ],
        ("measure", _) => [
            (with(5, &[(0, 1)]), 1, 1, 1),
            (with(5, &[(0, 1), (1, 1)]), 2, 0, 1),
            (with(5, &[(0, 2), (1, 1)]), 3, 1, 2),
        ],
        ("action", "1") => {
            [(z(7), 0, 0, 0), (with(7, &[(1, 1)]), 1, 1, 1), (with(7, &[(1, 1)]), 1, 1, 1)]
        }
        ("action", "2") => [(z(7), 0, 0, 0), (z(7), 0, 0, 0), (z(7), 0, 0, 0)],
        ("action", "3") => {
            [(with(7, &[(0, 1)]), 1, 2, 1), (z(7), 0, 0, 0), (with(7, &[(0, 1)]), 1, 2, 1)]
        }
        _ => [
            (with(7, &[(0, 1)]), 1, 2, 1),
            (with(7, &[(1, 1)]), 1, 1, 1),
            (with(7, &[(0, 1), (1, 1)]), 2, 3, 2),
        ],
    }
}

const SPANS: [&str; 4] = ["1", "2", "3", "cumulative"];

#[tokio::test]
async fn every_cell_of_the_three_tables_matches_the_hand_count_in_every_period() {
    let f = fixture().await;
    for span in SPANS {
        let q = format!("campaign={}&period={span}", f.campaign);
        let t1 =
            ok(f.app.get(&f.office, &format!("/api/v1/reports/hazards?{q}")).await, StatusCode::OK)
                .await;
        let rows = t1["rows"].as_array().expect("rows");
        let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().expect("present")).collect();
        assert_eq!(names, ["学校", "幼儿园", "合计"]);
        for (i, want) in expected_table1(span).iter().enumerate() {
            assert_eq!(
                &row1_of(&rows[i]["stats"]),
                want,
                "table 1, period {span}, row {}",
                names[i]
            );
            let s = &rows[i]["stats"];
            let open = |k: &str| s[k].as_i64().expect("present");
            assert_eq!(
                open("open_at_start") + open("found_general") + open("found_major")
                    - open("closed")
                    - open("voided"),
                open("open_at_end"),
                "period {span}, row {}: open at start + found − closed − voided = open at end",
                names[i]
            );
        }
        // Each institution's line, summed, is its row.
        let lines = t1["institutions"].as_array().expect("institutions");
        let school = lines.iter().find(|l| l["school_id"] == f.school).expect("school line");
        assert_eq!(
            row1_of(&school["stats"]),
            expected_table1(span)[0],
            "the school's own line, period {span}"
        );

        for category in ["measure", "action"] {
            let path = if category == "measure" { "enforcement" } else { "accountability" };
            let t = ok(
                f.app.get(&f.office, &format!("/api/v1/reports/{path}?{q}")).await,
                StatusCode::OK,
            )
            .await;
            assert_eq!(t["kinds"][0], if category == "measure" { "责令限期整改" } else { "约谈" });
            for (i, (by_kind, total, persons, institutions)) in
                expected_kinds(category, span).iter().enumerate()
            {
                let s = &t["rows"][i]["stats"];
                let got: Vec<i64> = s["by_kind"]
                    .as_array()
                    .expect("present")
                    .iter()
                    .map(|v| v.as_i64().expect("present"))
                    .collect();
                assert_eq!(
                    (
                        &got,
                        s["total"].as_i64().expect("present"),
                        s["persons"].as_i64().expect("present"),
                        s["institutions"].as_i64().expect("present")
                    ),
                    (by_kind, *total, *persons, *institutions),
                    "{category} table, period {span}, row {i}"
                );
            }
        }
    }
}

fn xlsx_rows(bytes: Vec<u8>, sheet: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx file");
    let range = wb.worksheet_range(sheet).expect("the sheet");
    // Rows from the top-left cell A1, whatever the range's start.
    let (r0, c0) = range.start().expect("non-empty");
    assert_eq!((r0, c0), (0, 0), "{sheet} starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

fn num(d: &calamine::Data) -> Option<f64> {
    match d {
        calamine::Data::Float(v) => Some(*v),
        calamine::Data::Int(v) => Some(*v as f64),
        _ => None,
    }
}

fn text(d: &calamine::Data) -> String {
    d.to_string()
}

#[tokio::test]
async fn the_xlsx_tables_read_back_cell_by_cell_as_the_hand_count() {
    let f = fixture().await;
    for span in SPANS {
        let q = format!("campaign={}&period={span}", f.campaign);
        let res = f.app.get(&f.office, &format!("/api/v1/reports.xlsx?{q}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], server::xlsx::MIME);
        let bytes = res.bytes().await.expect("bytes").to_vec();

        let rows = xlsx_rows(bytes.clone(), "隐患排查整改销号统计表");
        assert_eq!(text(&rows[0][0]), "隐患排查整改销号统计表");
        assert!(
            text(&rows[1][0]).contains("白榆县教育局"),
            "the reporting unit: {}",
            text(&rows[1][0])
        );
        let label = if span == "cumulative" {
            "累计（2031年3月2日至2031年3月31日）".to_owned()
        } else {
            let n: u32 = span.parse().expect("present");
            let from = day(3, 2) + chrono::Days::new(10 * u64::from(n - 1));
            format!(
                "第{n}期（{}至{}）",
                app::domain::time::long_date(from),
                app::domain::time::long_date(from + chrono::Days::new(9))
            )
        };
        assert!(
            text(&rows[1][0]).contains(&label),
            "period line {:?} has {label}",
            text(&rows[1][0])
        );
        assert_eq!(text(&rows[2][0]), "类别");
        assert_eq!(text(&rows[2][2]), "检查次数");
        assert_eq!(
            (text(&rows[3][2]), text(&rows[3][3]), text(&rows[3][4])),
            ("自查".into(), "督查".into(), "暗查暗访".into())
        );
        assert_eq!(text(&rows[2][6]), "排查隐患（项）");
        assert_eq!(
            (text(&rows[3][6]), text(&rows[3][7]), text(&rows[3][8])),
            ("一般".into(), "重大".into(), "小计".into())
        );
        assert_eq!(text(&rows[2][13]), "销号率（%）");
        for (i, want) in expected_table1(span).iter().enumerate() {
            let r = &rows[4 + i];
            assert_eq!(text(&r[0]), ["学校", "幼儿园", "合计"][i]);
            let got: Row1 = std::array::from_fn(|c| num(&r[c + 1]));
            assert_eq!(&got, want, "xlsx table 1, period {span}, row {i}");
            if want[12].is_none() {
                assert_eq!(text(&r[13]), "—", "an empty rate is a dash");
            }
        }
        assert!(
            rows.iter().any(|r| text(&r[0]).starts_with("填表人：王秀兰")),
            "the preparer is named"
        );

        for (sheet, category) in [("行政强制措施统计表", "measure"), ("责任追究统计表", "action")]
        {
            let rows = xlsx_rows(bytes.clone(), sheet);
            assert_eq!(text(&rows[0][0]), sheet);
            let kinds = if category == "measure" { 5 } else { 7 };
            for (i, (by_kind, total, persons, institutions)) in
                expected_kinds(category, span).iter().enumerate()
            {
                let r = &rows[4 + i];
                let mut want: Vec<f64> = by_kind.iter().map(|v| *v as f64).collect();
                want.push(*total as f64);
                if category == "action" {
                    want.push(*persons as f64);
                }
                want.push(*institutions as f64);
                let got: Vec<f64> =
                    (1..=want.len()).map(|c| num(&r[c]).expect("a number")).collect();
                assert_eq!(got, want, "xlsx {sheet}, period {span}, row {i}");
                assert_eq!(
                    text(&rows[3][1]),
                    if category == "measure" { "责令限期整改" } else { "约谈" }
                );
                assert_eq!(
                    r.len(),
                    kinds + if category == "action" { 4 } else { 3 },
                    "{sheet} width"
                );
            }
        }
    }
}

#[tokio::test]
async fn each_number_opens_the_hazards_behind_it() {
    let f = fixture().await;
    let ids = |list: &Value| -> Vec<String> {
        let mut v: Vec<String> = list["items"]
            .as_array()
            .expect("present")
            .iter()
            .map(|h| h["id"].as_str().expect("present").to_owned())
            .collect();
        v.sort();
        v
    };
    let want = |names: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|n| f.id(n).to_string()).collect();
        v.sort();
        v
    };
    let cases: [(&str, &[&str]); 6] = [
        ("stage=closed&from=2031-03-02&to=2031-03-11", &["H1"]),
        ("stage=found&from=2031-03-02&to=2031-03-11", &["H1", "H2", "H3", "H5"]),
        ("stage=open_at_end&to=2031-03-21", &["H2", "H4", "H5"]),
        ("stage=open_at_start&from=2031-03-22", &["H2", "H4", "H5"]),
        ("stage=overdue_at_end&to=2031-03-31&group=school", &["H4"]),
        ("stage=rectified&from=2031-03-12&to=2031-03-21&group=school", &["H5"]),
    ];
    for (q, names) in cases {
        let list =
            ok(f.app.get(&f.office, &format!("/api/v1/hazards?{q}")).await, StatusCode::OK).await;
        assert_eq!(ids(&list), want(names), "ledger ?{q}");
    }
}

#[tokio::test]
async fn a_principal_sees_only_their_school_in_the_tables() {
    let f = fixture().await;
    let q = format!("campaign={}&period=cumulative", f.campaign);
    let t1 =
        ok(f.app.get(&f.principal, &format!("/api/v1/reports/hazards?{q}")).await, StatusCode::OK)
            .await;
    assert_eq!(t1["institutions"].as_array().expect("present").len(), 1);
    assert_eq!(
        row1_of(&t1["rows"][2]["stats"]),
        expected_table1("cumulative")[0],
        "the total is the school's own"
    );
    let t3 = ok(
        f.app.get(&f.principal, &format!("/api/v1/reports/accountability?{q}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        t3["rows"][1]["stats"]["total"], 0,
        "the kindergarten's action is not theirs to see"
    );
}

#[tokio::test]
async fn bad_report_requests_are_refused_clearly() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    for (path, want) in [
        ("/api/v1/reports/hazards?period=0", StatusCode::BAD_REQUEST),
        ("/api/v1/reports/hazards?period=abc", StatusCode::BAD_REQUEST),
        ("/api/v1/reports/hazards?period=999", StatusCode::NOT_FOUND),
        ("/api/v1/reports/hazards?campaign=424242", StatusCode::NOT_FOUND),
        ("/api/v1/reports/enforcement.xlsx?campaign=x", StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(app.get(&office, path).await.status(), want, "{path}");
    }
    let anonymous = app.client();
    assert_eq!(
        app.get(&anonymous, "/api/v1/reports/hazards").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let principal = app.client_as("principal").await;
    assert_eq!(app.get(&principal, "/api/v1/dashboard").await.status(), StatusCode::FORBIDDEN);
    let res = principal
        .post(app.url("/api/v1/campaigns/1/copy"))
        .json(&json!({ "name": "x", "starts_on": "2031-01-01" }))
        .send()
        .await
        .expect("copy");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn file(app: &TestApp, c: &Client, id: Uuid, body: &Value) -> reqwest::Response {
    c.put(app.url(&format!("/api/v1/submissions/{id}")))
        .json(body)
        .send()
        .await
        .expect("submission")
}

#[tokio::test]
async fn a_period_report_freezes_the_schools_numbers_and_the_matrix_tracks_who_filed_on_time() {
    let f = fixture().await;
    let (app, c) = (&f.app, &f.principal);
    // On the last day of period 1 the report opens; the day after it is due.
    f.at(cst(3, 10, 12, 0));
    let body =
        json!({ "campaign_id": f.campaign, "kind": "period", "seq": 1, "note": "本期自查一次" });
    let (status, err) = error_of(file(app, c, Uuid::now_v7(), &body).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_open_yet"))
    );

    f.at(cst(3, 12, 9, 0));
    let id = Uuid::now_v7();
    let filed = ok(file(app, c, id, &body).await, StatusCode::CREATED).await;
    assert_eq!(filed["state"], "on_time");
    assert_eq!(
        row1_of(&filed["numbers"]),
        expected_table1("1")[0],
        "the school's period-1 numbers"
    );
    // A retry changes nothing; filing the same item under another id is a conflict.
    let again = ok(file(app, c, id, &body).await, StatusCode::OK).await;
    assert_eq!(again["submitted_at"], filed["submitted_at"]);
    let (status, _) = error_of(file(app, c, Uuid::now_v7(), &body).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Bad bodies write nothing.
    for (bad, want) in [
        (
            json!({ "campaign_id": f.campaign, "kind": "period", "seq": 99 }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({ "campaign_id": f.campaign, "kind": "weekly", "seq": 1 }), StatusCode::BAD_REQUEST),
        (json!({ "campaign_id": 424242, "kind": "period", "seq": 1 }), StatusCode::NOT_FOUND),
        (
            json!({ "campaign_id": f.campaign, "kind": "stage", "seq": 1, "attachments": ["00"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        assert_eq!(file(app, c, Uuid::now_v7(), &bad).await.status(), want, "{bad}");
    }
    // Office may not file for a school.
    assert_eq!(file(app, &f.office, Uuid::now_v7(), &body).await.status(), StatusCode::FORBIDDEN);

    // Period 2 filed late, a stage report with an attachment on time.
    f.at(cst(3, 23, 9, 0));
    let late = json!({ "campaign_id": f.campaign, "kind": "period", "seq": 2, "note": "" });
    assert_eq!(
        ok(file(app, c, Uuid::now_v7(), &late).await, StatusCode::CREATED).await["state"],
        "late"
    );
    let sha = photo(app, c, 77).await;
    let stage = json!({ "campaign_id": f.campaign, "kind": "stage", "seq": 1, "note": "阶段小结", "attachments": [sha] });
    let s = ok(file(app, c, Uuid::now_v7(), &stage).await, StatusCode::CREATED).await;
    assert!(s["numbers"].is_null());
    // The office can open the attachment (a photo of the school's record); the other principal cannot.
    assert_eq!(
        app.get(&f.office, &format!("/api/v1/photos/{sha}/thumb")).await.status(),
        StatusCode::OK
    );
    let other = app.client_as("principal2").await;
    assert_eq!(
        app.get(&other, &format!("/api/v1/photos/{sha}/thumb")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&other, &format!("/api/v1/submissions/{}", id)).await.status(),
        StatusCode::NOT_FOUND
    );

    // The matrix on 03-23: periods 1 and 2 are open (3 opens 03-31), stage 1, stage 2, final.
    let m = ok(
        app.get(&f.office, &format!("/api/v1/submissions?campaign={}", f.campaign)).await,
        StatusCode::OK,
    )
    .await;
    let items: Vec<(String, i64)> = m["items"]
        .as_array()
        .expect("present")
        .iter()
        .map(|i| {
            (i["kind"].as_str().expect("present").to_owned(), i["seq"].as_i64().expect("present"))
        })
        .collect();
    assert_eq!(&items[..2], &[("period".to_owned(), 1), ("period".to_owned(), 2)]);
    let row = m["rows"]
        .as_array()
        .expect("present")
        .iter()
        .find(|r| r["school_id"] == f.school)
        .expect("school row");
    assert_eq!(row["cells"][0][0], "on_time");
    assert_eq!(row["cells"][0][1], id.to_string());
    assert_eq!(row["cells"][1][0], "late");
    let k = m["rows"]
        .as_array()
        .expect("present")
        .iter()
        .find(|r| r["school_id"] == f.kindergarten)
        .expect("kindergarten row");
    assert_eq!(
        (k["cells"][0][0].as_str(), k["cells"][1][0].as_str()),
        (Some("missing"), Some("missing"))
    );
    let schools = m["rows"].as_array().expect("present").len() as i64;
    assert_eq!(m["totals"][0], json!([1, 0, schools - 1, 0]));

    // The frozen numbers do not move when the ledger does: one more hazard found in period 1
    // changes its live table, not the report as filed.
    f.at(cst(3, 11, 23, 59));
    let sha = photo(app, &f.inspector, 99).await;
    let body =
        json!({ "school_id": f.school, "title": "新隐患", "level": "general", "photos": [sha] });
    let res = f
        .inspector
        .put(app.url(&format!("/api/v1/hazards/{}", Uuid::now_v7())))
        .json(&body)
        .send()
        .await
        .expect("report");
    ok(res, StatusCode::CREATED).await;
    let live = ok(
        app.get(&f.office, &format!("/api/v1/reports/hazards?campaign={}&period=1", f.campaign))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(live["rows"][0]["stats"]["found_general"], 3);
    let again =
        ok(app.get(&f.office, &format!("/api/v1/submissions/{id}")).await, StatusCode::OK).await;
    assert_eq!(row1_of(&again["numbers"]), expected_table1("1")[0]);
}

#[tokio::test]
async fn reminders_reach_the_principals_of_schools_missing_a_report_once_a_day() {
    let f = fixture().await;
    f.at(cst(3, 13, 9, 0));
    let remind = |who: &Client| {
        who.post(f.app.url(&format!("/api/v1/campaigns/{}/reminders", f.campaign)))
            .json(&json!({ "kind": "period", "seq": 1 }))
            .send()
    };
    let sent = ok(remind(&f.office).await.expect("remind"), StatusCode::OK).await;
    // Both demo principals' schools are missing period 1.
    assert_eq!(sent["sent"], 2);
    let again = ok(remind(&f.office).await.expect("remind"), StatusCode::OK).await;
    assert_eq!(again["sent"], 0, "once a day");
    let inbox = ok(f.app.get(&f.principal, "/api/v1/notifications").await, StatusCode::OK).await;
    assert!(inbox.to_string().contains("submission_reminder"), "{inbox}");
    assert_eq!(remind(&f.principal).await.expect("remind").status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_dashboard_counts_the_ledger_and_compares_accidents_with_a_year_earlier() {
    let f = fixture().await;
    let d = ok(f.app.get(&f.office, "/api/v1/dashboard").await, StatusCode::OK).await;
    assert_eq!(d["campaign"]["id"], f.campaign, "the campaign running on 03-31");
    let count = |s: &str| {
        d["by_status"]
            .as_array()
            .expect("present")
            .iter()
            .find(|x| x[0] == s)
            .map_or(0, |x| x[1].as_i64().expect("present"))
    };
    assert_eq!((count("reported"), count("closed"), count("voided")), (3, 2, 1));
    assert_eq!(d["overdue"], 1);
    assert_eq!(d["most_overdue"][0][1], SCHOOL);
    let periods: Vec<(i64, i64, i64)> = d["periods"]
        .as_array()
        .expect("present")
        .iter()
        .map(|p| {
            (
                p[0].as_i64().expect("present"),
                p[1].as_i64().expect("present"),
                p[2].as_i64().expect("present"),
            )
        })
        .collect();
    assert_eq!(periods, [(1, 4, 1), (2, 1, 0), (3, 1, 0)]);
    assert_eq!(d["missing_reports"][0], 2, "period 2 is the latest due on 03-31");
    assert_eq!(d["accidents"], json!([0, 0, 0]));
}
