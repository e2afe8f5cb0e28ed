//! Connecting to the database (the pool, TLS to PostgreSQL, the SQLite file's folder) and
//! migrating it.

use std::net::IpAddr;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgSslMode};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// Connects to `url` with the default pool size and applies every pending migration.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, None).await
}

/// A pooled connection idle for this long is checked with a round trip before it is used.
pub const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// The default pool size: 4 for SQLite (one writer at a time anyway); for PostgreSQL twice the
/// CPU cores, at least 4. More connections than that only make transactions wait longer for
/// each other's row locks; requests beyond it queue for a connection instead.
pub fn default_pool_size(url: &str) -> u32 {
    if url.starts_with("sqlite:") {
        4
    } else {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
        (2 * cores).max(4)
    }
}

/// Connects to `url` with `max_connections` (or [`default_pool_size`]) and migrates.
pub async fn connect_with(
    url: &str,
    max_connections: Option<u32>,
) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    let url_sets_tls = url_sets_tls(url) || std::env::var_os("PGSSLMODE").is_some();
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections.unwrap_or_else(|| default_pool_size(url)))
        .acquire_timeout(Duration::from_secs(10))
        // sqlx checks a connection with a round trip when it goes back to the pool; by default
        // it checks it again when taken, a third round trip per statement (on SQLite a third
        // hand-off to the connection's thread). Only a connection that sat idle is checked
        // again, so one the database closed in the meantime (a restart) is replaced unseen.
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .sqlx_logging(false)
        // Write-ahead logging: readers never wait for the writer, and commits are cheaper.
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
        })
        .map_sqlx_postgres_opts(move |o| {
            if !url_sets_tls && on_this_machine(&o) {
                o.ssl_mode(PgSslMode::Disable)
            } else {
                o
            }
        });
    let db = Database::connect(options).await?;
    Migrator::up(&db, None).await?;
    // Entries written before the audit log was chained get their hashes once.
    let sealed = app::server::store::audit::seal_legacy(&db).await?;
    if sealed > 0 {
        tracing::info!("sealed {sealed} audit entries written before the hash chain");
    }
    Ok(db)
}

/// Whether the URL chooses how to use TLS (`sslmode` or `ssl-mode`); when neither it nor
/// `PGSSLMODE` does, a PostgreSQL server on this machine is reached without TLS (below).
fn url_sets_tls(url: &str) -> bool {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .any(|pair| matches!(pair.split('=').next(), Some("sslmode" | "ssl-mode")))
}

/// Whether the PostgreSQL server is on this machine: a Unix socket, `localhost` or a loopback
/// address. Its traffic never leaves the machine, so TLS there protects nothing; the driver's
/// default (`prefer`) would still encrypt every statement, which cost the portal home a quarter
/// of its throughput (README, Performance). A remote server keeps the driver's default or the
/// URL's choice.
fn on_this_machine(options: &PgConnectOptions) -> bool {
    let host = options.get_host();
    options.get_socket().is_some()
        || host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The file path of a `sqlite://path?…` URL (none for in-memory databases).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::{on_this_machine, sqlite_path, url_sets_tls};
    use sea_orm::sqlx::postgres::PgConnectOptions;

    fn local(url: &str) -> bool {
        on_this_machine(&url.parse::<PgConnectOptions>().unwrap())
    }

    #[test]
    fn a_server_on_this_machine_is_recognized() {
        assert!(local("postgres://postgres@127.0.0.1:5432/cp"));
        assert!(local("postgres://postgres@127.0.0.2/cp"));
        assert!(local("postgres://postgres@localhost/cp"));
        assert!(local("postgresql://postgres@[::1]:5432/cp"));
        assert!(local("postgres:///cp?host=/var/run/postgresql"));
        assert!(!local("postgres://postgres@10.0.0.5/cp"));
        assert!(!local("postgres://postgres@db.example.com:5432/cp"));
        assert!(!local("postgres://postgres@localhost.example.com/cp"));
    }

    #[test]
    fn the_url_can_choose_tls() {
        assert!(url_sets_tls("postgres://localhost/cp?sslmode=require"));
        assert!(url_sets_tls(
            "postgres://localhost/cp?application_name=x&ssl-mode=prefer"
        ));
        assert!(!url_sets_tls("postgres://localhost/cp"));
        assert!(!url_sets_tls(
            "postgres://localhost/cp?application_name=sslmode"
        ));
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/x.sqlite?mode=rwc"),
            Some("data/x.sqlite")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }
}
