//! Power cuts: the archive lives on a file system that keeps only what was
//! synced (tests/it/powercut_fs), the power goes at a chosen moment, and what
//! survived is checked. Every statement that `temoin ingest` acknowledged
//! (its "appended entry" line) must be in the surviving image with its
//! receipt, and the image must open, verify, and take the rest of the
//! statements. `temoin init` cut anywhere must leave no archive (and init
//! runs again) or a whole one.
//!
//! The power goes either at the n-th sync call of the process (for every n
//! until the process gets through) or right after its k-th acknowledgement
//! (for every k). Cutting at every sync call covers every moment: between
//! two sync calls nothing more becomes durable.
//!
//! Needs FUSE (`/dev/fuse` and `fusermount3`, Debian's fuse3). Without it
//! the tests say so and pass, unless TEMOIN_REQUIRE_FUSE is set (as
//! `.ci/run` does where FUSE is available), when they fail.
#![cfg(target_os = "linux")]

use crate::common;
use crate::powercut_fs;

use common::*;
use powercut_fs::{Cut, SyncedFs};
use std::ffi::OsString;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many notes each ingest carries.
const NOTES: usize = 5;

/// Whether FUSE can be mounted here; the reason when not.
fn fuse_unavailable() -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let fs = SyncedFs::with_tree(None);
    match fs.mount(tmp.path()) {
        Ok(session) => {
            drop(session);
            None
        }
        Err(e) => Some(format!("cannot mount a FUSE file system: {e}")),
    }
}

fn skip_without_fuse() -> bool {
    let Some(why) = fuse_unavailable() else {
        return false;
    };
    if std::env::var_os("TEMOIN_REQUIRE_FUSE").is_some() {
        panic!("{why} (TEMOIN_REQUIRE_FUSE is set); install fuse3 and make /dev/fuse usable");
    }
    eprintln!("power-cut tests skipped: {why}; set TEMOIN_REQUIRE_FUSE=1 to make this an error");
    true
}

fn ok(args: &[&str], more: &[&std::ffi::OsStr]) -> String {
    let (code, out, err) = run_output(temoin_cmd(args, more));
    assert_eq!(code, 0, "temoin {args:?} {more:?} failed:\n{out}{err}");
    out
}

/// Keys, a template archive (genesis, one enrolled intermediary) and the
/// signed notes, all on the real disk.
struct Setup {
    tmp: tempfile::TempDir,
    notes: Vec<PathBuf>,
}

impl Setup {
    fn new() -> Setup {
        Setup::with_video(None)
    }

