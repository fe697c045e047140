//! Why a bundle fails, what it does not establish, what the audit finds
//! and why the log fails it, in the user's language. The library's reasons are typed (their
//! `Display` is the English of FORMAT.md and of `--json`); each variant has
//! its message in the catalogue, and the matches are exhaustive. Details
//! that are a library's own words about bytes (a decoding error, the JSON
//! path of a difference, a part's content rule) stay as the library says
//! them, inside a translated frame.

use super::refusal;
use crate::audit::{seq_before, LogFault, LogFaultReason, Stored};
use crate::bundle::{
    Absence, BesideMissing, BundleFault, FaultReason, Location, PartShape, ProjectFault, Refused,
    Scope, Undecided, BUNDLE_FORMAT, PROJECTION_FORMAT, SEALED,
};
use crate::compromise::{Compromise, Finding};
use crate::entry::MAX_ENTRY_BYTES;
use crate::hash::Digest;
use crate::i18n::Lang;
use crate::rules::{IncidentInfo, StatementInfo};
use crate::statement::SignatureFault;
use crate::time::format_ms;
use crate::tr;
use crate::verdict::FaultKind;

/// `{:?}` of a label, an id or a format, as the English messages quote them.
fn q(s: &str) -> String {
    format!("{s:?}")
}

/// Where a fault is.
pub fn location(lang: Lang, at: &Location) -> String {
    match at {
        Location::Bundle => tr!(lang, "fault-at-bundle"),
        Location::Checkpoint => tr!(lang, "fault-at-checkpoint"),
        Location::Entry(seq) => tr!(lang, "fault-at-entry", seq = seq.to_string()),
        Location::Authors => tr!(lang, "fault-at-authors"),
        Location::Projection => tr!(lang, "fault-at-projection"),
    }
}

/// The kind of a fault (`FaultKind` may grow: a new kind is said by its
/// English name until it has its message).
pub fn kind(lang: Lang, k: FaultKind) -> String {
    match k {
        FaultKind::Format => tr!(lang, "fault-kind-format"),
        FaultKind::Checkpoint => tr!(lang, "fault-kind-checkpoint"),
        FaultKind::EntryBytes => tr!(lang, "fault-kind-entry-bytes"),
        FaultKind::Hash => tr!(lang, "fault-kind-hash"),
        FaultKind::Signature => tr!(lang, "fault-kind-signature"),
        FaultKind::Decoded => tr!(lang, "fault-kind-decoded"),
        FaultKind::Part => tr!(lang, "fault-kind-part"),
        FaultKind::MissingPart => tr!(lang, "fault-kind-missing-part"),
        FaultKind::Inclusion => tr!(lang, "fault-kind-inclusion"),
        FaultKind::Chain => tr!(lang, "fault-kind-chain"),
        FaultKind::Authority => tr!(lang, "fault-kind-authority"),
        FaultKind::Registry => tr!(lang, "fault-kind-registry"),
        FaultKind::Authors => tr!(lang, "fault-kind-authors"),
        FaultKind::Projection => tr!(lang, "fault-kind-projection"),
        FaultKind::Compromise => tr!(lang, "fault-kind-compromise"),
        FaultKind::Scope => tr!(lang, "fault-kind-scope"),
        FaultKind::Rules => tr!(lang, "fault-kind-rules"),
        FaultKind::Sequence => tr!(lang, "fault-kind-sequence"),
        FaultKind::Tree => tr!(lang, "fault-kind-tree"),
        FaultKind::DerivedRow => tr!(lang, "fault-kind-derived-row"),
        FaultKind::KeyFile => tr!(lang, "fault-kind-key-file"),
        _ => k.name().to_string(),
    }
}

/// A fault as `BundleFault`'s `Display` says it: `entry 5: signature: …`,
/// the kind left out where the location already says it.
pub fn fault(lang: Lang, f: &BundleFault) -> String {
    let at = location(lang, &f.at);
    let why = reason(lang, &f.reason);
    if f.at.to_string() == f.kind.name() {
        tr!(lang, "fault-line-short", at = at, reason = why)
    } else {
        tr!(
            lang,
            "fault-line",
            at = at,
            kind = kind(lang, f.kind),
            reason = why
        )
    }
}

fn part_shape(lang: Lang, s: PartShape) -> String {
    match s {
        PartShape::Both => tr!(lang, "fault-shape-both"),
        PartShape::Neither => tr!(lang, "fault-shape-neither"),
        PartShape::BesideWithText => tr!(lang, "fault-shape-beside-with-text"),
    }
}

fn beside_missing(lang: Lang, m: &BesideMissing) -> String {
    match m {
        BesideMissing::NotThere => tr!(lang, "fault-beside-not-there"),
        BesideMissing::CannotOpen(e) => tr!(lang, "fault-beside-cannot-open", error = e.clone()),
        BesideMissing::CannotRead(e) => tr!(lang, "fault-beside-cannot-read", error = e.clone()),
    }
}

fn absence(lang: Lang, a: &Absence) -> String {
    match a {
        Absence::SealedWithoutCiphertext => tr!(lang, "absence-sealed-without-ciphertext"),
        Absence::MustBeSealed => tr!(lang, "absence-must-be-sealed", sealed = q(SEALED)),
        Absence::RegistryWithheld => tr!(lang, "absence-registry-withheld"),
        Absence::PayloadWithheld => tr!(lang, "absence-payload-withheld"),
        Absence::NotInWithheldLabels { label } => {
            tr!(lang, "absence-not-in-withheld-labels", label = q(label))
        }
        Absence::WithheldButRedacted { by } => {
            tr!(lang, "absence-withheld-but-redacted", by = by.to_string())
        }
        Absence::RedactedWithoutSeq => tr!(lang, "absence-redacted-without-seq"),
        Absence::RedactsAnother { by } => {
            tr!(lang, "absence-redacts-another", by = by.to_string())
        }
        Absence::NoSuchOrder { by } => tr!(lang, "absence-no-such-order", by = by.to_string()),
        Absence::UnknownWhy { why } => tr!(lang, "absence-unknown-why", why = q(why)),
    }
}

