//! Integration tests of the HTTP surface: a real server on port 0, a real database (a temporary
//! SQLite file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set), demo data.

mod admin;
mod authz;
mod backup;
mod chaos;
mod cli;
mod dataset;
mod faults;
mod hazards;
mod headers;
mod helpers;
mod inspections;
mod instances;
mod migrations;
mod observe;
mod photos;
mod registers;
mod reports;
mod s3;
mod schools;
mod session;