    /// With `Some(i)`, note `i` carries a 5 MB video: its statement file
    /// is over 4 MiB, so `temoin ingest` streams it in (docs/FORMAT.md §3.7).
    fn with_video(video_on: Option<usize>) -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let p = |name: &str| tmp.path().join(name);
        for (file, name) in [("custodian.key", "custodian"), ("ngo.key", "ngo")] {
            ok(
                &["key", "generate", "--name", name, "--out"],
                &[p(file).as_os_str()],
            );
        }
        std::fs::create_dir(p("template")).unwrap();
        let archive = p("template/A");
        ok(
            &["init", "--origin", ORIGIN, "--archive"],
            &[
                archive.as_os_str(),
                "--custodian-key".as_ref(),
                p("custodian.key").as_os_str(),
            ],
        );
        ok(
            &[
                "key",
                "enroll",
                "--role",
                "intermediary",
                "--name",
                "NGO",
                "--archive",
            ],
            &[
                archive.as_os_str(),
                "--custodian-key".as_ref(),
                p("custodian.key").as_os_str(),
                "--public".as_ref(),
                p("ngo.key.pub").as_os_str(),
            ],
        );
        let notes = (0..NOTES)
            .map(|i| {
                let json = p(&format!("n{i}.json"));
                std::fs::write(
                    &json,
                    format!(r#"{{"text": "Témoignage {i} recueilli à Eghachar N'Tirikene."}}"#),
                )
                .unwrap();
                let tms = p(&format!("n{i}.tms"));
                let video = p(&format!("n{i}.mp4"));
                let attach = format!("video={}", video.display());
                let mut more = vec![
                    p("ngo.key").into_os_string(),
                    "--input".into(),
                    json.clone().into_os_string(),
                    "--out".into(),
                    tms.clone().into_os_string(),
                ];
                if video_on == Some(i) {
                    let bytes: Vec<u8> = (0..5_000_000u32).map(|b| (b % 253) as u8).collect();
                    std::fs::write(&video, bytes).unwrap();
                    more.extend(["--attach".into(), attach.into()]);
                }
                let more: Vec<&std::ffi::OsStr> = more.iter().map(|m| m.as_os_str()).collect();
                ok(&["sign", "--kind", "note", "--key"], &more);
                tms
            })
            .collect();
        Setup { tmp, notes }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
}

/// One acknowledgement line: "appended entry N  kind  statement HASH12 …".
#[derive(Debug, Clone)]
struct Ack {
    seq: u64,
    statement: String,
}

fn parse_ack(line: &str) -> Option<Ack> {
    let rest = line.strip_prefix("appended entry")?;
    let mut words = rest.split_whitespace();
    let seq = words.next()?.parse().ok()?;
    let statement = words.skip_while(|w| *w != "statement").nth(1)?.to_string();
    Some(Ack { seq, statement })
}

/// What one run under a power cut left.
struct Trial {
    /// The surviving image (the mount's root, on the real disk).
    image: tempfile::TempDir,
    acks: Vec<Ack>,
    /// The process ended by itself with success before the power went.
    succeeded: bool,
    stderr: String,
}

/// Run `temoin ARGS` (where `@` stands for the mount point) on a synced-only
/// file system seeded with `seed`, cut the power by `rule` or after
/// `ack_cut` acknowledgements, kill the process, and keep the image.
fn trial(seed: Option<&Path>, args: &[OsString], rule: Cut, ack_cut: Option<usize>) -> Trial {
    let fs = SyncedFs::with_tree(seed);
    let mnt = tempfile::tempdir().unwrap();
    let session = fs
        .mount(mnt.path())
        .expect("mount the power-cut file system");
    let args: Vec<OsString> = args
        .iter()
        .map(|a| match a.to_str().and_then(|s| s.strip_prefix('@')) {
            Some(rest) => mnt.path().join(rest.trim_start_matches('/')).into(),
            None => a.clone(),
        })
        .collect();
    fs.arm(rule);
    let mut child = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(&args)
        .env_remove("TEMOIN_ARCHIVE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let acks = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let (out, acks, fs) = (child.stdout.take().unwrap(), acks.clone(), fs.clone());
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if let Some(ack) = parse_ack(&line) {
                    let mut acks = acks.lock().unwrap();
                    acks.push(ack);
                    if Some(acks.len()) == ack_cut {
                        fs.cut();
                    }
                }
            }
        })
    };
    let err_reader = {
        let mut err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut s);
            s
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let succeeded = loop {
        if fs.wait_cut(Duration::from_millis(2)) {
            let _ = child.kill();
            let _ = child.wait();
            break false;
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status.success();
        }
        assert!(
            Instant::now() < deadline,
            "temoin {args:?} hung on the power-cut file system"
        );
    };
    let syncs = fs.syncs();
    // The power goes now if it has not gone yet: what the process left is
    // judged as the disk holds it, not as the kernel would have flushed it.
    fs.cut();
    reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    let image = tempfile::tempdir().unwrap();
    fs.image(image.path());
    drop(session);
    let acks = acks.lock().unwrap().clone();
    Trial {
        image,
        acks,
        succeeded: succeeded && !fs_cut_during(syncs, rule),
        stderr,
    }
}

/// Whether a rule cut the power while the process ran (it ended with the
/// sync count below the cut point otherwise).
fn fs_cut_during(syncs: u64, rule: Cut) -> bool {
    matches!(rule, Cut::AtSync(n) if syncs >= n)
}

