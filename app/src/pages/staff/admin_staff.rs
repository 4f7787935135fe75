//! `/lots/admin`: the team's staff accounts, and the form to add one.
use super::shell::with_section;
use crate::api::staff::list_staff;
use crate::components::staff_form::{refusal, use_echo, SecretNotice, StaffErrors, StaffField};
use crate::i18n::{t, K};
use crate::models::staff::{field, Role, Section};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Links between the admin pages.
#[component]
pub fn AdminNav() -> impl IntoView {
    view! {
        <nav class="sub-nav" aria-label=t(K::nav_admin)>
            <ul>
                <li><A href="/lots/admin" exact=true>{t(K::admin_staff_title)}</A></li>
                <li><A href="/lots/admin/installningar">{t(K::admin_settings_title)}</A></li>
                <li><A href="/lots/admin/logg">{t(K::admin_log_title)}</A></li>
            </ul>
        </nav>
    }
}

/// A role choice; `selected` is preselected.
#[component]
pub fn RoleSelect(selected: Option<Role>) -> impl IntoView {
    let echo = use_echo();
    let typed = Role::parse(echo.values.get(field::ROLE));
    let selected = typed.or(selected);
    let error = echo.errors.get(field::ROLE);
    view! {
        <div class="field" class:field-error=error.is_some()>
            <label class="label" for="s-role">{t(K::admin_role)}</label>
            {error.map(|k| view! {
                <p class="error-message" id="s-role-error"><span class="error-prefix">{t(K::err_prefix)}</span>" "{t(k)}</p>
            })}
            <select class="input" id="s-role" name=field::ROLE aria-describedby=error.map(|_| "s-role-error")>
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=Some(r) == selected>{t(r.label())}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn AdminStaffPage() -> impl IntoView {
    with_section(Section::Admin, || {
        let staff = Resource::new(|| (), |_| list_staff());
        view! {
            <Title text=t(K::admin_staff_title)/>
            <h1>{t(K::admin_staff_title)}</h1>
            <AdminNav/>
            <SecretNotice/>
            <Suspense fallback=|| view! { <p>{t(K::loading)}</p> }>
                {move || Suspend::new(async move {
                    match staff.await {
                        Err(e) => refusal(e),
                        Ok(rows) => view! {
                            <table class="table">
                                <caption class="visually-hidden">{t(K::admin_staff_title)}</caption>
                                <thead><tr>
                                    <th scope="col">{t(K::admin_name)}</th>
                                    <th scope="col">{t(K::admin_email)}</th>
                                    <th scope="col">{t(K::admin_role)}</th>
                                    <th scope="col">{t(K::admin_status)}</th>
                                    <th scope="col">{t(K::admin_created)}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td><A href=format!("/lots/admin/personal/{}", r.id)>{r.name}</A></td>
                                            <td dir="ltr">{r.email}</td>
                                            <td>{t(r.role.label())}</td>
                                            <td><span class="badge">{t(if r.active { K::admin_active } else { K::admin_inactive })}</span></td>
                                            <td class="nowrap">{r.created}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <h2 id="add">{t(K::admin_add_title)}</h2>
            <p>{t(K::admin_add_intro)}</p>
            <StaffErrors/>
            <form method="post" action="/lots/admin" novalidate=true class="narrow">
                <StaffField name=field::NAME label=K::admin_name autocomplete="off"/>
                <StaffField name=field::EMAIL label=K::admin_email kind="email"/>
                <RoleSelect selected=Some(Role::Navigator)/>
                <button class="button" type="submit">{t(K::admin_add_submit)}</button>
            </form>
        }
    })
}
