//! The archive's side of C2SP tlog-witness (`temoin serve --witness
//! URL=VKEY`): after each durable write, ask every configured witness to
//! cosign the new checkpoint, add the cosignature lines it returns to the
//! stored checkpoint (the `C` row of its size, docs/FORMAT.md §8) and to
//! the one the server shows, so that `/checkpoint`, receipts and bundles
//! carry them.
//!
//! One task does the asking, in rounds: a round takes the latest durable
//! checkpoint and asks each witness that has not cosigned it, all at once,
//! each request bounded by the wait of [`crate::Options::witness_wait`].
//! A witness that is down, slow or refuses is skipped for that round (the
//! checkpoint is served without its cosignature) and asked again at the
//! next write, or after [`RETRY`] when nothing is written. A submission
//! waits for the round that covers its checkpoint at most that same wait
//! before its receipt is made, with whatever cosignatures there are then.
//!
//! The old size sent to a witness is the size it last cosigned for this
//! archive, as far as the archive knows (0 at start); a 409 answer says
//! the witness's size, and the request is made again once from there.

use crate::client::{Call, ServerUrl};
use crate::state::{AppState, Published};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use temoin_archive::cosignature::{add_signature_lines, lines_by, verify_cosignatures, WitnessKey};
use temoin_archive::signed_note::VerifierKey;
use temoin_archive::store::Store;
use temoin_archive::witness::{add_checkpoint_body, parse_size_body};
use tokio::sync::{watch, Notify};

/// How long after a round that missed a witness the next one starts when
/// nothing new is written.
pub const RETRY: Duration = Duration::from_secs(10);

/// One witness the archive asks: `--witness URL=VKEY`.
#[derive(Clone, Debug)]
pub struct WitnessConfig {
    /// The URL as given (for messages).
    pub url: String,
    /// Its submission prefix.
    pub server: ServerUrl,
    /// Its cosignature key.
    pub key: WitnessKey,
}

impl WitnessConfig {
    /// Parses `URL=VKEY` (split at the first `=`: a URL here has none, a
    /// vkey's base64 may end with `=`).
    ///
    /// # Errors
    ///
    /// What is wrong, in English (the CLI says it in the user's language).
    pub fn parse(arg: &str) -> Result<WitnessConfig, String> {
        let (url, vkey) = arg
            .split_once('=')
            .ok_or_else(|| "expected URL=VKEY".to_string())?;
        let server = ServerUrl::parse(url)?;
        let key = WitnessKey::parse(vkey.trim()).map_err(|e| e.to_string())?;
        Ok(WitnessConfig {
            url: url.to_string(),
            server,
            key,
        })
    }
}

/// What handlers hold: a way to start a round, and the checkpoint the last
/// finished round ended with (with the cosignatures it got).
#[derive(Clone)]
pub struct Cosigning {
    kick: Arc<Notify>,
    done: watch::Receiver<Option<Published>>,
    wait: Duration,
}

impl Cosigning {
    /// Ask for a round (a new checkpoint is durable) and wait, at most the
    /// configured wait, for a round that covers `size` to finish: the
    /// checkpoint it ended with (size at least `size`), or `None` if none
    /// finished in time. (The checkpoint shown may meanwhile be a newer one
    /// not yet cosigned: a receipt is made against the round's.)
    pub async fn cosigned(&self, size: u64) -> Option<Published> {
        self.kick.notify_one();
        let mut done = self.done.clone();
        let got = tokio::time::timeout(
            self.wait,
            done.wait_for(|d| d.as_ref().is_some_and(|p| p.size >= size)),
        )
        .await;
        match got {
            Ok(Ok(p)) => p.clone(),
            _ => None,
        }
    }
}

