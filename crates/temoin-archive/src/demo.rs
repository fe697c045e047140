//! `temoin demo`: an archive built from the seed article, verified, and
//! read back (docs/DOMAIN.md, "The demo").
//!
//! The statements are in `examples/seed/demo.json` — the same JSON inputs
//! `temoin sign` takes — and the article itself, the press source, in
//! `examples/seed/mali-drone-strikes-2025.fr.txt`. Both are compiled into
//! the binary, with the demo keys of `keys/`, so that `temoin demo` works
//! from any directory. Everything here is DEMO ONLY: the keys are derived
//! from public seeds.

use crate::archive::{Archive, ArchiveError, Config, Refusal, CHECKPOINT_KEY_FILE};
use crate::audit::{self, AuditReport, LogFault};
use crate::compose::{draft_from_json, ComposeError};
use crate::hash::Digest;
use crate::keys::{KeyError, SecretKey};
use crate::projection::{ArchiveViews, IncidentSummary, ProjectionError, Tally, TallyFilter};
use crate::statement::Kind;
use crate::store::{Damage, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The seed's statements (see the file's `about`).
pub const SEED_JSON: &str = include_str!("../../../examples/seed/demo.json");
/// The seed article: the demo's press source, kept verbatim.
pub const ARTICLE: &str = include_str!("../../../examples/seed/mali-drone-strikes-2025.fr.txt");
/// File name of the article in `examples/seed/`.
pub const ARTICLE_FILE: &str = "mali-drone-strikes-2025.fr.txt";

/// The region and window of the article's "three weeks" (its summary
/// claims name no dates: 24 October is its earliest strike in them, 14
/// November its last).
pub const REGION: &str = "Tombouctou";
pub const FROM: &str = "2025-10-24";
pub const TO: &str = "2025-11-14";

