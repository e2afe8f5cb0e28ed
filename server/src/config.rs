//! Configuration from environment variables and command-line flags (flags win).

use std::net::SocketAddr;
use std::time::Duration;

use app::server::access::client_ip::TrustedProxies;
use app::server::secrets::Secrets;
use app::server::{Deployment, SessionConfig};

/// The embedded default database: a SQLite file under `data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/client-portal.sqlite?mode=rwc";

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// `DATABASE_MAX_CONNECTIONS`: the pool size; see `db::default_pool_size` when unset.
    pub max_connections: Option<u32>,
    /// `LEPTOS_SITE_ADDR` or `--addr`: where to listen.
    pub addr: SocketAddr,
    /// `--demo` (or `DEMO_DATA=true`): load the demo organizations, whose logins are public. Off
    /// unless asked for, and refused when the server is public (`PUBLIC_URL` is https) or
    /// sends real mail (`SMTP_URL`).
    pub demo: bool,
    /// `SANDBOX_PAYMENTS=1`: offer the sandbox card processor without demo mode (staging).
    pub sandbox_payments: bool,
    /// `TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` names the visitor.
    pub trusted_proxies: TrustedProxies,
    pub sessions: SessionConfig,
    /// `SMTP_URL`: outgoing mail; unset means the outbox that administrators read.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: the sender of outgoing mail, e.g. `Bright Path <portal@brightpath.example>`.
    pub mail_from: Option<String>,
    /// `PUBLIC_URL`: the address in emailed links; `http://` + the listen address by default.
    pub public_url: String,
    /// `SECRETS_KEY`: 64 hexadecimal characters that seal processor keys at rest. Unset: the key
    /// in `secrets_key_file`, created on first start.
    pub secrets_key: Option<String>,
    /// `SECRETS_KEY_FILE`: where the generated key lives, `data/secrets.key` by default.
    pub secrets_key_file: String,
    /// `STRIPE_API_BASE`: Stripe's API, `https://api.stripe.com` by default.
    pub stripe_api_base: String,
}

