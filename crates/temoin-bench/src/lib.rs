//! `temoin bench`: temoin measured against the cost of its own
//! cryptography (docs/PERFORMANCE.md).
//!
//! One run generates `entries` realistic statements by `authors` enrolled
//! keys ([`gen`]), streams them into a new archive in batches, and measures
//! every figure of the report: the floor (`verify_strict` and signing on one
//! core), bulk and one-at-a-time ingest, the audit, projections, proofs,
//! bundles, opening, peak memory and disk use.
//!
//! Memory is a figure, so the run never holds more than one batch of
//! statements. The audit (and the projection rebuild) run as a child
//! process, `temoin verify`, when the caller can start one
//! ([`Host::run_child`]): their peak memory is then their own, not the
//! generator's. In-process phases reset the kernel's peak-RSS counter
//! (`/proc/self/clear_refs`) before they start, so each phase's peak is its
//! own as well.

pub use temoin_workload as gen;

use serde::Serialize;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use temoin_archive::archive::{Archive, ArchiveError, Config};
use temoin_archive::keys::SecretKey;
use temoin_archive::statement::{SignedStatement, StatementBody, StatementFile};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Entries in the archive at the end (genesis and enrolments included).
    pub entries: u64,
    /// Enrolled authors (one in five a reviewer).
    pub authors: usize,
    /// Where to build the archive (a new or empty directory, kept). `None`:
    /// a temporary directory, removed at the end.
    pub dir: Option<PathBuf>,
    /// Statements per ingest batch (each batch is one durable write).
    pub batch: usize,
    /// Seed of the generated keys and statements.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            entries: 100_000,
            authors: 20,
            dir: None,
            batch: 256,
            seed: 1,
        }
    }
}

/// A finished child process: its wall time, output and verdict.
#[derive(Clone, Debug)]
pub struct ChildRun {
    pub wall: Duration,
    pub success: bool,
    pub stdout: String,
    /// Its standard error, for the report of a failure.
    pub stderr: String,
}

/// What a phase run in a child process (`temoin bench-phase`) reports.
/// The child reads its own peak memory: the parent cannot, since a child
/// started with `vfork`/`fork` inherits the parent's peak in `ru_maxrss`.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct PhaseOutput {
    pub phase: String,
    pub entries: u64,
    /// Peak resident memory of the child process, KiB (`VmHWM`).
    pub peak_rss_kib: u64,
    /// Seconds of the phase's work, opening the archive excluded.
    pub seconds: f64,
    /// The audit's fault (or the rebuild's mismatch), if any.
    pub fault: Option<String>,
}

/// Run one phase in this process, for `temoin bench-phase PHASE`: `audit`
/// does what `temoin verify` does (replay and check everything), `rebuild`
/// what `temoin rebuild` does (fold every entry into the projections).
pub fn run_phase(phase: &str, dir: &Path) -> Result<PhaseOutput, BenchError> {
    let a = Archive::open(dir)?;
    let t = Instant::now();
    let (entries, fault) = match phase {
        "audit" => match temoin_archive::audit::audit(a.store(), &mut |_| {})? {
            Ok(r) => (r.entries, None),
            Err(f) => (f.seq, Some(f.to_string())),
        },
        "rebuild" => {
            let r = temoin_archive::projection::ArchiveViews::new(a.store())
                .rebuild(&mut |_| {})
                .map_err(|e| BenchError::Setup(format!("rebuild: {e}")))?;
            let fault = (!r.matched())
                .then(|| "the rebuilt projections differ from the stored indexes".to_string());
            (r.entries, fault)
        }
        other => return Err(BenchError::Setup(format!("unknown bench phase {other:?}"))),
    };
    let seconds = t.elapsed().as_secs_f64();
    Ok(PhaseOutput {
        phase: phase.to_string(),
        entries,
        peak_rss_kib: peak_rss_kib().unwrap_or(0),
        seconds,
        fault,
    })
}

