//! `spawn_app()` and one helper per endpoint.

use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use server::config::Config;
use server::state::AppState;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub const PASSWORD: &str = "demo1234";

pub struct TestApp {
    pub addr: String,
    /// The metrics listener (`GET /metrics`).
    pub metrics_addr: String,
    pub state: AppState,
    /// The temporary folder of the database and photos; none on a twin, which shares its first
    /// instance's.
    _dir: Option<tempfile::TempDir>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A fresh database URL: SQLite in `dir`, or a new database on the PostgreSQL server of
/// `TEST_DATABASE_URL` (named `xiaoan_t_…`; the test command drops them afterwards).
async fn database_url(dir: &std::path::Path) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            use sqlx::Executor;
            let name =
                format!("xiaoan_t_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
            let admin = sqlx::PgPool::connect(&base).await.expect("TEST_DATABASE_URL reachable");
            admin
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .expect("create test database");
            admin.close().await;
            let (prefix, _) = base.rsplit_once('/').expect("a database URL ends in /name");
            format!("{prefix}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The settings of a test app whose database and photos are in `dir`.
pub async fn test_config(dir: &std::path::Path) -> Config {
    let mut config = Config::from_env().expect("config");
    config.addr = "127.0.0.1:0".parse().expect("addr");
    config.data_dir = dir.join("data");
    config.database_url = database_url(dir).await;
    config.demo = true;
    config.public_url = None;
    config
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = test_config(dir.path()).await;
    tweak(&mut config);
    let state = server::prepare(config).await.expect("prepare");
    server::demo::load(&state).await.expect("demo data");
    start(state, Some(dir)).await
}

/// Serves `state` on port 0 (without demo data), keeping `dir`, the folder of its database and
/// photos, until the app is dropped.
pub async fn start(state: AppState, dir: Option<tempfile::TempDir>) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = format!("http://{}", listener.local_addr().expect("addr"));
    let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind metrics");
    let metrics_addr = format!("http://{}", metrics.local_addr().expect("addr"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve_with_metrics(listener, Some(metrics), state.clone(), async move {
        let _ = rx.await;
    }));
    TestApp { addr, metrics_addr, state, _dir: dir, shutdown: Some(tx) }
}

impl TestApp {
    /// A second instance on the same database and photo folder with the same settings, as
    /// behind a load balancer. It shares nothing in memory with this one.
    pub async fn twin(&self) -> TestApp {
        let state = server::prepare((*self.state.config).clone()).await.expect("prepare twin");
        start(state, None).await
    }

    /// A client with its own cookie jar, like one phone.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    pub async fn login(&self, c: &Client, username: &str, password: &str) -> Response {
        c.post(self.url("/api/v1/session"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("login request")
    }

    /// A client logged in as a demo user.
    pub async fn client_as(&self, username: &str) -> Client {
        let c = self.client();
        let res = self.login(&c, username, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "demo user {username} logs in");
        c
    }

    pub async fn get(&self, c: &Client, path: &str) -> Response {
        c.get(self.url(path)).send().await.expect("GET")
    }

    /// Calls a server function the way a hydrated page does (form-encoded body).
    pub async fn server_fn(&self, c: &Client, name: &str, form: &[(&str, &str)]) -> Response {
        c.post(self.url(&format!("/fn/{name}"))).form(form).send().await.expect("server fn")
    }

    pub async fn school_id(&self, name: &str) -> i64 {
        let admin = self.client_as("admin").await;
        let list: Vec<Value> =
            self.get(&admin, "/api/v1/schools").await.json().await.expect("json");
        list.iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["id"].as_i64())
            .expect("school exists")
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        server::storage::users::by_username(&self.state.db, username)
            .await
            .expect("db")
            .expect("user")
            .id
    }
}

/// The `{"error": {...}}` body of a failed API call.
pub async fn error_of(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let body: Value = res.json().await.expect("an error body in JSON");
    (status, body["error"].clone())
}

// ---- The server as a child process ----

/// The `xiaoan serve` child; killed when dropped, so a failing test leaves no server behind.
pub struct ServerProcess {
    pub addr: SocketAddr,
    env: Vec<(&'static str, String)>,
    child: Option<Child>,
    /// A command the binary runs under, e.g. `unshare -m sh -c …`.
    wrapper: Vec<String>,
}

impl ServerProcess {
    pub fn new(dir: &Path, database_url: String) -> ServerProcess {
        // A free port, reused by the restarted server.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let env = vec![
            ("XIAOAN_ADDR", addr.to_string()),
            ("XIAOAN_DATA_DIR", dir.join("data").display().to_string()),
            ("XIAOAN_DEMO", "1".to_owned()),
            ("XIAOAN_SITE_ROOT", dir.display().to_string()),
            ("RUST_LOG", "warn".to_owned()),
            ("DATABASE_URL", database_url),
        ];
        ServerProcess { addr, env, child: None, wrapper: Vec::new() }
    }

    /// Starts the binary (again). Demo data goes only into an empty database, so a restart with
    /// the same settings keeps what the first run stored.
    pub fn spawn(&mut self) {
        let mut cmd = self.command();
        cmd.arg("serve").stdin(Stdio::null()).stdout(Stdio::null());
        self.child = Some(cmd.spawn().expect("the xiaoan binary starts"));
    }

    /// Runs the server under `wrapper` (its arguments, then the binary and `serve`).
    pub fn wrap(&mut self, wrapper: &[&str]) {
        self.wrapper = wrapper.iter().map(|s| (*s).to_owned()).collect();
    }

    /// `xiaoan verify` on the server's database and photos.
    pub fn verify(&self) -> std::process::Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xiaoan"));
        self.environ(&mut cmd);
        cmd.arg("verify").output().expect("xiaoan verify runs")
    }

    fn command(&self) -> Command {
        let bin = env!("CARGO_BIN_EXE_xiaoan");
        let mut cmd = match self.wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        self.environ(&mut cmd);
        cmd
    }

    fn environ(&self, cmd: &mut Command) {
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("XIAOAN_") {
                cmd.env_remove(key);
            }
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
    }

    pub async fn wait_healthy(&mut self) {
        let http = Client::builder().timeout(Duration::from_secs(2)).build().expect("client");
        let url = format!("http://{}/api/v1/health", self.addr);
        // At most about 20 s: a bound on waiting, not a measurement.
        for _ in 0..400 {
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait().expect("the child's status")
            {
                panic!("the server exited before it became healthy: {status}");
            }
            if let Ok(res) = http.get(&url).send().await
                && res.status() == StatusCode::OK
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server never answered GET /api/v1/health with 200");
    }

    /// The running server's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL: no graceful shutdown, no draining of requests in flight.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL the server");
            child.wait().expect("reap the server");
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// SQLite in `dir`, or a fresh database on the PostgreSQL server of `TEST_DATABASE_URL` (the
/// test command drops `xiaoan_t_%` databases afterwards).
pub async fn child_database_url(dir: &Path, name: &str) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            use sqlx::Executor;
            let name = format!("xiaoan_t_{name}_{}", std::process::id());
            let admin = sqlx::PgPool::connect(&base).await.expect("TEST_DATABASE_URL reachable");
            for sql in
                [format!("DROP DATABASE IF EXISTS {name}"), format!("CREATE DATABASE {name}")]
            {
                admin.execute(sqlx::AssertSqlSafe(sql)).await.expect("create the test database");
            }
            admin.close().await;
            let (prefix, _) = base.rsplit_once('/').expect("a database URL ends in /name");
            format!("{prefix}/{name}")
        }
        _ => format!("sqlite://{}?mode=rwc", dir.join(format!("{name}.db")).display()),
    }
}
