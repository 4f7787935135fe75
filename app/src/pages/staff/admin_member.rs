//! `/lots/admin/personal/{id}`: one account — change role, deactivate or activate, reset password
//! or two-factor login, unlock its login after too many failures.
use super::admin_staff::{AdminNav, RoleSelect};
use super::shell::page_with;
use crate::api::staff::get_staff;
use crate::components::staff_form::{SecretNotice, StaffErrors};
use crate::i18n::{t, K};
use crate::models::ids::StaffId;
use crate::models::staff::field;
use crate::models::staff::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AdminMemberPage() -> impl IntoView {
    {
        let params = use_params_map();
        let saved = use_query_map().read_untracked().get("sparat").is_some();
        page_with(
            |m| m.role.can(Permission::ManageStaff),
            move || {
                params
                    .read()
                    .get("id")
                    .and_then(|s| s.parse::<StaffId>().ok())
            },
            |id| async move {
                match id {
                    Some(id) => get_staff(id).await,
                    None => Err(crate::error::AppError::NotFound),
                }
            },
            move |_, m| {
                let action = format!("/lots/admin/personal/{}", m.id);
                view! {
                                <AdminNav/>
                                <Title text=m.name.clone()/>
                                <h1>{m.name.clone()}</h1>
                                {saved.then(|| view! { <p class="notice" role="status">{t(K::admin_saved)}</p> })}
                                <SecretNotice/>
                                <StaffErrors/>
                                <dl class="facts">
                                    <dt>{t(K::admin_email)}</dt><dd dir="ltr">{m.email.clone()}</dd>
                                    <dt>{t(K::admin_role)}</dt><dd>{t(m.role.label())}</dd>
                                    <dt>{t(K::admin_status)}</dt>
                                    <dd>{t(if m.active { K::admin_active } else { K::admin_inactive })}</dd>
                                    <dt>{t(K::admin_created)}</dt><dd>{m.created.clone()}</dd>
                                    <dt>{t(K::nav_two_factor)}</dt>
                                    <dd>{t(if m.two_factor { K::tf_state_on } else { K::tf_state_off })}</dd>
                                </dl>
                                <h2>{t(K::admin_change_role)}</h2>
                                <form method="post" action=action.clone() class="narrow">
                                    <input type="hidden" name=field::ACTION value="role"/>
                                    <RoleSelect selected=Some(m.role)/>
                                    <button class="button" type="submit">{t(K::admin_save_role)}</button>
                                </form>
                                <h2>{t(K::admin_access)}</h2>
                                <form method="post" action=action.clone()>
                                    <input type="hidden" name=field::ACTION value=if m.active { "deactivate" } else { "activate" }/>
                                    <button class="button-secondary" type="submit">
                                        {t(if m.active { K::admin_deactivate } else { K::admin_activate })}
                                    </button>
                                </form>
                                <form method="post" action=action.clone()>
                                    <input type="hidden" name=field::ACTION value="reset"/>
                                    <button class="button-secondary" type="submit">{t(K::admin_reset)}</button>
                                </form>
                                {m.two_factor.then(|| view! {
                                    <form method="post" action=action.clone()>
                                        <input type="hidden" name=field::ACTION value="reset_two_factor"/>
                                        <button class="button-secondary" type="submit">{t(K::admin_reset_two_factor)}</button>
                                    </form>
                                })}
                                <p id="unlock-hint">{t(K::admin_unlock_hint)}</p>
                                <form method="post" action=action>
                                    <input type="hidden" name=field::ACTION value="unlock"/>
                                    <button class="button-secondary" type="submit" aria-describedby="unlock-hint">{t(K::admin_unlock)}</button>
                                </form>
                            }.into_any()
            },
        )
    }
}
