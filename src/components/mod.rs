//! Pieces that pages compose. None of them talks HTTP; `crate::api` does.

pub mod connection_banner;
pub mod date_of_birth;
pub mod field;
pub mod footer;
pub mod form_alert;
pub mod header;
pub mod policy_banner;
pub mod policy_compare;
pub mod policy_document;
pub mod profile_audience;
pub mod profile_avatar;
pub mod profile_card;
pub mod profile_follow;
pub mod profile_history;
pub mod signin_form;
pub mod signup_form;