/// A configuration mistake, reported before anything starts.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Reads the environment, then the flags in `args` (without the program name).
    pub fn load(
        env: impl Fn(&str) -> Option<String>,
        args: &[String],
    ) -> Result<Config, ConfigError> {
        let mut database_url = env("DATABASE_URL").filter(|v| !v.is_empty());
        let mut addr = env("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let mut demo = match env("DEMO_DATA").as_deref() {
            None | Some("") => None,
            Some(v) => Some(parse_bool("DEMO_DATA", v)?),
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--demo" => demo = Some(true),
                "--no-demo" => demo = Some(false),
                "--addr" => {
                    addr = iter.next().cloned().ok_or_else(|| {
                        ConfigError("--addr needs a value such as 127.0.0.1:3000".into())
                    })?
                }
                "--database-url" => {
                    database_url = Some(
                        iter.next()
                            .cloned()
                            .ok_or_else(|| ConfigError("--database-url needs a value".into()))?,
                    )
                }
                "--help" | "-h" => return Err(ConfigError(HELP.into())),
                other => return Err(ConfigError(format!("unknown argument {other:?}\n\n{HELP}"))),
            }
        }
        let database_url = database_url.unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let minutes = |name: &str, default: u64| -> Result<Duration, ConfigError> {
            match env(name).filter(|v| !v.is_empty()) {
                None => Ok(Duration::from_secs(default * 60)),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|m| *m > 0)
                    .map(|m| Duration::from_secs(m * 60))
                    .ok_or_else(|| {
                        ConfigError(format!(
                            "{name} must be a positive number of minutes, got {v:?}"
                        ))
                    }),
            }
        };
        let addr: SocketAddr = addr
            .parse()
            .map_err(|_| ConfigError(format!("listen address {addr:?} is not host:port")))?;
        let public_url = match env("PUBLIC_URL").filter(|v| !v.is_empty()) {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => url,
            Some(url) => {
                return Err(ConfigError(format!(
                    "PUBLIC_URL must start with http:// or https://, got {url:?}"
                )))
            }
            None => format!("http://{addr}"),
        };
        let https = public_url.starts_with("https://");
        let sessions = SessionConfig {
            // Seconds, for tests of the idle logoff; otherwise minutes.
            idle_timeout: match env("SESSION_IDLE_SECONDS").filter(|v| !v.is_empty()) {
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|s| *s >= 8)
                    .map(Duration::from_secs)
                    .ok_or_else(|| {
                        ConfigError(format!(
                            "SESSION_IDLE_SECONDS must be a number of seconds, at least 8, got {v:?}"
                        ))
                    })?,
                None => minutes("SESSION_IDLE_MINUTES", 30)?,
            },
            absolute_timeout: minutes("SESSION_ABSOLUTE_MINUTES", 12 * 60)?,
            // Served over https, the cookie is `Secure` (and `__Host-`) without being asked.
            secure_cookie: match env("COOKIE_SECURE").as_deref() {
                None | Some("") => https,
                Some(v) => parse_bool("COOKIE_SECURE", v)?,
            },
        };
        let smtp_url = env("SMTP_URL").filter(|v| !v.is_empty());
        let demo = demo.unwrap_or(false);
        if demo && (https || smtp_url.is_some()) {
            return Err(ConfigError(
                "--demo loads organizations whose logins are published: it is refused when \
                 PUBLIC_URL is https or SMTP_URL is set (a server real people can reach)"
                    .into(),
            ));
        }
        let sandbox_payments = match env("SANDBOX_PAYMENTS").as_deref() {
            None | Some("") => false,
            Some(v) => parse_bool("SANDBOX_PAYMENTS", v)?,
        };
        let trusted_proxies = TrustedProxies::parse(&env("TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| ConfigError(format!("TRUSTED_PROXIES: {e}")))?;
        let max_connections = match env("DATABASE_MAX_CONNECTIONS").filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(v.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                ConfigError(format!(
                    "DATABASE_MAX_CONNECTIONS must be a positive number, got {v:?}"
                ))
            })?),
        };
        Ok(Config {
            addr,
            max_connections,
            demo,
            sandbox_payments,
            trusted_proxies,
            database_url,
            sessions,
            smtp_url,
            mail_from: env("MAIL_FROM").filter(|v| !v.is_empty()),
            public_url,
            secrets_key: match env("SECRETS_KEY").filter(|v| !v.is_empty()) {
                Some(key) => {
                    Secrets::from_hex(&key).map_err(ConfigError)?;
                    Some(key)
                }
                None => None,
            },
            secrets_key_file: env("SECRETS_KEY_FILE")
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "data/secrets.key".into()),
            stripe_api_base: match env("STRIPE_API_BASE").filter(|v| !v.is_empty()) {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => url,
                Some(url) => {
                    return Err(ConfigError(format!(
                        "STRIPE_API_BASE must start with http:// or https://, got {url:?}"
                    )))
                }
                None => app::server::processors::stripe::DEFAULT_API_BASE.into(),
            },
        })
    }

    /// What the running server may do in this deployment (demo, sandbox, proxies).
    pub fn deployment(&self) -> Deployment {
        Deployment {
            demo: self.demo,
            sandbox_payments: self.sandbox_payments,
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }

    /// The key that seals secrets at rest: `SECRETS_KEY`, or the key file (created with a new
    /// random key, readable only by its owner, when it does not exist yet).
    ///
    /// Several processes may start at once on a fresh deployment with one shared key file. The
    /// file therefore appears whole or not at all: the key is written to a private temporary
    /// file, which is then hard-linked to the key file's name (a link never replaces a file).
    /// The process that loses the race uses the winner's key, so every process seals with the
    /// same one.
    pub fn secrets(&self) -> Result<Secrets, ConfigError> {
        if let Some(key) = &self.secrets_key {
            return Secrets::from_hex(key).map_err(ConfigError);
        }
        let path = std::path::Path::new(&self.secrets_key_file);
        let fail =
            |e: std::io::Error| ConfigError(format!("secrets key file {}: {e}", path.display()));
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(fail)?;
            }
            create_key_file(path).map_err(fail)?;
        }
        let key = std::fs::read_to_string(path).map_err(fail)?;
        Secrets::from_hex(&key)
            .map_err(|e| ConfigError(format!("secrets key file {}: {e}", path.display())))
    }
}

