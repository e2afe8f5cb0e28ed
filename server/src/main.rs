//! `server`: starts Client Portal — reads the configuration, migrates the database, loads the
//! demo data when asked, and serves the staff admin and the portal.

use std::net::SocketAddr;

use app::server::mail::Mailer;
use leptos::config::get_configuration;
use server::config::Config;
use server::router::{router, ServerState};
use server::{background, db, demo, org_setup};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .init();
    if let Err(message) = run().await {
        eprintln!("server: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("org") => return org_command(&args[1..]).await,
        Some("audit") => return audit_command(&args[1..]).await,
        _ => {}
    }
    let config = Config::load(|k| std::env::var(k).ok(), &args).map_err(|e| e.to_string())?;
    if std::env::var_os("LEPTOS_OUTPUT_NAME").is_none()
        && option_env!("LEPTOS_OUTPUT_NAME").is_none()
    {
        // Built without cargo-leptos: use the name from Cargo.toml's [workspace.metadata.leptos].
        std::env::set_var("LEPTOS_OUTPUT_NAME", "client_portal");
    }
    let mut leptos_options = get_configuration(None)
        .map_err(|e| e.to_string())?
        .leptos_options;
    leptos_options.site_addr = config.addr;
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        // Started directly (not by cargo-leptos): the release build's hashed bundle names are in
        // the hash file cargo-leptos writes beside this binary.
        leptos_options.hash_files = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(leptos_options.hash_file.as_ref())))
            .is_some_and(|file| file.exists());
    }

    let db = db::connect_with(&config.database_url, config.max_connections)
        .await
        .map_err(|e| format!("database {}: {e}", redact(&config.database_url)))?;
    if config.demo {
        demo::load(&db)
            .await
            .map_err(|e| format!("demo data: {e}"))?;
    }
    let mailer = match &config.smtp_url {
        Some(url) => Mailer::smtp(url, config.mail_from.as_deref(), &config.public_url)?,
        None => {
            if !config.demo {
                tracing::warn!(
                    "SMTP_URL is not set: no email leaves this server. Invitations and password \
                     resets wait in the outbox with their links redacted, so nobody can use \
                     them. Set SMTP_URL (see README.md, \"Configuration\")."
                );
            }
            let outbox = Mailer::outbox(&config.public_url);
            if config.demo {
                outbox.with_working_links()
            } else {
                outbox
            }
        }
    };
    let payments = app::server::processors::PaymentsConfig {
        secrets: config.secrets().map_err(|e| e.to_string())?,
        stripe_api_base: config.stripe_api_base.clone(),
        processor_timeout: app::server::processors::stripe::DEFAULT_TIMEOUT,
    };
    let resealed = app::server::processors::reseal_legacy_keys(&db, &payments.secrets)
        .await
        .map_err(|e| format!("re-sealing stored Stripe keys: {e:?}"))?;
    if resealed > 0 {
        tracing::info!("re-sealed the Stripe keys of {resealed} organizations with their place");
    }
    let state = ServerState {
        leptos_options,
        app: app::server::AppState {
            db,
            sessions: config.sessions.clone(),
            mailer,
            payments,
            live: Default::default(),
            deployment: config.deployment(),
        },
    };
    // New-message emails, emails to try again and pruning, every minute, in every process.
    background::spawn(state.app.clone());
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    println!("Client Portal is listening on http://{}", config.addr);
    if config.demo {
        println!("{}", demo::LOGINS);
    }
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}

/// The URL without its password, for error messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

/// `server audit verify [--organization ID]`: walks the audit log's hash chains; fails naming
/// the first entry that was changed, removed or inserted out of order.
async fn audit_command(args: &[String]) -> Result<(), String> {
    use app::server::store::audit_chain::verify;
    let usage = "usage: server audit verify [--organization ID]";
    let Some(("verify", rest)) = args.split_first().map(|(c, r)| (c.as_str(), r)) else {
        return Err(usage.into());
    };
    let (organization, rest) = match rest {
        [flag, id, rest @ ..] if flag == "--organization" => {
            let id: i32 = id
                .parse()
                .map_err(|_| format!("{usage}: {id} is not an id"))?;
            (Some(id), rest.to_vec())
        }
        rest => (None, rest.to_vec()),
    };
    let config = Config::load(|k| std::env::var(k).ok(), &rest).map_err(|e| e.to_string())?;
    let db = db::connect_with(&config.database_url, config.max_connections)
        .await
        .map_err(|e| format!("database {}: {e}", redact(&config.database_url)))?;
    let report = verify(&db, organization)
        .await
        .map_err(|e| format!("reading the audit log: {e}"))?;
    if let Some(broken) = report.broken {
        return Err(format!(
            "the audit log is NOT intact: {} (organization {}). {} entries checked up to it.",
            broken.reason,
            broken
                .organization_id
                .map_or("none".to_string(), |id| id.to_string()),
            report.entries
        ));
    }
    println!("The audit log is intact: {} entries.", report.entries);
    for head in report.heads {
        let org = head
            .organization_id
            .map_or("without organization".to_string(), |id| {
                format!("of organization {id}")
            });
        println!("Chain {org}: newest entry {}, hash {}", head.id, head.hash);
    }
    Ok(())
}

/// `server org create …`: creates a practice and prints its first administrator's link.
async fn org_command(args: &[String]) -> Result<(), String> {
    let Some(("create", rest)) = args.split_first().map(|(c, r)| (c.as_str(), r)) else {
        return Err("usage: server org create --name … --time-zone … --admin-email …".into());
    };
    let (input, rest) = org_setup::NewOrganization::parse(rest)?;
    let config = Config::load(|k| std::env::var(k).ok(), &rest).map_err(|e| e.to_string())?;
    let db = db::connect_with(&config.database_url, config.max_connections)
        .await
        .map_err(|e| format!("database {}: {e}", redact(&config.database_url)))?;
    let path = org_setup::create(&db, &input).await?;
    println!(
        "Created {} ({}). {}'s invitation, valid for 72 hours and usable once:\n{}{}",
        input.name,
        input.time_zone,
        input.admin_email,
        config.public_url.trim_end_matches('/'),
        path
    );
    Ok(())
}