fn log_hashes(archive: &Path) -> Vec<String> {
    let out = ok(&["log", "--json", "--archive"], &[archive.as_os_str()]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    rows.iter()
        .map(|r| r["statement_hash"].as_str().unwrap().to_string())
        .collect()
}

/// Every check a surviving ingest image must pass.
fn check_ingest_image(setup: &Setup, t: &Trial, ctx: &str) {
    let archive = t.image.path().join("A");
    let (code, out, err) = run_output(temoin_cmd(&["verify", "--archive"], &[archive.as_os_str()]));
    assert_eq!(
        code, 0,
        "{ctx}: the image does not verify:\n{out}{err}\ningest said:\n{}",
        t.stderr
    );
    let hashes = log_hashes(&archive);
    for ack in &t.acks {
        let held = hashes.get(ack.seq as usize);
        assert!(
            held.is_some_and(|h| h.starts_with(&ack.statement)),
            "{ctx}: entry {} (statement {}) was acknowledged and lost; the image holds {} entries",
            ack.seq,
            ack.statement,
            hashes.len()
        );
        let receipt = t
            .image
            .path()
            .join("receipts")
            .join(format!("{}.receipt.json", held.unwrap()));
        let text = std::fs::read_to_string(&receipt).unwrap_or_else(|e| {
            panic!(
                "{ctx}: the receipt of acknowledged entry {} is lost: {e}",
                ack.seq
            )
        });
        let json: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{ctx}: receipt of entry {} is torn: {e}", ack.seq));
        assert!(json.is_object(), "{ctx}: receipt of entry {}", ack.seq);
    }
    // No receipt is torn, acknowledged or not: each is whole or absent.
    if let Ok(rd) = std::fs::read_dir(t.image.path().join("receipts")) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue; // a temporary file the cut left unrenamed
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "{ctx}: receipt {name} is torn: {text:?}"
            );
        }
    }
    // The image is a working archive: it takes every note (those it holds
    // are acknowledged again, the others appended) and still verifies.
    let mut args: Vec<&std::ffi::OsStr> = vec![archive.as_os_str()];
    args.extend(setup.notes.iter().map(|p| p.as_os_str()));
    let (code, out, err) = run_output(temoin_cmd(&["ingest", "--archive"], &args));
    assert_eq!(
        code, 0,
        "{ctx}: the image does not take the notes again:\n{out}{err}"
    );
    let (code, out, err) = run_output(temoin_cmd(&["verify", "--archive"], &[archive.as_os_str()]));
    assert_eq!(
        code, 0,
        "{ctx}: the image does not verify after ingest:\n{out}{err}"
    );
    assert_eq!(log_hashes(&archive).len(), 2 + NOTES, "{ctx}");
}

fn ingest_args(setup: &Setup, batch: usize) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "ingest",
        "--archive",
        "@A",
        "--receipt-dir",
        "@receipts",
        "--batch-size",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    args.push(batch.to_string().into());
    args.extend(setup.notes.iter().map(|p| p.clone().into_os_string()));
    args
}

/// Cut at every sync call of one ingest, then after a clean exit; returns
/// (trials, acknowledgements checked).
fn cut_at_every_sync(setup: &Setup, batch: usize) -> (usize, usize) {
    let seed = setup.path("template");
    let args = ingest_args(setup, batch);
    let (mut trials, mut acks) = (0, 0);
    for n in 1.. {
        let t = trial(Some(&seed), &args, Cut::AtSync(n), None);
        let ctx = format!("batch size {batch}, power cut at sync call {n} of ingest");
        check_ingest_image(setup, &t, &ctx);
        trials += 1;
        acks += t.acks.len();
        if t.succeeded {
            assert_eq!(
                t.acks.len(),
                NOTES,
                "{ctx}: a clean run acknowledges every note"
            );
            break;
        }
        assert!(n < 500, "{ctx}: ingest never got through");
    }
    (trials, acks)
}

#[test]
fn acknowledged_statements_survive_a_power_cut_at_every_sync() {
    if skip_without_fuse() {
        return;
    }
    let setup = Setup::new();
    let (t1, a1) = cut_at_every_sync(&setup, 1);
    let (t3, a3) = cut_at_every_sync(&setup, 3);
    println!(
        "batch size 1: {t1} power cuts, {a1} acknowledgements checked; \
         batch size 3: {t3} power cuts, {a3} acknowledgements checked"
    );
    assert!(
        a1 >= NOTES * 2 && a3 >= NOTES,
        "too few acknowledgements were put to the test"
    );
}

/// A statement streamed in (its video written straight to the parts file)
/// is acknowledged only once its bytes are durable, like any other.
#[test]
fn a_streamed_attachment_survives_a_power_cut_at_every_sync() {
    if skip_without_fuse() {
        return;
    }
    let setup = Setup::with_video(Some(1));
    let (trials, acks) = cut_at_every_sync(&setup, 2);
    println!("with a streamed video: {trials} power cuts, {acks} acknowledgements checked");
    assert!(
        acks >= NOTES,
        "too few acknowledgements were put to the test"
    );
}

