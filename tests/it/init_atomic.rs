//! `temoin init` killed at every step that makes something durable (and at
//! every rename, link and write) must leave either no archive at all, so
//! that the same `temoin init` runs again, or a whole archive that opens and
//! verifies: never a directory that neither opens nor can be re-initialised.
//!
//! The kill is the issue's own reproduction: `strace -f -e
//! inject=SYSCALL:signal=KILL:when=N temoin init ...`, for every N until
//! init gets through. strace counts each thread's calls apart, so a run
//! killed "at the 3rd fsync" is killed at the 3rd fsync of whichever thread
//! reaches it first: together the runs still cover every point of the main
//! thread, where init does its work.

use crate::common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The calls at which init is killed, and how many of each to try at most.
const POINTS: &[(&str, u32)] = &[
    ("fsync", 40),
    ("fdatasync", 40),
    ("rename", 10),
    ("link", 10),
    ("pwrite64", 40),
    ("write", 40),
    ("mkdir", 10),
];

fn strace() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("strace"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var_os("TEMOIN_SKIP_STRACE").is_some() {
            eprintln!("strace not found: init kill test skipped (TEMOIN_SKIP_STRACE set)");
            return None;
        }
        panic!("strace is needed to kill init at its syscalls: `apt-get install strace` (or set TEMOIN_SKIP_STRACE=1 to skip)");
    }
    found
}

fn init_args(dir: &Path, key: &Path) -> Vec<std::ffi::OsString> {
    vec![
        "init".into(),
        "--archive".into(),
        dir.into(),
        "--origin".into(),
        ORIGIN.into(),
        "--custodian-key".into(),
        key.into(),
    ]
}

fn run_init(dir: &Path, key: &Path) -> (i32, String, String) {
    let args = init_args(dir, key);
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    run_output(temoin_cmd(&[], &refs))
}

/// What a killed init left at `dir`.
#[derive(Debug, PartialEq, Eq)]
enum Left {
    Nothing,
    Archive,
}

fn what_is_left(dir: &Path, ctx: &str) -> Left {
    let empty = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => panic!("{ctx}: {}: {e}", dir.display()),
        Ok(mut rd) => rd.next().is_none(),
    };
    if empty {
        return Left::Nothing;
    }
    let (code, out, err) = run_output(temoin_cmd(&["verify", "--archive"], &[dir.as_os_str()]));
    assert_eq!(
        code, 0,
        "{ctx}: init was killed and left a directory that is not a whole archive:\n{out}{err}"
    );
    Left::Archive
}

fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn init_killed_anywhere_leaves_nothing_or_a_whole_archive() {
    let Some(strace) = strace() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("custodian.key");
    let (code, _, err) = temoin(&[
        "key",
        "generate",
        "--out",
        key.to_str().unwrap(),
        "--name",
        "custodian",
    ]);
    assert_eq!(code, 0, "{err}");

    let (mut runs, mut killed, mut nothing, mut whole) = (0, 0, 0, 0);
    let mut per_call = Vec::new();
    for &(call, most) in POINTS {
        let killed_before = killed;
        for n in 1..=most {
            let parent = tmp.path().join(format!("{call}-{n}"));
            std::fs::create_dir(&parent).unwrap();
            let dir = parent.join("archive");
            let ctx = format!("init killed at {call} #{n}");
            let status = Command::new(&strace)
                .args(["-f", "-qq", "-o", "/dev/null", "-e"])
                .arg(format!("trace={call}"))
                .arg("-e")
                .arg(format!("inject={call}:signal=KILL:when={n}"))
                .arg(env!("CARGO_BIN_EXE_temoin"))
                .args(init_args(&dir, &key))
                .env_remove("TEMOIN_ARCHIVE")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            runs += 1;
            if status.success() {
                // Init got through before the n-th call: no later n kills it.
                assert_eq!(what_is_left(&dir, &ctx), Left::Archive, "{ctx}");
                break;
            }
            killed += 1;
            match what_is_left(&dir, &ctx) {
                Left::Archive => {
                    whole += 1;
                    let (code, _, err) = run_init(&dir, &key);
                    assert_ne!(code, 0, "{ctx}: init over a whole archive must refuse");
                    assert!(err.contains("already exists"), "{ctx}: {err}");
                }
                Left::Nothing => {
                    nothing += 1;
                    let (code, out, err) = run_init(&dir, &key);
                    assert_eq!(code, 0, "{ctx}: init run again failed:\n{out}{err}");
                    assert_eq!(what_is_left(&dir, &ctx), Left::Archive, "{ctx}");
                }
            }
            assert_eq!(
                leftovers(&parent),
                Vec::<String>::new(),
                "{ctx}: the interrupted init's files are still beside the archive"
            );
        }
        per_call.push(format!("{call} {}", killed - killed_before));
    }
    println!("kills per call: {}", per_call.join(", "));
    println!("{runs} runs of init, {killed} killed: {nothing} left no archive (init ran again), {whole} left a whole one");
    assert!(
        killed > 30,
        "only {killed} runs were killed: the injection did not take"
    );
    assert!(
        nothing > 0 && whole > 0,
        "the kills did not reach both sides of the rename"
    );
}
