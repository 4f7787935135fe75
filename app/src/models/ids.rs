//! Typed ids and the stored names of enums. A staff id cannot be passed where a team id is meant,
//! and a role, channel or audit action read from the database is one of the enum's values or an
//! error, never a string to compare. On the server the same types are sea-orm column values
//! (`DeriveValueType`), stored exactly as before: ids as integers, enums as their names.
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

id!(
    /// A row of `staff`.
    StaffId,
    /// A row of `teams`.
    TeamId,
    /// A row of `cases`.
    CaseId,
    /// A row of `participants`: the participant's number.
    ParticipantId,
);

/// A stored name that no value of the enum has (a database written by a newer version, or
/// tampered with).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{name}`")]
pub struct UnknownName {
    pub kind: &'static str,
    pub name: String,
}

/// `FromStr` and `Display` for an enum with `ALL` and `as_str`: the stored name both ways.
macro_rules! stored_name {
    ($($ty:ty),*) => {$(
        impl std::str::FromStr for $ty {
            type Err = crate::models::ids::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
                    crate::models::ids::UnknownName { kind: stringify!($ty), name: s.to_string() }
                })
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
pub(crate) use stored_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_and_print_as_numbers() {
        assert_eq!("42".parse::<StaffId>(), Ok(StaffId(42)));
        assert!("x".parse::<TeamId>().is_err());
        assert_eq!(StaffId(7).to_string(), "7");
        assert_eq!(serde_json::to_string(&TeamId(3)).unwrap(), "3");
    }
}
