//! Who is signed in, as the browser may know it (no ids of other people, no secrets), and the
//! sign-in form.

use serde::{Deserialize, Serialize};

/// A client a portal login may act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRef {
    pub id: i32,
    pub name: String,
}

/// The kind of signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewerKind {
    /// Practice staff, working in the admin; `calendar_badge` counts the requests waiting for
    /// them and last-minute changes (the calendar icon's badge).
    Staff {
        is_admin: bool,
        is_therapist: bool,
        calendar_badge: u64,
        /// Unread messages across their assigned clients (the envelope's badge).
        messages_badge: u32,
    },
    /// A client or client contact, using the portal.
    Portal {
        is_contact: bool,
        clients: Vec<ClientRef>,
        /// The practice's contact email and phone for the footer (each may be empty).
        practice_email: String,
        practice_phone: String,
    },
}

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    pub email: String,
    pub organization: String,
    /// The session ends after this many seconds without a request of the person's own.
    pub idle_seconds: u32,
    pub kind: ViewerKind,
}

impl Viewer {
    pub fn is_staff(&self) -> bool {
        matches!(self.kind, ViewerKind::Staff { .. })
    }

    pub fn is_admin(&self) -> bool {
        matches!(self.kind, ViewerKind::Staff { is_admin: true, .. })
    }

    /// The number on the calendar icon (staff).
    pub fn calendar_badge(&self) -> u64 {
        match self.kind {
            ViewerKind::Staff { calendar_badge, .. } => calendar_badge,
            ViewerKind::Portal { .. } => 0,
        }
    }

    /// The number on the envelope (staff).
    pub fn messages_badge(&self) -> u32 {
        match self.kind {
            ViewerKind::Staff { messages_badge, .. } => messages_badge,
            ViewerKind::Portal { .. } => 0,
        }
    }

    /// Where this person lands after signing in.
    pub fn home(&self) -> String {
        match &self.kind {
            ViewerKind::Staff { .. } => STAFF_HOME.to_owned(),
            ViewerKind::Portal { clients, .. } => portal_home(clients.iter().map(|c| c.id)),
        }
    }
}

/// Where staff land.
pub const STAFF_HOME: &str = "/admin";

/// Where a portal login lands: the home of its client when it acts for exactly one, otherwise
/// the overview of its clients.
pub fn portal_home(clients: impl IntoIterator<Item = i32>) -> String {
    let mut clients = clients.into_iter();
    match (clients.next(), clients.next()) {
        (Some(only), None) => format!("/portal/clients/{only}"),
        _ => "/portal".to_owned(),
    }
}

#[cfg(test)]
mod home_tests {
    use super::portal_home;

    #[test]
    fn a_login_with_one_client_lands_on_that_clients_home() {
        assert_eq!(portal_home([7]), "/portal/clients/7");
        assert_eq!(portal_home([7, 9]), "/portal");
        assert_eq!(portal_home([]), "/portal");
    }
}

/// The sign-in form as typed, with its (deliberately light) validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInInput {
    pub email: String,
    pub password: String,
}

impl SignInInput {
    pub fn validate(&self) -> Result<(), super::validation::FieldErrors> {
        let mut errors = super::validation::FieldErrors::default();
        errors.check("email", super::validation::email(&self.email));
        errors.check(
            "password",
            super::validation::password_present(&self.password),
        );
        errors.into_result(())
    }
}
