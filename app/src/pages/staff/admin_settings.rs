//! `/lots/admin/installningar`: the team's public contact details and first-contact promise.
use super::admin_staff::AdminNav;
use super::shell::page_with;
use crate::api::staff::get_team_settings;
use crate::components::staff_form::{StaffErrors, StaffField};
use crate::i18n::{t, K};
use crate::models::staff::field;
use crate::models::staff::Permission;
use crate::models::team::PERSONNUMMER_ALLOWED;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    {
        let saved = use_query_map().read_untracked().get("sparat").is_some();
        page_with(
            |m| m.role.can(Permission::ManageTeam),
            || (),
            |_| get_team_settings(),
            move |_, s| {
                view! {
                            <Title text=t(K::admin_settings_title)/>
                            <h1>{t(K::admin_settings_title)}</h1>
                            <AdminNav/>
                            {saved.then(|| view! { <p class="notice" role="status">{t(K::admin_saved)}</p> })}
                            <p>{t(K::admin_settings_intro)}</p>
                            <StaffErrors/>
                            <form method="post" action="/lots/admin/installningar" novalidate=true class="narrow">
                                <StaffField name=field::TEAM_NAME label=K::admin_team_name value=s.name/>
                                <StaffField name=field::MUNICIPALITY label=K::admin_municipality value=s.municipality/>
                                <StaffField name=field::PHONE label=K::admin_phone kind="tel" value=s.phone/>
                                <StaffField name=field::EMAIL label=K::admin_team_email kind="email" value=s.email/>
                                <StaffField name=field::DAYS label=K::admin_days hint=K::admin_days_hint kind="number" value=s.first_contact_days.to_string()/>
                                <StaffField name=crate::models::team::ERASE_DAYS label=K::admin_erase_days hint=K::admin_erase_days_hint kind="number" value=s.friend_erase_days.to_string()/>
                                <div class="field">
                                    <div class="choice">
                                        <input type="checkbox" id="s-require_two_factor" name=field::REQUIRE_TWO_FACTOR value="yes" checked=s.require_two_factor/>
                                        <label for="s-require_two_factor">{t(K::admin_require_two_factor)}</label>
                                    </div>
                                    <p class="hint">{t(K::admin_require_two_factor_hint)}</p>
                                </div>
                                <div class="field">
                                    <div class="choice">
                                        <input type="checkbox" id="s-personnummer_allowed" name=PERSONNUMMER_ALLOWED value="yes"
                                            checked=s.personnummer_allowed aria-describedby="s-personnummer_allowed-hint"/>
                                        <label for="s-personnummer_allowed">{t(K::admin_personnummer)}</label>
                                    </div>
                                    <p class="hint" id="s-personnummer_allowed-hint">{t(K::admin_personnummer_hint)}</p>
                                </div>
                                <button class="button" type="submit">{t(K::admin_save)}</button>
                            </form>
                        }.into_any()
            },
        )
    }
}
