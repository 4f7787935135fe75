//! The command line: `halsolots [serve [--addr A]] | migrate | demo-data`.
use crate::config::Config;

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Serve the site (the default, so `cargo leptos serve` works).
    Serve {
        addr: Option<String>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Add demo requests to an empty database and exit.
    DemoData,
    Help,
}

pub const USAGE: &str = "\
Usage: halsolots [COMMAND]

Commands:
  serve [--addr ADDR]   serve the site (default; ADDR like 127.0.0.1:3000)
  migrate               bring the database schema up to date
  demo-data             fill an empty database with fictional demo requests
  help                  show this text

Settings come from environment variables; see README.md.";

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter().map(String::as_str);
    match it.next() {
        None | Some("serve") => {
            let mut addr = None;
            while let Some(a) = it.next() {
                match a {
                    "--addr" => {
                        addr = Some(it.next().ok_or("--addr needs an address")?.to_string())
                    }
                    other => return Err(format!("unknown option {other}")),
                }
            }
            Ok(Command::Serve { addr })
        }
        Some("migrate") => Ok(Command::Migrate),
        Some("demo-data") => Ok(Command::DemoData),
        Some("help" | "--help" | "-h") => Ok(Command::Help),
        Some(other) => Err(format!("unknown command {other}")),
    }
}

/// Applies `--addr` over the environment's address.
pub fn with_addr(mut config: Config, addr: Option<String>) -> Result<Config, String> {
    if let Some(a) = addr {
        let parsed = a
            .parse()
            .map_err(|_| format!("--addr: \"{a}\" is not an address like 127.0.0.1:3000"))?;
        config.addr = parsed;
        config.leptos.site_addr = parsed;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse(&args(&[])), Ok(Command::Serve { addr: None }));
        assert_eq!(
            parse(&args(&["serve", "--addr", "0.0.0.0:8080"])),
            Ok(Command::Serve {
                addr: Some("0.0.0.0:8080".into())
            })
        );
        assert_eq!(parse(&args(&["migrate"])), Ok(Command::Migrate));
        assert_eq!(parse(&args(&["demo-data"])), Ok(Command::DemoData));
        assert!(parse(&args(&["serve", "--addr"])).is_err());
        assert!(parse(&args(&["frobnicate"])).is_err());
    }
}
