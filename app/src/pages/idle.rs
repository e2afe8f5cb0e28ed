//! The idle logoff in the browser: two minutes before the session's idle timeout a dialog
//! offers "Stay signed in"; when nobody answers, the page ends the session and replaces itself
//! with the sign-in page, so an unattended tab shows nothing of a client. The server's timer
//! moves only with a person's own requests, so the page asks the server (without moving it)
//! before warning and before signing out: another tab's activity keeps this one open too.

use leptos::prelude::*;

/// How long before the idle logoff the dialog appears: two minutes, or a quarter of a shorter
/// timeout.
pub fn warning_lead(idle_seconds: u32) -> u32 {
    120.min(idle_seconds / 4)
}

/// Minutes and seconds, as the countdown shows them ("1:05").
pub fn countdown_text(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// Watches the session of a page with the router and shows the "Stay signed in" dialog; each
/// navigation is the person's own request, so it restarts the count.
#[component]
pub fn IdleGuard(idle_seconds: u32) -> impl IntoView {
    let path = leptos_router::hooks::use_location().pathname;
    view! { <IdleDialog idle_seconds path=Some(path)/> }
}

/// The "Stay signed in" dialog and its timer. `path` is the router's current address, on a page
/// that navigates without loading (none on an islands page, where every link loads a page).
#[component]
pub fn IdleDialog(idle_seconds: u32, path: Option<Memo<String>>) -> impl IntoView {
    let countdown = RwSignal::new(None::<u32>);
    let stay = NodeRef::<leptos::html::Button>::new();
    #[cfg(feature = "hydrate")]
    let (on_stay, on_leave) = client::watch(idle_seconds, countdown, stay, path);
    #[cfg(not(feature = "hydrate"))]
    let (on_stay, on_leave) = {
        let _ = (idle_seconds, path);
        (|| (), || ())
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            on_stay();
        }
    };
    view! {
        <Show when=move || countdown.get().is_some()>
            <div class="dialog-backdrop">
                <div
                    class="dialog"
                    role="alertdialog"
                    aria-modal="true"
                    aria-labelledby="idle-title"
                    aria-describedby="idle-text"
                    on:keydown=on_key
                >
                    <h2 id="idle-title">"Are you still there?"</h2>
                    <p id="idle-text">
                        "For privacy, you will be signed out in "
                        <strong class="idle-countdown">{move || countdown.get().map(countdown_text)}</strong>
                        "."
                    </p>
                    <div class="button-row">
                        <button type="button" node_ref=stay on:click=move |_| on_stay()>"Stay signed in"</button>
                        <button type="button" class="secondary" on:click=move |_| on_leave()>"Sign out now"</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod client {
    use leptos::prelude::*;
    use leptos::task::spawn_local;

    use super::warning_lead;
    use crate::api::auth::{idle_sign_out, session_left, stay_signed_in};

    /// What the page knows of its session.
    #[derive(Clone, Copy)]
    struct Watch {
        /// When the session ends, in milliseconds since the epoch, as last learned.
        deadline: StoredValue<f64>,
        /// A question to the server is under way.
        asking: StoredValue<bool>,
        countdown: RwSignal<Option<u32>>,
        lead: u32,
    }

    impl Watch {
        fn learn(self, seconds: u32) {
            self.deadline
                .set_value(js_sys::Date::now() + f64::from(seconds) * 1000.0);
        }

        fn left(self) -> f64 {
            (self.deadline.get_value() - js_sys::Date::now()) / 1000.0
        }

        /// Once a second: warn when the end is near, and sign out when it has come, each time
        /// after asking the server, whose timer other tabs may have moved.
        fn tick(self) {
            let left = self.left();
            if self.asking.get_value() {
                return;
            }
            if left <= 0.0
                || (left <= f64::from(self.lead) && self.countdown.get_untracked().is_none())
            {
                self.asking.set_value(true);
                spawn_local(async move {
                    let answer = session_left().await;
                    self.asking.set_value(false);
                    match answer {
                        Ok(Some(s)) if s > 1 => {
                            self.learn(s);
                            let show = s <= self.lead;
                            self.countdown.set(show.then_some(s));
                        }
                        Ok(_) => leave(),
                        // Unreachable server: warn from what the page knows, and leave at the end.
                        Err(_) if left <= 0.0 => leave(),
                        Err(_) => self.countdown.set(Some(left.ceil() as u32)),
                    }
                });
            } else if self.countdown.get_untracked().is_some() {
                self.countdown.set(Some(left.ceil().max(0.0) as u32));
            }
        }
    }

    /// Ends the session and shows the sign-in page in place of this one.
    fn leave() {
        spawn_local(async {
            let _ = idle_sign_out().await;
            let _ = window().location().replace("/sign-in?idle=1");
        });
    }

    /// Starts watching; returns what "Stay signed in" and "Sign out now" do.
    pub fn watch(
        idle_seconds: u32,
        countdown: RwSignal<Option<u32>>,
        stay: NodeRef<leptos::html::Button>,
        path: Option<Memo<String>>,
    ) -> (impl Fn() + Copy + 'static, impl Fn() + Copy + 'static) {
        let watch = Watch {
            deadline: StoredValue::new(0.0),
            asking: StoredValue::new(false),
            countdown,
            lead: warning_lead(idle_seconds),
        };
        // The page load was the person's own request: the whole timeout lies ahead.
        watch.learn(idle_seconds);
        // So does each navigation (its data requests are the person's too).
        if let Some(path) = path {
            Effect::new(move |previous: Option<String>| {
                let path = path.get();
                if previous.is_some_and(|p| p != path) {
                    watch.learn(idle_seconds);
                }
                path
            });
        }
        Effect::new(move |_| {
            if countdown.get().is_some() {
                if let Some(button) = stay.get() {
                    let _ = button.focus();
                }
            }
        });
        if let Ok(handle) =
            set_interval_with_handle(move || watch.tick(), std::time::Duration::from_secs(1))
        {
            on_cleanup(move || handle.clear());
        }
        let on_stay = move || {
            spawn_local(async move {
                match stay_signed_in().await {
                    Ok(Some(s)) => {
                        watch.learn(s);
                        countdown.set(None);
                    }
                    Ok(None) => leave(),
                    Err(_) => {}
                }
            });
        };
        (on_stay, leave)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_comes_two_minutes_ahead_or_at_a_quarter_of_a_short_timeout() {
        assert_eq!(warning_lead(30 * 60), 120);
        assert_eq!(warning_lead(8 * 60), 120);
        assert_eq!(warning_lead(24), 6);
    }

    #[test]
    fn the_countdown_reads_minutes_and_seconds() {
        assert_eq!(countdown_text(120), "2:00");
        assert_eq!(countdown_text(65), "1:05");
        assert_eq!(countdown_text(9), "0:09");
    }
}
