//! Fictional requests so a new installation shows something. Names are invented; phone numbers
//! are from the range PTS reserves for fiction (070-17 406 05 … 070-17 406 99).
use app::models::contact::{parse, Channel};
use app::models::form::RawForm;
use app::ssr::contact_requests::insert_or_get;
use app::ssr::entities::contact_request;
use app::ssr::state::AppState;
use sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait};

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
    let txn = state.db.begin().await?;
    for (i, (channel, pairs)) in samples.iter().enumerate() {
        let form = RawForm(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let request =
            parse(*channel, &form).map_err(|e| format!("demo sample {i} is invalid: {e:?}"))?;
        insert_or_get(
            &txn,
            state.team_id,
            &format!("demo-sample-{i}-0000000"),
            &request,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(samples.len())
}