/// Writes a new key to `path` unless another process has created it meanwhile (then theirs
/// stays). Readable only by its owner.
fn create_key_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        Secrets::generate_hex()
    ));
    let temporary = std::path::PathBuf::from(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        std::io::Write::write_all(&mut file, Secrets::generate_hex().as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| match std::fs::hard_link(&temporary, path) {
        // Another process created it meanwhile: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    });
    let _ = std::fs::remove_file(&temporary);
    linked
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ConfigError> {
    match value {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" => Ok(false),
        _ => Err(ConfigError(format!(
            "{name} must be true or false, got {value:?}"
        ))),
    }
}

const HELP: &str = "usage: server [--demo | --no-demo] [--addr HOST:PORT] [--database-url URL]
environment: DATABASE_URL, DATABASE_MAX_CONNECTIONS, LEPTOS_SITE_ADDR, LEPTOS_SITE_ROOT, DEMO_DATA, SESSION_IDLE_MINUTES,
SESSION_IDLE_SECONDS, SESSION_ABSOLUTE_MINUTES, COOKIE_SECURE, SMTP_URL, MAIL_FROM, PUBLIC_URL, SECRETS_KEY, SECRETS_KEY_FILE,
STRIPE_API_BASE, SANDBOX_PAYMENTS, TRUSTED_PROXIES (see README.md)";

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(env: &[(&str, &str)], args: &[&str]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Config::load(|k| env.get(k).cloned(), &args)
    }

    /// Processes starting at once on a fresh deployment: every one gets the same, whole key
    /// (before, one could read the file between its creation and its key, and not start).
    #[test]
    fn processes_starting_at_once_share_one_whole_key_file() {
        for round in 0..20 {
            let dir = std::env::temp_dir().join(format!(
                "cp-secrets-{}-{round}-{}",
                std::process::id(),
                rand_suffix()
            ));
            let file = dir.join("secrets.key");
            let file = file.to_str().unwrap().to_owned();
            let sealed: Vec<_> = std::thread::scope(|scope| {
                let starts: Vec<_> = (0..8)
                    .map(|_| {
                        let file = file.clone();
                        scope.spawn(move || {
                            let c = load(&[("SECRETS_KEY_FILE", file.as_str())], &[]).unwrap();
                            c.secrets().map(|s| s.seal("4242", "test"))
                        })
                    })
                    .collect();
                starts.into_iter().map(|s| s.join().unwrap()).collect()
            });
            let key = std::fs::read_to_string(&file).unwrap();
            let on_disk = Secrets::from_hex(&key).unwrap();
            for each in sealed {
                let each = each.unwrap_or_else(|e| panic!("a process did not start: {e}"));
                assert_eq!(on_disk.open(&each, "test").unwrap(), "4242");
            }
            let names: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names, ["secrets.key"], "no temporary file is left behind");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&file).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    fn rand_suffix() -> String {
        Secrets::generate_hex()[..8].to_owned()
    }

    #[test]
    fn defaults_are_embedded_sqlite_without_demo_data() {
        let c = load(&[], &[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert!(!c.demo, "demo data only when asked for");
        assert!(!c.deployment().sandbox());
        assert!(!c.sessions.secure_cookie);
        assert!(load(&[], &["--demo"]).unwrap().deployment().sandbox());
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.sessions.idle_timeout, Duration::from_secs(1800));
        assert_eq!(c.sessions.absolute_timeout, Duration::from_secs(12 * 3600));
        assert!(c.smtp_url.is_none());
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
    }

    #[test]
    fn demo_mode_is_refused_on_a_server_people_can_reach() {
        let https = ("PUBLIC_URL", "https://portal.example.org");
        let smtp = ("SMTP_URL", "smtp://mail.example.org:587");
        for env in [[https], [smtp]] {
            let err = load(&env, &["--demo"]).unwrap_err().0;
            assert!(err.contains("--demo"), "{err}");
            assert!(load(&env, &[]).is_ok());
        }
        // Over https the cookie is Secure without being asked; it can still be forced off for
        // a TLS-terminating test rig.
        assert!(load(&[https], &[]).unwrap().sessions.secure_cookie);
        assert!(
            !load(&[https, ("COOKIE_SECURE", "false")], &[])
                .unwrap()
                .sessions
                .secure_cookie
        );
    }

    #[test]
    fn sandbox_payments_and_trusted_proxies_are_read() {
        let c = load(
            &[
                ("SANDBOX_PAYMENTS", "1"),
                ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
            ],
            &[],
        )
        .unwrap();
        assert!(c.deployment().sandbox() && !c.demo);
        assert_ne!(c.trusted_proxies, TrustedProxies::default());
        let err = load(&[("TRUSTED_PROXIES", "10.0.0.0/40")], &[])
            .unwrap_err()
            .0;
        assert!(err.contains("TRUSTED_PROXIES"), "{err}");
    }

    #[test]
    fn public_url_must_be_http() {
        let c = load(&[("PUBLIC_URL", "https://portal.example.org")], &[]).unwrap();
        assert_eq!(c.public_url, "https://portal.example.org");
        assert!(load(&[("PUBLIC_URL", "portal.example.org")], &[])
            .unwrap_err()
            .0
            .contains("PUBLIC_URL"));
    }

    #[test]
    fn postgres_has_no_demo_unless_asked_and_flags_win() {
        let pg = [("DATABASE_URL", "postgres://postgres@127.0.0.1/cp")];
        assert!(!load(&pg, &[]).unwrap().demo);
        assert!(load(&[("DEMO_DATA", "true")], &[]).unwrap().demo);
        assert!(load(&pg, &["--demo"]).unwrap().demo);
        assert!(!load(&[("DEMO_DATA", "true")], &["--no-demo"]).unwrap().demo);
        let c = load(
            &[("LEPTOS_SITE_ADDR", "0.0.0.0:8080")],
            &["--addr", "127.0.0.1:4000"],
        )
        .unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:4000");
    }

    #[test]
    fn bad_values_are_clear_errors() {
        assert!(load(&[("SESSION_IDLE_SECONDS", "3")], &[])
            .unwrap_err()
            .0
            .contains("at least 8"));
        let short = load(&[("SESSION_IDLE_SECONDS", "24")], &[]).unwrap();
        assert_eq!(short.sessions.idle_timeout, Duration::from_secs(24));
        assert!(load(&[("SESSION_IDLE_MINUTES", "soon")], &[])
            .unwrap_err()
            .0
            .contains("SESSION_IDLE_MINUTES"));
        assert!(load(&[], &["--bogus"]).unwrap_err().0.contains("--bogus"));
        assert!(load(&[("SECRETS_KEY", "abc")], &[])
            .unwrap_err()
            .0
            .contains("SECRETS_KEY"));
        assert!(load(&[("STRIPE_API_BASE", "api.stripe.com")], &[])
            .unwrap_err()
            .0
            .contains("STRIPE_API_BASE"));
        assert!(load(&[("DATABASE_MAX_CONNECTIONS", "0")], &[])
            .unwrap_err()
            .0
            .contains("DATABASE_MAX_CONNECTIONS"));
        assert_eq!(
            load(&[("DATABASE_MAX_CONNECTIONS", "12")], &[])
                .unwrap()
                .max_connections,
            Some(12)
        );
        assert!(load(&[("LEPTOS_SITE_ADDR", "nowhere")], &[]).is_err());
        assert!(load(&[("COOKIE_SECURE", "maybe")], &[]).is_err());
    }
}