/// What the caller provides: progress display, and child processes.
pub trait Host {
    /// `done` of `total` of `phase`.
    fn progress(&mut self, phase: &str, done: u64, total: u64);
    /// Run `temoin ARGS…` as a child process and wait for it. `None` when
    /// this host cannot (the phase then runs in-process).
    fn run_child(&mut self, args: &[OsString]) -> Option<Result<ChildRun, String>>;
}

/// A host that shows nothing and runs everything in-process.
pub struct Quiet;

impl Host for Quiet {
    fn progress(&mut self, _: &str, _: u64, _: u64) {}
    fn run_child(&mut self, _: &[OsString]) -> Option<Result<ChildRun, String>> {
        None
    }
}

/// The figures of one run. A figure that could not be measured is `null`
/// in JSON, with the reason in `missing`.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Report {
    pub entries: u64,
    pub authors: usize,
    pub cores: usize,
    pub batch_size: usize,
    pub seed: u64,
    /// `verify_strict` of the run's statements, one core, no I/O: the floor.
    pub raw_verify_strict_per_s: f64,
    /// Signing the run's statements, one core.
    pub raw_sign_per_s: f64,
    /// Bulk ingest of the pre-signed statements, durable per batch.
    pub ingest_per_s: f64,
    /// Wall time per entry of the bulk ingest's sequential part, the
    /// writer (`Archive::ingest_prechecked`: rules, rows, files, sled),
    /// while the next batch is prechecked on the other threads. Ratio 0.75
    /// needs it under 1 / (0.75 × cores × floor).
    pub ingest_writer_us: f64,
    /// Of `ingest_writer_us`, the time in sled's `apply_batch` and `flush`.
    pub ingest_sled_us: f64,
    /// One statement ingested and flushed at a time, at the final size.
    pub ingest_one_ms_p50: f64,
    pub ingest_one_ms_p99: f64,
    /// `temoin verify` of the whole archive (process start to exit).
    pub audit_per_s: f64,
    /// Projections rebuilt from the log.
    pub rebuild_per_s: Option<f64>,
    /// One incident's state as of a seq in the middle of the log.
    pub as_of_ms: Option<f64>,
    /// One inclusion proof at the final size (mean).
    pub proof_us: f64,
    /// One incident's evidence bundle.
    pub export_ms: Option<f64>,
    /// Entries in the exported incident.
    pub export_entries: Option<u64>,
    /// Offline verification of that bundle.
    pub verify_bundle_ms: Option<f64>,
    /// Opening the archive (median of 3 opens after the ingest).
    pub open_ms: f64,
    /// The first of those opens: sled replays its log since its last
    /// snapshot (taken at each open), here the whole ingest.
    pub open_ms_first: f64,
    /// `proof_us` again over the same entries, the cache now warm.
    pub proof_us_warm: f64,
    /// Peak resident memory, the largest of the phases below.
    pub peak_rss_mb: f64,
    /// Peak resident memory of each phase.
    pub peak_rss_mb_by_phase: BTreeMap<String, f64>,
    /// Bytes allocated on disk by the archive directory.
    pub disk_bytes: u64,
    /// Entry bytes plus stored part bytes (salt ‖ content), summed.
    pub raw_bytes: u64,
    pub disk_bytes_per_entry: f64,
    pub raw_bytes_per_entry: f64,
    /// `disk_bytes / raw_bytes`.
    pub disk_per_raw: f64,
    /// `ingest_per_s / (cores × raw_verify_strict_per_s)`.
    pub ingest_ratio: f64,
    /// `audit_per_s / (cores × raw_verify_strict_per_s)`.
    pub audit_ratio: f64,
    /// Generating and signing the statements (not part of any figure).
    pub generate_s: f64,
    /// Figures that could not be measured, and why.
    pub missing: BTreeMap<String, String>,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Store(#[from] temoin_archive::store::StoreError),
    #[error("{0}")]
    Setup(String),
    #[error(
        "the benchmark's own statement {index} was refused: {reason} (a bug in the generator)"
    )]
    Refused { index: u64, reason: String },
    #[error("the audit of the benchmark archive failed: {0}")]
    Audit(String),
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64().max(1e-9)
}