/// Start the cosigning task on the current runtime.
pub fn start(
    witnesses: Vec<WitnessConfig>,
    wait: Duration,
    store: Store,
    published: Arc<RwLock<Published>>,
    archive_key: VerifierKey,
) -> Cosigning {
    let kick = Arc::new(Notify::new());
    let (done_tx, done) = watch::channel(None);
    let task = Task {
        known: vec![None; witnesses.len()],
        witnesses,
        wait,
        store,
        published,
        archive_key,
    };
    tokio::spawn(task.run(kick.clone(), done_tx));
    Cosigning { kick, done, wait }
}

struct Task {
    witnesses: Vec<WitnessConfig>,
    /// The size each witness last cosigned, as far as we know.
    known: Vec<Option<u64>>,
    wait: Duration,
    store: Store,
    published: Arc<RwLock<Published>>,
    archive_key: VerifierKey,
}

fn current(published: &RwLock<Published>) -> Published {
    match published.read() {
        Ok(p) => p.clone(),
        Err(p) => p.into_inner().clone(),
    }
}

impl Task {
    async fn run(mut self, kick: Arc<Notify>, done: watch::Sender<Option<Published>>) {
        loop {
            let p = current(&self.published);
            let (complete, note) = self.round(&p).await;
            let _ = done.send(Some(Published {
                size: p.size,
                note: note.into(),
            }));
            let newer = current(&self.published).size > p.size;
            if newer {
                continue;
            }
            if complete {
                kick.notified().await;
            } else {
                tokio::select! {
                    () = kick.notified() => {}
                    () = tokio::time::sleep(RETRY) => {}
                }
            }
        }
    }

    /// Ask every witness whose cosignature `p` lacks; store and publish
    /// what they give. Whether `p` ends cosigned by every witness, and its
    /// note as it ends.
    async fn round(&mut self, p: &Published) -> (bool, String) {
        let note = p.note.to_string();
        let missing: Vec<usize> = (0..self.witnesses.len())
            .filter(|&i| lines_by(&note, &self.witnesses[i].key).is_empty())
            .collect();
        if missing.is_empty() {
            return (true, note);
        }
        let asks = missing.iter().map(|&i| {
            let w = self.witnesses[i].clone();
            let old = self.known[i].unwrap_or(0);
            let store = self.store.clone();
            let note = note.clone();
            let size = p.size;
            let wait = self.wait;
            let ak = self.archive_key.clone();
            async move {
                let r = tokio::time::timeout(wait, ask(&w, old, size, &note, &store, &ak)).await;
                (
                    i,
                    r.unwrap_or_else(|_| Err(Asked::Failed(format!("no answer within {wait:?}")))),
                )
            }
        });
        let answers = futures_join_all(asks).await;
        let mut lines = String::new();
        for (i, a) in answers {
            let w = &self.witnesses[i];
            match a {
                Ok((line, size)) => {
                    self.known[i] = Some(size);
                    lines.push_str(&line);
                }
                Err(Asked::Failed(why)) => {
                    eprintln!(
                        "temoin serve: witness {} ({}) did not cosign the checkpoint of size {}: {why}; served without its cosignature, asked again later",
                        w.url,
                        w.key.label(),
                        p.size
                    );
                }
                Err(Asked::Known(size)) => self.known[i] = Some(size),
            }
        }
        if lines.is_empty() {
            return (false, note);
        }
        let complete = lines.lines().count() == missing.len();
        match self.store_and_publish(p.size, &lines) {
            Ok(cosigned) => (complete, cosigned),
            Err(e) => {
                eprintln!(
                    "temoin serve: cannot add witnesses' cosignatures to the checkpoint of size {}: {e}",
                    p.size
                );
                (false, note)
            }
        }
    }

