//! Outgoing email: SMTP through lettre when an SMTP URL is configured, otherwise the `outbox`
//! table that administrators read under Organization → Outbox. Messages never carry health
//! information: a greeting, the practice's name and a link.

pub mod emails;
pub mod notices;
pub mod retry;

use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ActiveModelTrait, ConnectionTrait, NotSet, Set};

use crate::error::AppError;
use crate::server::store::entities::outbox;

/// Where messages go.
#[derive(Clone)]
enum Transport {
    Outbox,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Sends the application's email and builds the links inside it.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The address people use to reach the app, e.g. `https://portal.example.org`.
    public_url: String,
    /// Outbox only: keep sign-in links working (demo mode and tests). Otherwise their tokens
    /// are redacted before the message is stored, so no live token rests in the database
    /// where any administrator could read it.
    working_links: bool,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("smtp", &matches!(self.transport, Transport::Smtp(_)))
            .field("public_url", &self.public_url)
            .finish()
    }
}

/// One message to send.
#[derive(Debug, Clone)]
pub struct Email {
    pub organization_id: Option<i32>,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// A file sent with the message (a reminder's .ics).
    pub attachment: Option<Attachment>,
}

/// A text file attached to an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name, e.g. `appointment.ics`; its ending gives the content type.
    pub name: String,
    pub content: String,
}

impl Attachment {
    /// The MIME type the name's ending calls for.
    pub fn content_type(&self) -> &'static str {
        if self.name.ends_with(".ics") {
            "text/calendar; charset=utf-8; method=PUBLISH"
        } else {
            "text/plain; charset=utf-8"
        }
    }
}

impl Mailer {
    /// A mailer that writes every message to the outbox table, with the tokens of its links
    /// redacted.
    pub fn outbox(public_url: &str) -> Mailer {
        Mailer {
            transport: Transport::Outbox,
            from: default_from(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            working_links: false,
        }
    }

    /// The same mailer, keeping the outbox's links working: demo mode (whose logins are public
    /// anyway) and tests, which follow the links.
    pub fn with_working_links(self) -> Mailer {
        Mailer {
            working_links: true,
            ..self
        }
    }

    /// A mailer that sends through the SMTP server at `url`
    /// (`smtp://user:pass@host:587?tls=required` or `smtps://…`).
    pub fn smtp(url: &str, from: Option<&str>, public_url: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL is not valid: {e}"))?
            .build();
        let from = match from {
            Some(from) => from
                .parse()
                .map_err(|e| format!("MAIL_FROM is not a valid address: {e}"))?,
            None => default_from(),
        };
        Ok(Mailer {
            transport: Transport::Smtp(transport),
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
            working_links: false,
        })
    }

    /// Whether messages go out by SMTP (and so are not kept in the outbox).
    pub fn uses_smtp(&self) -> bool {
        matches!(self.transport, Transport::Smtp(_))
    }

    /// The absolute address of `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Sends `email`, or stores it in the outbox.
    pub async fn send(&self, db: &impl ConnectionTrait, email: Email) -> Result<(), AppError> {
        match &self.transport {
            Transport::Outbox => {
                outbox::ActiveModel {
                    id: NotSet,
                    organization_id: Set(email.organization_id),
                    recipient: Set(email.to),
                    subject: Set(email.subject),
                    body: Set(if self.working_links {
                        email.body
                    } else {
                        redact_tokens(&email.body)
                    }),
                    attachment_name: Set(email.attachment.as_ref().map(|a| a.name.clone())),
                    attachment: Set(email.attachment.map(|a| a.content)),
                    created_at: Set(Utc::now()),
                }
                .insert(db)
                .await?;
                Ok(())
            }
            Transport::Smtp(smtp) => {
                let to: Mailbox = email.to.parse().map_err(|e| {
                    AppError::internal(format!("cannot address an email to {:?}: {e}", email.to))
                })?;
                let builder = Message::builder()
                    .from(self.from.clone())
                    .to(to)
                    .subject(email.subject);
                let message = match email.attachment {
                    None => builder.body(email.body),
                    Some(file) => builder.multipart(with_attachment(email.body, file)?),
                }
                .map_err(|e| AppError::internal(format!("cannot build an email: {e}")))?;
                smtp.send(message).await.map_err(|e| {
                    tracing::error!("SMTP delivery failed: {e}");
                    AppError::EmailFailed
                })?;
                Ok(())
            }
        }
    }
}

/// A plain-text body followed by `file`, as a `multipart/mixed` message.
fn with_attachment(body: String, file: Attachment) -> Result<MultiPart, AppError> {
    let kind = ContentType::parse(file.content_type())
        .map_err(|e| AppError::internal(format!("bad attachment type: {e}")))?;
    Ok(MultiPart::mixed()
        .singlepart(SinglePart::plain(body))
        .singlepart(LettreAttachment::new(file.name).body(file.content, kind)))
}

/// What a redacted token reads as.
pub const REDACTED: &str = "[redacted]";

/// `text` with the value of every `token=` in it replaced by [`REDACTED`].
pub fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("token=") {
        let (before, after) = rest.split_at(at + "token=".len());
        out.push_str(before);
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        if end > 0 {
            out.push_str(REDACTED);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn default_from() -> Mailbox {
    "Client Portal <no-reply@localhost>"
        .parse()
        .expect("the default sender parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_join_the_public_url() {
        let m = Mailer::outbox("http://127.0.0.1:3000/");
        assert_eq!(
            m.link("/welcome?token=a"),
            "http://127.0.0.1:3000/welcome?token=a"
        );
        assert!(!m.uses_smtp());
    }

    #[test]
    fn tokens_are_redacted_and_the_rest_is_kept() {
        let body =
            "Hello,\nhttp://x/welcome?token=ab12-CD_9 and http://x/reset-password?token=f00.\nBye";
        assert_eq!(
            redact_tokens(body),
            "Hello,\nhttp://x/welcome?token=[redacted] and http://x/reset-password?token=[redacted].\nBye"
        );
        assert_eq!(
            redact_tokens("no link, token= alone"),
            "no link, token= alone"
        );
    }

    #[test]
    fn an_ics_attachment_goes_as_a_calendar_part() {
        let file = Attachment {
            name: "appointment.ics".into(),
            content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
        };
        assert!(file.content_type().starts_with("text/calendar"));
        let message = Message::builder()
            .from(default_from())
            .to("a@b.example".parse().unwrap())
            .subject("Reminder")
            .multipart(with_attachment("Hello".into(), file).unwrap())
            .unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(text.contains("multipart/mixed"), "{text}");
        assert!(text.contains("Content-Type: text/calendar"), "{text}");
        assert!(text.contains("filename=\"appointment.ics\""), "{text}");
        assert!(text.contains("Hello"), "{text}");
    }

    /// The SMTP pool needs a Tokio runtime, as in the server.
    #[tokio::test]
    async fn smtp_urls_are_checked() {
        assert!(Mailer::smtp("not a url", None, "http://x").is_err());
        assert!(Mailer::smtp(
            "smtp://localhost:2525",
            Some("Practice <a@b.example>"),
            "http://x"
        )
        .unwrap()
        .uses_smtp());
    }
}