fn refused(lang: Lang, r: &Refused) -> String {
    match r {
        Refused::RefLater { target, at } => tr!(
            lang,
            "refused-ref-later",
            target = target.short(),
            at = at.to_string()
        ),
        Refused::RefNotInBundle { target } => {
            tr!(lang, "refused-ref-not-in-bundle", target = target.short())
        }
        Refused::IncidentLater { id, at } => tr!(
            lang,
            "refused-incident-later",
            id = q(id),
            at = at.to_string()
        ),
        Refused::Rule(e) => refusal::rule(lang, e),
    }
}

/// `signed_after_compromise`'s value, as the fault says it.
fn compromise(lang: Lang, c: &Option<Compromise>) -> String {
    match c {
        None => tr!(lang, "fault-compromise-nothing"),
        Some(c) => tr!(
            lang,
            "fault-compromise",
            by = c.revoked_at.to_string(),
            since = format_ms(c.effective_at)
        ),
    }
}

/// The seqs of a list, the first twelve of a long one.
fn seq_list(lang: Lang, seqs: &[u64]) -> String {
    let v: Vec<String> = seqs.iter().map(|s| s.to_string()).collect();
    if v.len() > 12 {
        tr!(
            lang,
            "fault-seq-list-long",
            first = v[..12].join(", "),
            n = v.len().to_string()
        )
    } else {
        v.join(", ")
    }
}

