//! Users of an agency and what they may do.

use serde::{Deserialize, Serialize};

use super::password;
use super::patch::present;
use super::validate::{Check, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Recruiter,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Recruiter => "recruiter",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "admin" => Some(Role::Admin),
            "recruiter" => Some(Role::Recruiter),
            _ => None,
        }
    }
}

pub const MAX_NAME: usize = 200;

/// E-mail addresses are stored and compared in lower case: one address, one account.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignupInput {
    pub agency_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct Signup {
    pub agency_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

impl SignupInput {
    pub fn validate(self) -> Result<Signup, Invalid> {
        let mut check = Check::new();
        let agency_name = check.text("agency_name", &self.agency_name, 200);
        let name = check.text("name", &self.name, MAX_NAME);
        let email = normalize_email(&check.email("email", &self.email));
        if let Err(why) = password::check(&self.password, &[&email, &name, &agency_name]) {
            check.fail("password", why);
        }
        check.finish(Signup { agency_name, name, email, password: self.password })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    pub name: String,
    pub email: String,
    pub password: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub password: String,
    pub role: Role,
}

impl NewUserInput {
    pub fn validate(self) -> Result<NewUser, Invalid> {
        let mut check = Check::new();
        let name = check.text("name", &self.name, MAX_NAME);
        let email = normalize_email(&check.email("email", &self.email));
        if let Err(why) = password::check(&self.password, &[&email, &name]) {
            check.fail("password", why);
        }
        check.finish(NewUser { name, email, password: self.password, role: self.role })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, deserialize_with = "present")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub role: Option<Option<Role>>,
    #[serde(default, deserialize_with = "present")]
    pub disabled: Option<Option<bool>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

impl UserPatch {
    pub fn validate(self) -> Result<UserChanges, Invalid> {
        let mut check = Check::new();
        let not_null = |field: &str, present: bool, check: &mut Check| {
            if present {
                check.fail(field, "must not be null");
            }
        };
        not_null("name", matches!(self.name, Some(None)), &mut check);
        not_null("role", matches!(self.role, Some(None)), &mut check);
        not_null("disabled", matches!(self.disabled, Some(None)), &mut check);
        let name = self.name.flatten().map(|n| check.text("name", &n, MAX_NAME));
        check.finish(UserChanges { name, role: self.role.flatten(), disabled: self.disabled.flatten() })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshInput {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
}
