//! Email delivery: SMTP through lettre when configured (against a minimal local SMTP server),
//! the outbox otherwise, a clear error when the mail server cannot be reached, and background
//! emails kept and tried again until they go out or are given up.

use crate::common;

use chrono::{Duration, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use app::error::AppError;
use app::server::mail::retry::{retry_delay, retry_due, send_or_retry_later, MAX_ATTEMPTS};
use app::server::mail::{Email, Mailer};
use app::server::store::entities::{mail_retry, outbox};
use common::{each_database, unreachable_mailer};

/// Accepts one SMTP session on 127.0.0.1 and returns its port and the DATA it received.
async fn one_message_server() -> (u16, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Some(line) = lines.next_line().await.unwrap() {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let command = line.to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") {
                b"250 test\r\n"
            } else if command.starts_with("DATA") {
                in_data = true;
                b"354 go ahead\r\n"
            } else if command.starts_with("QUIT") {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            write.write_all(reply).await.unwrap();
        }
        data
    });
    (port, handle)
}

fn email() -> Email {
    Email {
        organization_id: None,
        to: "robin@example.com".into(),
        subject: "Bright Path ABA invites you to its client portal".into(),
        body: "Hello Robin,\n\nhttp://portal.test/welcome?token=abc\n".into(),
        attachment: None,
    }
}

#[tokio::test]
async fn smtp_delivers_and_keeps_nothing_in_the_outbox() {
    each_database(
        false,
        body!(|t| {
            let (port, server) = one_message_server().await;
            let mailer = Mailer::smtp(
                &format!("smtp://127.0.0.1:{port}"),
                Some("Bright Path <portal@brightpath.example>"),
                "http://portal.test",
            )
            .unwrap();
            mailer.send(&t.db, email()).await.expect("delivered");
            drop(mailer); // closes the pooled connection, so the server sees QUIT
            let data = tokio::time::timeout(std::time::Duration::from_secs(10), server)
                .await
                .expect("the server finished")
                .unwrap();
            assert!(data.contains("To: robin@example.com"), "{data}");
            assert!(
                data.contains("From: \"Bright Path\" <portal@brightpath.example>"),
                "{data}"
            );
            assert!(
                data.contains("Subject: Bright Path ABA invites you"),
                "{data}"
            );
            assert!(data.contains("welcome?token=abc"), "{data}");
            assert_eq!(outbox::Entity::find().count(&t.db).await.unwrap(), 0);
        }),
    )
    .await;
}

#[tokio::test]
async fn without_smtp_the_message_lands_in_the_outbox() {
    each_database(
        false,
        body!(|t| {
            // Outside demo mode the outbox keeps no working link: its token is redacted.
            let mailer = Mailer::outbox("http://portal.test");
            mailer.send(&t.db, email()).await.unwrap();
            let stored = outbox::Entity::find().all(&t.db).await.unwrap();
            assert_eq!(stored.len(), 1);
            assert_eq!(stored[0].recipient, "robin@example.com");
            assert!(!stored[0].body.contains("abc"), "{}", stored[0].body);
            assert!(stored[0].body.contains("welcome?token=[redacted]"));
            // In demo mode (and in tests) the link still works.
            mailer
                .with_working_links()
                .send(&t.db, email())
                .await
                .unwrap();
            let stored = outbox::Entity::find().all(&t.db).await.unwrap();
            assert!(stored.iter().any(|m| m.body.contains("welcome?token=abc")));
        }),
    )
    .await;
}

#[tokio::test]
async fn an_unreachable_mail_server_is_a_clear_error() {
    each_database(
        false,
        body!(|t| {
            let mailer = unreachable_mailer().await;
            let err = mailer.send(&t.db, email()).await.unwrap_err();
            assert_eq!(err, AppError::EmailFailed);
            assert_eq!(err.status(), 502);
        }),
    )
    .await;
}

async fn kept(db: &sea_orm::DatabaseConnection) -> Vec<mail_retry::Model> {
    mail_retry::Entity::find().all(db).await.unwrap()
}

#[tokio::test]
async fn a_refused_background_email_is_tried_again_until_it_goes_out_or_is_given_up() {
    each_database(
        false,
        body!(|t| {
            let down = unreachable_mailer().await;
            let now = Utc::now();
            send_or_retry_later(&down, &t.db, email(), now)
                .await
                .expect("kept, not an error");
            let rows = kept(&t.db).await;
            assert_eq!(rows.len(), 1);
            assert_eq!(
                (rows[0].attempts, rows[0].recipient.as_str()),
                (1, "robin@example.com")
            );

            // Not due yet: nothing is tried.
            assert_eq!(retry_due(&down, &t.db, now).await.unwrap(), 0);
            assert_eq!(kept(&t.db).await[0].attempts, 1);
            // Due while the server is still down: counted, and the next wait is longer.
            let second = now + retry_delay(1);
            assert_eq!(retry_due(&down, &t.db, second).await.unwrap(), 0);
            let row = &kept(&t.db).await[0];
            assert_eq!(row.attempts, 2);
            assert!(row.next_attempt_at > second + Duration::minutes(4));

            // The server is back: the email goes out once and is forgotten.
            let (port, server) = one_message_server().await;
            let up = Mailer::smtp(
                &format!("smtp://127.0.0.1:{port}"),
                None,
                "http://portal.test",
            )
            .unwrap();
            let third = second + retry_delay(2);
            assert_eq!(retry_due(&up, &t.db, third).await.unwrap(), 1);
            drop(up);
            let data = tokio::time::timeout(std::time::Duration::from_secs(10), server)
                .await
                .expect("the server finished")
                .unwrap();
            assert!(data.contains("welcome?token=abc"), "{data}");
            assert!(kept(&t.db).await.is_empty());

            // An email that keeps failing is given up after MAX_ATTEMPTS attempts in all.
            send_or_retry_later(&down, &t.db, email(), now)
                .await
                .unwrap();
            let mut at = now;
            for _ in 2..MAX_ATTEMPTS {
                at += Duration::hours(4);
                retry_due(&down, &t.db, at).await.unwrap();
            }
            assert_eq!(kept(&t.db).await[0].attempts, MAX_ATTEMPTS - 1);
            retry_due(&down, &t.db, at + Duration::hours(4))
                .await
                .unwrap();
            assert!(kept(&t.db).await.is_empty(), "given up");
        }),
    )
    .await;
}