    /// Add `lines` to the stored note at `size` and, if it is still the
    /// one shown, to the published one.
    fn store_and_publish(&self, size: u64, lines: &str) -> Result<String, String> {
        for _ in 0..3 {
            let stored = self
                .store
                .checkpoint_note(size)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no checkpoint of size {size} is stored"))?;
            let cosigned = add_signature_lines(&stored, lines).map_err(|e| e.to_string())?;
            // The archive's signature and text are kept byte for byte.
            temoin_archive::checkpoint::Checkpoint::open(&cosigned, &self.archive_key)
                .map_err(|e| e.to_string())?;
            if !self
                .store
                .replace_checkpoint_note(size, &stored, &cosigned)
                .map_err(|e| e.to_string())?
            {
                continue;
            }
            let mut g = match self.published.write() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            if g.size == size {
                g.note = cosigned.as_str().into();
            }
            return Ok(cosigned);
        }
        Err("the stored checkpoint kept changing".into())
    }
}

enum Asked {
    /// No cosignature: why.
    Failed(String),
    /// No cosignature, but the witness's size is now known (it is ahead).
    Known(u64),
}

/// Run the futures concurrently (no `futures` dependency for one join).
async fn futures_join_all<F, T>(futs: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        if let Ok(v) = h.await {
            out.push(v);
        }
    }
    out
}

/// One witness, for the checkpoint `note` of size `size`: the cosignature
/// line(s) it returned, checked, and the size it now holds.
async fn ask(
    w: &WitnessConfig,
    mut old: u64,
    size: u64,
    note: &str,
    store: &Store,
    archive_key: &VerifierKey,
) -> Result<(String, u64), Asked> {
    if old > size {
        old = 0;
    }
    for attempt in 0..2 {
        let proof = {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.consistency_proof(old, size))
                .await
                .map_err(|e| Asked::Failed(e.to_string()))?
                .map_err(|e| Asked::Failed(format!("computing the consistency proof: {e}")))?
        };
        let body = add_checkpoint_body(old, &proof, note);
        let call = Call {
            method: "POST",
            path: "/add-checkpoint",
            content_type: Some("text/plain; charset=utf-8"),
            body: body.as_bytes(),
            token: None,
            limit: 64 * 1024,
        };
        let answer = crate::client::send(&w.server, &call)
            .await
            .map_err(|e| Asked::Failed(e.0))?;
        match answer.status {
            200 => {
                let text = String::from_utf8(answer.body)
                    .map_err(|_| Asked::Failed("its answer is not UTF-8".into()))?;
                let merged = add_signature_lines(note, &text)
                    .map_err(|e| Asked::Failed(format!("its answer: {e}")))?;
                let line = lines_by(&merged, &w.key);
                let got = verify_cosignatures(&merged, archive_key, std::slice::from_ref(&w.key))
                    .map_err(|e| Asked::Failed(format!("its answer: {e}")))?;
                if got.cosignatures.is_empty() || line.is_empty() {
                    return Err(Asked::Failed(
                        "its answer holds no cosignature by its configured key".into(),
                    ));
                }
                return Ok((line, size));
            }
            409 if attempt == 0 => {
                let theirs = parse_size_body(&answer.body)
                    .ok_or_else(|| Asked::Failed("409 without a tree size in its body".into()))?;
                if theirs > size {
                    eprintln!(
                        "temoin serve: witness {} has cosigned a tree of size {theirs} of this archive, larger than its tree of size {size}: is this archive a copy restored from an older backup?",
                        w.url
                    );
                    return Err(Asked::Known(theirs));
                }
                old = theirs;
            }
            status => {
                let why: String =
                    String::from_utf8_lossy(&answer.body[..answer.body.len().min(300)])
                        .chars()
                        .filter(|c| !c.is_control())
                        .collect();
                return Err(Asked::Failed(format!("HTTP {status}: {why}")));
            }
        }
    }
    Err(Asked::Failed("409 twice".into()))
}

impl AppState {
    /// Wait (bounded) for the witnesses to cosign a checkpoint of at
    /// least `size`, when the server has witnesses: that checkpoint, or
    /// the latest one shown if no round finished in time.
    pub async fn witnessed(&self, size: u64) -> Published {
        if let Some(c) = &self.cosigning {
            if let Some(p) = c.cosigned(size).await {
                return p;
            }
        }
        self.published()
    }
}
