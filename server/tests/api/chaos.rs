//! Offline outboxes replayed through a flaky network and a killed server (DESIGN §4): twenty
//! phones upload photos, inspections, hazards and workflow events through a proxy that cuts
//! about one connection in five, the server process is SIGKILLed and restarted midway, and
//! afterwards every record is stored exactly once, with nothing else beside it.

use crate::helpers::{PASSWORD, ServerProcess as Server, child_database_url};
use bytes::Bytes;
use chrono::NaiveDate;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use server::photo::pipeline::samples::{jpeg, noise_photo};
use server::storage::Db;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use uuid::Uuid;

const PHONES: usize = 20;
/// Phone `n` is logged in as `USERS[n % 5]`.
const USERS: [&str; 5] = ["inspector", "inspector2", "principal", "principal2", "office"];
/// The schools of `principal` and `principal2`, and one with no demo principal.
const SCHOOLS: [&str; 3] = ["白榆县实验小学", "白榆县第一中学", "白榆县第二中学"];
const PROXY_SEED: u64 = 0x5eed_c4a0_5eed_0001;
/// Tries per request before a phone gives up (about half a minute of backoff).
const MAX_ATTEMPTS: u32 = 600;
const DEADLINE: &str = "2099-01-01";
const EXTENDED: &str = "2099-06-30";

/// SplitMix64: a small deterministic generator for the proxy's fates and the phones' backoff.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ---- The flaky network ----

#[derive(Default)]
struct ProxyStats {
    passed: AtomicUsize,
    cut_mid_request: AtomicUsize,
    cut_after_request: AtomicUsize,
    cut_mid_response: AtomicUsize,
    /// Connections dropped because the server was down.
    refused: AtomicUsize,
}

impl ProxyStats {
    fn cut(&self) -> usize {
        [&self.cut_mid_request, &self.cut_after_request, &self.cut_mid_response]
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum()
    }
}

