//! `curtain-server`: the command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use curtain_server::public_url::PublicUrl;
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
        #[arg(long, env = "CURTAIN_ADDR", default_value = DEFAULT_ADDR)]
        addr: SocketAddr,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
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
        #[command(flatten)]
        public_url: PublicUrlArg,
        /// A reverse proxy (address or CIDR block) whose X-Forwarded-For and
        /// X-Forwarded-Proto are believed; repeat for several. Without it
        /// those headers are ignored.
        #[arg(long = "trusted-proxy", env = "CURTAIN_TRUSTED_PROXIES", value_delimiter = ',', value_parser = curtain_server::proxy::parse_trusted)]
        trusted_proxies: Vec<ipnet::IpNet>,
    },
    /// Parents' reports about children's accounts.
    Reports {
        #[command(subcommand)]
        command: ReportsCommand,
    },
    /// Privacy requests sent with the form, and their answers.
    Requests {
        #[command(subcommand)]
        command: RequestsCommand,
    },
    /// The newsletter, "sent" to the outbox of every member who turned it on.
    Newsletter {
        #[command(subcommand)]
        command: NewsletterCommand,
    },
    /// The messages the server would have sent by e-mail.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// The versioned privacy policy.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Cookie consent.
    Consent {
        #[command(subcommand)]
        command: ConsentCommand,
    },
    /// Copy the database, consistent as of one moment, while the server runs.
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        to: PathBuf,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
    /// Remove every record kept past its retention period (the server also
    /// does this at start and every hour), and print what was removed.
    Purge {
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
    /// Replace the database with a backup. Stop the server first.
    Restore {
        /// A file written by `curtain-server backup`.
        #[arg(long)]
        from: PathBuf,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
}

#[derive(Subcommand)]
enum ConsentCommand {
    /// Start a new consent revision: every stored answer then counts as none,
    /// and the banner asks again, showing the summary.
    Revise {
        /// What changed, in plain words, as the banner will say it.
        #[arg(long)]
        summary: String,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Publish a new version from a Markdown file with front matter. It must
    /// be numbered next and take effect no earlier than today; a material
    /// version at least 30 days ahead, unless published with --urgent. A
    /// material version is e-mailed (through the outbox) to every member,
    /// with links under --public-url; a wording-only one to nobody. A file
    /// whose front matter names a language (`language: de`) is a translation
    /// of a version published earlier, and is published as that.
    Publish {
        /// The version file (see policies/privacy/ for the format).
        file: PathBuf,
        /// A translation of the new version (`language: de` in its front
        /// matter), published with it; repeat for each language.
        #[arg(long, value_name = "FILE")]
        translation: Vec<PathBuf>,
        /// For an urgent change required by law: why a material version takes
        /// effect with less than 30 days' notice. Shown on the policy page.
        #[arg(long, value_name = "REASON")]
        urgent: Option<String>,
        #[command(flatten)]
        public_url: PublicUrlArg,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
}

#[derive(Subcommand)]
enum ReportsCommand {
    /// List every report, oldest first.
    List {
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
    /// Decide on a report: delete the account it names (exactly as if its
    /// owner had) or dismiss it. The reporter is told, and the decision is
    /// kept without names or addresses.
    Resolve {
        /// The report's number, as `reports list` shows it (`#12` or `12`).
        id: String,
        /// The account belongs to a child: delete it.
        #[arg(long, conflicts_with = "dismiss", required_unless_present = "dismiss")]
        delete_account: bool,
        /// Leave the account as it is.
        #[arg(long)]
        dismiss: bool,
        /// Why, in a sentence: kept as the record of the decision.
        #[arg(long)]
        note: String,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
}

#[derive(Subcommand)]
enum RequestsCommand {
    /// Open privacy requests, soonest due first.
    List {
        /// Only those past the day their answer was due.
        #[arg(long)]
        overdue: bool,
        /// Answered requests too.
        #[arg(long, conflicts_with = "overdue")]
        all: bool,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
    /// Record that a request was answered, and what was done.
    Answer {
        /// The request's reference (`PR-12` or `12`).
        reference: String,
        /// What was done, in a sentence.
        #[arg(long)]
        note: String,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
}

#[derive(Subcommand)]
enum NewsletterCommand {
    /// Write the newsletter, with each member's unsubscribe link, to the outbox.
    Send {
        #[arg(long)]
        subject: String,
        /// The newsletter's text.
        #[arg(long, default_value = "What the Curtain community watched this week.")]
        body: String,
        #[command(flatten)]
        public_url: PublicUrlArg,
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
}

/// `--public-url`, shared by every command that writes links into e-mail.
#[derive(Args)]
struct PublicUrlArg {
    /// The address members reach the site at, e.g. https://curtain.example:
    /// every link written into an e-mail starts with it. An absolute http(s)
    /// address without a path, query or fragment. The older names
    /// --site-url and CURTAIN_SITE_URL still work. Default for `serve`:
    /// http:// and the address it listens on; for the other commands:
    /// http:// and CURTAIN_ADDR, as `serve` would use, else
    /// http://127.0.0.1:8080.
    #[arg(
        long = "public-url",
        visible_alias = "site-url",
        alias = "site",
        env = "CURTAIN_PUBLIC_URL",
        value_name = "URL",
        value_parser = PublicUrl::parse
    )]
    public_url: Option<PublicUrl>,
}

/// The environment variable `--public-url` was called before.
const OLD_PUBLIC_URL_VAR: &str = "CURTAIN_SITE_URL";
/// Where `serve` listens unless told otherwise.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

impl PublicUrlArg {
    /// The address given (by flag, `CURTAIN_PUBLIC_URL` or the older
    /// `CURTAIN_SITE_URL`, in that order), else `default`.
    fn or(self, default: impl FnOnce() -> anyhow::Result<PublicUrl>) -> anyhow::Result<PublicUrl> {
        if let Some(url) = self.public_url {
            return Ok(url);
        }
        match std::env::var(OLD_PUBLIC_URL_VAR) {
            Ok(old) if !old.trim().is_empty() => {
                PublicUrl::parse(&old).with_context(|| format!("{OLD_PUBLIC_URL_VAR} is not a usable public URL"))
            }
            Ok(_) | Err(std::env::VarError::NotPresent) => default(),
            Err(e) => Err(e).with_context(|| format!("reading {OLD_PUBLIC_URL_VAR}")),
        }
    }

    /// For the commands other than `serve`: what `serve` would use given
    /// the same environment.
    fn or_serve_default(self) -> anyhow::Result<PublicUrl> {
        self.or(|| default_public_url(std::env::var("CURTAIN_ADDR").ok().as_deref()))
    }
}

/// `http://` and `addr` (`CURTAIN_ADDR`), else `serve`'s own default address.
fn default_public_url(addr: Option<&str>) -> anyhow::Result<PublicUrl> {
    let addr = addr.map(str::trim).filter(|a| !a.is_empty()).unwrap_or(DEFAULT_ADDR);
    let addr: SocketAddr = addr
        .parse()
        .with_context(|| format!("CURTAIN_ADDR ({addr}) is not HOST:PORT; give --public-url instead"))?;
    Ok(PublicUrl::for_addr(addr))
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Print every message in the outbox, oldest first.
    List {
        /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
        #[arg(long, env = "CURTAIN_DATABASE_URL", default_value = "sqlite://data/curtain.db")]
        database: String,
    },
}

fn main() -> anyhow::Result<()> {
    return_large_blocks_at_once();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "curtain_server=info,tower_http=warn".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Serve { addr, database, dist, demo: with_demo, secure_cookies, public_url, trusted_proxies } => {
            let db = db::connect(&database).await?;
            // Bound first, so the default public address names the port
            // really listened on (`--addr 127.0.0.1:0` picks one).
            let listener =
                tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
            let public_url = public_url.or(|| Ok(PublicUrl::for_addr(listener.local_addr().unwrap_or(addr))))?;
            if with_demo {
                demo::load(&db, &public_url).await.context("loading demonstration data")?;
            }
            let site_url = public_url.to_string();
            let state = AppState::new(db, Config { dist, secure_cookies, site_url, trusted_proxies });
            println!("Curtain is listening on http://{}/", listener.local_addr()?);
            if with_demo {
                print!("{}", demo::sign_in_help());
            }
            serve(listener, state, shutdown_signal()).await?;
            println!("Curtain stopped.");
            Ok(())
        }
        Command::Backup { to, database } => {
            let db = db::open_existing(&database).await?;
            db.backup_to(&to).await.with_context(|| format!("backing up {database}"))?;
            let size = std::fs::metadata(&to).map(|m| m.len()).unwrap_or(0);
            println!("Backed up {database} to {} ({} KB).", to.display(), size.div_ceil(1024));
            println!("To restore it: stop the server, then `curtain-server restore --from {} --database {database}`.", to.display());
            Ok(())
        }
        Command::Restore { from, database } => {
            let restored = db::restore(&from, &database).await.context("nothing was changed")?;
            println!(
                "Restored {database} from {} ({} members, {} migrations); start the server to use it.",
                from.display(),
                restored.members,
                restored.migrations
            );
            Ok(())
        }
        Command::Purge { database } => {
            let db = db::connect(&database).await?;
            let purged = curtain_server::retention::purge(&db, curtain_server::clock::now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
                .context("the purge stopped; what it removed before stopping stays removed")?;
            for (rule, n) in &purged.removed {
                println!("{}: {n} {} (kept {})", rule.name, rule.action(), rule.kept.words());
            }
            println!("{} record(s) past their retention period removed.", purged.total());
            db.close().await?;
            Ok(())
        }
        Command::Reports { command: ReportsCommand::Resolve { id, delete_account, dismiss: _, note, database } } => {
            let id: i64 = id.trim().trim_start_matches('#').parse().context("the report's number, as `reports list` shows it")?;
            let decision = if delete_account {
                curtain_server::child_reports::Decision::DeleteAccount
            } else {
                curtain_server::child_reports::Decision::Dismiss
            };
            let db = db::connect(&database).await?;
            let deleted = curtain_server::child_reports::resolve(&db, id, decision, &note, curtain_server::clock::now())
                .await
                .context("nothing was changed")?;
            if deleted {
                println!("Report #{id}: the account was deleted; the reporter is told (see `curtain-server outbox list`).");
            } else {
                println!("Report #{id} dismissed; the reporter is told (see `curtain-server outbox list`).");
            }
            Ok(())
        }
        Command::Requests { command: RequestsCommand::List { overdue, all, database } } => {
            let db = db::connect(&database).await?;
            let now = curtain_server::clock::now();
            let requests = curtain_server::privacy_requests::list(db.read(), overdue, all, now)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if requests.is_empty() {
                println!("{}", if overdue { "No request is overdue." } else { "No open privacy requests." });
            }
            for r in requests {
                let state = match r.answered_at {
                    Some(at) => format!("answered {}", curtain_server::clock::rfc3339(at)),
                    None if r.overdue(now) => format!("OVERDUE since {}", &curtain_server::clock::rfc3339(r.due_at)[..10]),
                    None => format!("due {}", &curtain_server::clock::rfc3339(r.due_at)[..10]),
                };
                let member = r.signed_in_as.as_deref().map(|u| format!(" (member {u})")).unwrap_or_default();
                println!(
                    "{} [{}] {state} from {}{member}, received {}\n    {}\n",
                    curtain_server::privacy_requests::reference(r.id),
                    r.kind,
                    r.email,
                    curtain_server::clock::rfc3339(r.created_at),
                    r.message.replace('\n', "\n    ")
                );
            }
            Ok(())
        }
        Command::Requests { command: RequestsCommand::Answer { reference, note, database } } => {
            let id = curtain_server::privacy_requests::parse_reference(&reference)
                .context("a reference such as PR-12")?;
            let db = db::connect(&database).await?;
            curtain_server::privacy_requests::answer(&db, id, &note, curtain_server::clock::now())
                .await
                .context("nothing was changed")?;
            println!("{} is answered.", curtain_server::privacy_requests::reference(id));
            Ok(())
        }
        Command::Reports { command: ReportsCommand::List { database } } => {
            let db = db::connect(&database).await?;
            let reports = curtain_server::child_reports::list(db.read()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            if reports.is_empty() {
                println!("No reports.");
            }
            for r in reports {
                let exists = match (&r.outcome, r.account_exists) {
                    (Some(outcome), _) => format!("decided: {outcome}"),
                    (None, true) => "open, account exists".to_string(),
                    (None, false) => "open, no such account now".to_string(),
                };
                println!(
                    "#{} {} username={:?} ({exists}) reporter={} ip={}\n    {}\n",
                    r.id,
                    curtain_server::clock::rfc3339(r.created_at),
                    r.username,
                    r.reporter_email,
                    r.ip,
                    r.message.replace('\n', "\n    ")
                );
            }
            Ok(())
        }
        Command::Newsletter { command: NewsletterCommand::Send { subject, body, public_url, database } } => {
            let site = public_url.or_serve_default()?;
            let db = db::connect(&database).await?;
            let sent = curtain_server::outbox::send_newsletter(&db, &subject, &body, site.as_str())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Newsletter written to the outbox for {sent} member(s); `curtain-server outbox list` shows it.");
            Ok(())
        }
        Command::Policy { command: PolicyCommand::Publish { file, translation, urgent, public_url, database } } => {
            let site = public_url.or_serve_default()?;
            let read = |file: &PathBuf| std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()));
            let source = read(&file)?;
            let translations = translation.iter().map(read).collect::<anyhow::Result<Vec<_>>>()?;
            let db = db::connect(&database).await?;
            let now = curtain_server::clock::now();
            let is_translation = curtain_server::policy::document::parse(&source)
                .is_ok_and(|v| v.language != curtain_ui::Lang::En);
            if is_translation {
                anyhow::ensure!(
                    translations.is_empty() && urgent.is_none(),
                    "{} is a translation: publish it on its own, without --translation or --urgent",
                    file.display()
                );
                let (version, lang) = curtain_server::policy::store::publish_translation(&db, &source, now)
                    .await
                    .with_context(|| format!("{} was not published", file.display()))?;
                println!("Published the {} translation of privacy policy version {version} from {}.", lang.tag(), file.display());
                return Ok(());
            }
            let texts: Vec<&str> = translations.iter().map(String::as_str).collect();
            let published =
                curtain_server::policy::store::publish_with(&db, &source, &texts, urgent.as_deref(), &site, now)
                    .await
                    .with_context(|| format!("{} was not published", file.display()))?;
            let version = published.version;
            println!("Published privacy policy version {version} from {}.", file.display());
            if !published.translations.is_empty() {
                let tags: Vec<&str> = published.translations.iter().map(|l| l.tag()).collect();
                println!("With its translations: {}.", tags.join(", "));
            }
            if published.material {
                println!(
                    "A material change: {} member(s) notified by e-mail, with links to {site} \
                     (`curtain-server outbox list` shows the messages).",
                    published.notified
                );
            } else {
                println!("A wording-only change: no member was e-mailed.");
            }
            let promises = curtain_server::policy::document::parse(&source).map(|v| v.promises()).unwrap_or_default();
            let unproved: Vec<String> = promises
                .iter()
                .filter(|p| curtain_server::promises::tests_of(&p.id).is_empty())
                .map(|p| format!("  {}: {}", p.id, p.statement))
                .collect();
            if !unproved.is_empty() {
                println!(
                    "Warning: no test in this build proves these promises; the promises page shows them as unproved:\n{}",
                    unproved.join("\n")
                );
            }
            Ok(())
        }
        Command::Consent { command: ConsentCommand::Revise { summary, database } } => {
            if summary.trim().is_empty() {
                anyhow::bail!("--summary must say, in plain words, what changed");
            }
            let db = db::connect(&database).await?;
            let revision = curtain_server::consent::revise(&db, &summary).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Consent revision {} is now current: visitors will be asked again.", revision.revision);
            Ok(())
        }
        Command::Outbox { command: OutboxCommand::List { database } } => {
            let db = db::connect(&database).await?;
            let messages = curtain_server::outbox::list(db.read()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            if messages.is_empty() {
                println!("The outbox is empty.");
            }
            for m in messages {
                println!(
                    "#{} {} [{}] to {}\nSubject: {}\n\n{}\n",
                    m.id,
                    curtain_server::clock::rfc3339(m.created_at),
                    m.kind,
                    m.to_address,
                    m.subject,
                    m.body
                );
            }
            Ok(())
        }
    }
}

/// glibc's allocator raises its threshold for serving large blocks from
/// `mmap` each time such a block is freed, after which blocks of that size
/// come from its heaps and stay with the process when freed. Fixing the
/// threshold keeps every block of a megabyte or more (argon2's 19 MiB working
/// memory above all) in its own mapping, returned to the system when freed,
/// so memory goes back down after a burst of sign-ins.
fn return_large_blocks_at_once() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn commands_other_than_serve_default_to_the_address_serve_would_use() {
        assert_eq!(default_public_url(None).unwrap().as_str(), "http://127.0.0.1:8080");
        assert_eq!(default_public_url(Some("")).unwrap().as_str(), "http://127.0.0.1:8080");
        assert_eq!(default_public_url(Some("10.0.0.5:9000")).unwrap().as_str(), "http://10.0.0.5:9000");
        let e = default_public_url(Some("curtain.example")).unwrap_err();
        assert!(format!("{e:#}").contains("--public-url"), "{e:#}");
    }

    fn newsletter_url(args: &[&str]) -> Result<Option<PublicUrl>, clap::Error> {
        let mut argv = vec!["curtain-server", "newsletter", "send", "--subject", "Weekly"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv)?.command {
            Command::Newsletter { command: NewsletterCommand::Send { public_url, .. } } => Ok(public_url.public_url),
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_public_url_is_checked_when_the_command_line_is_read() {
        let given = newsletter_url(&["--public-url", "https://curtain.example/"]).unwrap();
        assert_eq!(given.unwrap().as_str(), "https://curtain.example");
        // The older names still work.
        for flag in ["--site-url", "--site"] {
            assert_eq!(newsletter_url(&[flag, "https://old.example"]).unwrap().unwrap().as_str(), "https://old.example");
        }
        let e = newsletter_url(&["--public-url", "https://curtain.example/?from=mail"]).unwrap_err().to_string();
        assert!(e.contains("--public-url") && e.contains("must not have a query"), "{e}");
        let e = newsletter_url(&["--public-url", "curtain.example"]).unwrap_err().to_string();
        assert!(e.contains("not an absolute address"), "{e}");
    }
}
