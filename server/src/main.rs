//! `xiaoan`: serve the app, add a user, load demo data, or verify the hazard history.
#![forbid(unsafe_code)]

use app::domain::{DisplayName, Password, Role, Username};
use clap::{Parser, Subcommand};
use server::config::Config;
use server::service::accounts::{NewAccount, create_account};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

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
    /// Check every hazard's hash chain of events; exits non-zero and names each break.
    Verify,
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,leptos=warn".into()),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xiaoan: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
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
        Command::Verify => {
            let db = server::storage::Db::connect(&config.database_url).await?;
            let (breaks, checked) = server::service::hazards::verify(&db).await?;
            for b in &breaks {
                println!("BROKEN hazard {} event {}: {}", b.hazard_id, b.seq, b.problem);
            }
            if !breaks.is_empty() {
                return Err(format!("{} break(s) in {checked} events", breaks.len()).into());
            }
            println!("ok: {checked} events, every chain intact");
        }
        Command::User { command: UserCommand::Add { role, username, school, name } } => {
            let role =
                Role::parse(&role).ok_or("--role must be admin, office, inspector or principal")?;
            let username =
                Username::parse(&username).map_err(|_| "--username: 3–32 of a-z 0-9 _ . -")?;
            let display_name = DisplayName::parse(name.as_deref().unwrap_or(username.as_str()))
                .map_err(|_| "--name: 1–40 characters")?;
            let password = Password::parse(&read_password()?)
                .map_err(|_| "the password needs 8 to 128 characters")?;
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