/// Why a bundle fails at one place.
pub fn reason(lang: Lang, r: &FaultReason) -> String {
    use FaultReason as R;
    match r {
        R::FileTooLarge { limit } => tr!(lang, "fault-file-too-large", limit = limit.to_string()),
        R::NotJson(e) => tr!(lang, "fault-not-json", error = e.clone()),
        R::FormatUnread { format } => tr!(
            lang,
            "fault-format-unread",
            format = q(format),
            expected = q(BUNDLE_FORMAT)
        ),
        R::NoFormat => tr!(lang, "fault-no-format", expected = q(BUNDLE_FORMAT)),
        R::Shape(e) => tr!(lang, "fault-shape", error = e.clone()),
        R::Format { format } => tr!(
            lang,
            "fault-format",
            format = q(format),
            expected = q(BUNDLE_FORMAT)
        ),
        R::CheckpointKey { key, error } => tr!(
            lang,
            "fault-checkpoint-key",
            key = key.clone(),
            error = error.clone()
        ),
        R::Origin { bundle, checkpoint } => tr!(
            lang,
            "fault-origin",
            bundle = q(bundle),
            checkpoint = q(checkpoint)
        ),
        R::PayloadWithheld => tr!(lang, "fault-payload-withheld"),
        R::MoreFaults(n) => tr!(lang, "fault-more-faults", n = n.to_string()),
        R::OutOfOrder { seq, prev } => tr!(
            lang,
            "fault-out-of-order",
            seq = seq.to_string(),
            prev = prev.to_string()
        ),
        R::EntryTooLarge => tr!(
            lang,
            "fault-entry-too-large",
            limit = MAX_ENTRY_BYTES.to_string()
        ),
        R::EntryBase64(e) => tr!(lang, "fault-entry-base64", error = e.clone()),
        R::NotAnEntry(e) => tr!(lang, "fault-not-an-entry", error = e.clone()),
        R::WrongSeq { found, listed } => tr!(
            lang,
            "fault-wrong-seq",
            found = found.to_string(),
            listed = listed.to_string()
        ),
        R::Body(e) => tr!(lang, "fault-body", error = e.clone()),
        R::EntryHash { given, computed } => tr!(
            lang,
            "fault-entry-hash",
            given = given.clone(),
            computed = computed.short()
        ),
        R::StatementHash { given, computed } => tr!(
            lang,
            "fault-statement-hash",
            given = given.clone(),
            computed = computed.short()
        ),
        R::Signature { error, author } => tr!(
            lang,
            "fault-signature",
            error = error.clone(),
            author = author.clone()
        ),
        R::Decoded { diff } => tr!(lang, "fault-decoded", diff = diff.clone()),
        R::ProofTooLong { hashes } => {
            tr!(lang, "fault-proof-too-long", hashes = hashes.to_string())
        }
        R::ProofHex => tr!(lang, "fault-proof-hex"),
        R::NotProven { seq, size, error } => tr!(
            lang,
            "fault-not-proven",
            seq = seq.to_string(),
            size = size.to_string(),
            error = error.clone()
        ),
        R::PartShape { label, shape } => tr!(
            lang,
            "fault-part-shape",
            label = q(label),
            shape = part_shape(lang, *shape)
        ),
        R::PartNotCommitted { label } => tr!(lang, "fault-part-not-committed", label = q(label)),
        R::PartTwice { label } => tr!(lang, "fault-part-twice", label = q(label)),
        R::SealedInClear { label, ciphertext } => tr!(
            lang,
            "fault-sealed-in-clear",
            label = q(label),
            ciphertext = q(ciphertext)
        ),
        R::ContentLength { label, length } => tr!(
            lang,
            "fault-content-length",
            label = q(label),
            length = length.to_string()
        ),
        R::Salt { label } => tr!(lang, "fault-salt", label = q(label)),
        R::ContentBase64 { label, error } => tr!(
            lang,
            "fault-content-base64",
            label = q(label),
            error = error.clone()
        ),
        R::Mismatch { label, digest } => tr!(
            lang,
            "fault-mismatch",
            label = q(label),
            digest = digest.short()
        ),
        R::Content(reason) => reason.clone(),
        R::TextDiffers { label } => tr!(lang, "fault-text-differs", label = q(label)),
        R::Unaccounted { label } => tr!(lang, "fault-unaccounted", label = q(label)),
        R::AbsentNotCommitted { label } => {
            tr!(lang, "fault-absent-not-committed", label = q(label))
        }
        R::PayloadBeside => tr!(lang, "fault-payload-beside"),
        R::BesideName {
            label,
            name,
            digest,
        } => tr!(
            lang,
            "fault-beside-name",
            label = q(label),
            name = q(name),
            digest = digest.clone()
        ),
        R::BesideMissing { label, digest, why } => tr!(
            lang,
            "fault-beside-missing",
            label = q(label),
            digest = digest.clone(),
            why = beside_missing(lang, why)
        ),
        R::BesideLength {
            label,
            digest,
            length: None,
            committed,
        } => tr!(
            lang,
            "fault-beside-longer",
            label = q(label),
            digest = digest.clone(),
            committed = committed.to_string()
        ),
        R::BesideLength {
            label,
            digest,
            length: Some(length),
            committed,
        } => tr!(
            lang,
            "fault-beside-length",
            label = q(label),
            digest = digest.clone(),
            length = length.to_string(),
            committed = committed.to_string()
        ),
        R::BesideMismatch {
            label,
            committed,
            digest,
        } => tr!(
            lang,
            "fault-beside-mismatch",
            mismatch = reason(
                lang,
                &R::Mismatch {
                    label: label.clone(),
                    digest: *committed
                }
            ),
            digest = digest.clone()
        ),
        R::BesideContent { reason, digest } => tr!(
            lang,
            "fault-beside-content",
            reason = reason.clone(),
            digest = digest.clone()
        ),
        R::Prev {
            seq,
            prev,
            expected,
        } => tr!(
            lang,
            "fault-prev",
            prev = prev.short(),
            seq = (*seq as i128 - 1).to_string(),
            expected = expected.short()
        ),
        R::ReceivedBefore {
            received,
            earlier_seq,
            earlier,
        } => tr!(
            lang,
            "fault-received-before",
            received = format_ms(*received),
            seq = earlier_seq.to_string(),
            earlier = format_ms(*earlier)
        ),
        R::Absent { label, problem } => tr!(
            lang,
            "fault-absent",
            label = q(label),
            problem = absence(lang, problem)
        ),
        R::NoGenesis => tr!(lang, "fault-no-genesis"),
        R::AuthorKey(e) => tr!(lang, "fault-author-key", error = e.clone()),
        R::NotGenesis { kind } => tr!(lang, "fault-not-genesis", kind = kind.to_string()),
        R::NotAuthorised {
            seq,
            error,
            registry,
        } => {
            let said = tr!(
                lang,
                "fault-not-authorised",
                seq = seq.to_string(),
                error = refusal::authority(lang, error)
            );
            if registry.is_empty() {
                said
            } else {
                let from = tr!(lang, "fault-replayed-from", seqs = seq_list(lang, registry));
                format!("{said} {from}")
            }
        }
        R::RegistryPayloadMissing => tr!(lang, "fault-registry-payload-missing"),
        R::RegistryPayload(e) => tr!(
            lang,
            "fault-registry-payload",
            error = refusal::payload(lang, e)
        ),
        R::ChangeNotAllowed(e) => tr!(
            lang,
            "fault-change-not-allowed",
            error = refusal::authority(lang, e)
        ),
        R::GenesisOrigin {
            genesis,
            checkpoint,
        } => tr!(
            lang,
            "fault-genesis-origin",
            genesis = q(genesis),
            checkpoint = q(checkpoint)
        ),
        R::GenesisKey { named, key } => tr!(
            lang,
            "fault-genesis-key",
            named = named.clone(),
            key = key.clone()
        ),
        R::NotOwner { kind, target } => tr!(
            lang,
            "rule-not-owner",
            kind = kind.to_string(),
            target = target.short()
        ),
        R::CompromiseSays { says, established } => tr!(
            lang,
            "fault-compromise-says",
            says = compromise(lang, says),
            established = compromise(lang, established)
        ),
        R::Twice { statement, first } => tr!(
            lang,
            "fault-twice",
            statement = statement.short(),
            first = first.to_string()
        ),
        R::Refused(why) => tr!(lang, "fault-refused", why = refused(lang, why)),
        R::NoStatement { statement } => {
            tr!(lang, "fault-no-statement", statement = statement.clone())
        }
        R::NoIncident { id } => tr!(lang, "fault-no-incident", id = q(id)),
        R::NotWhole { size, missing } => tr!(
            lang,
            "fault-not-whole",
            size = size.to_string(),
            missing = missing.to_string()
        ),
        R::Authors { diff } => tr!(lang, "fault-authors", diff = diff.clone()),
        R::ProjectionFormat { format } => tr!(
            lang,
            "fault-projection-format",
            format = q(format),
            expected = q(PROJECTION_FORMAT)
        ),
        R::Projection { diff } => tr!(lang, "fault-projection", diff = diff.clone()),
        R::ProjectionFailed(e) => tr!(
            lang,
            "fault-projection-failed",
            error = project_fault(lang, e)
        ),
    }
}