/// Peak resident memory of this process so far, in KiB (`VmHWM`).
pub fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Reset this process's peak-RSS counter to its current RSS, so that the
/// next phase's peak is its own. `false` where the kernel does not allow it.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", b"5").is_ok()
}

/// Bytes allocated on disk under `dir` (what `du` counts).
pub fn disk_usage(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else {
                total += m.blocks() * 512;
            }
        }
    }
    total
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A phase's peak memory, in-process: reset, run, read.
struct Phases {
    by_phase: BTreeMap<String, f64>,
    can_reset: bool,
}

impl Phases {
    fn start(&mut self) {
        self.can_reset = reset_peak_rss() && self.can_reset;
    }
    fn end(&mut self, name: &str) {
        if let Some(kib) = peak_rss_kib() {
            let key = if self.can_reset {
                name.to_string()
            } else {
                // Without a reset, the counter holds the whole run so far.
                format!("{name} (cumulative)")
            };
            self.by_phase.insert(key, kib as f64 / 1024.0);
        }
    }
}

/// The temporary directory of a run without `--dir`, removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Sign specs on all cores.
fn sign_all(keys: &[SecretKey], specs: Vec<gen::Spec>) -> Result<Vec<StatementFile>, BenchError> {
    temoin_archive::par::map(specs, |s| s.draft.sign(&keys[s.author]))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| BenchError::Setup(format!("a generated draft does not sign: {e}")))
}

fn check_outcomes(
    outs: Vec<Result<temoin_archive::Accepted, temoin_archive::Refusal>>,
    first: u64,
) -> Result<(), BenchError> {
    for (i, o) in outs.into_iter().enumerate() {
        if let Err(r) = o {
            return Err(BenchError::Refused {
                index: first + i as u64,
                reason: r.to_string(),
            });
        }
    }
    Ok(())
}

