//! `/lots/byt-losenord`: choose a new password (required after an admin's reset).
use super::password_form::ChangePasswordForm;
use super::shell::page;
use leptos::prelude::*;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    page(
        |_| true,
        |m| view! { <ChangePasswordForm forced=m.must_change_password/> }.into_any(),
    )
}
