//! Photos in S3-compatible object storage, against a real server on loopback that checks request
//! signatures (s3s-fs, started by `scripts/test`, which sets `TEST_S3_*`): uploads land in the
//! bucket, a repeat writes nothing new, a wrong key or a missing bucket stops the start with a
//! clear reason, a bucket lost mid-service refuses uploads with 503 and leaves no record, and a
//! backup leaves the photos in the bucket and says so. Skipped when `TEST_S3_ENDPOINT` is unset.

use crate::helpers::{TestApp, error_of, spawn_app_with, test_config};
use crate::photos::{phone_photo, put, sha};
use reqwest::StatusCode;
use serde_json::Value;
use server::config::S3Config;
use server::photo::store::Variant;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const VARIANTS: [&str; 3] = ["original", "display", "thumb"];

/// The S3 server the test command started.
struct TestS3 {
    endpoint: String,
    bucket: String,
    access_key_id: String,
    secret_access_key: String,
    /// The folder s3s-fs serves: each bucket a subfolder, each object a file.
    root: PathBuf,
}

impl TestS3 {
    /// The server named by `TEST_S3_*`, or none: then the test says it was skipped.
    fn from_env(test: &str) -> Option<TestS3> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let Some(endpoint) = var("TEST_S3_ENDPOINT") else {
            eprintln!("{test}: skipped, TEST_S3_ENDPOINT is not set (scripts/test sets it)");
            return None;
        };
        let needed = |name: &str| var(name).unwrap_or_else(|| panic!("{name} is set"));
        Some(TestS3 {
            endpoint,
            bucket: needed("TEST_S3_BUCKET"),
            access_key_id: needed("TEST_S3_ACCESS_KEY_ID"),
            secret_access_key: needed("TEST_S3_SECRET_ACCESS_KEY"),
            root: needed("TEST_S3_ROOT").into(),
        })
    }

    /// Settings for a prefix of the bucket of the test's own, so tests do not see each other's
    /// objects.
    fn config(&self) -> S3Config {
        S3Config {
            bucket: self.bucket.clone(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            prefix: Some(format!("t-{}", uuid::Uuid::now_v7())),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
        }
    }

    fn addr(&self) -> SocketAddr {
        let host = self.endpoint.trim_start_matches("http://").trim_end_matches('/');
        host.parse().expect("TEST_S3_ENDPOINT is http://<ip>:<port>")
    }

    /// The files under a prefix as s3s-fs keeps them, relative to the prefix, sorted.
    fn files_under(&self, prefix: &str) -> Vec<String> {
        fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("the prefix folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else {
                    let rel = path.strip_prefix(base).expect("under the base");
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        let base = self.root.join(&self.bucket).join(prefix);
        let mut out = Vec::new();
        walk(&base, &base, &mut out);
        out.sort();
        out
    }
}

/// An app whose photos go to a fresh prefix of the test bucket; none without an S3 server.
async fn app_on_s3(test: &str) -> Option<(TestS3, TestApp)> {
    let s3 = TestS3::from_env(test)?;
    let app = spawn_app_with(|c| c.s3 = Some(s3.config())).await;
    Some((s3, app))
}

fn prefix_of(app: &TestApp) -> String {
    let s3 = app.state.config.s3.as_ref().expect("the app is on S3");
    s3.prefix.clone().expect("tests use a prefix")
}

fn object_names(sha256: &str) -> Vec<String> {
    VARIANTS.iter().map(|v| format!("photos/{}/{sha256}-{v}", &sha256[..2])).collect()
}

#[tokio::test]
async fn a_photo_uploaded_through_the_api_is_stored_in_the_bucket() {
    let Some((s3, app)) =
        app_on_s3("a_photo_uploaded_through_the_api_is_stored_in_the_bucket").await
    else {
        return;
    };
    let c = app.client_as("inspector").await;
    let photo = phone_photo(11);
    let id = sha(&photo);
    assert_eq!(put(&app, &c, &id, photo.clone()).await.status(), StatusCode::CREATED);
    for variant in VARIANTS {
        let res = app.get(&c, &format!("/api/v1/photos/{id}/{variant}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{variant} is served from the bucket");
        assert!(!res.bytes().await.expect("body").is_empty(), "{variant} has bytes");
    }
    let prefix = prefix_of(&app);
    let mut expected = object_names(&id);
    expected.push("xiaoan-start-up-check".into());
    expected.sort();
    assert_eq!(s3.files_under(&prefix), expected, "three copies and the start-up check");
    let original = s3.root.join(&s3.bucket).join(&prefix).join(&object_names(&id)[0]);
    assert_eq!(std::fs::read(original).expect("original in s3s-fs"), photo, "byte for byte");
    assert!(
        !app.state.config.data_dir.join("photos").exists(),
        "nothing is written to the data folder"
    );
}

#[tokio::test]
async fn a_repeated_upload_answers_200_and_leaves_the_bucket_as_it_was() {
    let Some((s3, app)) =
        app_on_s3("a_repeated_upload_answers_200_and_leaves_the_bucket_as_it_was").await
    else {
        return;
    };
    let c = app.client_as("inspector").await;
    let photo = phone_photo(12);
    let id = sha(&photo);
    let first = put(&app, &c, &id, photo.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("record");
    let before = s3.files_under(&prefix_of(&app));
    let again = put(&app, &c, &id, photo.clone()).await;
    assert_eq!(again.status(), StatusCode::OK, "a retry is not a second photo");
    assert_eq!(again.json::<Value>().await.expect("record"), first, "the same record");
    // The store itself: putting a key again (an upload retried after its row failed) is fine.
    app.state.photos.put(&id, Variant::Original, &photo).await.expect("a repeated put succeeds");
    assert_eq!(s3.files_under(&prefix_of(&app)), before, "no new object");
    let stored = app.state.photos.get(&id, Variant::Original).await.expect("read");
    assert_eq!(stored.as_deref(), Some(&photo[..]), "the same bytes");
    let absent = app.state.photos.get(&"0".repeat(64), Variant::Thumb).await.expect("read");
    assert_eq!(absent, None, "a missing object is none, not an error");
}

#[tokio::test]
async fn a_wrong_secret_or_an_unreachable_endpoint_stops_the_start_with_a_clear_reason() {
    let Some(s3) = TestS3::from_env(
        "a_wrong_secret_or_an_unreachable_endpoint_stops_the_start_with_a_clear_reason",
    ) else {
        return;
    };
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    }; // nothing listens there any more
    let wrong_secret = S3Config { secret_access_key: "not-the-secret".into(), ..s3.config() };
    let unreachable = S3Config { endpoint: Some(closed.clone()), ..s3.config() };
    for (case, settings, endpoint, reason) in [
        ("a wrong secret key", wrong_secret, &s3.endpoint, "SignatureDoesNotMatch"),
        ("an unreachable endpoint", unreachable, &closed, "Connection refused"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = test_config(dir.path()).await;
        config.s3 = Some(settings);
        let Err(e) = server::prepare(config).await else {
            panic!("{case}: the server must not start");
        };
        let message = e.to_string();
        eprintln!("{case}: {message}");
        let names = [
            format!("S3 bucket {:?} at {endpoint}", s3.bucket),
            "the start-up check (writing and reading back".into(),
        ];
        for part in names {
            assert!(message.contains(&part), "{case}: {message:?} names {part:?}");
        }
        assert!(message.contains(reason), "{case}: {message:?} says why ({reason})");
    }
}

/// A TCP relay to the S3 server that can be cut (open connections closed, new ones dropped) and
/// mended, like a network between the app and its bucket.
struct Relay {
    endpoint: String,
    cut: watch::Sender<bool>,
}

async fn relay(to: SocketAddr) -> Relay {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
    let endpoint = format!("http://{}", listener.local_addr().expect("relay addr"));
    let (cut, is_cut) = watch::channel(false);
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let mut is_cut = is_cut.clone();
            if *is_cut.borrow() {
                continue; // dropped: the connection closes at once
            }
            tokio::spawn(async move {
                let Ok(mut outbound) = TcpStream::connect(to).await else { return };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                    _ = is_cut.wait_for(|cut| *cut) => {}
                }
            });
        }
    });
    Relay { endpoint, cut }
}