/// Run the benchmark.
pub fn run(opts: &Options, host: &mut dyn Host) -> Result<Report, BenchError> {
    let authors = opts.authors.max(2);
    let batch = opts.batch.max(1);
    // Genesis + enrolments + at least a few statements of each phase.
    let fixed = 1 + authors as u64;
    if opts.entries < fixed + 20 {
        return Err(BenchError::Setup(format!(
            "--entries {} is too small for {authors} authors: give at least {}",
            opts.entries,
            fixed + 20
        )));
    }
    let (dir, _temp) = match &opts.dir {
        Some(d) => (d.clone(), None),
        None => {
            let d = std::env::temp_dir().join(format!(
                "temoin-bench-{}-{}",
                std::process::id(),
                temoin_archive::time::now_ms()
            ));
            (d.clone(), Some(TempDir(d)))
        }
    };
    let cores = temoin_archive::par::threads();
    let mut report = Report {
        entries: opts.entries,
        authors,
        cores,
        batch_size: batch,
        seed: opts.seed,
        ..Report::default()
    };
    let mut phases = Phases {
        by_phase: BTreeMap::new(),
        can_reset: true,
    };

    // Keys and archive.
    let keys = gen::keys(opts.seed, authors);
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&opts.seed.to_le_bytes());
    seed[8] = 0xc5;
    let custodian = SecretKey::from_seed("bench-custodian", &seed)
        .map_err(|e| BenchError::Setup(e.to_string()))?;
    let mut archive = Archive::init(
        &dir,
        Config::new("bench.temoin.example/run"),
        &custodian,
        "Bench custodian",
    )?;
    let enrolments =
        gen::enrolments(&keys, &custodian).map_err(|e| BenchError::Setup(e.to_string()))?;
    check_outcomes(archive.ingest_batch(&enrolments)?, 1)?;

    // The rest: bulk, then one at a time.
    let rest = opts.entries - fixed;
    let one_count = (rest / 10).clamp(1, 200);
    let bulk = rest - one_count;
    let mut generator = gen::Generator::new(opts.seed, authors);

    // The floor, on a sample of the run's own statements: one core.
    let sample_n = bulk.min(4096) as usize;
    let sample = sign_all(&keys, generator.next_batch(sample_n))?;
    generator.observe(&sample);
    measure_floor(&keys, &sample, &mut report);

    // Bulk ingest: generate and sign a batch (not timed), then ingest it
    // (timed) while the next batch is prechecked (decoding, signatures,
    // part digests) on the other threads, as a bulk loader would.
    phases.start();
    let mut gen_time = Duration::ZERO;
    let mut done = 0u64;
    let mut produced = 0u64;
    let mut ready: std::collections::VecDeque<Vec<StatementFile>> = sample
        .chunks(batch)
        .map(<[StatementFile]>::to_vec)
        .collect();
    produced += sample.len() as u64;
    drop(sample);
    let mut next_batch = |ready: &mut std::collections::VecDeque<Vec<StatementFile>>,
                          produced: &mut u64|
     -> Result<Option<Vec<StatementFile>>, BenchError> {
        if let Some(b) = ready.pop_front() {
            return Ok(Some(b));
        }
        if *produced >= bulk {
            return Ok(None);
        }
        let t = Instant::now();
        let n = (bulk - *produced).min(batch as u64) as usize;
        let f = sign_all(&keys, generator.next_batch(n))?;
        generator.observe(&f);
        *produced += n as u64;
        gen_time += t.elapsed();
        Ok(Some(f))
    };
    let sled_before = archive.sled_write_time();
    let mut writer_time = Duration::ZERO;
    host.progress("ingest", 0, bulk);
    // Generation is not ingest: its time is taken out of the run's.
    let started = Instant::now();
    let batches = std::iter::from_fn(|| next_batch(&mut ready, &mut produced).transpose())
        .map(|b| b.map(|files| (files.len() as u64, files)));
    temoin_archive::bulk::ingest_pipelined(&mut archive, batches, |_, batch| {
        writer_time += batch.write_time;
        check_outcomes(batch.outcomes, fixed + done)?;
        done += batch.tag;
        host.progress("ingest", done, bulk);
        Ok(())
    })?;
    let ingest_time = started.elapsed().saturating_sub(gen_time);
    phases.end("ingest");
    report.ingest_per_s = bulk as f64 / secs(ingest_time);
    let per_entry_us = |d: Duration| d.as_secs_f64() * 1e6 / bulk.max(1) as f64;
    report.ingest_writer_us = per_entry_us(writer_time);
    report.ingest_sled_us = per_entry_us(archive.sled_write_time() - sled_before);
    report.generate_s = gen_time.as_secs_f64();

    // One at a time, at the final size.
    phases.start();
    let ones = sign_all(&keys, generator.next_batch(one_count as usize))?;
    let mut lat = Vec::with_capacity(ones.len());
    for (i, f) in ones.iter().enumerate() {
        let t = Instant::now();
        let out = archive.ingest(f)?;
        lat.push(t.elapsed().as_secs_f64() * 1e3);
        check_outcomes(vec![out], fixed + bulk + i as u64)?;
        host.progress("ingest one", i as u64 + 1, one_count);
    }
    phases.end("ingest_one");
    lat.sort_by(f64::total_cmp);
    report.ingest_one_ms_p50 = percentile(&lat, 0.50);
    report.ingest_one_ms_p99 = percentile(&lat, 0.99);
    drop(ones);
    drop(archive);

    // Open, proofs, raw size.
    phases.start();
    let mut opens = Vec::new();
    let mut archive = None;
    for _ in 0..3 {
        drop(archive.take());
        let t = Instant::now();
        let a = Archive::open(&dir)?;
        opens.push(t.elapsed().as_secs_f64() * 1e3);
        archive = Some(a);
    }
    let archive = archive.ok_or_else(|| BenchError::Setup("no archive".into()))?;
    report.open_ms_first = opens[0];
    opens.sort_by(f64::total_cmp);
    report.open_ms = percentile(&opens, 0.5);
    let size = archive.size();
    if size != opts.entries {
        return Err(BenchError::Setup(format!(
            "the archive holds {size} entries, expected {}",
            opts.entries
        )));
    }
    (report.proof_us, report.proof_us_warm) = measure_proofs(&archive, opts.seed)?;
    report.raw_bytes = raw_bytes(&archive, host)?;
    phases.end("open_proof");
    phases.start();
    measure_export(&archive, &mut report)?;
    phases.end("export");
    drop(archive);
    report.disk_bytes = disk_usage(&dir);

    // The audit, in a child process when possible.
    let args: Vec<OsString> = vec![
        "bench-phase".into(),
        "audit".into(),
        "--archive".into(),
        dir.clone().into_os_string(),
    ];
    host.progress("verify", 0, 1);
    match host.run_child(&args) {
        Some(run) => {
            let run = run.map_err(BenchError::Audit)?;
            let out: PhaseOutput = serde_json::from_str(&run.stdout)
                .map_err(|_| BenchError::Audit(format!("{}{}", run.stdout, run.stderr)))?;
            if !run.success || out.fault.is_some() {
                return Err(BenchError::Audit(out.fault.unwrap_or(run.stderr)));
            }
            report.audit_per_s = size as f64 / secs(run.wall);
            phases
                .by_phase
                .insert("audit".into(), out.peak_rss_kib as f64 / 1024.0);
        }
        None => {
            phases.start();
            let t = Instant::now();
            let a = Archive::open(&dir)?;
            let verdict =
                temoin_archive::audit::audit(a.store(), &mut |n| host.progress("verify", n, size))?;
            report.audit_per_s = size as f64 / secs(t.elapsed());
            if let Err(f) = verdict {
                return Err(BenchError::Audit(f.to_string()));
            }
            phases.end("audit (in-process)");
        }
    }
    host.progress("verify", 1, 1);

    // Projections and bundles: measured by the modules that provide them.
    extras(&dir, size, host, &mut report, &mut phases)?;

    report.peak_rss_mb = phases.by_phase.values().copied().fold(0.0, f64::max);
    report.peak_rss_mb_by_phase = phases.by_phase;
    let n = size as f64;
    report.disk_bytes_per_entry = report.disk_bytes as f64 / n;
    report.raw_bytes_per_entry = report.raw_bytes as f64 / n;
    report.disk_per_raw = report.disk_bytes as f64 / (report.raw_bytes as f64).max(1.0);
    let floor = cores as f64 * report.raw_verify_strict_per_s;
    report.ingest_ratio = report.ingest_per_s / floor.max(1e-9);
    report.audit_ratio = report.audit_per_s / floor.max(1e-9);
    Ok(report)
}