/// A TCP proxy on loopback in front of `upstream` that cuts about 20 % of connections: 7 % in
/// the middle of the request, 7 % after the whole request (at once or a few milliseconds into
/// the server's work, before any answer comes back), 6 % in the middle of the response.
async fn start_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<ProxyStats>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
    let addr = listener.local_addr().expect("the proxy's address");
    let stats = Arc::new(ProxyStats::default());
    let counted = stats.clone();
    tokio::spawn(async move {
        let mut rng = SplitMix(PROXY_SEED);
        loop {
            match listener.accept().await {
                Ok((phone, _)) => {
                    tokio::spawn(relay(phone, upstream, rng.next(), counted.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    });
    (addr, stats)
}

async fn relay(mut phone: TcpStream, upstream: SocketAddr, roll: u64, stats: Arc<ProxyStats>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        // The server is down: the phone sees its connection closed.
        stats.refused.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let fate = roll % 100;
    let part = roll >> 32;
    if fate >= 20 {
        stats.passed.fetch_add(1, Ordering::Relaxed);
        let _ = tokio::io::copy_bidirectional(&mut phone, &mut server).await;
        return;
    }
    // Phones open one connection per request (no pooling), so the first request is the only one.
    let Some(request) = read_request(&mut phone).await else { return };
    if fate < 7 {
        stats.cut_mid_request.fetch_add(1, Ordering::Relaxed);
        let upto = (part % request.len() as u64) as usize;
        let _ = server.write_all(&request[..upto]).await;
    } else if fate < 14 {
        stats.cut_after_request.fetch_add(1, Ordering::Relaxed);
        if server.write_all(&request).await.is_ok() {
            // Close at once or a little into the server's work: wherever it is cut off.
            let mut first = [0u8; 1];
            let wait = Duration::from_millis(part % 30);
            let _ = tokio::time::timeout(wait, server.read(&mut first)).await;
        }
    } else {
        stats.cut_mid_response.fetch_add(1, Ordering::Relaxed);
        if server.write_all(&request).await.is_ok() {
            let mut buf = vec![0u8; 64 * 1024];
            let n = server.read(&mut buf).await.unwrap_or(0);
            if n > 0 {
                let upto = (part % n as u64) as usize;
                let _ = phone.write_all(&buf[..upto]).await;
            }
        }
    }
    // Dropping both streams closes both sides.
}

/// Reads one whole HTTP/1.1 request (headers and a `Content-Length` body).
async fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            assert!(!head.contains("transfer-encoding"), "the proxy expects Content-Length bodies");
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().expect("a Content-Length"));
            if buf.len() >= end + 4 + length {
                buf.truncate(end + 4 + length);
                return Some(buf);
            }
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

// ---- Phones and their outboxes ----

/// One idempotent request of an outbox, with the client-made ids it carries.
enum Step {
    Photo {
        sha: String,
        bytes: Bytes,
    },
    PutInspection {
        id: Uuid,
        body: Value,
    },
    SubmitInspection {
        id: Uuid,
    },
    Report {
        id: Uuid,
        body: Value,
    },
    /// A workflow action, without its `expected_version` (read just before sending).
    /// `awaits_other`: the hazard is reported by another phone and may not exist yet.
    Event {
        hazard: Uuid,
        body: Value,
        awaits_other: bool,
    },
}

enum Body {
    Empty,
    Json(Value),
    Jpeg(Bytes),
}

#[derive(Default)]
struct Tally {
    attempts: u64,
    network_errors: u64,
    server_errors: Vec<String>,
    relogins: u64,
    stale_versions: u64,
    unknown_photos: u64,
    waits: u64,
}

struct Phone {
    n: usize,
    user: &'static str,
    http: Client,
    base: String,
    rng: SplitMix,
    /// The photos this phone uploads (it may fetch their originals).
    photos: Vec<String>,
    tally: Tally,
}

/// How far the phones have got, and when to kill the server.
struct Progress {
    done: AtomicUsize,
    kill_at: usize,
    reached: Notify,
}

impl Progress {
    fn step_done(&self) {
        if self.done.fetch_add(1, Ordering::SeqCst) + 1 == self.kill_at {
            self.reached.notify_one();
        }
    }
}

fn code(body: &Bytes) -> Value {
    serde_json::from_slice::<Value>(body).map_or(Value::Null, |v| v["error"]["code"].clone())
}

impl Phone {
    fn new(n: usize, base: &str) -> Phone {
        let http = Client::builder()
            .cookie_store(true)
            // One connection per request, so the proxy's fate is each request's fate.
            .pool_max_idle_per_host(0)
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(15))
            .build()
            .expect("client");
        Phone {
            n,
            user: USERS[n % USERS.len()],
            http,
            base: base.to_owned(),
            rng: SplitMix(n as u64 + 1),
            photos: Vec::new(),
            tally: Tally::default(),
        }
    }

    fn who(&self) -> String {
        format!("phone {} ({})", self.n, self.user)
    }

    async fn backoff(&mut self) {
        tokio::time::sleep(Duration::from_millis(10 + self.rng.below(91))).await;
    }

    /// Sends until the server gives an answer: network errors, cut connections and 5xx are
    /// retried after a short backoff.
    async fn exchange(&mut self, method: &Method, path: &str, body: &Body) -> (StatusCode, Bytes) {
        for _ in 0..MAX_ATTEMPTS {
            self.tally.attempts += 1;
            let req = self.http.request(method.clone(), format!("{}{path}", self.base));
            let req = match body {
                Body::Empty => req,
                Body::Json(v) => req.json(v),
                Body::Jpeg(b) => req.header("content-type", "image/jpeg").body(b.clone()),
            };
            let answer = match req.send().await {
                Ok(res) => {
                    let status = res.status();
                    res.bytes().await.map(|b| (status, b))
                }
                Err(e) => Err(e),
            };
            match answer {
                Err(_) => self.tally.network_errors += 1,
                Ok((status, b)) if status.is_server_error() => {
                    let text = String::from_utf8_lossy(&b);
                    self.tally.server_errors.push(format!("{method} {path} → {status}: {text}"));
                }
                Ok(answer) => return answer,
            }
            self.backoff().await;
        }
        panic!("{}: {method} {path} never got an answer", self.who());
    }

    async fn login(&mut self) {
        let body = Body::Json(json!({ "username": self.user, "password": PASSWORD }));
        let (status, b) = self.exchange(&Method::POST, "/api/v1/session", &body).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{} logs in: {}",
            self.who(),
            String::from_utf8_lossy(&b)
        );
    }

    /// `exchange`, logging in again on 401.
    async fn call(&mut self, method: &Method, path: &str, body: &Body) -> (StatusCode, Bytes) {
        for _ in 0..20 {
            let (status, b) = self.exchange(method, path, body).await;
            if status != StatusCode::UNAUTHORIZED {
                return (status, b);
            }
            self.tally.relogins += 1;
            self.login().await;
        }
        panic!("{}: {method} {path} stays 401 after logging in", self.who());
    }

    fn refuse(&self, method: &Method, path: &str, status: StatusCode, b: &Bytes) -> ! {
        panic!("{}: {method} {path} answered {status}: {}", self.who(), String::from_utf8_lossy(b))
    }

    /// Sends until 2xx. A 422 `unknown_photo` means the photo is not there yet: retried.
    async fn settle(&mut self, method: Method, path: &str, body: Body) {
        for _ in 0..MAX_ATTEMPTS {
            let (status, b) = self.call(&method, path, &body).await;
            if status.is_success() {
                return;
            }
            if status == StatusCode::UNPROCESSABLE_ENTITY && code(&b) == "unknown_photo" {
                self.tally.unknown_photos += 1;
                self.backoff().await;
                continue;
            }
            self.refuse(&method, path, status, &b);
        }
        panic!("{}: {method} {path} never settled", self.who());
    }

    /// A workflow action, decided on the version just read. A 409 `stale_version` means the
    /// event was not applied (a retried event id that was applied answers 200 whatever its
    /// version), so the phone re-reads and sends the same event id with the current version.
    async fn act(&mut self, hazard: Uuid, event: &Value, awaits_other: bool) {
        let path = format!("/api/v1/hazards/{hazard}");
        let events = format!("{path}/events");
        for _ in 0..MAX_ATTEMPTS {
            let (status, b) = self.call(&Method::GET, &path, &Body::Empty).await;
            if status == StatusCode::NOT_FOUND && awaits_other {
                self.tally.waits += 1;
                self.backoff().await;
                continue;
            }
            if status != StatusCode::OK {
                self.refuse(&Method::GET, &path, status, &b);
            }
            let current: Value = serde_json::from_slice(&b).expect("a hazard in JSON");
            let mut body = event.clone();
            body["expected_version"] = current["summary"]["version"].clone();
            let (status, b) = self.call(&Method::POST, &events, &Body::Json(body)).await;
            match status {
                s if s.is_success() => return,
                StatusCode::CONFLICT if code(&b) == "stale_version" => {
                    self.tally.stale_versions += 1;
                }
                StatusCode::UNPROCESSABLE_ENTITY if code(&b) == "unknown_photo" => {
                    self.tally.unknown_photos += 1;
                    self.backoff().await;
                }
                _ => self.refuse(&Method::POST, &events, status, &b),
            }
        }
        panic!("{}: {events} never settled", self.who());
    }

    async fn deliver(&mut self, step: &Step) {
        match step {
            Step::Photo { sha, bytes } => {
                let path = format!("/api/v1/photos/{sha}");
                self.settle(Method::PUT, &path, Body::Jpeg(bytes.clone())).await;
            }
            Step::PutInspection { id, body } => {
                let path = format!("/api/v1/inspections/{id}");
                self.settle(Method::PUT, &path, Body::Json(body.clone())).await;
            }
            Step::SubmitInspection { id } => {
                let path = format!("/api/v1/inspections/{id}/submit");
                let body = json!({ "latitude": 44.812, "longitude": 123.088 });
                self.settle(Method::POST, &path, Body::Json(body)).await;
            }
            Step::Report { id, body } => {
                let path = format!("/api/v1/hazards/{id}");
                self.settle(Method::PUT, &path, Body::Json(body.clone())).await;
            }
            Step::Event { hazard, body, awaits_other } => {
                self.act(*hazard, body, *awaits_other).await;
            }
        }
    }

    async fn run(mut self, outbox: Vec<Step>, progress: Arc<Progress>) -> Phone {
        self.login().await;
        for step in &outbox {
            self.deliver(step).await;
            progress.step_done();
        }
        self
    }
}

// ---- What the phones will send, and what must come of it ----

struct School {
    id: i64,
    template_id: i64,
    extension_id: Option<i64>,
    /// The items that apply to this school.
    items: Vec<Value>,
}

/// Rows as the database should hold them afterwards (and nothing else).
#[derive(Default)]
struct Expected {
    /// (id, status, answers)
    inspections: Vec<(String, String, i64)>,
    /// (id, school, inspection, status, version, deadline)
    hazards: Vec<(String, i64, Option<String>, String, i32, NaiveDate)>,
    /// (event id, hazard, action)
    events: Vec<(String, String, String)>,
    /// (sha256, uploader)
    photos: Vec<(String, String)>,
}

impl Expected {
    fn hazard(
        &mut self,
        id: Uuid,
        school: i64,
        inspection: Option<Uuid>,
        status: &str,
        version: i32,
        deadline: &str,
    ) {
        let deadline = deadline.parse().expect("a date");
        let row = (
            id.to_string(),
            school,
            inspection.map(|i| i.to_string()),
            status.into(),
            version,
            deadline,
        );
        self.hazards.push(row);
        self.event(format!("{id}:report"), id, "report");
    }

    fn event(&mut self, event_id: String, hazard: Uuid, action: &str) {
        self.events.push((event_id, hazard.to_string(), action.to_owned()));
    }
}

fn photo(phone: &mut Phone, expected: &mut Expected, outbox: &mut Vec<Step>) -> String {
    let seed = 1000 * phone.n as u64 + phone.photos.len() as u64 + 1;
    let bytes = jpeg(&noise_photo(160, 120, seed), 160, 120, 85, None);
    let sha = hex::encode(Sha256::digest(&bytes));
    phone.photos.push(sha.clone());
    expected.photos.push((sha.clone(), phone.user.to_owned()));
    outbox.push(Step::Photo { sha: sha.clone(), bytes: Bytes::from(bytes) });
    sha
}

fn event(expected: &mut Expected, hazard: Uuid, mut body: Value, awaits_other: bool) -> Step {
    let event_id = Uuid::now_v7();
    body["event_id"] = json!(event_id);
    expected.event(event_id.to_string(), hazard, body["action"].as_str().expect("an action"));
    Step::Event { hazard, body, awaits_other }
}

fn plan_body() -> Value {
    json!({ "action": "plan", "plan": { "responsible": "王强（后勤主任）", "measures": "更换并建立月检记录",
            "funds_yuan": 800, "deadline": DEADLINE, "contingency": "更换前设置警示并专人看护" } })
}

/// Every phone's outbox, built up front with phone-made ids.
///
/// - Inspectors (8 phones, four per principal's school): three photos, a supervision answering
///   every item with three failures (a hazard and a photo each), its submission, and a hazard
///   reported on its own with a fourth photo.
/// - Principals (8): a hazard of their school reported on its own with a photo, its plan, its
///   submission with an after-photo and a signature; then a plan for the first hazard of one
///   inspector's inspection of their school.
/// - Office (4): a hazard reported on its own at a third school with a photo; then extending
///   the deadline of two inspection hazards (one per school) that principals plan, racing them.
fn outboxes(base: &str, schools: &[School; 3]) -> (Vec<(Phone, Vec<Step>)>, Expected) {
    let mut expected = Expected::default();
    let mut phones: Vec<(Phone, Vec<Step>)> =
        (0..PHONES).map(|n| (Phone::new(n, base), Vec::new())).collect();
    // The first hazard of each inspection, by school (index into `schools`).
    let mut contested: [Vec<Uuid>; 2] = [Vec::new(), Vec::new()];
    for (phone, outbox) in phones.iter_mut().filter(|(p, _)| p.user.starts_with("inspector")) {
        let at = contested[0].len() + contested[1].len();
        let which = at % 2;
        let school = &schools[which];
        let shots: Vec<String> = (0..3).map(|_| photo(phone, &mut expected, outbox)).collect();
        let id = Uuid::now_v7();
        let last = school.items.len() - 1;
        let fails = [0, last / 2, last];
        let mut hazard_ids = Vec::new();
        let answers: Vec<Value> = school
            .items
            .iter()
            .enumerate()
            .map(|(n, item)| match fails.iter().position(|f| *f == n) {
                Some(k) => {
                    let hazard = Uuid::now_v7();
                    hazard_ids.push(hazard);
                    json!({ "item_id": item["id"], "outcome": "fail", "note": "不合格", "photos": [shots[k]],
                            "hazard": { "id": hazard, "title": item["title"], "description": "现场发现",
                                        "level": item["level"], "deadline": DEADLINE } })
                }
                None => json!({ "item_id": item["id"], "outcome": "pass" }),
            })
            .collect();
        let body = json!({ "kind": "supervision", "school_id": school.id, "template_id": school.template_id,
                           "extension_id": school.extension_id, "answers": answers });
        outbox.push(Step::PutInspection { id, body });
        outbox.push(Step::SubmitInspection { id });
        expected.inspections.push((id.to_string(), "submitted".into(), school.items.len() as i64));
        for (k, hazard) in hazard_ids.iter().enumerate() {
            // The first is planned by the principal and extended by the office.
            let (status, version, deadline) =
                if k == 0 { ("rectifying", 3, EXTENDED) } else { ("reported", 1, DEADLINE) };
            expected.hazard(*hazard, school.id, Some(id), status, version, deadline);
        }
        contested[which].push(hazard_ids[0]);
        let before = photo(phone, &mut expected, outbox);
        let own = Uuid::now_v7();
        let body = json!({ "school_id": school.id, "title": "消防通道堆放杂物", "level": "general",
                           "deadline": DEADLINE, "photos": [before] });
        outbox.push(Step::Report { id: own, body });
        expected.hazard(own, school.id, None, "reported", 1, DEADLINE);
    }
    let mut next = [0usize; 3];
    for (phone, outbox) in phones.iter_mut().filter(|(p, _)| !p.user.starts_with("inspector")) {
        let role = match phone.user {
            "principal" => 0,
            "principal2" => 1,
            _ => 2,
        };
        let slot = next[role];
        next[role] += 1;
        let school = &schools[role];
        let before = photo(phone, &mut expected, outbox);
        let own = Uuid::now_v7();
        let body = json!({ "school_id": school.id, "title": "楼梯扶手松动", "description": "二楼东侧",
                           "level": "general", "deadline": DEADLINE, "photos": [before] });
        outbox.push(Step::Report { id: own, body });
        if role < 2 {
            let after = photo(phone, &mut expected, outbox);
            let signature = photo(phone, &mut expected, outbox);
            expected.hazard(own, school.id, None, "submitted", 3, DEADLINE);
            outbox.push(event(&mut expected, own, plan_body(), false));
            let submit = json!({ "action": "submit", "note": "已加固并复查", "photos": [after], "signature": signature });
            outbox.push(event(&mut expected, own, submit, false));
            outbox.push(event(&mut expected, contested[role][slot], plan_body(), true));
        } else {
            expected.hazard(own, school.id, None, "reported", 1, DEADLINE);
            for hazards in &contested {
                let extend =
                    json!({ "action": "extend", "reason": "需要采购配件", "deadline": EXTENDED });
                outbox.push(event(&mut expected, hazards[slot], extend, true));
            }
        }
    }
    (phones, expected)
}

/// The schools by name with the checklist items that apply to each, read before the chaos.
async fn schools(addr: SocketAddr) -> [School; 3] {
    let http = Client::builder().cookie_store(true).build().expect("client");
    let url = |path: &str| format!("http://{addr}{path}");
    let get = |path: String| {
        let req = http.get(url(&path));
        async move {
            let res = req.send().await.expect("GET");
            assert_eq!(res.status(), StatusCode::OK, "GET {path}");
            res.json::<Value>().await.expect("JSON")
        }
    };
    let res = http
        .post(url("/api/v1/session"))
        .json(&json!({ "username": "office", "password": PASSWORD }))
        .send()
        .await
        .expect("log in");
    assert_eq!(res.status(), StatusCode::OK, "office logs in");
    let all = get("/api/v1/schools".into()).await;
    let mut found = Vec::new();
    for name in SCHOOLS {
        let s = all
            .as_array()
            .expect("a list")
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name} is a demo school"));
        let id = s["id"].as_i64().expect("an id");
        let kindergarten = s["school_type"] == "kindergarten";
        let ids = get(format!("/api/v1/schools/{id}/checklist")).await;
        let mut items = Vec::new();
        for t in [&ids["template_id"], &ids["extension_id"]].into_iter().filter_map(Value::as_i64) {
            let checklist = get(format!("/api/v1/checklists/{t}")).await;
            for section in checklist["sections"].as_array().expect("sections") {
                items.extend(section["items"].as_array().expect("items").iter().cloned());
            }
        }
        items.retain(|i| match i["applies_to"].as_str() {
            Some("kindergarten") => kindergarten,
            Some("school") => !kindergarten,
            _ => true,
        });
        assert!(items.len() >= 3, "{name} has items to inspect");
        found.push(School {
            id,
            template_id: ids["template_id"].as_i64().expect("a template"),
            extension_id: ids["extension_id"].as_i64(),
            items,
        });
    }
    found.try_into().unwrap_or_else(|_| unreachable!("three schools"))
}