fn project_fault(lang: Lang, e: &ProjectFault) -> String {
    match e {
        ProjectFault::NoPayload { seq } => tr!(lang, "project-no-payload", seq = seq.to_string()),
        ProjectFault::Payload { seq, error } => tr!(
            lang,
            "project-payload",
            seq = seq.to_string(),
            error = refusal::payload(lang, error)
        ),
        ProjectFault::Json(e) => e.clone(),
    }
}

/// What a bundle is for.
pub fn scope(lang: Lang, s: &Scope) -> String {
    match s {
        Scope::Incident(id) => tr!(lang, "scope-incident", id = id.clone()),
        Scope::Statement(h) => tr!(lang, "scope-statement", hash = h.clone()),
        Scope::All => tr!(lang, "scope-all"),
    }
}

/// What a partial bundle does not establish.
pub fn undecided(lang: Lang, u: &Undecided) -> String {
    match u {
        Undecided::IncidentOpening { id, seq } => tr!(
            lang,
            "undecided-incident-opening",
            id = q(id),
            seq = seq.to_string()
        ),
    }
}

/// An entry signed after a declared compromise (a finding, not a fault).
pub fn finding(lang: Lang, f: &Finding) -> String {
    tr!(
        lang,
        "finding-signed-after-compromise",
        seq = f.seq.to_string(),
        statement = f.statement.to_hex(),
        author = f.author.clone(),
        received = format_ms(f.received_at),
        since = format_ms(f.compromise.effective_at),
        by = f.compromise.revoked_at.to_string()
    )
}

/// The audit's fault, `entry 5: …`, as `LogFault`'s `Display` says it.
pub fn log_fault(lang: Lang, f: &LogFault) -> String {
    tr!(
        lang,
        "fault-line-short",
        at = location(lang, &Location::Entry(f.seq)),
        reason = log_reason(lang, &f.reason)
    )
}

/// A statement-index row, as `LogFaultReason`'s `Display` says it.
fn statement_info(lang: Lang, i: &StatementInfo) -> String {
    let short = |h: &Option<[u8; 32]>| match h {
        Some(h) => Digest(*h).short(),
        None => tr!(lang, "log-statement-info-none"),
    };
    tr!(
        lang,
        "log-statement-info",
        seq = i.seq.to_string(),
        kind = i.kind.to_string(),
        subject = i.subject.to_string(),
        owner = Digest(i.owner).short(),
        labels = format!("{:?}", i.labels),
        incidents = format!("{:?}", i.incidents),
        superseded = short(&i.superseded_by),
        retracted = short(&i.retracted_by),
        redacted = format!("{:?}", i.redacted)
    )
}

/// An incident-index row, as `LogFaultReason`'s `Display` says it.
fn incident_info(lang: Lang, i: &IncidentInfo) -> String {
    let merged = match &i.merged_into {
        None => tr!(lang, "log-incident-not-merged"),
        Some(id) => tr!(lang, "log-incident-merged", id = q(id)),
    };
    tr!(
        lang,
        "log-incident-info",
        opened = i.opened_at.to_string(),
        record = Digest(i.record).short(),
        merged = merged
    )
}

/// What a derived row holds instead of what the log derives.
fn stored<T>(lang: Lang, s: &Stored<T>, holds: impl Fn(&T) -> String) -> String {
    match s {
        Stored::Holds(v) => tr!(lang, "log-row-holds", value = holds(v)),
        Stored::DoesNotDecode(e) => tr!(lang, "log-row-does-not-decode", error = e.clone()),
    }
}

