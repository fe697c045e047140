//! The integration tests, as one binary: the crate is linked once, not once
//! per file. One module per concern; the shared fixtures first.

#[macro_use]
mod evidence_support;
mod common;
#[cfg(target_os = "linux")]
mod powercut_fs;
mod projection_support;

mod access;
mod attachments;
mod bench_key_cache;
mod bench_smoke;
mod bundle;
mod bundle_beside;
mod bundle_vectors;
mod cli;
mod closed_stdout;
mod compromised_keys;
mod crash;
mod demo;
mod demo_cli;
mod derived_rows;
mod domain_examples;
mod domain_facts;
mod domain_refusals;
mod evidence;
mod evidence_cli;
mod exports;
mod habits;
mod honest_reports;
mod init_atomic;
mod input_errors;
mod json_times;
mod lock;
#[cfg(target_os = "linux")]
mod powercut;
mod projection;
mod projection_prop;
mod reader;
mod readme_fr;
mod refusals;
mod report_lang;
mod report_pdf;
mod roundtrip;
mod sealed;
mod server;
mod server_content;
mod server_remote;
mod statement_vectors;
mod storage_files;
mod succession;
mod tamper;
mod tiles_mirror;
mod tiles_vectors;
mod timestamp;
mod vectors;
mod verdict_lang;
mod verifier_page;
mod verify_lang;
mod web;
mod witness;
