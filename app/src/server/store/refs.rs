//! Typed references to people and records, as they are stored in audit entries, message
//! senders and readers, and booking deciders: `staff:3`, `portal:7`, `client:5`. One type
//! writes them and reads them back, so no code builds or parses these strings by hand.

use std::fmt;
use std::str::FromStr;

/// A person or a record, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ref {
    Staff(i32),
    /// A portal login (a client's own, or a contact's).
    Portal(i32),
    Client(i32),
    Contact(i32),
    Booking(i32),
    /// A recurring series of appointments.
    Series(i32),
    Payment(i32),
    Payer(i32),
    Policy(i32),
    Message(i32),
    SentForm(i32),
    FormTemplate(i32),
}

impl Ref {
    fn parts(self) -> (&'static str, i32) {
        match self {
            Ref::Staff(id) => ("staff", id),
            Ref::Portal(id) => ("portal", id),
            Ref::Client(id) => ("client", id),
            Ref::Contact(id) => ("contact", id),
            Ref::Booking(id) => ("booking", id),
            Ref::Series(id) => ("series", id),
            Ref::Payment(id) => ("payment", id),
            Ref::Payer(id) => ("payer", id),
            Ref::Policy(id) => ("policy", id),
            Ref::Message(id) => ("message", id),
            Ref::SentForm(id) => ("sent_form", id),
            Ref::FormTemplate(id) => ("form_template", id),
        }
    }

    /// The id inside the reference.
    pub fn id(self) -> i32 {
        self.parts().1
    }

    /// One area of this record, e.g. `client:3:payments` for a denied portal ability.
    pub fn area(self, area: &str) -> String {
        format!("{self}:{area}")
    }

    /// This record and a second one it concerns, e.g. `client:3 policy:8`.
    pub fn and(self, other: Ref) -> String {
        format!("{self} {other}")
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, id) = self.parts();
        write!(f, "{kind}:{id}")
    }
}

/// A stored reference that is not of the form `kind:id` with a known kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRef(pub String);

impl FromStr for Ref {
    type Err = UnknownRef;

    fn from_str(s: &str) -> Result<Ref, UnknownRef> {
        let unknown = || UnknownRef(s.to_owned());
        let (kind, id) = s.split_once(':').ok_or_else(unknown)?;
        let id: i32 = id.parse().map_err(|_| unknown())?;
        Ok(match kind {
            "staff" => Ref::Staff(id),
            "portal" => Ref::Portal(id),
            "client" => Ref::Client(id),
            "contact" => Ref::Contact(id),
            "booking" => Ref::Booking(id),
            "series" => Ref::Series(id),
            "payment" => Ref::Payment(id),
            "payer" => Ref::Payer(id),
            "policy" => Ref::Policy(id),
            "message" => Ref::Message(id),
            "sent_form" => Ref::SentForm(id),
            "form_template" => Ref::FormTemplate(id),
            _ => return Err(unknown()),
        })
    }
}

impl From<Ref> for sea_orm::Value {
    fn from(r: Ref) -> sea_orm::Value {
        r.to_string().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_back_what_they_write() {
        for r in [
            Ref::Staff(3),
            Ref::Portal(7),
            Ref::Client(5),
            Ref::Contact(2),
            Ref::Booking(9),
            Ref::Series(4),
            Ref::Payment(1),
            Ref::Payer(4),
            Ref::Policy(8),
            Ref::Message(6),
            Ref::SentForm(11),
            Ref::FormTemplate(12),
        ] {
            assert_eq!(r.to_string().parse::<Ref>(), Ok(r));
        }
        assert_eq!(Ref::Staff(3).to_string(), "staff:3");
        assert_eq!(Ref::Client(3).area("payments"), "client:3:payments");
        assert_eq!(Ref::Client(3).and(Ref::Policy(8)), "client:3 policy:8");
    }

    #[test]
    fn unknown_references_are_errors_not_guesses() {
        for bad in ["", "client", "client:x", "robot:3", "client:3:payments"] {
            assert!(bad.parse::<Ref>().is_err(), "{bad}");
        }
    }
}
