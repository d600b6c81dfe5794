//! bridgehire: the candidate database and budget-aware matching service for healthcare-IT
//! staffing agencies. The library holds everything so that tests drive the real application.

pub mod auth;
pub mod config;
pub mod credentials;
pub mod db;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod generate;
pub mod import;
pub mod match_index;
pub mod pdf;
pub mod resume;
pub mod routes;
pub mod search;
pub mod service;
pub mod startup;
pub mod state;
pub mod telemetry;
