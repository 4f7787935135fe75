//! The `halsolots` binary.
use app::error::AppError;
use app::i18n::{text, Lang};
use app::models::form::{FieldErrors, RawForm};
use app::models::staff::{check_password, field, parse_new_staff};
use app::models::team::{parse_host, parse_new_team, HOST};
use app::ssr::infra::secret::Secret;
use app::ssr::repo::audit::{self, Checkpoint, Verdict};
use app::ssr::repo::entities::team;
use app::ssr::services::staff::{self, Change};
use app::ssr::services::team::{self as team_service, TeamSummary};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::cli::{self, Command};
use server::config::Config;
use server::{demo_data, startup};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("halsolots: {e}\n\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    if command == Command::Help {
        println!("{}", cli::USAGE);
        return;
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("halsolots: configuration error: {e}");
            std::process::exit(2);
        }
    };
    init_logging(config.log_json);
    if let Err(e) = run(command, config).await {
        tracing::error!(error = %e, "halsolots failed");
        eprintln!("halsolots: {e}");
        std::process::exit(1);
    }
}

async fn run(command: Command, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Serve { addr } => startup::serve(cli::with_addr(config, addr)?).await,
        Command::Migrate => {
            startup::build_state(config.settings, config.leptos).await?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::DemoData => {
            let state = startup::build_state(config.settings, config.leptos).await?;
            let added = demo_data::load(&state).await?;
            println!("Demo data: {added} fictional requests added.");
            demo_data::print_accounts(&demo_data::accounts(&state).await?);
            Ok(())
        }
        Command::TeamAdd {
            slug,
            name,
            municipality,
            phone,
            email,
            first_contact_days,
            host,
        } => {
            let form = RawForm::from_pairs(&[
                (HOST, host.as_deref().unwrap_or("")),
                (field::SLUG, &slug),
                (field::TEAM_NAME, &name),
                (field::MUNICIPALITY, &municipality),
                (field::PHONE, phone.as_deref().unwrap_or("")),
                (field::EMAIL, email.as_deref().unwrap_or("")),
                (field::DAYS, first_contact_days.as_deref().unwrap_or("")),
            ]);
            let new = parse_new_team(&form).map_err(|e| describe(&e))?;
            let state = startup::build_state(config.settings, config.leptos).await?;
            let id = team_service::create_from_console(&state.db, new, state.clock.now())
                .await
                .map_err(|e| match e {
                    AppError::Invalid(errors) => describe(&errors),
                    other => other.to_string(),
                })?;
            println!("Added team {slug} (id {id}).");
            Ok(())
        }
        Command::TeamSetHost { slug, host } => {
            let host = match host {
                None => None,
                Some(raw) => Some(parse_host(&raw).ok_or_else(|| {
                    format!("--host: {}", text(Lang::En, app::i18n::K::err_host))
                })?),
            };
            let state = startup::build_state(config.settings, config.leptos).await?;
            team_service::set_host_from_console(&state.db, &slug, host.clone(), state.clock.now())
                .await
                .map_err(|e| match e {
                    AppError::Invalid(errors) => describe(&errors),
                    AppError::NotFound => format!("--slug: no team \"{slug}\""),
                    other => other.to_string(),
                })?;
            match host {
                Some(h) => println!("Team {slug} now answers on {h}."),
                None => println!("Team {slug} has no host name of its own now."),
            }
            Ok(())
        }
        Command::TeamList => {
            let state = startup::build_state(config.settings, config.leptos).await?;
            let teams = team_service::list_for_console(&state.db).await?;
            print!("{}", team_table(&teams));
            Ok(())
        }
        Command::UserAdd {
            email,
            name,
            role,
            team,
        } => {
            let state = startup::build_state(config.settings, config.leptos).await?;
            let team_id = match team {
                None => state.team_id,
                Some(slug) => team::Entity::find()
                    .filter(team::Column::Slug.eq(slug.as_str()))
                    .one(&state.db)
                    .await?
                    .map(|t| t.id)
                    .ok_or_else(|| format!("--team: no team \"{slug}\""))?,
            };
            let form = RawForm::from_pairs(&[
                (field::NAME, &name),
                (field::EMAIL, &email),
                (field::ROLE, role.as_str()),
            ]);
            let new = parse_new_staff(&form).map_err(|e| describe(&e))?;
            let password = cli::read_password()?;
            check_password(password.expose()).map_err(|k| text(Lang::En, k).to_string())?;
            let email = new.email.clone();
            let id =
                staff::create_from_console(&state.db, &state.passwords, team_id, new, password)
                    .await
                    .map_err(|e| match e {
                        AppError::Invalid(errors) => describe(&errors),
                        other => other.to_string(),
                    })?;
            println!("Added {} {email} (id {id}).", role.as_str());
            Ok(())
        }
        Command::UserDeactivate { email } => {
            console_change(config, &email, Change::Deactivate, None).await?;
            println!("Deactivated {email}; its sessions have ended.");
            Ok(())
        }
        Command::UserResetPassword { email } => {
            let password = cli::read_password()?;
            check_password(password.expose()).map_err(|k| text(Lang::En, k).to_string())?;
            console_change(config, &email, Change::ResetPassword, Some(password)).await?;
            println!("New password set for {email}; its sessions have ended.");
            Ok(())
        }
        Command::UserResetTwoFactor { email } => {
            console_change(config, &email, Change::ResetTwoFactor, None).await?;
            println!("Two-factor login removed for {email}; its sessions have ended.");
            Ok(())
        }
        Command::AuditVerify { checkpoint } => {
            let state = startup::build_state(config.settings, config.leptos).await?;
            let verdict = match checkpoint {
                None => audit::verify(&state.db, &state.keys).await?,
                Some(given) => {
                    // A file holding the line, or the line itself.
                    let line = match std::fs::read_to_string(&given) {
                        Ok(text) => text,
                        Err(_) if given.starts_with("halsolots-") => given,
                        Err(e) => {
                            return Err(format!("--checkpoint: cannot read {given}: {e}").into())
                        }
                    };
                    let cp = Checkpoint::parse(&line, &state.keys)
                        .map_err(|e| format!("--checkpoint: {e}"))?;
                    let verdict = audit::verify_checkpoint(&state.db, &state.keys, &cp).await?;
                    if let Verdict::Intact { .. } = verdict {
                        println!("The checkpoint holds: entry {} is unchanged.", cp.seq);
                    }
                    verdict
                }
            };
            match verdict {
                Verdict::Intact { entries } => {
                    println!("The audit log is intact: {entries} entries.");
                    Ok(())
                }
                Verdict::Broken { seq, reason } => {
                    Err(format!("the audit log is broken at entry {seq}: {reason}").into())
                }
            }
        }
        Command::AuditCheckpoint => {
            let state = startup::build_state(config.settings, config.leptos).await?;
            match audit::checkpoint(&state.db, &state.keys).await? {
                Ok(cp) => {
                    println!("{}", cp.line(&state.keys));
                    Ok(())
                }
                Err((seq, reason)) => Err(format!(
                    "no checkpoint: the audit log is broken at entry {seq}: {reason}"
                )
                .into()),
            }
        }
        Command::Help => Ok(()),
    }
}

fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// `team list`'s table: one line per team, columns separated by tabs under a heading; `-` for
/// a team without a host name of its own.
fn team_table(teams: &[TeamSummary]) -> String {
    let mut out = String::from("slug\tname\tmunicipality\thost\tactive staff\n");
    for t in teams {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            t.slug,
            t.name,
            t.municipality,
            t.public_host.as_deref().unwrap_or("-"),
            t.active_staff
        ));
    }
    out
}

/// Field errors as one English line for the console, each named by its option.
fn describe(errors: &FieldErrors) -> String {
    errors
        .0
        .iter()
        .map(|e| format!("--{}: {}", option_name(&e.field), text(Lang::En, e.key)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The console option a form field comes from (`team_name` is `--name`, `first_contact_days` is
/// `--first-contact-days`).
fn option_name(field: &str) -> String {
    match field {
        field::TEAM_NAME => "name".into(),
        other => other.replace('_', "-"),
    }
}

/// `halsolots user deactivate | reset-password | reset-two-factor`: `change` to the account with
/// `email`, audited as the console's.
async fn console_change(
    config: Config,
    email: &str,
    change: Change,
    password: Option<Secret<String>>,
) -> Result<(), Box<dyn std::error::Error>> {
    let state = startup::build_state(config.settings, config.leptos).await?;
    staff::change_from_console(&state.db, &state.passwords, email, change, password)
        .await
        .map_err(|_| format!("no account with the e-mail address {email}"))?;
    Ok(())
}