const DEMO_KEYS: [(&str, &str); 5] = [
    (
        "demo-custodian",
        include_str!("../../../keys/demo-custodian.key"),
    ),
    (
        "demo-journalist",
        include_str!("../../../keys/demo-journalist.key"),
    ),
    ("demo-ngo", include_str!("../../../keys/demo-ngo.key")),
    (
        "demo-reviewer",
        include_str!("../../../keys/demo-reviewer.key"),
    ),
    (
        "demo-archive",
        include_str!("../../../keys/demo-archive.key"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0} already exists and is not empty: choose a new directory, or pass --force to replace a previous demo archive there")]
    Exists(PathBuf),
    #[error("--force only replaces a previous demo archive, and {0} is not one (it holds no demo checkpoint key); remove it yourself if that is what you mean")]
    NotADemo(PathBuf),
    #[error("cannot replace {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no demo key named {0:?} (demo keys: demo-custodian, demo-journalist, demo-ngo, demo-reviewer, demo-archive)")]
    NoSuchKey(String),
    #[error("demo key: {0}")]
    Key(#[from] KeyError),
    #[error("the demo seed (examples/seed/demo.json) is invalid: {0}")]
    Seed(String),
    #[error("demo step {label:?}: {source}")]
    Compose { label: String, source: ComposeError },
    #[error("demo step {label:?} ({kind}) was refused by the archive: {refusal}")]
    Refused {
        label: String,
        kind: String,
        refusal: Box<Refusal>,
    },
    #[error(transparent)]
    Archive(#[from] Box<ArchiveError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error("the demo archive does not verify: {0}")]
    Audit(LogFault),
}

impl From<ArchiveError> for DemoError {
    fn from(e: ArchiveError) -> DemoError {
        DemoError::Archive(Box::new(e))
    }
}

/// A demo key, from the key files compiled into the binary.
/// Whether `public` is one of the demo keys, whose seeds are public: a
/// file holding it must say DEMO ONLY (keys/README.md).
pub fn is_demo_key(public: &crate::keys::PublicKey) -> bool {
    DEMO_KEYS
        .iter()
        .any(|(name, _)| key(name).is_ok_and(|k| k.public() == *public))
}

pub fn key(name: &str) -> Result<SecretKey, DemoError> {
    let text = DEMO_KEYS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .ok_or_else(|| DemoError::NoSuchKey(name.to_string()))?;
    Ok(SecretKey::parse_file(text)?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    #[allow(dead_code)]
    about: String,
    origin: String,
    custodian: String,
    steps: Vec<SeedStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedStep {
    label: String,
    key: String,
    kind: String,
    input: Value,
}

/// One statement of the demo, as appended.
#[derive(Clone, Debug, Serialize)]
pub struct DemoStep {
    pub label: String,
    pub seq: u64,
    pub kind: Kind,
    /// The demo key that signed it.
    pub author: String,
    pub statement: Digest,
}

/// What the demo built and read back.
#[derive(Clone, Debug, Serialize)]
pub struct DemoReport {
    pub dir: PathBuf,
    pub origin: String,
    pub checkpoint_vkey: String,
    pub steps: Vec<DemoStep>,
    pub audit: AuditReport,
    /// Every incident's current summary.
    pub incidents: Vec<IncidentSummary>,
    /// Region Tombouctou over the article's three weeks, with its claims.
    pub tally: Tally,
    /// Region Tombouctou, any date.
    pub region_tally: Tally,
    /// Author public key (hex) → demo key name.
    pub authors: BTreeMap<String, String>,
}

/// Replace `@LABEL`, `@key:NAME` and `@seed:FILE` in string values.
fn substitute(
    v: &mut Value,
    hashes: &HashMap<String, Digest>,
    keys: &HashMap<String, SecretKey>,
) -> Result<(), DemoError> {
    match v {
        Value::String(s) if s.starts_with('@') => {
            let r = &s[1..];
            let new = if let Some(name) = r.strip_prefix("key:") {
                keys.get(name)
                    .map(|k| k.public().to_hex())
                    .ok_or_else(|| DemoError::NoSuchKey(name.to_string()))?
            } else if let Some(file) = r.strip_prefix("seed:") {
                if file != ARTICLE_FILE {
                    return Err(DemoError::Seed(format!("no seed file {file:?}")));
                }
                ARTICLE.to_string()
            } else {
                hashes
                    .get(r)
                    .map(|h| h.to_hex())
                    .ok_or_else(|| DemoError::Seed(format!("no earlier step labelled {r:?}")))?
            };
            *s = new;
        }
        Value::Array(a) => {
            for x in a {
                substitute(x, hashes, keys)?;
            }
        }
        Value::Object(o) => {
            for x in o.values_mut() {
                substitute(x, hashes, keys)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether `dir` holds a previous demo archive (its checkpoint key is the
/// demo checkpoint key).
fn is_demo_archive(dir: &Path) -> bool {
    let Ok(found) = SecretKey::load(&dir.join(CHECKPOINT_KEY_FILE)) else {
        return false;
    };
    key("demo-archive").is_ok_and(|k| k.public() == found.public())
}

fn prepare_dir(dir: &Path, force: bool) -> Result<(), DemoError> {
    let non_empty = match std::fs::read_dir(dir) {
        Ok(mut rd) => rd.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) if dir.exists() && !dir.is_dir() => {
            return Err(DemoError::Io {
                path: dir.to_path_buf(),
                source: e,
            })
        }
        Err(_) => false,
    };
    if !non_empty {
        return Ok(());
    }
    if !force {
        return Err(DemoError::Exists(dir.to_path_buf()));
    }
    if !is_demo_archive(dir) {
        return Err(DemoError::NotADemo(dir.to_path_buf()));
    }
    std::fs::remove_dir_all(dir).map_err(|source| DemoError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Build the demo archive in `dir`, verify it and read it back. `dir` must
/// be absent or empty; with `force`, a previous demo archive there is
/// replaced (and nothing else is: any other content is refused).
pub fn run(dir: &Path, force: bool) -> Result<DemoReport, DemoError> {
    run_with_progress(dir, force, &mut |_, _, _| {})
}

/// [`run`], calling `progress(phase, done, total)` as it ingests the seed's
/// statements (`"ingest"`) and verifies the archive (`"verify"`).
pub fn run_with_progress(
    dir: &Path,
    force: bool,
    progress: &mut dyn FnMut(&'static str, u64, u64),
) -> Result<DemoReport, DemoError> {
    let seed: Seed = serde_json::from_str(SEED_JSON).map_err(|e| DemoError::Seed(e.to_string()))?;
    prepare_dir(dir, force)?;
    let mut keys: HashMap<String, SecretKey> = HashMap::new();
    for (name, _) in DEMO_KEYS {
        keys.insert(name.to_string(), key(name)?);
    }
    let custodian = keys
        .get(&seed.custodian)
        .ok_or_else(|| DemoError::NoSuchKey(seed.custodian.clone()))?;
    let mut archive = Archive::init_with_checkpoint_key(
        dir,
        Config::new(&seed.origin),
        custodian,
        &seed.custodian,
        key("demo-archive")?,
    )?;
    let mut authors = BTreeMap::new();
    authors.insert(custodian.public().to_hex(), seed.custodian.clone());
    let mut hashes: HashMap<String, Digest> = HashMap::new();
    let genesis = archive
        .store()
        .entry(0)?
        .ok_or_else(|| StoreError::Corrupt(Damage::MissingEntry { seq: 0 }))?;
    let mut steps = vec![DemoStep {
        label: "genesis".into(),
        seq: 0,
        kind: Kind::Genesis,
        author: seed.custodian.clone(),
        statement: genesis.statement.hash(),
    }];
    let total = seed.steps.len() as u64;
    for (i, s) in seed.steps.into_iter().enumerate() {
        progress("ingest", i as u64, total);
        let kind = Kind::from_name(&s.kind).ok_or_else(|| {
            DemoError::Seed(format!("step {:?}: unknown kind {:?}", s.label, s.kind))
        })?;
        let signer = keys
            .get(&s.key)
            .ok_or_else(|| DemoError::NoSuchKey(s.key.clone()))?;
        let mut input = s.input;
        substitute(&mut input, &hashes, &keys)?;
        let json = serde_json::to_vec(&input).map_err(|e| DemoError::Seed(e.to_string()))?;
        let draft = draft_from_json(kind, &json).map_err(|source| DemoError::Compose {
            label: s.label.clone(),
            source,
        })?;
        let file = draft
            .sign(signer)
            .map_err(|e| DemoError::Seed(e.to_string()))?;
        let accepted = archive
            .ingest(&file)?
            .map_err(|refusal| DemoError::Refused {
                label: s.label.clone(),
                kind: s.kind.clone(),
                refusal: Box::new(refusal),
            })?;
        authors.insert(signer.public().to_hex(), s.key.clone());
        hashes.insert(s.label.clone(), accepted.statement_hash);
        steps.push(DemoStep {
            label: s.label,
            seq: accepted.seq,
            kind,
            author: s.key,
            statement: accepted.statement_hash,
        });
    }
    progress("ingest", total, total);
    let size = archive.size();
    let audit = audit::audit(archive.store(), &mut |n| progress("verify", n, size))?
        .map_err(DemoError::Audit)?;
    let p = ArchiveViews::new(archive.store());
    let size = p.size()?;
    let incidents = p.summaries(size)?;
    let tally = p.tally(
        &TallyFilter {
            region: Some(REGION.into()),
            from: Some(FROM.into()),
            to: Some(TO.into()),
            min_grade: None,
        },
        size,
    )?;
    let region_tally = p.tally(
        &TallyFilter {
            region: Some(REGION.into()),
            from: None,
            to: None,
            min_grade: None,
        },
        size,
    )?;
    Ok(DemoReport {
        dir: dir.to_path_buf(),
        origin: seed.origin,
        checkpoint_vkey: archive.checkpoint_vkey()?.to_string(),
        steps,
        audit,
        incidents,
        tally,
        region_tally,
        authors,
    })
}
