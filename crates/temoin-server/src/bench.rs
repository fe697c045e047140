//! `temoin bench serve`: submissions through HTTP on loopback with durable
//! acknowledgements, `clients` at once on keep-alive connections, against
//! the bulk ingest of the same statements in the same run
//! (docs/PERFORMANCE.md).
//!
//! The statements are notes of about 600 bytes by 20 enrolled authors:
//! they refer to nothing, so that clients may send them in any order (the
//! bench's generated workload refers to earlier statements and incidents,
//! which concurrent clients would reorder).

use crate::options::Options;
use serde::Serialize;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use temoin_archive::archive::{Archive, Config};
use temoin_archive::keys::SecretKey;
use temoin_archive::statement::{Draft, Kind, StatementFile};

/// The figures of one run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ServeReport {
    pub statements: usize,
    pub clients: usize,
    pub cores: usize,
    /// Through HTTP, acknowledged once durable.
    pub submissions_per_s: f64,
    pub submit_ms_p50: f64,
    pub submit_ms_p99: f64,
    pub submit_ms_max: f64,
    /// Durable writes the server made (one flush and checkpoint each).
    pub flushes: u64,
    /// Statements per durable write, on average.
    pub statements_per_flush: f64,
    /// Bulk ingest of the same statements (batches of 256, pipelined).
    pub ingest_per_s: f64,
    /// `submissions_per_s / ingest_per_s`.
    pub served_to_bulk: f64,
}

