//! One module per route. Pages stay thin: a title, a heading, and components.

pub mod home;
pub mod not_found;
pub mod settings;
pub mod signin;
pub mod signup;