/// Why the log fails the audit at one entry.
pub fn log_reason(lang: Lang, r: &LogFaultReason) -> String {
    use LogFaultReason as R;
    match r {
        R::NotAnEntry(e) => tr!(lang, "log-not-an-entry", error = e.clone()),
        R::Body(e) => tr!(lang, "log-body", error = e.clone()),
        R::Signature(SignatureFault::BadKey) => tr!(lang, "log-signature-bad-key"),
        R::Signature(SignatureFault::WeakKey) => tr!(lang, "log-signature-weak-key"),
        R::Signature(SignatureFault::Invalid) => tr!(lang, "log-signature-invalid"),
        R::EntryMissing { seq, found } => tr!(
            lang,
            "log-entry-missing",
            seq = seq.to_string(),
            before = seq_before(*seq).to_string(),
            found = found.to_string()
        ),
        R::Moved { position, says } => tr!(
            lang,
            "log-moved",
            position = position.to_string(),
            says = says.to_string()
        ),
        R::Altered { hash } => tr!(lang, "log-altered", hash = hash.short()),
        R::LeafMissing => tr!(lang, "log-leaf-missing"),
        R::Twice { statement, first } => tr!(
            lang,
            "log-twice",
            statement = statement.short(),
            first = first.to_string()
        ),
        R::Prev {
            seq,
            prev,
            expected,
        } => tr!(
            lang,
            "log-prev",
            prev = prev.short(),
            before = seq_before(*seq).to_string(),
            expected = expected.short()
        ),
        R::ReceivedBefore { received, previous } => tr!(
            lang,
            "log-received-before",
            received = format_ms(*received),
            previous = format_ms(*previous)
        ),
        R::SealedInClear { label } => tr!(lang, "log-sealed-in-clear", label = q(label)),
        R::PartMismatch { label } => tr!(lang, "log-part-mismatch", label = q(label)),
        R::Content(reason) => reason.clone(),
        R::PayloadMissing => tr!(lang, "log-payload-missing"),
        R::PartMissing { label } => tr!(lang, "log-part-missing", label = q(label)),
        R::NotAuthorised(e) => tr!(lang, "log-not-authorised", error = refusal::rule(lang, e)),
        R::Node { level, index } => tr!(
            lang,
            "log-node",
            level = level.to_string(),
            index = index.to_string()
        ),
        R::NoCheckpointKey => tr!(lang, "log-no-checkpoint-key"),
        R::Checkpoint { size, error } => tr!(
            lang,
            "log-checkpoint",
            size = size.to_string(),
            error = error.clone()
        ),
        R::CheckpointSize { size, says } => tr!(
            lang,
            "log-checkpoint-size",
            size = size.to_string(),
            says = says.to_string()
        ),
        R::CheckpointRoot { size } => tr!(lang, "log-checkpoint-root", size = size.to_string()),
        R::CheckpointBeyond { size } => {
            tr!(lang, "log-checkpoint-beyond", size = size.to_string())
        }
        R::Empty => tr!(lang, "log-empty"),
        R::HeadSize { head, log } => tr!(
            lang,
            "log-head-size",
            head = head.to_string(),
            log = log.to_string()
        ),
        R::HeadHash => tr!(lang, "log-head-hash"),
        R::HeadReceived { head, log } => tr!(
            lang,
            "log-head-received",
            head = head.to_string(),
            log = log.to_string()
        ),
        R::StatementKey { key } => tr!(lang, "log-statement-key", key = hex::encode(key)),
        R::StatementUnknown { hash, stored: s } => tr!(
            lang,
            "log-statement-unknown",
            hash = hash.to_hex(),
            stored = stored(lang, s, |i| statement_info(lang, i))
        ),
        R::StatementRowMissing { hash, expected } => tr!(
            lang,
            "log-statement-row-missing",
            hash = hash.to_hex(),
            expected = statement_info(lang, expected)
        ),
        R::StatementRowDiffers {
            hash,
            stored: s,
            expected,
        } => tr!(
            lang,
            "log-statement-row-differs",
            hash = hash.to_hex(),
            stored = stored(lang, s, |i| statement_info(lang, i)),
            expected = statement_info(lang, expected)
        ),
        R::RegistryKey { key } => tr!(lang, "log-registry-key", key = key.clone()),
        R::RegistryRowMissing { seq } => {
            tr!(lang, "log-registry-row-missing", seq = seq.to_string())
        }
        R::RegistryRowExtra { seq } => tr!(lang, "log-registry-row-extra", seq = seq.to_string()),
        R::IncidentRowDiffers {
            id,
            stored: s,
            expected,
        } => tr!(
            lang,
            "log-incident-row-differs",
            id = q(id),
            stored = stored(lang, s, |i| incident_info(lang, i)),
            expected = incident_info(lang, expected)
        ),
        R::IncidentRowExtra { id } => tr!(lang, "log-incident-row-extra", id = q(id)),
        R::IncidentRowMissing { id, expected } => tr!(
            lang,
            "log-incident-row-missing",
            id = q(id),
            expected = incident_info(lang, expected)
        ),
        R::PartsEndDoesNotDecode(e) => {
            tr!(lang, "log-parts-end-does-not-decode", error = e.clone())
        }
        R::PartsEnd { held, seq, end } => tr!(
            lang,
            "log-parts-end",
            held = held.to_string(),
            seq = seq.to_string(),
            end = end.to_string()
        ),
        R::ConfigMissing => tr!(lang, "log-config-missing"),
        R::ConfigOrigin { config, genesis } => tr!(
            lang,
            "log-config-origin",
            config = q(config),
            genesis = q(genesis)
        ),
        R::KeyFileWrong {
            path,
            found,
            expected,
        } => tr!(
            lang,
            "log-key-file-wrong",
            path = path.display().to_string(),
            found = q(found),
            expected = q(expected)
        ),
        R::KeyFileUnloadable {
            path,
            error,
            expected,
        } => tr!(
            lang,
            "log-key-file-unloadable",
            path = path.display().to_string(),
            error = error.clone(),
            expected = q(expected)
        ),
    }
}

