//! Icons as inline SVG (never emoji, which some systems draw as empty boxes). Each is decorative
//! beside its visible label (`aria-hidden`), drawn in the text's colour and scaled with its size.

use leptos::prelude::*;

use crate::domain::agenda::CardKind;

/// One icon, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Calendar,
    Envelope,
    Form,
    Card,
    /// A recurring series.
    Repeat,
}

impl Icon {
    /// The icon of a to-do card on the portal home.
    pub fn of_card(kind: CardKind) -> Icon {
        match kind {
            CardKind::Forms => Icon::Form,
            CardKind::Messages => Icon::Envelope,
            CardKind::Appointment => Icon::Calendar,
            CardKind::Payment => Icon::Card,
        }
    }

    /// The SVG path data, on a 24 × 24 grid, stroked.
    fn path(self) -> &'static str {
        match self {
            Icon::Calendar => "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5",
            Icon::Envelope => "M3 6h18v12H3zM3 7l9 6 9-6",
            Icon::Form => "M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7",
            Icon::Card => "M3 6h18v12H3zM3 10h18M7 15h4",
            Icon::Repeat => {
                "M17 2l3 3-3 3M4 11V9a4 4 0 0 1 4-4h12M7 22l-3-3 3-3M20 13v2a4 4 0 0 1-4 4H4"
            }
        }
    }
}

/// An inline SVG icon beside a visible label.
#[component]
pub fn SvgIcon(icon: Icon) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d=icon.path()/>
        </svg>
    }
}
