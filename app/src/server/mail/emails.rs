//! Every email Client Portal sends, one function each, in one place so that "no health
//! information in emails" can be reviewed here. An email carries a greeting, the practice's
//! name and a link into the portal; never a form, a service, a diagnosis, message text or any
//! client name beyond the greeting. Each function's test checks that.

use super::Email;

/// An email's subject and body, before it is addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

impl Letter {
    /// Addresses the letter to `to`, for the outbox of `organization_id`.
    pub fn to(self, organization_id: i32, to: &str) -> Email {
        Email {
            organization_id: Some(organization_id),
            to: to.to_owned(),
            subject: self.subject,
            body: self.body,
            attachment: None,
        }
    }
}

/// The portal invitation: a greeting, the practice and the single-use link.
pub fn invitation(name: &str, practice: &str, link: &str) -> Letter {
    Letter {
        subject: format!("{practice} invites you to its client portal"),
        body: format!(
            "Hello {name},\n\n{practice} has invited you to its client portal.\n\n\
             Choose your password here (the link works once and expires in 72 hours):\n{link}\n\n\
             If you did not expect this email, you can ignore it.\n"
        ),
    }
}

/// A staff member's invitation: the practice and the single-use link to choose a password.
pub fn staff_invitation(name: &str, practice: &str, link: &str) -> Letter {
    Letter {
        subject: format!("Join {practice} on Client Portal"),
        body: format!(
            "Hello {name},\n\n{practice} has added you to its staff on Client Portal.\n\n\
             Choose your password here (the link works once and expires in 72 hours):\n{link}\n\n\
             If you did not expect this email, you can ignore it.\n"
        ),
    }
}

/// The password reset link.
pub fn password_reset(name: &str, practice: &str, link: &str) -> Letter {
    Letter {
        subject: format!("Reset your {practice} portal password"),
        body: format!(
            "Hello {name},\n\nSomeone asked to reset your password for {practice}.\n\n\
             Choose a new password here (the link works once and expires in 2 hours):\n{link}\n\n\
             If it was not you, ignore this email: your password stays as it is.\n"
        ),
    }
}

/// Sign-ins to the account are locked after failed passwords: a link that lets the owner's own
/// browser sign in again.
pub fn unlock(name: &str, practice: &str, link: &str) -> Letter {
    Letter {
        subject: format!("Sign-ins to your {practice} portal account are paused"),
        body: format!(
            "Hello {name},\n\nSeveral wrong passwords were tried for your {practice} account, so \
             sign-ins are paused for a few minutes.\n\n\
             If you want to sign in now, open this link on the device you use (it works once and \
             expires in 1 hour), then sign in with your password:\n{link}\n\n\
             If it was not you, you need do nothing: your password was not accepted. Consider \
             choosing a new one from the sign-in page.\n"
        ),
    }
}

/// Forms to fill in (no form names), first sent or a reminder.
pub fn forms_to_complete(name: &str, practice: &str, link: &str, reminder: bool) -> Letter {
    let (subject, lead) = if reminder {
        (
            format!("Reminder: forms from {practice}"),
            "This is a reminder that forms are waiting for you",
        )
    } else {
        (
            format!("{practice} sent you forms to complete"),
            "You have forms to complete",
        )
    };
    Letter {
        subject,
        body: format!(
            "Hello {name},\n\n{lead} in the {practice} client portal.\n\nOpen them here (sign-in required):\n{link}\n"
        ),
    }
}

/// An appointment request has an answer (which one is said only in the portal).
pub fn appointment_answered(practice: &str, link: &str) -> Letter {
    Letter {
        subject: format!("{practice} answered your appointment request"),
        body: format!(
            "Hello,\n\n{practice} has answered your appointment request. See the answer in the client portal (sign-in required):\n{link}\n"
        ),
    }
}

/// Staff changed or cancelled an appointment: the practice and a portal link only (never the
/// service, the time, the therapist or the reason).
pub fn appointment_changed(practice: &str, link: &str) -> Letter {
    Letter {
        subject: format!("{practice} changed an appointment"),
        body: format!(
            "Hello,\n\n{practice} has changed or cancelled one of your appointments. See the details in the client portal (sign-in required):\n{link}\n"
        ),
    }
}

/// An appointment's reminder: only the practice, the local date and time, and the portal link
/// (no therapist, service, place or video link; the attached .ics has the place when the
/// practice shows addresses).
pub fn appointment_reminder(practice: &str, when: &str, link: &str) -> Letter {
    Letter {
        subject: format!("Reminder: appointment with {practice} on {when}"),
        body: format!(
            "Hello,\n\nThis is a reminder of your appointment with {practice} on {when}.\n\n\
             The details are in the client portal (sign-in required):\n{link}\n\n\
             You can turn these reminders off on your Account page in the portal.\n"
        ),
    }
}

