//! One module per route. Pages stay thin: a title, a heading, and components.

pub mod account_deleted;
pub mod home;
pub mod lazy;
pub mod not_found;
pub mod privacy;
pub mod profile;
pub mod report_child;
pub mod search;
pub mod settings;
pub mod signin;
pub mod signup;
pub mod unsubscribe;
pub mod verify_email;
