//! The workspace frame around every page under `/lots`: who is signed in, the navigation their
//! role allows, and logout — or, instead of the page, the login form (status 401) or the step that
//! comes first (a new password, the team's required two-factor login).
//!
//! Each page loads who is signed in together with its own data, in one resource at the page's top
//! level, read in one `<Suspense>`: no resource is created inside another `<Suspense>`'s content
//! and none is read twice (both can keep a server render from finishing: leptos-rs/leptos #4866,
//! #4851), and a page needs one round of loading, not two.
use super::login::LoginForm;
use super::password_form::ChangePasswordForm;
use crate::api::staff::current_staff;
use crate::components::staff_form::refusal;
use crate::error::AppError;
use crate::i18n::{fill_count, t, use_lang, K};
use crate::models::staff::{Me, Section};
use crate::status::set_status;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use serde::{de::DeserializeOwned, Serialize};

/// The pages that are themselves the step a member must take first.
pub const PASSWORD_PAGE: &str = "/lots/byt-losenord";
pub const TWO_FACTOR_PAGE: &str = "/lots/tvastegs";

/// A page that needs only who is signed in. `allowed` says whether their role may see it.
pub fn page(
    allowed: impl Fn(&Me) -> bool + Clone + Send + Sync + 'static,
    content: impl Fn(Me) -> AnyView + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let me = Resource::new(|| (), |_| current_staff());
    let path = use_location().pathname.get_untracked();
    view! {
        <Suspense fallback=|| view! { <p>{t(K::loading)}</p> }>
            {move || {
                let (allowed, content, path) = (allowed.clone(), content.clone(), path.clone());
                Suspend::new(async move { frame(me.await, &path, allowed, content) })
            }}
        </Suspense>
    }
}

/// A page with data of its own: `fetch` loads it for the value of `source` (a route parameter, a
/// filter), in the same resource as who is signed in.
pub fn page_with<S, T, Fut>(
    allowed: impl Fn(&Me) -> bool + Clone + Send + Sync + 'static,
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Clone + Send + Sync + 'static,
    content: impl Fn(Me, T) -> AnyView + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let both = Resource::new(source, move |s| {
        let fetch = fetch.clone();
        async move { (current_staff().await, fetch(s).await) }
    });
    let path = use_location().pathname.get_untracked();
    view! {
        <Suspense fallback=|| view! { <p>{t(K::loading)}</p> }>
            {move || {
                let (allowed, content, path) = (allowed.clone(), content.clone(), path.clone());
                Suspend::new(async move {
                    let (me, data) = both.await;
                    frame(me, &path, allowed, move |m| match data {
                        Ok(d) => content(m, d),
                        Err(e) => refusal(e),
                    })
                })
            }}
        </Suspense>
    }
}

fn frame(
    me: Result<Me, AppError>,
    path: &str,
    allowed: impl Fn(&Me) -> bool,
    content: impl FnOnce(Me) -> AnyView,
) -> AnyView {
    match me {
        Err(AppError::Unauthorized) => {
            set_status(401);
            gate(view! { <LoginForm next=path.to_string()/> }.into_any())
        }
        Err(e) => gate(refusal(e)),
        Ok(m) if m.must_change_password && path == PASSWORD_PAGE => gate(content(m)),
        Ok(m) if m.must_change_password => {
            gate(view! { <ChangePasswordForm forced=true/> }.into_any())
        }
        Ok(m) if m.needs_two_factor && path == TWO_FACTOR_PAGE => {
            gate(view! { {content(m)} <LogoutButton/> }.into_any())
        }
        Ok(m) if m.needs_two_factor => gate(
            view! {
                <h1>{t(K::tf_title)}</h1>
                <p>{t(K::tf_required)}</p>
                <p><a class="button" href=TWO_FACTOR_PAGE>{t(K::tf_set_up)}</a></p>
                <LogoutButton/>
            }
            .into_any(),
        ),
        Ok(m) => {
            let body = if allowed(&m) {
                content(m.clone())
            } else {
                refusal(AppError::Forbidden)
            };
            view! {
                <div class="workspace">
                    <StaffNav me=m/>
                    <div class="workspace-main">{body}</div>
                </div>
            }
            .into_any()
        }
    }
}

/// What takes the page's place, without the navigation.
fn gate(content: AnyView) -> AnyView {
    view! { <div class="gate">{content}</div> }.into_any()
}

#[component]
fn LogoutButton() -> impl IntoView {
    view! {
        <form method="post" action="/lots/logga-ut">
            <button class="button-secondary" type="submit">{t(K::nav_logout)}</button>
        </form>
    }
}

#[component]
fn StaffNav(me: Me) -> impl IntoView {
    let role = me.role;
    let lang = use_lang();
    // The inbox's link says how many requests are new: "Inkorg 3 nya".
    let count = move |s: Section| match (s, me.inbox_new) {
        (Section::Inbox, Some(n)) if n > 0 => Some(view! {
            " "<span class="nav-count">{fill_count(lang, K::nav_inbox_new, n, &[])}</span>
        }),
        _ => None,
    };
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
                    .map(move |s| view! { <li><A href=s.path()>{t(s.label())}{count(s)}</A></li> })
                    .collect_view()}
                <li><A href=PASSWORD_PAGE>{t(K::nav_password)}</A></li>
                <li><A href=TWO_FACTOR_PAGE>{t(K::nav_two_factor)}</A></li>
            </ul>
            <LogoutButton/>
        </nav>
    }
}