// ---- Checking what landed ----

macro_rules! rows {
    ($db:expr, $row:ty, $sql:literal) => {
        match $db {
            Db::Sqlite(p) => sqlx::query_as::<_, $row>($sql).fetch_all(p).await,
            Db::Postgres(p) => sqlx::query_as::<_, $row>($sql).fetch_all(p).await,
        }
        .expect($sql)
    };
}

/// The same rows, as multisets; names what is missing and what should not be there.
fn same_rows<T: Ord + Clone + Debug>(what: &str, expected: &[T], actual: Vec<T>) {
    let mut count: BTreeMap<T, i64> = BTreeMap::new();
    for row in expected {
        *count.entry(row.clone()).or_default() += 1;
    }
    for row in actual {
        *count.entry(row).or_default() -= 1;
    }
    let missing: Vec<_> = count.iter().filter(|(_, n)| **n > 0).collect();
    let extra: Vec<_> = count.iter().filter(|(_, n)| **n < 0).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing (row, times) {missing:#?}\nunexpected (row, -times) {extra:#?}"
    );
}

async fn check_database(url: &str, expected: &Expected) {
    let db = Db::connect(url).await.expect("connect to the server's database");
    let inspections = rows!(
        &db,
        (String, String, i64),
        "SELECT i.id, i.status, (SELECT COUNT(*) FROM inspection_answers a WHERE a.inspection_id = i.id) FROM inspections i"
    );
    same_rows("inspections", &expected.inspections, inspections);
    let hazards = rows!(
        &db,
        (String, i64, Option<String>, String, i32, NaiveDate),
        "SELECT id, school_id, inspection_id, status, version, deadline FROM hazards"
    );
    same_rows("hazards", &expected.hazards, hazards);
    let events = rows!(
        &db,
        (String, String, String),
        "SELECT event_id, hazard_id, action FROM hazard_events"
    );
    same_rows("hazard events", &expected.events, events);
    let photos = rows!(
        &db,
        (String, String),
        "SELECT p.sha256, u.username FROM photos p JOIN users u ON u.id = p.uploader_id"
    );
    same_rows("photos", &expected.photos, photos);
    // Every new hazard told its school's principals exactly once (unless a principal reported it).
    let told = rows!(
        &db,
        (String, i64, i64),
        "SELECT h.id, \
         (SELECT COUNT(*) FROM notifications n WHERE n.hazard_id = h.id AND n.kind = 'hazard_reported'), \
         (SELECT COUNT(*) FROM users u WHERE u.org_id = h.school_id AND u.role = 'principal' AND u.id <> h.reported_by) \
         FROM hazards h"
    );
    for (hazard, got, want) in told {
        assert_eq!(got, want, "principals told of hazard {hazard}");
    }
    let (breaks, checked) = server::service::hazards::verify(&db).await.expect("verify");
    assert!(breaks.is_empty(), "every hazard's chain holds: {breaks:?}");
    assert_eq!(checked, expected.events.len() as u64, "verify walked every event");
    let drift = server::storage::hazards::tally_drift(&db).await.expect("tallies");
    assert!(drift.is_empty(), "the ledger's tallies agree with the hazards: {drift:?}");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outboxes_replayed_through_a_flaky_network_and_a_killed_server_land_exactly_once() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = child_database_url(dir.path(), "chaos").await;
    let mut server = Server::new(dir.path(), url.clone());
    server.spawn();
    server.wait_healthy().await;
    let schools = schools(server.addr).await;
    let (proxy, network) = start_proxy(server.addr).await;
    let (phones, expected) = outboxes(&format!("http://{proxy}"), &schools);
    let steps: usize = phones.iter().map(|(_, outbox)| outbox.len()).sum();
    let progress = Arc::new(Progress {
        done: AtomicUsize::new(0),
        kill_at: steps * 2 / 5,
        reached: Notify::new(),
    });

    let mut work = JoinSet::new();
    for (phone, outbox) in phones {
        work.spawn(phone.run(outbox, progress.clone()));
    }
    let drained = async move {
        let mut phones = Vec::new();
        while let Some(done) = work.join_next().await {
            match done {
                Ok(phone) => phones.push(phone),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => panic!("a phone was cancelled: {e}"),
            }
        }
        phones
    };
    tokio::pin!(drained);
    tokio::select! {
        () = progress.reached.notified() => {}
        _ = &mut drained => panic!("every outbox drained before the kill point"),
    }
    let killed_after = progress.done.load(Ordering::SeqCst);
    server.kill();
    let down = Instant::now();
    server.spawn();
    server.wait_healthy().await;
    let restart = down.elapsed();
    let mut phones = tokio::time::timeout(Duration::from_secs(45), drained)
        .await
        .expect("the outboxes drain (a phone is stuck retrying)");

    // Every photo's original, fetched by its uploader (through the same flaky network), is the
    // bytes that were sent.
    for phone in &mut phones {
        for sha in phone.photos.clone() {
            let path = format!("/api/v1/photos/{sha}/original");
            let (status, b) = phone.call(&Method::GET, &path, &Body::Empty).await;
            assert_eq!(status, StatusCode::OK, "{}: GET {path}", phone.who());
            assert_eq!(hex::encode(Sha256::digest(&b)), sha, "the original of {sha}");
        }
    }
    check_database(&url, &expected).await;
    // The command an operator runs after a crash: chains and photo files.
    let verify = server.verify();
    assert!(verify.status.success(), "xiaoan verify: {}", String::from_utf8_lossy(&verify.stdout));

    let sum = |f: fn(&Tally) -> u64| phones.iter().map(|p| f(&p.tally)).sum::<u64>();
    let server_errors: Vec<&String> =
        phones.iter().flat_map(|p| p.tally.server_errors.iter()).collect();
    println!(
        "chaos: {PHONES} phones, {steps} outbox steps, {} requests; proxy passed {}, cut {} \
         (mid-request {}, after request {}, mid-response {}), refused {} while the server was down; \
         killed after {killed_after} steps, healthy again in {restart:?}; {} network errors, \
         {} stale versions re-read, {} unknown photos, {} waits for another phone, {} re-logins, \
         {} 5xx; {:?} in all",
        sum(|t| t.attempts),
        network.passed.load(Ordering::Relaxed),
        network.cut(),
        network.cut_mid_request.load(Ordering::Relaxed),
        network.cut_after_request.load(Ordering::Relaxed),
        network.cut_mid_response.load(Ordering::Relaxed),
        network.refused.load(Ordering::Relaxed),
        sum(|t| t.network_errors),
        sum(|t| t.stale_versions),
        sum(|t| t.unknown_photos),
        sum(|t| t.waits),
        sum(|t| t.relogins),
        server_errors.len(),
        started.elapsed(),
    );
    assert!(server_errors.is_empty(), "the server answered 5xx: {server_errors:#?}");
    server.kill();
}
