//! The workspace frame for every page under `/lots`: who is signed in, the navigation their role
//! allows, logout, and the page. Anonymous callers get the login form here (status 401), and a
//! temporary password must be changed before anything else.
use super::change_password::ChangePasswordForm;
use super::login::LoginForm;
use super::two_factor::TwoFactorPage;
use crate::api::staff::current_staff;
use crate::components::staff_form::refusal;
use crate::error::AppError;
use crate::i18n::{t, K};
use crate::models::staff::{Me, Section};
use crate::status::set_status;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

#[component]
pub fn StaffShell() -> impl IntoView {
    let resource = Resource::new(|| (), |_| current_staff());
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <p>{t(K::loading)}</p> }>
            {move || Suspend::new(async move {
                match resource.await {
                    Ok(m) if m.must_change_password => view! { <ChangePasswordForm forced=true/> }.into_any(),
                    Ok(m) if m.needs_two_factor => view! {
                        <TwoFactorPage/>
                        <form method="post" action="/lots/logga-ut" class="narrow">
                            <button class="button-secondary" type="submit">{t(K::nav_logout)}</button>
                        </form>
                    }.into_any(),
                    Ok(m) => {
                        // The pages inside read who is signed in from here (loaded once).
                        provide_context(m.clone());
                        view! {
                            <div class="workspace">
                                <StaffNav me=m/>
                                <div class="workspace-main"><Outlet/></div>
                            </div>
                        }.into_any()
                    }
                    Err(AppError::Unauthorized) => {
                        set_status(401);
                        view! { <LoginForm next=location.pathname.get_untracked()/> }.into_any()
                    }
                    Err(e) => refusal(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StaffNav(me: Me) -> impl IntoView {
    let role = me.role;
    view! {
        <nav class="staff-nav" aria-label=t(K::nav_workspace)>
            <p class="staff-who">
                <strong>{me.name.clone()}</strong><br/>
                {t(me.role.label())}", "{me.team_name.clone()}
            </p>
            <ul>
                <li><A href="/lots" exact=true>{t(K::nav_start)}</A></li>
                {Section::ALL
                    .into_iter()
                    .filter(move |s| role.can(s.permission()))
                    .map(|s| view! { <li><A href=s.path()>{t(s.label())}</A></li> })
                    .collect_view()}
                <li><A href="/lots/byt-losenord">{t(K::nav_password)}</A></li>
                <li><A href="/lots/tvastegs">{t(K::nav_two_factor)}</A></li>
            </ul>
            <form method="post" action="/lots/logga-ut">
                <button class="button-secondary" type="submit">{t(K::nav_logout)}</button>
            </form>
        </nav>
    }
}

/// For a page inside the shell: shows `page` when the signed-in member's role has the section's
/// permission, else "not allowed" (403). The page's own server functions check again.
pub fn with_section<V: IntoView + 'static>(section: Section, page: impl FnOnce() -> V) -> AnyView {
    match use_context::<Me>() {
        Some(m) if m.role.can(section.permission()) => page().into_any(),
        Some(_) => refusal(AppError::Forbidden),
        // Only inside the shell, which shows the login form instead.
        None => ().into_any(),
    }
}
