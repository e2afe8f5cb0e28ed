//! Secure messaging: the message rule (plain text, 1 to 5,000 characters), how a message is
//! shown (text, with plain http and https links clickable and everything else as text), and the
//! DTOs of conversations, threads and unread badges.

use serde::{Deserialize, Serialize};

use super::viewer::ClientRef;

/// The longest message, in characters.
pub const MAX_MESSAGE: usize = 5000;

/// Checks a message and returns it as it is stored: trailing whitespace trimmed, line breaks
/// kept, other control characters refused.
pub fn check_body(body: &str) -> Result<String, String> {
    let body = body.trim_end();
    if body.trim().is_empty() {
        return Err("Write a message first.".into());
    }
    let length = body.chars().count();
    if length > MAX_MESSAGE {
        return Err(format!(
            "A message can be at most {MAX_MESSAGE} characters; this one has {length}."
        ));
    }
    if body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err("The message contains characters that cannot be sent.".into());
    }
    Ok(body.replace("\r\n", "\n"))
}

/// A piece of a message as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    /// A plain `http://` or `https://` address, shown as a link.
    Link(String),
}

/// Splits a message into text and links. Only plain http and https addresses become links;
/// anything else (`javascript:`, `data:`, markup) stays text, and text is always escaped when
/// rendered.
pub fn segments(body: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut text = String::new();
    let push_text = |out: &mut Vec<Segment>, text: &mut String| {
        if !text.is_empty() {
            out.push(Segment::Text(std::mem::take(text)));
        }
    };
    let mut rest = body;
    while !rest.is_empty() {
        // The next word (up to whitespace) and the whitespace after it.
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        let space_end = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        let (space, next) = after.split_at(space_end);
        match link_in(word) {
            Some((before, link, trailing)) => {
                text.push_str(before);
                push_text(&mut out, &mut text);
                out.push(Segment::Link(link.to_owned()));
                text.push_str(trailing);
            }
            None => text.push_str(word),
        }
        text.push_str(space);
        rest = next;
    }
    push_text(&mut out, &mut text);
    out
}

/// The link in a word: what comes before it (e.g. an opening parenthesis), the address, and
/// trailing punctuation that belongs to the sentence.
fn link_in(word: &str) -> Option<(&str, &str, &str)> {
    let start = word.find("https://").or_else(|| word.find("http://"))?;
    let (before, candidate) = word.split_at(start);
    if before.chars().any(|c| c.is_alphanumeric()) {
        return None;
    }
    let trimmed = candidate.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"']);
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))?;
    let safe = !host.is_empty()
        && host
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && trimmed.chars().all(|c| {
            c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '`' | '{' | '}')
        });
    safe.then(|| (before, trimmed, &candidate[trimmed.len()..]))
}

/// How many of the latest messages a thread shows at first, and how many more each
/// "Show earlier messages" adds.
pub const THREAD_PAGE: u32 = 50;
/// The most messages a thread shows at once.
pub const THREAD_MAX: u32 = 2_000;

/// How many of the latest messages to show when `requested` are asked for (none: one page).
pub fn thread_window(requested: Option<u32>) -> u32 {
    requested
        .unwrap_or(THREAD_PAGE)
        .clamp(THREAD_PAGE, THREAD_MAX)
}

/// One message in a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i32,
    /// Sent by the viewer (or, for staff, by the practice side).
    pub mine: bool,
    pub sender: String,
    pub at: String,
    pub body: String,
    /// For the viewer's own messages: "Seen 10:42" once the other side read it.
    pub seen: Option<String>,
}

/// A client's conversation as the viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub client: ClientRef,
    /// The latest messages, oldest first: `shown` of them at most.
    pub messages: Vec<MessageView>,
    pub shown: u32,
    /// Whether older messages exist beyond those shown.
    pub has_earlier: bool,
    /// Whether the viewer may send (messaging effective, and the scope for a contact).
    pub can_send: bool,
}

/// One conversation in the therapist's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub client: ClientRef,
    pub last_at: Option<String>,
    pub last_from: Option<String>,
    pub unread: u32,
    pub can_send: bool,
}

/// The envelope's page: conversations, and the clients a new message can go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageInbox {
    pub conversations: Vec<ConversationSummary>,
    pub startable: Vec<ClientRef>,
}

/// Unread messages for the signed-in person: in all, and per client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadCounts {
    pub total: u32,
    pub by_client: Vec<(i32, u32)>,
}

impl UnreadCounts {
    pub fn of(&self, client_id: i32) -> u32 {
        self.by_client
            .iter()
            .find(|(c, _)| *c == client_id)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_shows_whole_pages_within_bounds() {
        assert_eq!(thread_window(None), THREAD_PAGE);
        assert_eq!(thread_window(Some(0)), THREAD_PAGE);
        assert_eq!(thread_window(Some(100)), 100);
        assert_eq!(thread_window(Some(u32::MAX)), THREAD_MAX);
    }

    fn text(s: &str) -> Segment {
        Segment::Text(s.into())
    }
    fn link(s: &str) -> Segment {
        Segment::Link(s.into())
    }

    #[test]
    fn bodies_are_plain_text_up_to_5000_characters() {
        assert_eq!(check_body("Hello\r\nthere  \n"), Ok("Hello\nthere".into()));
        assert!(check_body("  \n ").is_err());
        assert!(
            check_body(&"é".repeat(5000)).is_ok(),
            "characters, not bytes"
        );
        assert!(check_body(&"a".repeat(5001)).unwrap_err().contains("5001"));
        assert!(check_body("bell\u{7}").is_err());
    }

    #[test]
    fn only_plain_http_and_https_addresses_are_links() {
        assert_eq!(
            segments("See https://example.org/a?b=1, then (http://x.test)."),
            vec![
                text("See "),
                link("https://example.org/a?b=1"),
                text(", then ("),
                link("http://x.test"),
                text(").")
            ]
        );
        for body in [
            "javascript:alert(1)",
            "<a href=\"https://evil.test\">x</a>",
            "data:text/html,<script>alert(1)</script>",
            "https://",
            "xhttps://example.org",
            "https://<script>",
        ] {
            assert!(
                segments(body).iter().all(|s| matches!(s, Segment::Text(_))),
                "{body}: {:?}",
                segments(body)
            );
        }
    }

    #[test]
    fn text_and_whitespace_survive_as_they_were() {
        let body = "Line one\n\n  <script>alert(1)</script> & more";
        let joined: String = segments(body)
            .into_iter()
            .map(|s| match s {
                Segment::Text(t) | Segment::Link(t) => t,
            })
            .collect();
        assert_eq!(joined, body);
    }
}
