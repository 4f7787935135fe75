//! `/lots/admin`: the team's staff accounts, and the form to add one.
use super::shell::page_with;
use crate::api::staff::list_staff;
use crate::components::staff_form::{use_echo, SecretNotice, StaffErrors, StaffField};
use crate::i18n::{t, K};
use crate::models::staff::Permission;
use crate::models::staff::{field, Role};
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
    page_with(
        |m| m.role.can(Permission::ManageStaff),
        || (),
        |_| list_staff(),
        move |_, rows| {
            view! {
                        <Title text=t(K::admin_staff_title)/>
                        <h1>{t(K::admin_staff_title)}</h1>
                        <AdminNav/>
                        <SecretNotice/>
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
                        <h2 id="add">{t(K::admin_add_title)}</h2>
                        <p>{t(K::admin_add_intro)}</p>
                        <StaffErrors/>
                        <form method="post" action="/lots/admin" novalidate=true class="narrow">
                            <StaffField name=field::NAME label=K::admin_name autocomplete="off"/>
                            <StaffField name=field::EMAIL label=K::admin_email kind="email"/>
                            <RoleSelect selected=Some(Role::Navigator)/>
                            <button class="button" type="submit">{t(K::admin_add_submit)}</button>
                        </form>
                    }.into_any()
        },
    )
}