/// Why a part is absent (`withheld`, `redacted`, `sealed`), as a word.
pub fn absent_why(lang: Lang, why: &str) -> String {
    match why {
        crate::bundle::WITHHELD => tr!(lang, "verdict-why-withheld"),
        crate::bundle::REDACTED => tr!(lang, "verdict-why-redacted"),
        SEALED => tr!(lang, "verdict-why-sealed"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{AuthorityError, PayloadError};
    use crate::rules::RuleError;
    use crate::statement::Kind;

    /// One of each reason, every variant of every enum inside one (a new
    /// variant fails to compile in `reason`, and should be added here).
    /// The second list holds those said in the library's own words in
    /// every language (a content rule's, a serializer's).
    fn every_reason() -> (Vec<FaultReason>, Vec<FaultReason>) {
        use FaultReason as R;
        let s = |x: &str| x.to_string();
        let d = Digest([7; 32]);
        let c = Compromise {
            revoked_at: 12,
            effective_at: 1_763_000_000_000,
        };
        let absent = |problem| R::Absent {
            label: s("witness"),
            problem,
        };
        let beside = |why| R::BesideMissing {
            label: s("video"),
            digest: d.to_hex(),
            why,
        };
        let shape = |shape| R::PartShape {
            label: s("video"),
            shape,
        };
        let refused = |r| R::Refused(Box::new(r));
        let said = vec![
            R::FileTooLarge { limit: 2048 },
            R::NotJson(s("expected value at line 1 column 1")),
            R::FormatUnread { format: s("x/9") },
            R::NoFormat,
            R::Shape(s("missing field `entries`")),
            R::Format { format: s("x/9") },
            R::CheckpointKey {
                key: s("a+1+b"),
                error: s("no signature"),
            },
            R::Origin {
                bundle: s("a"),
                checkpoint: s("b"),
            },
            R::PayloadWithheld,
            R::MoreFaults(3),
            R::OutOfOrder { seq: 3, prev: 5 },
            R::EntryTooLarge,
            R::EntryBase64(s("Invalid byte 33, offset 0.")),
            R::NotAnEntry(s("truncated")),
            R::WrongSeq {
                found: 4,
                listed: 5,
            },
            R::Body(s("truncated")),
            R::EntryHash {
                given: s("abc"),
                computed: d,
            },
            R::StatementHash {
                given: s("abc"),
                computed: d,
            },
            R::Signature {
                error: s("signature invalid"),
                author: d.to_hex(),
            },
            R::Decoded {
                diff: s("decoded.seq is 1 vs 2"),
            },
            R::ProofTooLong { hashes: 70 },
            R::ProofHex,
            R::NotProven {
                seq: 3,
                size: 12,
                error: s("root mismatch"),
            },
            shape(PartShape::Both),
            shape(PartShape::Neither),
            shape(PartShape::BesideWithText),
            R::PartNotCommitted { label: s("x") },
            R::PartTwice { label: s("x") },
            R::SealedInClear {
                label: s("witness"),
                ciphertext: s("witness.age"),
            },
            R::ContentLength {
                label: s("text"),
                length: 12,
            },
            R::Salt { label: s("text") },
            R::ContentBase64 {
                label: s("text"),
                error: s("Invalid padding"),
            },
            R::Mismatch {
                label: s("text"),
                digest: d,
            },
            R::TextDiffers { label: s("text") },
            R::Unaccounted { label: s("text") },
            R::AbsentNotCommitted { label: s("text") },
            R::PayloadBeside,
            R::BesideName {
                label: s("video"),
                name: s("v.mp4"),
                digest: d.to_hex(),
            },
            beside(BesideMissing::NotThere),
            beside(BesideMissing::CannotOpen(s("Permission denied"))),
            beside(BesideMissing::CannotRead(s("Input/output error"))),
            R::BesideLength {
                label: s("video"),
                digest: d.to_hex(),
                length: None,
                committed: 100,
            },
            R::BesideLength {
                label: s("video"),
                digest: d.to_hex(),
                length: Some(99),
                committed: 100,
            },
            R::BesideMismatch {
                label: s("video"),
                committed: d,
                digest: d.to_hex(),
            },
            R::BesideContent {
                reason: s("part \"video.type\" does not name a media type"),
                digest: d.to_hex(),
            },
            R::Prev {
                seq: 4,
                prev: d,
                expected: Digest([8; 32]),
            },
            R::ReceivedBefore {
                received: 1_763_000_000_000,
                earlier_seq: 3,
                earlier: 1_763_000_001_000,
            },
            absent(Absence::SealedWithoutCiphertext),
            absent(Absence::MustBeSealed),
            absent(Absence::RegistryWithheld),
            absent(Absence::PayloadWithheld),
            absent(Absence::NotInWithheldLabels {
                label: s("witness"),
            }),
            absent(Absence::WithheldButRedacted { by: 9 }),
            absent(Absence::RedactedWithoutSeq),
            absent(Absence::RedactsAnother { by: 9 }),
            absent(Absence::NoSuchOrder { by: 9 }),
            absent(Absence::UnknownWhy { why: s("lost") }),
            R::NoGenesis,
            R::AuthorKey(s("not a point")),
            R::NotGenesis { kind: Kind::Note },
            R::NotAuthorised {
                seq: 5,
                error: Box::new(AuthorityError::UnknownKey { key: d.to_hex() }),
                registry: Vec::new(),
            },
            R::NotAuthorised {
                seq: 5,
                error: Box::new(AuthorityError::LastCustodian),
                registry: vec![0, 1, 2],
            },
            R::NotAuthorised {
                seq: 40,
                error: Box::new(AuthorityError::LastCustodian),
                registry: (0..20).collect(),
            },
            R::RegistryPayloadMissing,
            R::RegistryPayload(Box::new(PayloadError::MissingPart {
                kind: Kind::Enroll,
                label: "payload",
            })),
            R::ChangeNotAllowed(Box::new(AuthorityError::LateGenesis)),
            R::GenesisOrigin {
                genesis: s("a"),
                checkpoint: s("b"),
            },
            R::GenesisKey {
                named: s("a+1+b"),
                key: s("c+2+d"),
            },
            R::NotOwner {
                kind: Kind::Retraction,
                target: d,
            },
            R::CompromiseSays {
                says: None,
                established: Some(c),
            },
            R::CompromiseSays {
                says: Some(c),
                established: None,
            },
            R::Twice {
                statement: d,
                first: 4,
            },
            refused(Refused::RefLater { target: d, at: 13 }),
            refused(Refused::RefNotInBundle { target: d }),
            refused(Refused::IncidentLater {
                id: s("tangata"),
                at: 7,
            }),
            refused(Refused::Rule(RuleError::GenesisRefs)),
            refused(Refused::Rule(RuleError::UnknownIncident(s("tangata")))),
            R::NoStatement {
                statement: d.to_hex(),
            },
            R::NoIncident { id: s("tangata") },
            R::NotWhole {
                size: 12,
                missing: 7,
            },
            R::Authors {
                diff: s("authors[0].name is \"a\" vs \"b\""),
            },
            R::ProjectionFormat { format: s("x/0") },
            R::Projection {
                diff: s("projection.x is 1 vs 2"),
            },
            R::ProjectionFailed(Box::new(ProjectFault::NoPayload { seq: 12 })),
            R::ProjectionFailed(Box::new(ProjectFault::Payload {
                seq: 12,
                error: PayloadError::MissingPart {
                    kind: Kind::Testimony,
                    label: "payload",
                },
            })),
        ];
        let own_words = vec![
            R::Content(s("part \"photo.type\" does not name a media type")),
            R::ProjectionFailed(Box::new(ProjectFault::Json(s("key must be a string")))),
        ];
        (said, own_words)
    }

    fn every_location() -> Vec<Location> {
        vec![
            Location::Bundle,
            Location::Checkpoint,
            Location::Entry(13),
            Location::Authors,
            Location::Projection,
        ]
    }

    const EVERY_KIND: [FaultKind; 21] = [
        FaultKind::Format,
        FaultKind::Checkpoint,
        FaultKind::EntryBytes,
        FaultKind::Hash,
        FaultKind::Signature,
        FaultKind::Decoded,
        FaultKind::Part,
        FaultKind::MissingPart,
        FaultKind::Inclusion,
        FaultKind::Chain,
        FaultKind::Authority,
        FaultKind::Registry,
        FaultKind::Authors,
        FaultKind::Projection,
        FaultKind::Compromise,
        FaultKind::Scope,
        FaultKind::Rules,
        FaultKind::Sequence,
        FaultKind::Tree,
        FaultKind::DerivedRow,
        FaultKind::KeyFile,
    ];

    fn finding_example() -> Finding {
        Finding::new(
            8,
            Digest([7; 32]),
            &[9; 32],
            1_763_000_000_000,
            Compromise {
                revoked_at: 12,
                effective_at: 1_762_999_000_000,
            },
        )
    }

    /// In English the catalogue says exactly what the library says: the
    /// verdicts users, scripts and FORMAT.md already know do not change.
    #[test]
    fn english_verdicts_are_the_librarys_words() {
        let (said, own) = every_reason();
        for r in said.iter().chain(&own) {
            assert_eq!(reason(Lang::En, r), r.to_string(), "{r:?}");
        }
        for at in every_location() {
            assert_eq!(location(Lang::En, &at), at.to_string());
            for k in EVERY_KIND {
                let f = BundleFault::new(at.clone(), k, said[0].clone());
                assert_eq!(fault(Lang::En, &f), f.to_string());
            }
        }
        for k in EVERY_KIND {
            assert_eq!(kind(Lang::En, k), k.name());
        }
        let u = Undecided::IncidentOpening {
            id: "tangata".into(),
            seq: 8,
        };
        assert_eq!(undecided(Lang::En, &u), u.to_string());
        let f = finding_example();
        assert_eq!(finding(Lang::En, &f), f.to_string());
        for s in [
            Scope::All,
            Scope::Incident("tangata".into()),
            Scope::Statement(Digest([7; 32]).to_hex()),
        ] {
            assert_eq!(scope(Lang::En, &s), s.to_string());
        }
    }

    #[test]
    fn every_verdict_is_said_in_french() {
        let (said, _) = every_reason();
        let english: Vec<String> = said
            .iter()
            .filter(|r| reason(Lang::Fr, r) == r.to_string())
            .map(|r| format!("{r:?}"))
            .collect();
        assert!(english.is_empty(), "no French words for {english:#?}");
        for at in every_location()
            .into_iter()
            .filter(|at| *at != Location::Projection)
        {
            assert_ne!(location(Lang::Fr, &at), at.to_string(), "{at:?}");
        }
        // "projection" and "signature" are French words too.
        let same = [
            FaultKind::Format,
            FaultKind::Signature,
            FaultKind::Projection,
        ];
        for k in EVERY_KIND.iter().filter(|k| !same.contains(k)) {
            assert_ne!(kind(Lang::Fr, *k), k.name(), "{k:?}");
        }
        let u = Undecided::IncidentOpening {
            id: "tangata".into(),
            seq: 8,
        };
        assert_ne!(undecided(Lang::Fr, &u), u.to_string());
        let f = finding_example();
        assert_ne!(finding(Lang::Fr, &f), f.to_string());
        assert_eq!(scope(Lang::Fr, &Scope::All), "le journal entier");
        assert_eq!(
            reason(
                Lang::Fr,
                &FaultReason::Absent {
                    label: "witness".into(),
                    problem: Absence::RedactedWithoutSeq
                }
            ),
            "la partie \"witness\" est absente : déclarée caviardée sans le numéro de l'ordre de caviardage"
        );
    }
    /// One of each reason the audit gives, every variant of every enum
    /// inside one (a new variant fails to compile in `log_reason`, and
    /// should be added here). The second list holds those said in the
    /// library's own words in every language (a part's content rule).
    fn every_log_reason() -> (Vec<LogFaultReason>, Vec<LogFaultReason>) {
        use LogFaultReason as R;
        let s = |x: &str| x.to_string();
        let d = Digest([7; 32]);
        let statement = |superseded_by, retracted_by| StatementInfo {
            seq: 3,
            kind: Kind::Amendment,
            subject: Kind::Testimony,
            owner: [9; 32],
            labels: vec![s("payload"), s("witness")],
            incidents: vec![s("tangata")],
            superseded_by,
            retracted_by,
            redacted: vec![(s("witness"), 12)],
        };
        let incident = |merged_into| IncidentInfo {
            opened_at: 4,
            record: [8; 32],
            merged_into,
        };
        let said = vec![
            R::NotAnEntry(s("unexpected end of input")),
            R::Body(s("unexpected end of input")),
            R::Signature(SignatureFault::BadKey),
            R::Signature(SignatureFault::WeakKey),
            R::Signature(SignatureFault::Invalid),
            R::EntryMissing { seq: 4, found: 6 },
            R::EntryMissing { seq: 0, found: 1 },
            R::Moved {
                position: 4,
                says: 5,
            },
            R::Altered { hash: d },
            R::LeafMissing,
            R::Twice {
                statement: d,
                first: 3,
            },
            R::Prev {
                seq: 4,
                prev: d,
                expected: Digest([8; 32]),
            },
            R::ReceivedBefore {
                received: 1_763_000_000_000,
                previous: 1_763_000_001_000,
            },
            R::SealedInClear {
                label: s("witness"),
            },
            R::PartMismatch { label: s("text") },
            R::PayloadMissing,
            R::PartMissing { label: s("photo") },
            R::NotAuthorised(Box::new(RuleError::GenesisRefs)),
            R::NotAuthorised(Box::new(RuleError::Authority(AuthorityError::UnknownKey {
                key: d.to_hex(),
            }))),
            R::Node { level: 2, index: 1 },
            R::NoCheckpointKey,
            R::Checkpoint {
                size: 9,
                error: s("bad note"),
            },
            R::CheckpointSize { size: 9, says: 10 },
            R::CheckpointRoot { size: 9 },
            R::CheckpointBeyond { size: 12 },
            R::Empty,
            R::HeadSize { head: 9, log: 8 },
            R::HeadHash,
            R::HeadReceived {
                head: 1_763_000_000_000,
                log: 1_763_000_001_000,
            },
            R::StatementKey { key: vec![1, 2, 3] },
            R::StatementUnknown {
                hash: d,
                stored: Box::new(Stored::Holds(statement(None, None))),
            },
            R::StatementUnknown {
                hash: d,
                stored: Box::new(Stored::DoesNotDecode(s("unexpected end of input"))),
            },
            R::StatementRowMissing {
                hash: d,
                expected: Box::new(statement(Some([1; 32]), Some([2; 32]))),
            },
            R::StatementRowDiffers {
                hash: d,
                stored: Box::new(Stored::Holds(statement(None, None))),
                expected: Box::new(statement(Some([1; 32]), None)),
            },
            R::RegistryKey { key: s("5201") },
            R::RegistryRowMissing { seq: 2 },
            R::RegistryRowExtra { seq: 5 },
            R::IncidentRowDiffers {
                id: s("tangata"),
                stored: Box::new(Stored::Holds(incident(Some(s("ber"))))),
                expected: Box::new(incident(None)),
            },
            R::IncidentRowDiffers {
                id: s("tangata"),
                stored: Box::new(Stored::DoesNotDecode(s("unexpected end of input"))),
                expected: Box::new(incident(Some(s("ber")))),
            },
            R::IncidentRowExtra { id: s("tangata") },
            R::IncidentRowMissing {
                id: s("tangata"),
                expected: Box::new(incident(None)),
            },
            R::PartsEndDoesNotDecode(s("unexpected end of input")),
            R::PartsEnd {
                held: 100,
                seq: 7,
                end: 164,
            },
            R::ConfigMissing,
            R::ConfigOrigin {
                config: s("a.example/x"),
                genesis: s("b.example/y"),
            },
            R::KeyFileWrong {
                path: "/srv/dossier/cle".into(),
                found: s("a+1+b"),
                expected: s("c+2+d"),
            },
            R::KeyFileUnloadable {
                path: "/srv/dossier/cle".into(),
                error: s("Permission denied"),
                expected: s("c+2+d"),
            },
        ];
        let own_words = vec![R::Content(s(
            "part \"photo.type\" does not name a media type",
        ))];
        (said, own_words)
    }

    /// In English the catalogue says exactly what the audit says: the
    /// verdicts of `temoin verify` (and of its `--json`) do not change.
    #[test]
    fn english_log_faults_are_the_audits_words() {
        let (said, own) = every_log_reason();
        for r in said.iter().chain(&own) {
            assert_eq!(log_reason(Lang::En, r), r.to_string(), "{r:?}");
            let f = LogFault {
                seq: 4,
                kind: FaultKind::Chain,
                reason: r.clone(),
            };
            assert_eq!(log_fault(Lang::En, &f), f.to_string());
        }
    }

    /// English words of the audit's reasons, none of which a French
    /// reason may hold (outside the library's own words).
    const ENGLISH_LOG_WORDS: &[&str] = &[
        "entry",
        "statement",
        "missing",
        " is ",
        " the ",
        " does not ",
        " should ",
        " holds",
        " says",
        " row",
        "part ",
        "checkpoint",
        "writer",
        "names",
        "none",
        "None",
        "Some(",
        "opened at",
        "merged into",
    ];

    #[test]
    fn every_log_fault_is_said_in_french() {
        let (said, own) = every_log_reason();
        for r in &said {
            let fr = log_reason(Lang::Fr, r);
            assert_ne!(fr, r.to_string(), "{r:?}");
            // The rules' refusal inside is French too.
            for w in ENGLISH_LOG_WORDS {
                assert!(!fr.contains(w), "{w:?} in {fr:?}");
            }
        }
        for r in &own {
            assert_eq!(log_reason(Lang::Fr, r), r.to_string());
        }
        assert_eq!(
            log_reason(Lang::Fr, &LogFaultReason::EntryMissing { seq: 4, found: 6 }),
            "l'entrée 4 manque : le journal passe de l'entrée 3 à l'entrée 6"
        );
    }
}
