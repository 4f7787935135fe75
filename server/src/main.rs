//! The `halsolots` binary.
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
            Ok(())
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
