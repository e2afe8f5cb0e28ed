//! How the server reaches its database: a PostgreSQL server on this machine without TLS (it
//! would protect nothing and cost throughput) unless the URL chooses otherwise, a pooled
//! connection that the database closed while idle replaced before it is used, and an embedded
//! SQLite built without its global allocation locks.

use crate::common;

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use common::{each_database, pg_admin_url};

/// Whether this pool's connection to PostgreSQL is encrypted, and whether the server offers TLS.
async fn tls_of(db: &DatabaseConnection) -> (bool, bool) {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT s.ssl, current_setting('ssl') = 'on' AS offered \
             FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()",
        ))
        .await
        .unwrap()
        .unwrap();
    (
        row.try_get::<bool>("", "ssl").unwrap(),
        row.try_get::<bool>("", "offered").unwrap(),
    )
}

#[tokio::test]
async fn a_postgres_server_on_this_machine_is_reached_without_tls_unless_the_url_asks() {
    each_database(false, |t| {
        Box::pin(async move {
            if t.kind != "postgres" {
                return;
            }
            let admin = pg_admin_url();
            let local = ["@127.0.0.1", "@localhost", "@[::1]"]
                .iter()
                .any(|h| admin.contains(h));
            let (encrypted, offered) = tls_of(&t.db).await;
            if local && std::env::var_os("PGSSLMODE").is_none() {
                assert!(!encrypted, "a loopback connection was encrypted");
            }
            // The URL's own choice is kept: `prefer` encrypts whenever the server offers TLS.
            let name =
                t.db.query_one_raw(Statement::from_string(
                    t.db.get_database_backend(),
                    "SELECT current_database() AS name",
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get::<String>("", "name")
                .unwrap();
            let chosen = server::db::connect_and_migrate(&format!("{admin}/{name}?sslmode=prefer"))
                .await
                .unwrap();
            assert_eq!(tls_of(&chosen).await, (offered, offered));
            chosen.close().await.unwrap();
        })
    })
    .await;
}

/// A connection that the database closed while it sat in the pool (a restart, a proxy's idle
/// limit) is checked and replaced before use: the next request does not fail.
#[tokio::test]
async fn a_connection_closed_while_idle_is_replaced_before_use() {
    each_database(false, |t| {
        Box::pin(async move {
            if t.kind != "postgres" {
                return;
            }
            let backend = t.db.get_database_backend();
            let one = |sql: &str| Statement::from_string(backend, sql.to_owned());
            // Warm the pool, then close every other connection of this database from the inside.
            for _ in 0..4 {
                t.db.execute_raw(one("SELECT 1")).await.unwrap();
            }
            t.db.execute_raw(one(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            ))
            .await
            .unwrap();
            tokio::time::sleep(server::db::PING_IF_IDLE_FOR + Duration::from_millis(200)).await;
            for _ in 0..8 {
                t.db.execute_raw(one("SELECT 1"))
                    .await
                    .expect("a query after the database closed idle connections");
            }
        })
    })
    .await;
}

/// The embedded SQLite is built (`.cargo/config.toml`) without memory statistics, which count
/// every allocation under one global mutex, and without memory management, which makes all
/// connections take their page-cache memory from one shared group behind another: each
/// connection's cache is its own. And with the query planner stability guarantee, so that a
/// cached statement with `LIMIT ?` (every `.one()`) is not parsed and planned again each run.
#[tokio::test]
async fn the_embedded_sqlite_takes_no_global_lock_and_keeps_its_prepared_statements() {
    each_database(false, |t| {
        Box::pin(async move {
            if t.kind != "sqlite" {
                return;
            }
            let options: Vec<String> =
                t.db.query_all_raw(Statement::from_string(
                    t.db.get_database_backend(),
                    "PRAGMA compile_options",
                ))
                .await
                .unwrap()
                .iter()
                .map(|row| row.try_get_by_index::<String>(0).unwrap())
                .collect();
            assert!(
                options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
                "memory statistics are on: {options:?}"
            );
            assert!(
                !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
                "connections share one page cache: {options:?}"
            );
            assert!(
                options.iter().any(|o| o == "ENABLE_QPSG"),
                "statements with a bound LIMIT are prepared again on every run: {options:?}"
            );
        })
    })
    .await;
}