/// `verify_strict` and signing of the sample, on this thread only.
fn measure_floor(keys: &[SecretKey], sample: &[StatementFile], report: &mut Report) {
    use ed25519_dalek::{Signature, Signer, VerifyingKey};
    let items: Vec<(VerifyingKey, Vec<u8>, Signature, usize)> = sample
        .iter()
        .filter_map(|f| {
            let body = StatementBody::decode(&f.statement.body_bytes).ok()?;
            let vk = VerifyingKey::from_bytes(&body.author).ok()?;
            let who = keys
                .iter()
                .position(|k| k.public().to_bytes() == body.author)?;
            Some((
                vk,
                SignedStatement::signed_message(&f.statement.body_bytes),
                Signature::from_bytes(&f.statement.signature),
                who,
            ))
        })
        .collect();
    let n = items.len().max(1) as f64;
    // Best of three rounds: one short window is at the mercy of whatever
    // else the machine does, and the floor is what the CPU can do.
    let mut floor = 0f64;
    for _ in 0..3 {
        let t = Instant::now();
        let mut ok = 0usize;
        for (vk, m, s, _) in &items {
            ok += vk.verify_strict(m, s).is_ok() as usize;
        }
        floor = floor.max(n / secs(t.elapsed()));
        debug_assert_eq!(ok, items.len());
    }
    report.raw_verify_strict_per_s = floor;
    let t = Instant::now();
    let mut acc = 0u8;
    for (_, m, _, who) in &items {
        acc ^= keys[*who].signing_key().sign(m).to_bytes()[0];
    }
    report.raw_sign_per_s = n / secs(t.elapsed());
    std::hint::black_box(acc);
}

