//! `curtain-server`: the command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use curtain_server::{db, demo, serve, AppState, Config};

#[derive(Parser)]
#[command(name = "curtain-server", version, about = "The Curtain API server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the built SPA.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CURTAIN_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Database URL (sqlite://PATH).
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
        /// The built SPA folder.
        #[arg(long, env = "CURTAIN_DIST", default_value = "dist")]
        dist: PathBuf,
        /// Load demonstration members.
        #[arg(long, env = "CURTAIN_DEMO")]
        demo: bool,
        /// Mark cookies Secure (set this when served over https).
        #[arg(long, env = "CURTAIN_SECURE_COOKIES")]
        secure_cookies: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "curtain_server=info,tower_http=warn".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Serve { addr, database, dist, demo: with_demo, secure_cookies } => {
            let db = db::connect(&database).await?;
            if with_demo {
                demo::load(&db).await.context("loading demonstration data")?;
            }
            let listener =
                tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
            let state = AppState { db, config: Arc::new(Config { dist, secure_cookies }) };
            println!("Curtain is listening on http://{}/", listener.local_addr()?);
            if with_demo {
                print!("{}", demo::sign_in_help());
            }
            serve(listener, state, shutdown_signal()).await?;
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