/// Why the bench failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("bench setup: {0}")]
    Setup(String),
    #[error(transparent)]
    Archive(#[from] temoin_archive::ArchiveError),
    #[error(transparent)]
    Serve(#[from] crate::ServeError),
    #[error("submission {0} was not accepted: {1}")]
    Refused(usize, String),
}

const AUTHORS: usize = 20;

fn setup(dir: &Path, custodian: &SecretKey, keys: &[SecretKey]) -> Result<Archive, BenchError> {
    let mut a = Archive::init(
        dir,
        Config::new("bench.temoin.example/serve"),
        custodian,
        "Bench custodian",
    )?;
    let enrol = temoin_workload::enrolments(keys, custodian)
        .map_err(|e| BenchError::Setup(e.to_string()))?;
    for o in a.ingest_batch(&enrol)? {
        o.map_err(|r| BenchError::Setup(r.to_string()))?;
    }
    Ok(a)
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run it: `statements` notes, `clients` at once.
pub fn run(statements: usize, clients: usize, seed: u64) -> Result<ServeReport, BenchError> {
    let clients = clients.max(1);
    let root = std::env::temp_dir().join(format!(
        "temoin-bench-serve-{}-{}",
        std::process::id(),
        temoin_archive::time::now_ms()
    ));
    std::fs::create_dir_all(&root).map_err(|e| BenchError::Setup(e.to_string()))?;
    let _cleanup = TempDir(root.clone());
    let keys = temoin_workload::keys(seed, AUTHORS);
    let mut s = [7u8; 32];
    s[..8].copy_from_slice(&seed.to_le_bytes());
    let custodian = SecretKey::from_seed("bench-custodian", &s)
        .map_err(|e| BenchError::Setup(e.to_string()))?;
    let files: Vec<StatementFile> = temoin_archive::par::map((0..statements).collect(), |i| {
        let text = format!(
            "Témoignage {i} recueilli à Tombouctou : {}",
            "le marché a été frappé vers midi, plusieurs blessés. ".repeat(10)
        );
        Draft::new(Kind::Note)
            .part("text", text)
            .sign(&keys[i % AUTHORS])
    })
    .into_iter()
    .collect::<Result<_, _>>()
    .map_err(|e| BenchError::Setup(e.to_string()))?;
    let bodies: Vec<Vec<u8>> = files.iter().map(StatementFile::to_bytes).collect();

    // Bulk ingest of the same statements.
    let mut bulk = setup(&root.join("bulk"), &custodian, &keys)?;
    let started = Instant::now();
    let batches = files
        .chunks(256)
        .map(|c| Ok::<_, BenchError>(((), c.to_vec())));
    temoin_archive::bulk::ingest_pipelined(&mut bulk, batches, |_, b| {
        for o in b.outcomes {
            o.map_err(|r| BenchError::Refused(0, r.to_string()))?;
        }
        Ok(())
    })?;
    let ingest_s = started.elapsed().as_secs_f64();
    drop(bulk);
    drop(files);

    // Through the server.
    let dir = root.join("served");
    drop(setup(&dir, &custodian, &keys)?);
    let mut options = Options::new(dir, SocketAddr::from(([127, 0, 0, 1], 0)));
    options.rate_per_address = 0;
    options.rate_per_key = 0;
    let server = crate::run(options)?;
    let addr = server.addr;
    let next = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(statements));
    let failure: Mutex<Option<BenchError>> = Mutex::new(None);
    let started = Instant::now();
    std::thread::scope(|sc| {
        for _ in 0..clients {
            sc.spawn(|| {
                let mut mine = Vec::new();
                let result = client(addr, &bodies, &next, &mut mine);
                if let Err(e) = result {
                    if let Ok(mut f) = failure.lock() {
                        f.get_or_insert(e);
                    }
                }
                if let Ok(mut l) = latencies.lock() {
                    l.extend(mine);
                }
            });
        }
    });
    let served_s = started.elapsed().as_secs_f64();
    let flushes = server.flushes();
    server.stop()?;
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut lat = latencies.into_inner().unwrap_or_default();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    let submissions_per_s = statements as f64 / served_s.max(1e-9);
    let ingest_per_s = statements as f64 / ingest_s.max(1e-9);
    Ok(ServeReport {
        statements,
        clients,
        cores: temoin_archive::par::threads(),
        submissions_per_s,
        submit_ms_p50: pct(0.50),
        submit_ms_p99: pct(0.99),
        submit_ms_max: lat.last().copied().unwrap_or(0.0),
        flushes,
        statements_per_flush: statements as f64 / (flushes.max(1)) as f64,
        ingest_per_s,
        served_to_bulk: submissions_per_s / ingest_per_s.max(1e-9),
    })
}

/// One client: a keep-alive connection, statements taken in turn.
fn client(
    addr: SocketAddr,
    bodies: &[Vec<u8>],
    next: &AtomicUsize,
    lat: &mut Vec<f64>,
) -> Result<(), BenchError> {
    let io = |e: std::io::Error| BenchError::Setup(format!("client: {e}"));
    let stream = TcpStream::connect(addr).map_err(io)?;
    stream.set_nodelay(true).map_err(io)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(io)?;
    let mut writer = stream.try_clone().map_err(io)?;
    let mut reader = BufReader::new(stream);
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(body) = bodies.get(i) else {
            return Ok(());
        };
        let t = Instant::now();
        let head = format!(
            "POST /v1/statements HTTP/1.1\r\nHost: bench\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
            crate::STATEMENT_MEDIA_TYPE,
            body.len()
        );
        // One write, as a client's HTTP stack sends a small request: two
        // would be two packets (no Nagle) and two reads for the server.
        let mut request = Vec::with_capacity(head.len() + body.len());
        request.extend_from_slice(head.as_bytes());
        request.extend_from_slice(body);
        writer.write_all(&request).map_err(io)?;
        let mut status = 0u16;
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).map_err(io)? == 0 {
                return Err(BenchError::Setup("the server closed the connection".into()));
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if status == 0 {
                status = l
                    .split_whitespace()
                    .nth(1)
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
            } else if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut answer = vec![0u8; len];
        reader.read_exact(&mut answer).map_err(io)?;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        if status != 200 {
            return Err(BenchError::Refused(
                i,
                String::from_utf8_lossy(&answer).into_owned(),
            ));
        }
    }
}