/// Mean time of an inclusion proof of a random entry at the final size,
/// just after opening, then again over the same entries.
fn measure_proofs(archive: &Archive, seed: u64) -> Result<(f64, f64), BenchError> {
    use rand::{Rng, SeedableRng};
    let size = archive.size();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x70726f6f66);
    let seqs: Vec<u64> = (0..1000).map(|_| rng.gen_range(0..size)).collect();
    let root = archive.store().root_at(size)?;
    let mut times = [0.0; 2];
    for time in &mut times {
        let t = Instant::now();
        for &s in &seqs {
            std::hint::black_box(archive.store().inclusion_proof(s, size)?);
        }
        *time = secs(t.elapsed()) * 1e6 / seqs.len() as f64;
    }
    // Check a few (after the timing): a wrong proof must not make a fast figure.
    for &s in seqs.iter().take(8) {
        let proof = archive.store().inclusion_proof(s, size)?;
        let leaf = archive
            .store()
            .merkle_node(0, s)
            .map_err(BenchError::Store)?;
        temoin_archive::merkle::verify_inclusion(&leaf, s, size, &proof, &root)
            .map_err(|e| BenchError::Setup(format!("inclusion proof of entry {s}: {e}")))?;
    }
    Ok((times[0], times[1]))
}

/// Entry bytes plus stored part bytes (32-byte salt ‖ content).
fn raw_bytes(archive: &Archive, host: &mut dyn Host) -> Result<u64, BenchError> {
    let size = archive.size();
    let mut total = 0u64;
    for item in archive.store().entries_from(0) {
        let (seq, bytes) = item?;
        total += bytes.len() as u64;
        let entry = temoin_archive::entry::Entry::from_bytes(&bytes)
            .map_err(|e| BenchError::Setup(format!("entry {seq}: {e}")))?;
        let body = StatementBody::decode(&entry.statement.body_bytes)
            .map_err(|e| BenchError::Setup(format!("entry {seq}: {e}")))?;
        total += body.parts.iter().map(|p| 32 + p.length).sum::<u64>();
        if seq % 65536 == 0 {
            host.progress("size", seq, size);
        }
    }
    Ok(total)
}

/// The incident with the number of entries closest to 100 among the first
/// ones generated: its bundle's export and offline verification.
fn measure_export(archive: &Archive, report: &mut Report) -> Result<(), BenchError> {
    use temoin_archive::bundle::{self, ExportOptions, Scope};
    let mut best: Option<(String, u64)> = None;
    for i in 0..20u64 {
        let id = format!("inc-{i:06}");
        let n = archive.store().touching(&id).count() as u64;
        if n > 0
            && best
                .as_ref()
                .is_none_or(|(_, b)| n.abs_diff(100) < b.abs_diff(100))
        {
            best = Some((id, n));
        }
    }
    let Some((id, _)) = best else {
        report.missing.insert(
            "export_ms".into(),
            "no incident in an archive this small".into(),
        );
        report.missing.insert(
            "verify_bundle_ms".into(),
            "no incident in an archive this small".into(),
        );
        return Ok(());
    };
    let opts = ExportOptions {
        scope: Scope::Incident(id.clone()),
        withhold: Vec::new(),
        beside: None,
    };
    let now = temoin_archive::time::now_ms();
    // Once untimed (first touches of the store), then timed.
    let _ = bundle::export(archive.store(), &opts, now);
    let t = Instant::now();
    let b = bundle::export(archive.store(), &opts, now)
        .map_err(|e| BenchError::Setup(format!("export of {id}: {e}")))?;
    let json = b.to_json();
    report.export_ms = Some(secs(t.elapsed()) * 1e3);
    report.export_entries = Some(b.entries.len() as u64);
    let key = archive
        .checkpoint_vkey()
        .map_err(|e| BenchError::Setup(format!("the archive's checkpoint key: {e}")))?;
    let t = Instant::now();
    let parsed = bundle::Bundle::from_json(json.as_bytes())
        .map_err(|e| BenchError::Setup(format!("bundle of {id} does not parse: {e:?}")))?;
    let verdict = bundle::verify(&parsed, &key);
    report.verify_bundle_ms = Some(secs(t.elapsed()) * 1e3);
    if !verdict.faults.is_empty() {
        return Err(BenchError::Setup(format!(
            "the bundle of {id} does not verify: {:?}",
            verdict.faults.first()
        )));
    }
    Ok(())
}