/// Time freed up that suits a waitlisted client: the practice, the local date and time, and a
/// portal link that opens the request form on that slot (no therapist, service or client).
pub fn waitlist_offer(practice: &str, when: &str, link: &str) -> Letter {
    Letter {
        subject: format!("{practice}: a time opened up on {when}"),
        body: format!(
            "Hello,\n\nA time you are waiting for opened up with {practice}: {when}.\n\n\
             The first request gets it. Request it in the client portal (sign-in required):\n\
             {link}\n\n\
             You can leave the waitlist on the Appointments page in the portal.\n"
        ),
    }
}

/// A secure message waits unread (never its text, its sender or the client).
pub fn new_message(link: &str) -> Letter {
    Letter {
        subject: "You have a new secure message".into(),
        body: format!(
            "Hello,\n\nYou have a new secure message in the client portal. Sign in to read it:\n{link}\n\nFor your privacy, this email does not include the message.\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRACTICE: &str = "Bright Path ABA";
    const LINK: &str = "http://x/portal/clients/3/forms";
    /// What an email must never carry: the other names of the client's record, form and
    /// service names, diagnoses, and message text.
    const PRIVATE: [&str; 8] = [
        "Jordan",
        "Lee",
        "Intake questionnaire",
        "Speech therapy",
        "ABA session",
        "F84.0",
        "autism",
        "results look good",
    ];

    /// `letter` greets `greeting`, names the practice, carries the link and nothing private.
    fn check(letter: &Letter, greeting: &str, link: &str) {
        let text = format!("{}\n{}", letter.subject, letter.body);
        assert!(
            letter.body.starts_with(&format!("Hello{greeting},")),
            "{text}"
        );
        assert!(text.contains(link), "{text}");
        let after_greeting = text.replacen(greeting, "", 1);
        for private in PRIVATE {
            assert!(!after_greeting.contains(private), "{private} in:\n{text}");
        }
    }

    #[test]
    fn invitation_greets_and_links_only() {
        let letter = invitation("Alex Morgan", PRACTICE, LINK);
        check(&letter, " Alex Morgan", LINK);
        assert!(letter.subject.contains(PRACTICE));
    }

    #[test]
    fn staff_invitation_greets_and_links_only() {
        let letter = staff_invitation("Sam Rivera", PRACTICE, LINK);
        check(&letter, " Sam Rivera", LINK);
        assert!(letter.subject.contains(PRACTICE));
        assert!(letter.body.contains("72 hours"));
    }

    #[test]
    fn password_reset_greets_and_links_only() {
        check(
            &password_reset("Alex Morgan", PRACTICE, LINK),
            " Alex Morgan",
            LINK,
        );
    }

    #[test]
    fn forms_to_complete_name_no_form() {
        let first = forms_to_complete("Alex Morgan", PRACTICE, LINK, false);
        let reminder = forms_to_complete("Alex Morgan", PRACTICE, LINK, true);
        check(&first, " Alex Morgan", LINK);
        check(&reminder, " Alex Morgan", LINK);
        assert!(reminder.subject.starts_with("Reminder"));
        assert_ne!(first.subject, reminder.subject);
    }

    #[test]
    fn appointment_changed_names_only_the_practice() {
        let letter = appointment_changed(PRACTICE, LINK);
        check(&letter, "", LINK);
        assert!(letter.subject.contains(PRACTICE));
    }

    #[test]
    fn appointment_answered_says_neither_the_answer_nor_the_service() {
        let letter = appointment_answered(PRACTICE, LINK);
        check(&letter, "", LINK);
        for word in ["declined", "booked", "accepted"] {
            assert!(
                !letter.body.to_lowercase().contains(word),
                "{}",
                letter.body
            );
        }
    }

    #[test]
    fn a_reminder_says_when_and_where_to_look_and_nothing_else() {
        let when = "Tuesday, December 8 at 3:30 PM (CST)";
        let letter = appointment_reminder(PRACTICE, when, LINK);
        check(&letter, "", LINK);
        assert!(letter.subject.contains(PRACTICE) && letter.subject.contains(when));
        assert!(letter.body.contains(when));
        for word in ["Telehealth", "zoom", "meet", "Taylor"] {
            assert!(!letter.body.contains(word), "{word}: {}", letter.body);
        }
    }

    #[test]
    fn new_message_carries_no_message() {
        check(&new_message(LINK), "", LINK);
    }

    #[test]
    fn the_check_catches_a_leak() {
        let leaky = Letter {
            subject: "Forms".into(),
            body: format!("Hello Alex,\n\nJordan's Intake questionnaire: {LINK}\n"),
        };
        let caught = std::panic::catch_unwind(|| check(&leaky, " Alex", LINK));
        assert!(caught.is_err());
    }
}
