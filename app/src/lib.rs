//! Hälsolots: everything the server and the browser share — the app and its routes, pages,
//! components, wire types and server functions. Server-only code lives in `ssr`, gated once.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod models;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod status;

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use models::boot::Boot;
use models::staff::Section;
use pages::public::{
    accessibility::AccessibilityPage,
    contact_form::{FriendPage, ProfessionalPage, SelfReferralPage},
    home::HomePage,
    not_found::NotFound,
    privacy::PrivacyPage,
    receipt::ReceiptPage,
};
use pages::staff::{
    admin_log::AdminLogPage, admin_member::AdminMemberPage, admin_settings::AdminSettingsPage,
    admin_staff::AdminStaffPage, case::CasePage, caseload::CaseloadPage,
    change_password::ChangePasswordPage, home::StaffHome, inbox::InboxPage, login::LoginPage,
    login_code::LoginCodePage, request::RequestPage, section::SectionPage,
    two_factor::TwoFactorPage, week::WeekPage,
};

/// The application: language and boot data, then the routes. It is rendered on the server only:
/// the browser hydrates just the islands (the public forms), so a phone never downloads the staff
/// workspace's code.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The shell provides `Boot`; only while the route list is generated are defaults used.
    let boot = use_context::<Boot>().unwrap_or_else(Boot::from_document);
    provide_context(boot.lang);
    provide_context(boot);

    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("kontakt") view=SelfReferralPage/>
                    <Route path=path!("kontakt/for-nagon-annan") view=FriendPage/>
                    <Route path=path!("remiss") view=ProfessionalPage/>
                    // Async: the whole receipt is rendered before sending, so it works without JS.
                    <Route path=path!("kvitto/:code") view=ReceiptPage ssr=SsrMode::Async/>
                    <Route path=path!("integritet") view=PrivacyPage/>
                    <Route path=path!("tillganglighet") view=AccessibilityPage/>
                    // The staff workspace. Async: a page is sent once its data is read (and the
                    // caller checked), so status codes are right and it works without the wasm.
                    <Route path=path!("lots/logga-in") view=LoginPage/>
                    <Route path=path!("lots/logga-in/kod") view=LoginCodePage/>
                    <Route path=path!("lots") view=StaffHome ssr=SsrMode::Async/>
                    <Route path=path!("lots/inkorg") view=InboxPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/inkorg/:id") view=RequestPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/deltagare") view=CaseloadPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/deltagare/:id") view=CasePage ssr=SsrMode::Async/>
                    <Route path=path!("lots/vecka") view=WeekPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/aktiviteter") view=|| view! { <SectionPage section=Section::Activities/> } ssr=SsrMode::Async/>
                    <Route path=path!("lots/rapporter") view=|| view! { <SectionPage section=Section::Reports/> } ssr=SsrMode::Async/>
                    <Route path=path!("lots/byt-losenord") view=ChangePasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/tvastegs") view=TwoFactorPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/admin") view=AdminStaffPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/admin/personal/:id") view=AdminMemberPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/admin/installningar") view=AdminSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("lots/admin/logg") view=AdminLogPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
