//! Real server processes for the tests that need more than one router in one process: the
//! binary started on a database of the test's, and a throw-away PostgreSQL database for them.

use std::future::Future;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database};

/// A server process on a port of its own.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Starts the server binary on `database_url` and waits until it answers.
    pub async fn start(database_url: &str, dir: &std::path::Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("--no-demo")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", dir)
            .env("SECRETS_KEY_FILE", dir.join("secrets.key"))
            .env("SANDBOX_PAYMENTS", "1")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            let probe = http.post(server.url("current_viewer")).send().await;
            if probe.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, function: &str) -> String {
        format!("{}/api/{function}", self.base)
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Runs `body` with the URL of a fresh PostgreSQL database named after `prefix`, dropped
/// afterwards, pass or fail. Without PostgreSQL the run is skipped, except under `CI=true`.
pub async fn throwaway_postgres<F, Fut>(prefix: &str, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin_url = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let admin = match Database::connect(format!("{admin_url}/postgres")).await {
        Ok(admin) => admin,
        Err(e) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("SKIPPED the PostgreSQL run: {e}");
            return;
        }
        Err(e) => panic!("CI=true requires PostgreSQL at {admin_url}: {e}"),
    };
    let name = format!("{prefix}_{}_{}", std::process::id(), rand::random::<u32>());
    let exec = |sql: String| {
        let admin = admin.clone();
        async move { admin.execute_unprepared(&sql).await.unwrap() }
    };
    exec(format!("CREATE DATABASE {name}")).await;
    let outcome = tokio::spawn(body(format!("{admin_url}/{name}"))).await;
    exec(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