#[test]
fn acknowledged_statements_survive_a_power_cut_after_each_acknowledgement() {
    if skip_without_fuse() {
        return;
    }
    let setup = Setup::new();
    let seed = setup.path("template");
    let args = ingest_args(&setup, 1);
    for k in 1..=NOTES {
        let t = trial(Some(&seed), &args, Cut::Manual, Some(k));
        let ctx = format!("power cut after acknowledgement {k}");
        assert!(
            t.acks.len() >= k,
            "{ctx}: only {} acknowledgements: {}",
            t.acks.len(),
            t.stderr
        );
        check_ingest_image(&setup, &t, &ctx);
    }
}

#[test]
fn init_cut_at_every_sync_leaves_nothing_or_a_whole_archive() {
    if skip_without_fuse() {
        return;
    }
    let setup = Setup::new();
    let args: Vec<OsString> = vec![
        "init".into(),
        "--origin".into(),
        ORIGIN.into(),
        "--archive".into(),
        "@A".into(),
        "--custodian-key".into(),
        setup.path("custodian.key").into(),
    ];
    let (mut none, mut whole) = (0, 0);
    for n in 1.. {
        let t = trial(None, &args, Cut::AtSync(n), None);
        let ctx = format!("power cut at sync call {n} of init");
        let archive = t.image.path().join("A");
        if archive.exists() {
            let (code, out, err) =
                run_output(temoin_cmd(&["verify", "--archive"], &[archive.as_os_str()]));
            assert_eq!(
                code, 0,
                "{ctx}: init left an archive that does not verify:\n{out}{err}"
            );
            whole += 1;
        } else {
            assert!(
                !t.succeeded,
                "{ctx}: init said it created the archive, and it is lost"
            );
            // Init runs again over what the cut left, and clears its
            // abandoned work.
            let mut again: Vec<&std::ffi::OsStr> = vec![archive.as_os_str()];
            let key = setup.path("custodian.key");
            again.extend(["--custodian-key".as_ref(), key.as_os_str()]);
            ok(&["init", "--origin", ORIGIN, "--archive"], &again);
            ok(&["verify", "--archive"], &[archive.as_os_str()]);
            let left: Vec<_> = std::fs::read_dir(t.image.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name())
                .filter(|n| n != "A")
                .collect();
            assert!(left.is_empty(), "{ctx}: init run again left {left:?}");
            none += 1;
        }
        if t.succeeded {
            break;
        }
        assert!(n < 500, "{ctx}: init never got through");
    }
    println!(
        "init: {} power cuts, {none} left no archive, {whole} left a whole one",
        none + whole
    );
    assert!(
        none > 0 && whole > 0,
        "the cuts did not reach both sides of init's rename"
    );
}

/// A write that failed midway (the disk stopped answering) leaves the
/// writer refusing every later write, even once the disk answers again:
/// sled may hold rows of the failed batch that were never made durable,
/// and a later acknowledgement would stand on them.
#[test]
fn after_a_failed_write_the_writer_acknowledges_nothing_more() {
    if skip_without_fuse() {
        return;
    }
    let fx = Fixture::standard(1);
    let fs = SyncedFs::with_tree(Some(fx.tmp.path()));
    let mnt = tempfile::tempdir().unwrap();
    let session = fs
        .mount(mnt.path())
        .expect("mount the power-cut file system");
    let mut a = temoin::Archive::open(&mnt.path().join("archive")).unwrap();
    let size = a.size();
    fs.cut();
    let failed = a.ingest(&note(&fx.keys.ngo, "written as the disk fails"));
    assert!(
        failed.is_err(),
        "a write to a failed disk was acknowledged: {failed:?}"
    );
    fs.restore();
    match a.ingest(&note(&fx.keys.ngo, "written once the disk answers again")) {
        Err(temoin::ArchiveError::WriteFailed) => {}
        other => panic!("the writer wrote again after a failed write: {other:?}"),
    }
    assert_eq!(a.size(), size);
    drop(a);
    drop(session);
}