/// The projections: a full rebuild (in a child process when possible),
/// and one incident's state as of the middle of the log.
fn extras(
    dir: &Path,
    size: u64,
    host: &mut dyn Host,
    report: &mut Report,
    phases: &mut Phases,
) -> Result<(), BenchError> {
    let args: Vec<OsString> = vec![
        "bench-phase".into(),
        "rebuild".into(),
        "--archive".into(),
        dir.to_path_buf().into_os_string(),
    ];
    host.progress("rebuild", 0, 1);
    let out = match host.run_child(&args) {
        Some(run) => {
            let run = run.map_err(BenchError::Setup)?;
            let out: PhaseOutput = serde_json::from_str(&run.stdout)
                .map_err(|_| BenchError::Setup(format!("rebuild: {}{}", run.stdout, run.stderr)))?;
            phases
                .by_phase
                .insert("rebuild".into(), out.peak_rss_kib as f64 / 1024.0);
            out
        }
        None => {
            phases.start();
            let out = run_phase("rebuild", dir)?;
            phases.end("rebuild (in-process)");
            out
        }
    };
    if let Some(f) = out.fault {
        return Err(BenchError::Setup(f));
    }
    report.rebuild_per_s = Some(out.entries as f64 / out.seconds.max(1e-9));
    host.progress("rebuild", 1, 1);

    // As of the middle of the log: an incident opened some 800 entries
    // before it (so that it has gathered most of its entries by then).
    phases.start();
    let archive = Archive::open(dir)?;
    let upto = size / 2;
    let projections = temoin_archive::projection::ArchiveViews::new(archive.store());
    let mut best: Option<(u64, String)> = None;
    for item in archive.store().incident_rows() {
        let (k, v) = item?;
        let info: temoin_archive::rules::IncidentInfo =
            temoin_archive::encoding::decode_canonical(&v, 1 << 20, "incident index")
                .map_err(|e| BenchError::Setup(e.to_string()))?;
        let id = String::from_utf8_lossy(&k).into_owned();
        let good = |at: u64| at + 800 <= upto;
        let better = match &best {
            None => info.opened_at < upto,
            Some((at, _)) => {
                (good(info.opened_at) && (!good(*at) || info.opened_at > *at))
                    || (!good(*at) && info.opened_at < upto && info.opened_at > *at)
            }
        };
        if better {
            best = Some((info.opened_at, id));
        }
    }
    let mut measured = None;
    if let Some((_, id)) = best {
        let t = Instant::now();
        let view = projections
            .incident(&id, upto)
            .map_err(|e| BenchError::Setup(format!("{id} as of {upto}: {e}")))?;
        measured = Some(secs(t.elapsed()) * 1e3);
        std::hint::black_box(view);
    }
    phases.end("as_of");
    match measured {
        Some(ms) => report.as_of_ms = Some(ms),
        None => {
            report.missing.insert(
                "as_of_ms".into(),
                "no incident opened before the middle of this small log".into(),
            );
        }
    }
    Ok(())
}