#[tokio::test]
async fn an_unreachable_bucket_answers_503_and_an_upload_leaves_no_record() {
    let Some(s3) =
        TestS3::from_env("an_unreachable_bucket_answers_503_and_an_upload_leaves_no_record")
    else {
        return;
    };
    let relay = relay(s3.addr()).await;
    let settings = S3Config { endpoint: Some(relay.endpoint.clone()), ..s3.config() };
    let app = spawn_app_with(|c| c.s3 = Some(settings)).await;
    let c = app.client_as("inspector").await;
    let before = phone_photo(13);
    assert_eq!(put(&app, &c, &sha(&before), before.clone()).await.status(), StatusCode::CREATED);

    relay.cut.send_replace(true);
    let photo = phone_photo(14);
    let id = sha(&photo);
    let (status, e) = error_of(put(&app, &c, &id, photo.clone()).await).await;
    assert_eq!(
        (status, e["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable"))
    );
    let row = server::storage::photos::get(&app.state.db, &id).await.expect("database");
    assert!(row.is_none(), "no photo record points at objects that were not stored");
    let stored = format!("/api/v1/photos/{}/display", sha(&before));
    let (status, _) = error_of(app.get(&c, &stored).await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "a stored photo is unavailable, not gone");

    relay.cut.send_replace(false);
    assert_eq!(
        put(&app, &c, &id, photo).await.status(),
        StatusCode::CREATED,
        "the retry stores it"
    );
    for variant in VARIANTS {
        let res = app.get(&c, &format!("/api/v1/photos/{id}/{variant}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{variant} after the bucket is back");
    }
}

#[tokio::test]
async fn a_backup_leaves_the_photos_in_the_bucket_and_says_so() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        eprintln!(
            "skipped on PostgreSQL: `xiaoan backup` snapshots SQLite; PostgreSQL uses pg_dump"
        );
        return;
    }
    let Some((s3, app)) = app_on_s3("a_backup_leaves_the_photos_in_the_bucket_and_says_so").await
    else {
        return;
    };
    let c = app.client_as("inspector").await;
    let photo = phone_photo(15);
    assert_eq!(put(&app, &c, &sha(&photo), photo).await.status(), StatusCode::CREATED);
    let out = tempfile::tempdir().expect("temp dir");
    let m = server::ops::backup(&app.state.config, out.path()).await.expect("backup");
    let bucket = format!("s3://{}/{}", s3.bucket, prefix_of(&app));
    assert_eq!(m.photos_in_bucket.as_deref(), Some(bucket.as_str()), "{m:?}");
    assert_eq!((m.photos, m.photo_files), (1, 0), "the record is backed up, the bytes are not");
    assert!(m.missing_photo_files.is_empty(), "photos in the bucket are not missing: {m:?}");
    assert!(!out.path().join("photos").exists(), "no photo folder in the backup");
    let note = m.bucket_note().expect("a note about the bucket");
    assert!(note.contains(&bucket) && note.contains("not in this backup"), "{note}");
}
