//! `xiaoan`: serve the app, add a user, load demo data, verify the hazard history, or back up and
//! restore an embedded deployment.
#![forbid(unsafe_code)]

use app::domain::{DisplayName, Password, Role, Username};
use clap::{Parser, Subcommand};
use server::config::Config;
use server::service::accounts::{NewAccount, create_account};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

/// Requests allocate and free many small buffers on every worker thread; mimalloc serves them from
/// per-thread pages where glibc's allocator consolidates and returns memory to the kernel.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "xiaoan", version, about = "校安巡查 · school-safety inspection server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default). Settings come from the environment; see .env.example.
    Serve,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Load the demo county into an empty database.
    Demo,
    /// Check every hazard's hash chain of events, that every photo on record is stored whole
    /// (its original hashes to its address, its copies are there), and that the ledger's tallies
    /// agree with the hazards; exits non-zero and names each problem.
    Verify,
    /// Fill the database with a generated province for benchmarks, determined by the seed:
    /// counties of schools, users, inspections, hazards in every state with their events,
    /// measures and actions (every account's password is the demo one).
    Gen {
        #[arg(long, default_value_t = 1000)]
        schools: u32,
        #[arg(long, default_value_t = 10_000)]
        hazards: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 170)]
        per_county: u32,
    },
    /// Print the database's plans for the hot hazard queries (a ledger page filtered by status
    /// and area, and the closure queue) as USER would run them, in Markdown.
    Explain {
        #[arg(long)]
        user: String,
    },
    /// Back up the SQLite database (a consistent snapshot, safe while serving) and the photos
    /// into DIR, which must be new or empty. For PostgreSQL use pg_dump (see docs/deploy.md).
    Backup { dir: std::path::PathBuf },
    /// Restore a backup made by `xiaoan backup` into the data folder. Stop the server first.
    Restore {
        dir: std::path::PathBuf,
        /// Replace the database and photos of a data folder that is not empty.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. The password is read from XIAOAN_PASSWORD, else asked for on a terminal,
    /// else read from standard input.
    Add {
        #[arg(long)]
        role: String,
        #[arg(long)]
        username: String,
        /// The school of a principal (its id, as `GET /api/v1/schools` shows).
        #[arg(long)]
        school: Option<i64>,
        /// The name shown in the app; the username when left out.
        #[arg(long)]
        name: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match Config::from_env() {
        Ok(config) => {
            server::logging::init(config.log_json);
            run(cli, config).await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The whole chain: "database" alone does not tell an operator what to fix.
            let mut message = e.to_string();
            let mut cause = e.source();
            while let Some(c) = cause {
                let text = c.to_string();
                if !message.contains(&text) {
                    message = format!("{message}: {text}");
                }
                cause = c.source();
            }
            eprintln!("xiaoan: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let demo = config.demo;
            let addr = config.addr;
            tracing::info!(?config, "starting");
            let state = server::prepare(config).await?;
            if demo && server::storage::orgs::count_all(&state.db).await? == 0 {
                server::demo::load(&state).await?;
            }
            let listener = tokio::net::TcpListener::bind(addr).await?;
            tracing::info!("listening on http://{}", listener.local_addr()?);
            server::serve(listener, state, shutdown_signal()).await?;
        }
        Command::Demo => {
            let state = server::prepare(config).await?;
            server::demo::load(&state).await.map_err(|e| match e {
                server::error::Error::App(app::error::AppError::Conflict) => {
                    "the database is not empty; demo data goes only into an empty one".into()
                }
                other => Box::<dyn std::error::Error>::from(other.to_string()),
            })?;
            println!(
                "demo data loaded; every demo account's password is {}",
                server::demo::DEMO_PASSWORD
            );
        }
        Command::Gen { schools, hazards, seed, per_county } => {
            if schools == 0 {
                return Err("--schools must be at least 1".into());
            }
            let state = server::prepare(config).await?;
            let started = std::time::Instant::now();
            let o = server::dataset::Options { schools, hazards, seed, per_county };
            let m = server::dataset::run(&state, &o).await?;
            println!(
                "made {} counties, {} schools, {} users, {} inspections, {} hazards with {} events, {} measures and actions in {:.1} s",
                m.counties,
                m.schools,
                m.users,
                m.inspections,
                m.hazards,
                m.events,
                m.records,
                started.elapsed().as_secs_f64()
            );
        }
        Command::Explain { user } => {
            let state = server::prepare(config).await?;
            print!("{}", server::dataset::explain(&state, &user).await?);
        }
        Command::Verify => {
            let db = server::storage::Db::connect(&config.database_url).await?;
            let (breaks, checked) = server::service::hazards::verify(&db).await?;
            for b in &breaks {
                println!("BROKEN hazard {} event {}: {}", b.hazard_id, b.seq, b.problem);
            }
            let store = server::photo::store::open(&config).await?;
            let photos = server::ops::verify_photos(&db, store.as_ref()).await?;
            for p in &photos.problems {
                println!("BROKEN {p}");
            }
            let drift = server::storage::hazards::tally_drift(&db).await?;
            for d in &drift {
                let (bureau, status, area, level) = &d.key;
                println!(
                    "BROKEN tally of bureau {bureau} {status}/{area}/{level}: {} tallied, {} hazards",
                    d.tallied, d.counted
                );
            }
            if !breaks.is_empty() || !photos.problems.is_empty() || !drift.is_empty() {
                return Err(format!(
                    "{} break(s) in {checked} events, {} problem(s) in {} photos, {} tally(ies) off",
                    breaks.len(),
                    photos.problems.len(),
                    photos.checked,
                    drift.len()
                )
                .into());
            }
            println!(
                "ok: {checked} events, every chain intact; {} photos, every file whole; tallies agree",
                photos.checked
            );
        }
        Command::Backup { dir } => {
            let m = server::ops::backup(&config, &dir).await?;
            if let Some(note) = m.bucket_note() {
                println!("{note}");
            }
            println!(
                "backed up schema {} with {} hazards and {} photos ({} files) into {}",
                m.schema_version,
                m.hazards,
                m.photos,
                m.photo_files,
                dir.display()
            );
            if !m.missing_photo_files.is_empty() {
                eprintln!(
                    "warning: {} photo file(s) the database names were not in the photo store \
                     (listed in {}): {}",
                    m.missing_photo_files.len(),
                    server::ops::MANIFEST,
                    m.missing_photo_files.join(", ")
                );
            }
        }
        Command::Restore { dir, force } => {
            let r = server::ops::restore(&config, &dir, force).await?;
            println!(
                "restored the backup of {} ({} hazards, {} photos); {} events checked",
                r.manifest.created_at, r.manifest.hazards, r.manifest.photos, r.events_checked
            );
            if let Some(note) = r.manifest.bucket_note() {
                println!("{note}");
            }
            for b in &r.breaks {
                println!("BROKEN hazard {} event {}: {}", b.hazard_id, b.seq, b.problem);
            }
            if !r.breaks.is_empty() {
                return Err(format!("{} break(s) in the restored history", r.breaks.len()).into());
            }
        }
        Command::User { command: UserCommand::Add { role, username, school, name } } => {
            let role =
                Role::parse(&role).ok_or("--role must be admin, office, inspector or principal")?;
            let username =
                Username::parse(&username).map_err(|_| "--username: 3–32 of a-z 0-9 _ . -")?;
            let display_name = DisplayName::parse(name.as_deref().unwrap_or(username.as_str()))
                .map_err(|_| "--name: 1–40 characters")?;
            let password =
                Password::parse_new(&read_password()?, username.as_str()).map_err(|_| {
                    "the password needs 8 to 128 characters, and not a common one, one repeated \
                 character or the username"
                })?;
            let state = server::prepare(config).await?;
            let org_id = match (role.belongs_to_school(), school) {
                (true, Some(id)) => {
                    server::storage::orgs::get_school(&state.db, id)
                        .await?
                        .ok_or("no school with that id")?
                        .id
                }
                (true, None) => return Err("a principal needs --school ID".into()),
                (false, Some(_)) => return Err("--school is only for principals".into()),
                (false, None) => match server::storage::orgs::top_bureau(&state.db).await? {
                    Some((id, _, _)) => id,
                    None => {
                        server::storage::orgs::insert_bureau(
                            &state.db,
                            "教育局",
                            None,
                            chrono::Utc::now(),
                        )
                        .await?
                        .0
                    }
                },
            };
            let id = create_account(
                &state,
                &NewAccount { username, display_name, role, org_id, password },
            )
            .await
            .map_err(|e| e.into_app().message(app::i18n::Lang::En))?;
            println!("added user {id}");
        }
    }
    Ok(())
}

fn read_password() -> Result<String, Box<dyn std::error::Error>> {
    if let Ok(p) = std::env::var("XIAOAN_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password("password: ")?);
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\r', '\n']).to_owned())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
