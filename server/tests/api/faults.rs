//! Faults from outside the process: the database going away (503 with Retry-After, and nothing
//! half-written when it goes away mid-transaction), the disk filling up under a photo (507, and
//! no partial file), and clients that hold connections open by trickling bytes (slowloris).
//! A SIGKILL in the middle of writes is the chaos test's (`xiaoan verify` passes afterwards).

use crate::hazards::report;
use crate::helpers::{
    PASSWORD, ServerProcess, TestApp, child_database_url, error_of, spawn_app_with,
};
use crate::photos::sha;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use server::photo::pipeline::samples::{jpeg, noise_photo};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use uuid::Uuid;

// ---- The database going away ----

/// A TCP relay between the server and PostgreSQL that can be cut: every open connection is
/// dropped at once, and new ones are closed as soon as they arrive, until it is mended.
struct Cable {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl Cable {
    async fn to(upstream: SocketAddr) -> Cable {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the relay");
        let addr = listener.local_addr().expect("relay address");
        let up = Arc::new(AtomicBool::new(true));
        let (cut, cuts) = watch::channel(0u64);
        let alive = up.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !alive.load(Ordering::SeqCst) {
                    continue; // dropped: the database is unreachable
                }
                let mut cuts = cuts.clone();
                cuts.mark_unchanged(); // only a cut after this connection began ends it
                tokio::spawn(async move {
                    let Ok(db) = TcpStream::connect(upstream).await else { return };
                    tokio::select! {
                        _ = pipe(client, db) => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        });
        Cable { addr, up, cut }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    fn mend(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

async fn pipe(a: TcpStream, b: TcpStream) {
    let (mut ar, mut aw) = a.into_split();
    let (mut br, mut bw) = b.into_split();
    let up = async {
        let _ = tokio::io::copy(&mut ar, &mut bw).await;
    };
    let down = async {
        let _ = tokio::io::copy(&mut br, &mut aw).await;
    };
    tokio::select! {
        () = up => {}
        () = down => {}
    }
}

/// The test app on PostgreSQL through a [`Cable`], or on SQLite (whose "unreachable" is its pool
/// closed: the file is local, so there is no cable to cut).
async fn app_behind_cable() -> (TestApp, Option<Cable>) {
    let base = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    if base.is_empty() {
        return (spawn_app_with(|_| {}).await, None);
    }
    // Where PostgreSQL listens, from the URL: postgres://user@host:port/db.
    let after_at = base.rsplit_once('@').map_or(base.as_str(), |(_, h)| h);
    let host_port = after_at.split('/').next().expect("host:port in TEST_DATABASE_URL");
    let upstream = tokio::net::lookup_host(host_port)
        .await
        .expect("resolve the database host")
        .next()
        .expect("an address for the database host");
    let cable = Cable::to(upstream).await;
    let relay = cable.addr;
    let app = spawn_app_with(move |config| {
        config.database_url = config.database_url.replace(host_port, &relay.to_string());
    })
    .await;
    (app, Some(cable))
}

async fn report_body(c: &Client, app: &TestApp, id: Uuid, school: i64) -> reqwest::Response {
    let body = json!({ "school_id": school, "title": "配电箱未上锁", "description": "", "level": "general", "photos": [] });
    c.put(app.url(&format!("/api/v1/hazards/{id}"))).json(&body).send().await.expect("a response")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_answers_503_with_retry_after_and_half_writes_nothing() {
    let (app, cable) = app_behind_cable().await;
    let school = app.school_id("白榆县实验小学").await;
    let inspector = app.client_as("inspector").await;
    let (before, _) = report(&app, &inspector, school, "general", vec![]).await;

    let Some(cable) = cable else {
        // SQLite: the pool closed is the database gone.
        app.state.db.close().await;
        let res = report_body(&inspector, &app, Uuid::now_v7(), school).await;
        assert_eq!(res.headers().get("retry-after").map(|v| v.as_bytes()), Some(&b"5"[..]));
        let (status, e) = error_of(res).await;
        assert_eq!(
            (status, e["code"].as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable"))
        );
        return;
    };

    let quick = Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(40))
        .build()
        .expect("client");
    assert_eq!(app.login(&quick, "inspector", PASSWORD).await.status(), StatusCode::OK);

    // Cut while twelve reports are on their way: each lands whole or not at all.
    let ids: Vec<Uuid> = (0..12).map(|_| Uuid::now_v7()).collect();
    let mut inflight = tokio::task::JoinSet::new();
    for id in ids.clone() {
        let (c, url) = (inspector.clone(), app.url(&format!("/api/v1/hazards/{id}")));
        inflight.spawn(async move {
            let body = json!({ "school_id": school, "title": "配电箱未上锁", "description": "", "level": "general", "photos": [] });
            c.put(url).json(&body).send().await.map(|r| r.status())
        });
    }
    tokio::time::sleep(Duration::from_millis(30)).await;
    cable.cut();
    let mut outcomes = Vec::new();
    while let Some(r) = inflight.join_next().await {
        outcomes.push(r.expect("a request task").expect("an answer, not a dropped connection"));
    }
    assert!(
        outcomes.iter().all(|s| s.is_success() || *s == StatusCode::SERVICE_UNAVAILABLE),
        "each report is stored or refused as unavailable: {outcomes:?}"
    );

    // While it is down: 503 with Retry-After, from a bounded wait (the pool gives up on
    // connecting after its acquire timeout).
    let res = quick
        .get(app.url(&format!("/api/v1/hazards/{before}")))
        .send()
        .await
        .expect("an answer while the database is down");
    assert_eq!(res.headers().get("retry-after").map(|v| v.as_bytes()), Some(&b"5"[..]));
    let (status, e) = error_of(res).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable"))
    );

    // Back: every report is sent again (as a phone's outbox does) and each exists exactly once,
    // with its one report event, and every chain verifies.
    cable.mend();
    for id in &ids {
        let mut status = StatusCode::SERVICE_UNAVAILABLE;
        for _ in 0..100 {
            status = report_body(&inspector, &app, *id, school).await.status();
            if status != StatusCode::SERVICE_UNAVAILABLE {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{id}: {status}");
        let h: Value =
            app.get(&inspector, &format!("/api/v1/hazards/{id}")).await.json().await.expect("json");
        let events = h["events"].as_array().expect("events");
        assert_eq!(events.len(), 1, "{id} has its one report event: {events:?}");
    }
    let (breaks, _) = server::service::hazards::verify(&app.state.db).await.expect("verify");
    assert!(breaks.is_empty(), "{breaks:?}");
}

// ---- The disk filling up ----

#[tokio::test]
async fn a_full_disk_refuses_a_photo_with_507_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = child_database_url(dir.path(), "diskfull").await;
    let photos = dir.path().join("data").join("photos");
    std::fs::create_dir_all(&photos).expect("photo folder");
    let mut server = ServerProcess::new(dir.path(), url);
    // The photo folder is a 512 KiB file system of the server's own: it fills up for real.
    let mount = format!(
        "mount -t tmpfs -o size=512k xiaoan-photos '{}' && exec \"$0\" \"$@\"",
        photos.display()
    );
    server.wrap(&["unshare", "--mount", "sh", "-c", &mount]);
    server.spawn();
    server.wait_healthy().await;
    let pid = server.pid().expect("the server runs");
    // The server's view of its photo folder (the test's own is the empty folder underneath).
    let seen = std::path::PathBuf::from(format!("/proc/{pid}/root{}", photos.display()));

    let c = Client::builder().cookie_store(true).build().expect("client");
    let base = format!("http://{}", server.addr);
    let login = c
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "inspector", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), StatusCode::OK);
    let upload = |bytes: Vec<u8>| {
        let (c, base) = (c.clone(), base.clone());
        async move {
            let sha = sha(&bytes);
            let res = c
                .put(format!("{base}/api/v1/photos/{sha}"))
                .header("content-type", "image/jpeg")
                .body(bytes)
                .send()
                .await
                .expect("an answer");
            (sha, res)
        }
    };

    let big = jpeg(&noise_photo(1600, 1200, 7), 1600, 1200, 95, None);
    assert!(big.len() > 512 * 1024, "larger than the disk: {} bytes", big.len());
    let (big_sha, res) = upload(big).await;
    let (status, e) = error_of(res).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (StatusCode::INSUFFICIENT_STORAGE, Some("storage_full"))
    );
    let msg = e["message"].as_str().unwrap_or_default();
    assert!(msg.contains("存储空间已满"), "a clear message: {msg}");
    let res = c.get(format!("{base}/api/v1/photos/{big_sha}/original")).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "the refused photo is not on record");

    // What fits is still stored, whole.
    let small = jpeg(&noise_photo(240, 180, 8), 240, 180, 80, None);
    let (small_sha, res) = upload(small.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let back = c
        .get(format!("{base}/api/v1/photos/{small_sha}/original"))
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(&back[..], &small[..]);

    // No partial file anywhere; every file there is a finished copy (an original hashes to its
    // name).
    let mut files = Vec::new();
    for shard in std::fs::read_dir(&seen).expect("the server's photo folder") {
        for f in std::fs::read_dir(shard.expect("shard").path()).expect("shard folder") {
            files.push(f.expect("file").path());
        }
    }
    for f in &files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        assert!(!name.starts_with('.'), "a partial file is left: {name}");
        if let Some(addr) = name.strip_suffix("-original") {
            assert_eq!(sha(&std::fs::read(f).expect("read")), addr, "{name} is whole");
        }
    }
    assert!(files.iter().any(|f| f.ends_with(format!("{small_sha}-thumb"))));
    server.kill();
}

// ---- Slow clients ----

/// Two hundred connections that send a request's first bytes and then one byte a second do not
/// keep others waiting, and the server drops them once the header deadline passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_clients_starve_nobody_and_are_dropped_at_the_header_deadline() {
    let app = spawn_app_with(|config| config.header_timeout = Duration::from_secs(2)).await;
    let addr = app.addr.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut s = TcpStream::connect(&addr).await.expect("connect");
        s.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n").await.expect("write");
        slow.push(s);
    }
    let trickle = tokio::spawn(async move {
        let mut dropped = 0;
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            dropped = 0;
            for s in &mut slow {
                if s.write_all(b"X").await.is_err() {
                    dropped += 1;
                    continue;
                }
                let mut buf = [0u8; 256];
                let read = tokio::time::timeout(Duration::from_millis(1), s.read(&mut buf)).await;
                if let Ok(Ok(0) | Err(_)) = read {
                    dropped += 1;
                }
            }
            if dropped == 200 {
                break;
            }
        }
        dropped
    });
    // Meanwhile an ordinary phone is answered (a bound on waiting, not a measurement).
    let c = Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    for _ in 0..20 {
        let res = c
            .get(app.url("/api/v1/health"))
            .send()
            .await
            .expect("answered while slow clients wait");
        assert_eq!(res.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let dropped = trickle.await.expect("trickle task");
    assert_eq!(dropped, 200, "every trickling connection is dropped at the header deadline");
}
