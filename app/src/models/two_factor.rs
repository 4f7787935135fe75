//! Two-factor login as the staff member's settings page shows it.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorView {
    /// Codes from an authenticator app are asked for at login.
    pub enabled: bool,
    /// The team requires it (then it cannot be turned off).
    pub required: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: u32,
    /// While not enabled: what to scan or type into the app.
    pub enrol: Option<Enrolment>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The QR code as an SVG element, made on the server from the secret.
    pub qr_svg: String,
    /// The same secret in groups of four, for typing in.
    pub secret: String,
}

/// Field names of the two-factor forms.
pub mod field {
    pub const CODE: &str = "code";
    pub const ACTION: &str = "action";
}
