//! What needs doing for a client, shown first on their portal home: forms to fill in, unread
//! messages, the next appointment and an amount due, each as a card with its action.

use serde::{Deserialize, Serialize};

use super::access::PortalAbilities;
use super::payments::money;

/// The counts and dates behind the to-do cards, each zero or `None` when the login may not
/// see that part of the portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    /// Forms sent to the client and not submitted yet.
    pub open_forms: u32,
    /// Unread messages in the client's conversation for this login.
    pub unread_messages: u32,
    /// The next appointment or request, in the practice's time zone.
    pub next_appointment: Option<NextAppointment>,
    /// What is owed for past appointments, in cents.
    pub amount_due_cents: i64,
}

/// The next appointment on a client's home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextAppointment {
    /// For example "Mon 7 Dec 2026, 15:30–17:30 CST".
    pub when: String,
    pub staff_name: String,
    /// Requested and not answered by the therapist yet.
    pub requested: bool,
}

/// Which icon a card carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    Forms,
    Messages,
    Appointment,
    Payment,
}

/// One to-do card: what it is about, the detail, and its action (a label and the tab it opens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToDo {
    pub kind: CardKind,
    pub title: String,
    pub detail: String,
    pub action: &'static str,
    /// The tab under the client's home, e.g. `forms`.
    pub tab: &'static str,
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl Agenda {
    /// The cards, most pressing first. Only parts the login may use appear; an appointment
    /// card appears whenever appointments are visible, to say when the next one is or that
    /// none is booked.
    pub fn cards(&self, abilities: &PortalAbilities) -> Vec<ToDo> {
        let mut cards = Vec::new();
        if abilities.forms && self.open_forms > 0 {
            cards.push(ToDo {
                kind: CardKind::Forms,
                title: plural(self.open_forms, "form to fill in", "forms to fill in"),
                detail: "The practice needs these before your next visit.".into(),
                action: "Fill in forms",
                tab: "forms",
            });
        }
        if abilities.messages && self.unread_messages > 0 {
            cards.push(ToDo {
                kind: CardKind::Messages,
                title: plural(self.unread_messages, "unread message", "unread messages"),
                detail: "From the practice.".into(),
                action: "Read messages",
                tab: "messages",
            });
        }
        if abilities.payments && self.amount_due_cents > 0 {
            cards.push(ToDo {
                kind: CardKind::Payment,
                title: format!("{} due", money(self.amount_due_cents)),
                detail: "For past appointments.".into(),
                action: "Pay now",
                tab: "payments",
            });
        }
        if abilities.appointments {
            let (title, detail) = match &self.next_appointment {
                Some(next) if next.requested => (
                    "Requested appointment".to_owned(),
                    format!(
                        "{} with {}, waiting for the practice to confirm.",
                        next.when, next.staff_name
                    ),
                ),
                Some(next) => (
                    "Next appointment".to_owned(),
                    format!("{} with {}.", next.when, next.staff_name),
                ),
                None => ("No upcoming appointment".to_owned(), String::new()),
            };
            let action = if abilities.scheduling && self.next_appointment.is_none() {
                "Request an appointment"
            } else {
                "See appointments"
            };
            cards.push(ToDo {
                kind: CardKind::Appointment,
                title,
                detail,
                action,
                tab: "appointments",
            });
        }
        cards
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> PortalAbilities {
        PortalAbilities {
            forms: true,
            payments: true,
            insurance: true,
            add_payers: true,
            messages: true,
            scheduling: true,
            within_24_hours: false,
            appointments: true,
        }
    }

    fn busy() -> Agenda {
        Agenda {
            open_forms: 2,
            unread_messages: 1,
            next_appointment: Some(NextAppointment {
                when: "Mon 7 Dec 2026, 15:30–17:30 CST".into(),
                staff_name: "Taylor Brooks".into(),
                requested: false,
            }),
            amount_due_cents: 12_500,
        }
    }

    #[test]
    fn cards_come_most_pressing_first_with_their_actions() {
        let cards = busy().cards(&all());
        let summary: Vec<_> = cards
            .iter()
            .map(|c| (c.title.as_str(), c.action, c.tab))
            .collect();
        assert_eq!(
            summary,
            [
                ("2 forms to fill in", "Fill in forms", "forms"),
                ("1 unread message", "Read messages", "messages"),
                ("$125.00 due", "Pay now", "payments"),
                ("Next appointment", "See appointments", "appointments"),
            ]
        );
        assert_eq!(
            cards[3].detail,
            "Mon 7 Dec 2026, 15:30–17:30 CST with Taylor Brooks."
        );
    }

    #[test]
    fn a_part_the_login_may_not_use_has_no_card_whatever_the_counts() {
        let abilities = PortalAbilities {
            forms: false,
            payments: false,
            messages: false,
            appointments: false,
            ..all()
        };
        assert!(busy().cards(&abilities).is_empty());
    }

    #[test]
    fn nothing_to_do_leaves_only_the_appointment_card_offering_a_request() {
        let cards = Agenda::default().cards(&all());
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].title, "No upcoming appointment");
        assert_eq!(cards[0].action, "Request an appointment");
        let without_scheduling = PortalAbilities {
            scheduling: false,
            ..all()
        };
        assert_eq!(
            Agenda::default().cards(&without_scheduling)[0].action,
            "See appointments"
        );
    }

    #[test]
    fn a_request_says_it_waits_for_the_practice() {
        let mut agenda = busy();
        agenda.next_appointment.as_mut().unwrap().requested = true;
        let card = agenda.cards(&all()).pop().unwrap();
        assert_eq!(card.title, "Requested appointment");
        assert!(card
            .detail
            .ends_with("waiting for the practice to confirm."));
    }
}
