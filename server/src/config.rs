//! Settings from environment variables, parsed once at start-up. A wrong value stops the server
//! with a message that names the variable; secrets are never printed.
use app::models::boot::{AccessibilityStatus, Compliance};
use app::models::email::Email;
use app::models::phone::Phone;
use app::ssr::infra::keys::KeySource;
use app::ssr::infra::net::TrustedProxies;
use app::ssr::infra::settings::{AccessSettings, Settings, TeamSettings};
use leptos::config::{Env, LeptosOptions};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Config {
    pub settings: Settings,
    pub addr: SocketAddr,
    pub leptos: LeptosOptions,
    /// Log as JSON lines (for log collectors) instead of text.
    pub log_json: bool,
    /// Fill an empty database with fictional demo requests when serving.
    pub demo_data: bool,
    /// `HALSOLOTS_HTTPS` as set, if it was: unset, HTTPS follows the address (`https_default`).
    pub https_explicit: Option<bool>,
}

/// HTTPS unless the server listens on a loopback address (development on one's own machine): an
/// address other machines can reach is assumed to be reached over HTTPS (a proxy in front ends
/// TLS), so cookies get `Secure` and answers HSTS. A TLS proxy on the same machine forwarding to
/// a loopback address sets `HALSOLOTS_HTTPS=1` (see the README).
pub fn https_default(addr: SocketAddr) -> bool {
    !addr.ip().is_loopback()
}

impl Config {
    /// Settles HTTPS for the address the server will listen on (after `--addr` too).
    pub fn settle_https(&mut self) {
        self.settings.access.https = self
            .https_explicit
            .unwrap_or_else(|| https_default(self.addr));
    }

    /// A warning for the log when HTTPS was turned off on an address other machines can reach:
    /// session cookies would then travel without `Secure`.
    pub fn https_warning(&self) -> Option<String> {
        (self.https_explicit == Some(false) && !self.addr.ip().is_loopback()).then(|| {
            format!(
                "HALSOLOTS_HTTPS is off but the server listens on {}: session cookies are sent \
                 without Secure and HSTS is off; serve the site over HTTPS and remove the setting",
                self.addr
            )
        })
    }
}

/// A setting that could not be used.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::error::Error for ConfigError {}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type Var<'a> = &'a dyn Fn(&str) -> Option<String>;

