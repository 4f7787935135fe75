//! The command line: `halsolots [serve [--addr A]] | migrate | demo-data | team … | user … |
//! audit …`.
use crate::config::Config;
use app::models::staff::Role;
use app::ssr::infra::secret::Secret;

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Serve the site (the default, so `cargo leptos serve` works).
    Serve {
        addr: Option<String>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Add demo requests and demo accounts to an empty database and exit.
    DemoData,
    /// Add a team to the installation (another municipality's service).
    TeamAdd {
        slug: String,
        name: String,
        municipality: String,
        phone: Option<String>,
        email: Option<String>,
        first_contact_days: Option<String>,
        host: Option<String>,
    },
    /// List the installation's teams.
    TeamList,
    /// Give a team's public pages their own host name, or (`None`) take it away.
    TeamSetHost {
        slug: String,
        host: Option<String>,
    },
    /// Add a staff account; the password comes from stdin or `HALSOLOTS_PASSWORD`.
    UserAdd {
        email: String,
        name: String,
        role: Role,
        team: Option<String>,
    },
    UserDeactivate {
        email: String,
    },
    /// Set a new password (from stdin or `HALSOLOTS_PASSWORD`) and end the account's sessions.
    UserResetPassword {
        email: String,
    },
    /// Remove an account's second factor (a lost phone) and end its sessions.
    UserResetTwoFactor {
        email: String,
    },
    /// Check the audit log's hash chain, and that it still holds what a checkpoint (a line, or
    /// a file holding one) recorded.
    AuditVerify {
        checkpoint: Option<String>,
    },
    /// Print a signed checkpoint of the audit chain's head, to keep apart from the database.
    AuditCheckpoint,
    Help,
}

pub const USAGE: &str = "\
Usage: halsolots [COMMAND]

Commands:
  serve [--addr ADDR]        serve the site (default; ADDR like 127.0.0.1:3000)
  migrate                    bring the database schema up to date
  demo-data                  fill an empty database with fictional demo requests and accounts
  team add --slug S --name N --municipality M [--phone P] [--email E]
           [--first-contact-days D] [--host H]
                             add a team (slug: 2-40 of a-z, 0-9, -); prints its id.
                             H: the host name its public pages answer on
  team set-host --slug S (--host H | --none)
                             set or clear the host name of a team's public pages
                             (running servers follow within 30 seconds)
  team list                  list the teams: slug, name, municipality, host, active staff
  user add --email E --name N --role admin|navigator|analyst [--team SLUG]
                             add a staff account
  user deactivate --email E  stop an account from logging in (ends its sessions)
  user reset-password --email E
                             set a new password for an account
  user reset-two-factor --email E
                             remove an account's two-factor login (a lost phone)
  audit verify [--checkpoint FILE-OR-LINE]
                             check that the audit log has not been altered (and still
                             holds what the checkpoint recorded)
  audit checkpoint           print a signed line naming the audit log's last entry: keep
                             it apart from the server, to check against later
  help                       show this text

Passwords are read from standard input (one line) or the environment variable
HALSOLOTS_PASSWORD, never from the command line. Other settings come from environment
variables; see README.md.";

/// `--name value` pairs after a subcommand.
fn options<'a>(
    it: impl Iterator<Item = &'a str>,
    known: &[&str],
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut it = it.peekable();
    while let Some(a) = it.next() {
        if !known.contains(&a) {
            return Err(format!("unknown option {a}"));
        }
        let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
        out.push((a.to_string(), v.to_string()));
    }
    Ok(out)
}

