//! Fictional requests and accounts so a demo installation shows something. Names are invented; phone numbers
//! are from the range PTS reserves for fiction (070-17 406 05 … 070-17 406 99).
use app::models::contact::{parse, Channel};
use app::models::form::RawForm;
use app::models::staff::{NewStaff, Role};
use app::ssr::auth::password::temporary_password;
use app::ssr::infra::secret::Secret;
use app::ssr::repo::contact_requests::{client_fingerprint, insert_or_get};
use app::ssr::repo::entities::{contact_request, staff};
use app::ssr::services::staff::create_from_console;
use app::ssr::state::AppState;
use sea_orm::{EntityTrait, PaginatorTrait};

/// Adds the demo requests unless the team already has requests. Returns how many were added.
pub async fn load(state: &AppState) -> Result<usize, Box<dyn std::error::Error>> {
    if contact_request::Entity::find().count(&state.db).await? > 0 {
        return Ok(0);
    }
    let samples: [(Channel, &[(&str, &str)]); 3] = [
        (
            Channel::SelfReferral,
            &[
                ("name", "Greta"),
                ("phone", "070-174 06 05"),
                ("call_time", "morning"),
                ("interests", "culture"),
                ("interests", "outdoors"),
                ("help", "Jag har flyttat hit och känner ingen."),
                ("consent", "yes"),
            ],
        ),
        (
            Channel::Friend,
            &[
                ("name", "Sven"),
                ("email", "sven@exempel.se"),
                ("relation", "neighbour"),
                ("person_name", "Ingrid"),
                ("person_phone", "070-174 06 06"),
                ("person_agrees", "yes"),
                ("consent", "yes"),
            ],
        ),
        (
            Channel::Professional,
            &[
                ("name", "Karin Ek"),
                ("organisation", "Exempelby vårdcentral"),
                ("phone", "070-174 06 07"),
                ("person_name", "Olle"),
                ("person_phone", "070-174 06 08"),
                ("reasons", "loneliness"),
                ("reasons", "life_change"),
                ("person_consented", "yes"),
                ("feedback", "yes"),
            ],
        ),
    ];
    let txn = app::ssr::infra::db::write_txn(&state.db).await?;
    for (i, (channel, pairs)) in samples.iter().enumerate() {
        let form = RawForm::from_pairs(pairs);
        let request =
            parse(*channel, &form).map_err(|e| format!("demo sample {i} is invalid: {e:?}"))?;
        insert_or_get(
            &txn,
            state.team_id.0,
            &format!("demo-sample-{i}-0000000"),
            &request,
            &client_fingerprint(&state.keys, std::net::Ipv4Addr::LOCALHOST.into()),
            state.clock.now(),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(samples.len())
}

/// A demo account and the password it was given.
pub struct DemoAccount {
    pub email: &'static str,
    pub role: Role,
    pub password: Secret<String>,
}

/// Adds one demo account per role unless the installation already has staff. Each gets a fresh
/// random password; the caller prints them (to the console, never to the log).
pub async fn accounts(state: &AppState) -> Result<Vec<DemoAccount>, Box<dyn std::error::Error>> {
    if staff::Entity::find().count(&state.db).await? > 0 {
        return Ok(Vec::new());
    }
    let people = [
        ("admin@exempel.se", "Anna Admin", Role::Admin),
        ("lots@exempel.se", "Lars Lots", Role::Navigator),
        ("analys@exempel.se", "Asta Analys", Role::Analyst),
    ];
    let mut out = Vec::new();
    for (email, name, role) in people {
        let password = temporary_password()?;
        let new = NewStaff {
            name: name.into(),
            email: email.into(),
            role,
        };
        let (db, passwords) = (&state.db, &state.passwords);
        create_from_console(db, passwords, state.team_id, new, password.clone())
            .await
            .map_err(|e| format!("demo account {email}: {e}"))?;
        out.push(DemoAccount {
            email,
            role,
            password,
        });
    }
    Ok(out)
}

/// Prints demo credentials for the person who started the demo.
pub fn print_accounts(accounts: &[DemoAccount]) {
    if accounts.is_empty() {
        return;
    }
    println!("Demo accounts (log in at /lots/logga-in):");
    for a in accounts {
        println!(
            "  {:<10} {:<20} {}",
            a.role.as_str(),
            a.email,
            a.password.expose()
        );
    }
}