fn get(var: Var, name: &str) -> Option<String> {
    var(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn parse_num<T: std::str::FromStr>(var: Var, name: &str, default: T) -> Result<T, ConfigError> {
    match get(var, name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| ConfigError(format!("{name}: \"{v}\" is not a valid number"))),
    }
}

fn parse_date(
    var: Var,
    name: &str,
    default: (i32, u32, u32),
) -> Result<(i32, u32, u32), ConfigError> {
    let Some(v) = get(var, name) else {
        return Ok(default);
    };
    let err = || ConfigError(format!("{name}: \"{v}\" is not a date like 2026-11-23"));
    let mut it = v.split('-');
    let (y, m, d) = (
        it.next().ok_or_else(err)?,
        it.next().ok_or_else(err)?,
        it.next().ok_or_else(err)?,
    );
    let date = (
        y.parse().map_err(|_| err())?,
        m.parse().map_err(|_| err())?,
        d.parse().map_err(|_| err())?,
    );
    chrono::NaiveDate::from_ymd_opt(date.0, date.1, date.2).ok_or_else(err)?;
    Ok(date)
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(&|name| std::env::var(name).ok())
    }

    /// Reads settings through `var` (the environment, or a map in tests).
    pub fn from_vars(var: Var) -> Result<Config, ConfigError> {
        let data_dir =
            PathBuf::from(get(var, "HALSOLOTS_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = match get(var, "DATABASE_URL") {
            Some(url) => url,
            None => {
                std::fs::create_dir_all(&data_dir).map_err(|e| {
                    ConfigError(format!(
                        "HALSOLOTS_DATA_DIR: cannot create {}: {e}",
                        data_dir.display()
                    ))
                })?;
                format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.join("halsolots.db").display()
                )
            }
        };
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError(
                "DATABASE_URL: must start with sqlite: or postgres://".into(),
            ));
        }
        let addr_text = get(var, "LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr_text.parse().map_err(|_| {
            ConfigError(format!(
                "LEPTOS_SITE_ADDR: \"{addr_text}\" is not an address like 127.0.0.1:3000"
            ))
        })?;

        let demo = TeamSettings::demo();
        let phone = match get(var, "HALSOLOTS_TEAM_PHONE") {
            None => demo.phone.clone(),
            Some(p) => Phone::parse(&p).ok_or_else(|| {
                ConfigError(format!(
                    "HALSOLOTS_TEAM_PHONE: \"{p}\" is not a phone number"
                ))
            })?,
        };
        let email = match get(var, "HALSOLOTS_TEAM_EMAIL") {
            None => demo.email.clone(),
            Some(e) => Email::parse(&e).ok_or_else(|| {
                ConfigError(format!(
                    "HALSOLOTS_TEAM_EMAIL: \"{e}\" is not an e-mail address"
                ))
            })?,
        };
        let days: u8 = parse_num(var, "HALSOLOTS_FIRST_CONTACT_DAYS", demo.first_contact_days)?;
        if !(1..=30).contains(&days) {
            return Err(ConfigError(
                "HALSOLOTS_FIRST_CONTACT_DAYS: must be between 1 and 30".into(),
            ));
        }
        let compliance = match get(var, "HALSOLOTS_A11Y_COMPLIANCE") {
            None => demo.accessibility.compliance,
            Some(c) => Compliance::parse(&c).ok_or_else(|| {
                ConfigError(format!(
                    "HALSOLOTS_A11Y_COMPLIANCE: \"{c}\" must be full, partial or none"
                ))
            })?,
        };
        let team = TeamSettings {
            slug: get(var, "HALSOLOTS_TEAM_SLUG").unwrap_or(demo.slug),
            name: get(var, "HALSOLOTS_TEAM_NAME").unwrap_or(demo.name),
            municipality: get(var, "HALSOLOTS_MUNICIPALITY").unwrap_or(demo.municipality),
            phone,
            email,
            first_contact_days: days,
            accessibility: AccessibilityStatus {
                compliance,
                assessed: parse_date(var, "HALSOLOTS_A11Y_ASSESSED", demo.accessibility.assessed)?,
                updated: parse_date(var, "HALSOLOTS_A11Y_UPDATED", demo.accessibility.updated)?,
            },
        };
        // The old switch trusted the first `X-Forwarded-For` entry, which the client writes: a
        // deployment still setting it must choose its proxies, not silently lose its setting.
        if get(var, "HALSOLOTS_TRUST_FORWARDED_FOR").is_some() {
            return Err(ConfigError(
                "HALSOLOTS_TRUST_FORWARDED_FOR: no longer supported. List the addresses or \
                 networks of your proxies in HALSOLOTS_TRUSTED_PROXIES instead, for example \
                 HALSOLOTS_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8"
                    .into(),
            ));
        }
        let trusted_proxies =
            TrustedProxies::parse(&get(var, "HALSOLOTS_TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|e| ConfigError(format!("HALSOLOTS_TRUSTED_PROXIES: {e}")))?;
        let defaults = AccessSettings::default();
        let minutes =
            |name, default: chrono::TimeDelta| -> Result<chrono::TimeDelta, ConfigError> {
                let m: i64 = parse_num(var, name, default.num_minutes())?;
                if m < 1 {
                    return Err(ConfigError(format!("{name}: must be at least 1 minute")));
                }
                Ok(chrono::TimeDelta::minutes(m))
            };
        let https_explicit = match get(var, "HALSOLOTS_HTTPS")
            .map(|v| v.to_lowercase())
            .as_deref()
        {
            None => None,
            Some("1" | "true" | "yes" | "on") => Some(true),
            Some("0" | "false" | "no" | "off") => Some(false),
            Some(other) => {
                return Err(ConfigError(format!(
                    "HALSOLOTS_HTTPS: \"{other}\" must be 1 or 0"
                )))
            }
        };
        let access = AccessSettings {
            https: https_explicit.unwrap_or_else(|| https_default(addr)),
            session_idle: minutes("HALSOLOTS_SESSION_IDLE_MINUTES", defaults.session_idle)?,
            session_max: minutes("HALSOLOTS_SESSION_MAX_MINUTES", defaults.session_max)?,
            ..defaults
        };
        let seconds = |name: &str, default: u64| -> Result<Duration, ConfigError> {
            match parse_num(var, name, default)? {
                0 => Err(ConfigError(format!("{name}: must be at least 1"))),
                n => Ok(Duration::from_secs(n)),
            }
        };
        // The installation key: HALSOLOTS_KEY (64 hex digits, e.g. from a secret store) or a file,
        // by default next to the SQLite database, created on first start.
        let key = match get(var, "HALSOLOTS_KEY") {
            Some(hex) => KeySource::Hex(hex),
            None => KeySource::File(
                get(var, "HALSOLOTS_KEY_FILE")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| data_dir.join("halsolots.key")),
            ),
        };
        let settings = Settings {
            key,
            database_url,
            team,
            form_rate_limit_per_hour: parse_num(var, "HALSOLOTS_FORM_RATE_LIMIT", 30)?,
            trusted_proxies,
            access,
            request_timeout: seconds("HALSOLOTS_REQUEST_TIMEOUT_SECONDS", 30)?,
            // A little longer than one request may take, so a request that times out is answered.
            shutdown_grace: seconds("HALSOLOTS_SHUTDOWN_GRACE_SECONDS", 35)?,
            body_timeout: seconds("HALSOLOTS_BODY_TIMEOUT_SECONDS", 10)?,
            header_timeout: seconds("HALSOLOTS_HEADER_TIMEOUT_SECONDS", 10)?,
        };

        let env = match get(var, "LEPTOS_ENV").as_deref() {
            Some("PROD") | Some("prod") => Env::PROD,
            _ => Env::DEV,
        };
        let leptos = LeptosOptions::builder()
            .output_name(get(var, "LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "halsolots".into()))
            .site_root(get(var, "LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()))
            .site_pkg_dir(get(var, "LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()))
            .site_addr(addr)
            .reload_port(parse_num(var, "LEPTOS_RELOAD_PORT", 3001)?)
            .env(env)
            .build();
        let log_json = get(var, "HALSOLOTS_LOG_FORMAT").as_deref() == Some("json");
        let demo_data = matches!(
            get(var, "HALSOLOTS_DEMO_DATA").as_deref(),
            Some("1" | "true" | "yes")
        );
        Ok(Config {
            settings,
            addr,
            leptos,
            log_json,
            demo_data,
            https_explicit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(&move |k| map.get(k).cloned())
    }

    #[test]
    fn defaults_and_overrides() {
        let c = config(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("HALSOLOTS_TEAM_PHONE", "0491-123 45"),
            ("HALSOLOTS_FIRST_CONTACT_DAYS", "5"),
        ])
        .expect("valid");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.settings.team.phone.e164(), "+4649112345");
        assert_eq!(c.settings.team.first_contact_days, 5);
        assert_eq!(c.settings.form_rate_limit_per_hour, 30);
        assert_eq!(c.settings.request_timeout, Duration::from_secs(30));
        let c = config(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("HALSOLOTS_REQUEST_TIMEOUT_SECONDS", "5"),
            ("HALSOLOTS_SHUTDOWN_GRACE_SECONDS", "8"),
        ])
        .expect("valid");
        assert_eq!(c.settings.request_timeout, Duration::from_secs(5));
        assert_eq!(c.settings.shutdown_grace, Duration::from_secs(8));
    }

    #[test]
    fn https_is_on_unless_only_loopback_or_turned_off() {
        let https = |pairs: &[(&str, &str)]| {
            let mut all = vec![("DATABASE_URL", "sqlite::memory:")];
            all.extend_from_slice(pairs);
            let c = config(&all).expect("valid");
            (c.settings.access.https, c.https_warning().is_some())
        };
        assert_eq!(https(&[]), (false, false), "127.0.0.1 by default");
        assert_eq!(https(&[("LEPTOS_SITE_ADDR", "[::1]:3000")]), (false, false));
        assert_eq!(
            https(&[("LEPTOS_SITE_ADDR", "0.0.0.0:3000")]),
            (true, false)
        );
        assert_eq!(https(&[("LEPTOS_SITE_ADDR", "10.1.2.3:80")]), (true, false));
        // Turned off explicitly: off, with a warning where others can reach it.
        let off = [
            ("LEPTOS_SITE_ADDR", "0.0.0.0:3000"),
            ("HALSOLOTS_HTTPS", "0"),
        ];
        assert_eq!(https(&off), (false, true));
        assert_eq!(https(&[("HALSOLOTS_HTTPS", "false")]), (false, false));
        assert_eq!(https(&[("HALSOLOTS_HTTPS", "1")]), (true, false));
        assert_eq!(https(&[("HALSOLOTS_HTTPS", "True")]), (true, false));
        // `serve --addr` settles it again for the address actually used.
        let c = config(&[("DATABASE_URL", "sqlite::memory:")]).expect("valid");
        let c = crate::cli::with_addr(c, Some("0.0.0.0:8080".into())).expect("addr");
        assert!(c.settings.access.https);
    }

    #[test]
    fn trusted_proxies_and_the_old_switch() {
        let c = config(&[("DATABASE_URL", "sqlite::memory:")]).expect("valid");
        assert!(
            c.settings.trusted_proxies.is_empty(),
            "no proxy unless listed"
        );
        assert_eq!(c.settings.body_timeout, Duration::from_secs(10));
        assert_eq!(c.settings.header_timeout, Duration::from_secs(10));
        let c = config(&[
            ("DATABASE_URL", "sqlite::memory:"),
            (
                "HALSOLOTS_TRUSTED_PROXIES",
                "127.0.0.1, 10.0.0.0/8, fd00::/8",
            ),
        ])
        .expect("valid");
        let p = &c.settings.trusted_proxies;
        assert!(p.contains("10.1.2.3".parse().expect("ip")));
        assert!(p.contains("fd12::1".parse().expect("ip")));
        assert!(!p.contains("192.0.2.1".parse().expect("ip")));
        // Even "off": the variable must go, so nobody believes it still does something.
        let err = config(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("HALSOLOTS_TRUST_FORWARDED_FOR", "0"),
        ])
        .expect_err("old variable");
        assert!(err.0.contains("HALSOLOTS_TRUSTED_PROXIES"), "{}", err.0);
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (k, v) in [
            ("HALSOLOTS_TEAM_PHONE", "abc"),
            ("HALSOLOTS_TEAM_EMAIL", "nope"),
            ("HALSOLOTS_FIRST_CONTACT_DAYS", "0"),
            ("LEPTOS_SITE_ADDR", "here"),
            ("DATABASE_URL", "mysql://x"),
            ("HALSOLOTS_A11Y_ASSESSED", "2026-13-01"),
            ("HALSOLOTS_FORM_RATE_LIMIT", "many"),
            ("HALSOLOTS_SESSION_IDLE_MINUTES", "0"),
            ("HALSOLOTS_REQUEST_TIMEOUT_SECONDS", "0"),
            ("HALSOLOTS_SHUTDOWN_GRACE_SECONDS", "soon"),
            ("HALSOLOTS_HTTPS", "maybe"),
            ("HALSOLOTS_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"),
            ("HALSOLOTS_TRUSTED_PROXIES", "10.0.0.0/40"),
            ("HALSOLOTS_BODY_TIMEOUT_SECONDS", "0"),
            ("HALSOLOTS_HEADER_TIMEOUT_SECONDS", "x"),
            ("HALSOLOTS_TRUST_FORWARDED_FOR", "1"),
        ] {
            let mut pairs = vec![("DATABASE_URL", "sqlite::memory:")];
            pairs.push((k, v));
            let err = config(&pairs).expect_err(k);
            assert!(err.0.starts_with(k), "{k}: {}", err.0);
        }
    }
}