fn take(opts: &[(String, String)], name: &str) -> Option<String> {
    opts.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn need(opts: &[(String, String)], name: &str) -> Result<String, String> {
    take(opts, name).ok_or_else(|| format!("{name} is required"))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter().map(String::as_str);
    match it.next() {
        None | Some("serve") => {
            let opts = options(it, &["--addr"])?;
            Ok(Command::Serve {
                addr: take(&opts, "--addr"),
            })
        }
        Some("migrate") => Ok(Command::Migrate),
        Some("demo-data") => Ok(Command::DemoData),
        Some("team") => match it.next() {
            Some("add") => {
                let o = options(
                    it,
                    &[
                        "--slug",
                        "--name",
                        "--municipality",
                        "--phone",
                        "--email",
                        "--first-contact-days",
                        "--host",
                    ],
                )?;
                Ok(Command::TeamAdd {
                    slug: need(&o, "--slug")?,
                    name: need(&o, "--name")?,
                    municipality: need(&o, "--municipality")?,
                    phone: take(&o, "--phone"),
                    email: take(&o, "--email"),
                    first_contact_days: take(&o, "--first-contact-days"),
                    host: take(&o, "--host"),
                })
            }
            Some("list") => {
                options(it, &[])?;
                Ok(Command::TeamList)
            }
            Some("set-host") => {
                // `--none` is the one option without a value.
                let rest: Vec<&str> = it.collect();
                let none = rest.contains(&"--none");
                let o = options(
                    rest.into_iter().filter(|a| *a != "--none"),
                    &["--slug", "--host"],
                )?;
                let host = take(&o, "--host");
                if none == host.is_some() {
                    return Err("team set-host needs either --host H or --none".into());
                }
                Ok(Command::TeamSetHost {
                    slug: need(&o, "--slug")?,
                    host,
                })
            }
            _ => Err("team needs add, list or set-host".into()),
        },
        Some("user") => match it.next() {
            Some("add") => {
                let o = options(it, &["--email", "--name", "--role", "--team"])?;
                let role = need(&o, "--role")?;
                Ok(Command::UserAdd {
                    email: need(&o, "--email")?,
                    name: need(&o, "--name")?,
                    role: Role::parse(&role).ok_or_else(|| {
                        format!("--role: \"{role}\" must be admin, navigator or analyst")
                    })?,
                    team: take(&o, "--team"),
                })
            }
            Some("deactivate") => Ok(Command::UserDeactivate {
                email: need(&options(it, &["--email"])?, "--email")?,
            }),
            Some("reset-password") => Ok(Command::UserResetPassword {
                email: need(&options(it, &["--email"])?, "--email")?,
            }),
            Some("reset-two-factor") => Ok(Command::UserResetTwoFactor {
                email: need(&options(it, &["--email"])?, "--email")?,
            }),
            _ => Err("user needs add, deactivate, reset-password or reset-two-factor".into()),
        },
        Some("audit") => match it.next() {
            Some("verify") => Ok(Command::AuditVerify {
                checkpoint: take(&options(it, &["--checkpoint"])?, "--checkpoint"),
            }),
            Some("checkpoint") => Ok(Command::AuditCheckpoint),
            _ => Err("audit needs verify or checkpoint".into()),
        },
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
        config.settle_https();
    }
    Ok(config)
}

/// The password for `user add`/`reset-password`: `HALSOLOTS_PASSWORD`, else one line of stdin.
pub fn read_password() -> Result<Secret<String>, String> {
    if let Some(p) = std::env::var("HALSOLOTS_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(Secret::new(p));
    }
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprint!("Password (it will show as you type; or set HALSOLOTS_PASSWORD): ");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("reading the password: {e}"))?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n']).to_string()))
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
        assert_eq!(
            parse(&args(&["audit", "verify"])),
            Ok(Command::AuditVerify { checkpoint: None })
        );
        assert_eq!(
            parse(&args(&["audit", "verify", "--checkpoint", "cp.txt"])),
            Ok(Command::AuditVerify {
                checkpoint: Some("cp.txt".into())
            })
        );
        assert_eq!(
            parse(&args(&["audit", "checkpoint"])),
            Ok(Command::AuditCheckpoint)
        );
        assert!(parse(&args(&["audit", "verify", "--checkpoint"])).is_err());
        assert!(parse(&args(&["serve", "--addr"])).is_err());
        assert!(parse(&args(&["frobnicate"])).is_err());
    }

    #[test]
    fn parses_user_commands_without_passwords() {
        assert_eq!(
            parse(&args(&[
                "user", "add", "--email", "a@b.se", "--name", "Ann", "--role", "admin"
            ])),
            Ok(Command::UserAdd {
                email: "a@b.se".into(),
                name: "Ann".into(),
                role: Role::Admin,
                team: None
            })
        );
        assert!(parse(&args(&[
            "user", "add", "--email", "a@b.se", "--name", "Ann", "--role", "root"
        ]))
        .is_err());
        assert!(parse(&args(&["user", "add", "--password", "x"])).is_err());
        assert_eq!(
            parse(&args(&[
                "team",
                "add",
                "--slug",
                "hogsby",
                "--name",
                "Lotsen",
                "--municipality",
                "Högsby"
            ])),
            Ok(Command::TeamAdd {
                slug: "hogsby".into(),
                name: "Lotsen".into(),
                municipality: "Högsby".into(),
                phone: None,
                email: None,
                first_contact_days: None,
                host: None,
            })
        );
        assert_eq!(
            parse(&args(&[
                "team",
                "set-host",
                "--slug",
                "b",
                "--host",
                "b.example"
            ])),
            Ok(Command::TeamSetHost {
                slug: "b".into(),
                host: Some("b.example".into())
            })
        );
        assert_eq!(
            parse(&args(&["team", "set-host", "--none", "--slug", "b"])),
            Ok(Command::TeamSetHost {
                slug: "b".into(),
                host: None
            })
        );
        for bad in [
            &["team", "set-host", "--slug", "b"][..],
            &["team", "set-host", "--slug", "b", "--host", "x", "--none"],
            &["team", "set-host", "--host", "x"],
            &["team", "set-host", "--slug", "b", "--host"],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
        assert!(parse(&args(&["team", "add", "--slug", "x", "--name", "Lotsen"])).is_err());
        assert_eq!(parse(&args(&["team", "list"])), Ok(Command::TeamList));
        assert!(parse(&args(&["team", "list", "--all"])).is_err());
        assert!(parse(&args(&["team"])).is_err());
        assert!(parse(&args(&["user", "add", "--name", "Ann", "--role", "admin"])).is_err());
        assert_eq!(
            parse(&args(&["user", "deactivate", "--email", "a@b.se"])),
            Ok(Command::UserDeactivate {
                email: "a@b.se".into()
            })
        );
    }
}
