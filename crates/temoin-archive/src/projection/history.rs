//! History: every entry that touched an incident (or a testimony), in
//! order, with what it changed in the projected record.
//!
//! An incident's history folds its entries one at a time and compares the
//! view after each entry with the view before it, so "what it changed" is
//! the projection's own answer, not a description of the statement.

use super::incident::{count_display, IncidentView, TestimonyStatus, FIGURE_NAMES};
use super::{read_event, ArchiveViews, Event, ProjectionError};
use crate::domain::{Claims, Payload, Place, Testimony, When};
use crate::hash::Digest;
use crate::rules::{Index, StatementInfo};
use crate::statement::Kind;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One entry in a history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryStep {
    pub seq: u64,
    pub received_at: i64,
    #[serde(with = "super::hex_digest")]
    pub statement: Digest,
    /// The author's public key, hex.
    pub author: String,
    pub kind: Kind,
    /// What the statement is, in a line.
    pub what: String,
    /// What it changed in the record, one line per change.
    pub changes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct History {
    /// The incident id, or the testimony's first statement hash.
    pub subject: String,
    /// `incident` or `testimony`.
    pub kind: String,
    pub steps: Vec<HistoryStep>,
}

/// `2025-11-13`, `2025-11-13 → 2025-11-14`, `2025-11` (day unknown),
/// `2025` (month unknown), with "(estimated)" for an estimated date.
pub fn format_when(w: &When) -> String {
    let mut s = w.display();
    if w.precision == crate::domain::DatePrecision::Estimated {
        s.push_str(" (estimated)");
    }
    s
}

/// `Tangata, commune Tin-Aïcha, région Tombouctou, ML`, with how precisely
/// the place is known when the record says (`(precision: commune)`).
pub fn format_place(p: &Place) -> String {
    let mut s = p.name.clone();
    if let Some(c) = &p.commune {
        s.push_str(&format!(", commune {c}"));
    }
    if let Some(c) = &p.cercle {
        s.push_str(&format!(", cercle {c}"));
    }
    if let Some(r) = &p.region {
        s.push_str(&format!(", région {r}"));
    }
    s.push_str(&format!(", {}", p.country));
    if let Some(c) = p.coordinates {
        s.push_str(&format!(" ({:.5}, {:.5})", c.lat, c.lon));
    }
    if let Some(precision) = p.precision {
        s.push_str(&format!(" (precision: {})", enum_name(&precision)));
    }
    s
}

/// An enum's name as the data spells it (`unknown_day`, `state_forces`).
pub fn enum_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn short(d: &Digest) -> String {
    d.short()
}

fn relation_name(r: crate::domain::Relation) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A statement in one line.
pub fn describe(ev: &Event) -> String {
    let target = ev.refs.first().map(short).unwrap_or_default();
    match &ev.payload {
        Some(Payload::Incident(i)) => format!(
            "opened incident {}: {} — {}, {}",
            i.id,
            i.title,
            format_place(&i.place),
            format_when(&i.when)
        ),
        Some(Payload::Testimony(t)) => format!(
            "testimony ({}{}) about {}",
            relation_name(t.source.relation),
            if t.source.description.is_empty() {
                String::new()
            } else {
                format!(": {}", t.source.description)
            },
            t.incidents.join(", ")
        ),
        Some(Payload::Amendment(a)) if a.incident.is_some() => {
            format!("amended incident record {target}: {}", a.reason)
        }
        Some(Payload::Amendment(a)) => format!("amended testimony {target}: {}", a.reason),
        Some(Payload::Retraction(r)) => format!("retracted testimony {target}: {}", r.reason),
        Some(Payload::Annotation(a)) => format!(
            "annotation ({}) on {target}: {}{}",
            serde_json::to_value(a.stance)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            a.text,
            match &a.grade {
                Some(g) => format!(
                    " [grade: {}]",
                    [
                        g.verification
                            .map(|v| format!("verification {}", enum_name(&v))),
                        g.reliability
                            .map(|r| format!("reliability {}", enum_name(&r))),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
                ),
                None => String::new(),
            }
        ),
        Some(Payload::Merge(m)) => format!("merged {} into {}: {}", m.from, m.into, m.reason),
        Some(Payload::SummaryClaim(c)) => format!("summary claim: « {} »", c.text),
        Some(Payload::Redaction(r)) => format!(
            "redaction order: part {:?} of {target} erased: {}",
            r.label, r.reason
        ),
        None => match ev.revokes {
            Some((key, effective_at)) => format!(
                "revoked key {}…, declared distrusted since {}",
                hex::encode(&key[..8]),
                crate::time::format_ms(effective_at)
            ),
            None => format!("{} statement", ev.kind),
        },
    }
}

fn step(ev: &Event, changes: Vec<String>) -> HistoryStep {
    HistoryStep {
        seq: ev.seq,
        received_at: ev.received_at,
        statement: ev.hash,
        author: hex::encode(ev.author),
        kind: ev.kind,
        what: describe(ev),
        changes,
    }
}

fn figure_text(v: &IncidentView, name: &str) -> String {
    match v.figures.get(name) {
        None => "—".into(),
        Some(f) => format!(
            "{} ({} source{})",
            f.display(),
            f.sources,
            if f.sources == 1 { "" } else { "s" }
        ),
    }
}

/// What changed from `prev` to `cur`, in lines.
pub fn diff(prev: Option<&IncidentView>, cur: &IncidentView) -> Vec<String> {
    let mut out = Vec::new();
    let pr = prev.and_then(|p| p.record.as_ref());
    match (pr, &cur.record) {
        (None, Some(r)) => out.push(format!(
            "record: {} — {}, {} ({})",
            r.incident.title,
            format_place(&r.incident.place),
            format_when(&r.incident.when),
            r.incident.incident_type
        )),
        (Some(a), Some(b)) if a.current != b.current => {
            let (a, b) = (&a.incident, &b.incident);
            if a.title != b.title {
                out.push(format!("title: {} → {}", a.title, b.title));
            }
            if a.incident_type != b.incident_type {
                out.push(format!("type: {} → {}", a.incident_type, b.incident_type));
            }
            if a.place != b.place {
                out.push(format!(
                    "place: was {}; now {}",
                    format_place(&a.place),
                    format_place(&b.place)
                ));
            }
            if a.when != b.when {
                out.push(format!(
                    "when: was {}; now {}",
                    format_when(&a.when),
                    format_when(&b.when)
                ));
            }
            if a.description != b.description {
                out.push(format!("description: {}", b.description));
            }
        }
        _ => {}
    }
    if cur.merged_into.is_some() && prev.is_none_or(|p| p.merged_into.is_none()) {
        if let Some(m) = &cur.merged_into {
            out.push(format!(
                "merged into {}: its record and testimonies are read there",
                m.into
            ));
        }
    }
    let before: BTreeSet<String> = prev
        .map(|p| p.merged.iter().map(|m| m.from.clone()).collect())
        .unwrap_or_default();
    for m in &cur.merged {
        if !before.contains(&m.from) {
            out.push(format!("now includes incident {} (merged into it)", m.from));
        }
    }
    let old: BTreeMap<Digest, &super::TestimonyView> = prev
        .map(|p| {
            p.testimonies
                .iter()
                .map(|t| (t.versions[0].source.statement, t))
                .collect()
        })
        .unwrap_or_default();
    for t in &cur.testimonies {
        let key = t.versions[0].source.statement;
        let name = short(&key);
        match old.get(&key) {
            None => out.push(match &t.status {
                TestimonyStatus::Active => format!("testimony {name} counted"),
                _ => format!("testimony {name} shown, not counted"),
            }),
            Some(o) => {
                if o.current != t.current {
                    out.push(format!(
                        "testimony {name}: now read in its version {}",
                        short(&t.current.statement)
                    ));
                }
                if o.status != t.status {
                    out.push(match &t.status {
                        TestimonyStatus::Active => format!("testimony {name} counted again"),
                        TestimonyStatus::Retracted { reason, .. } => {
                            format!("testimony {name} retracted ({reason}): out of the figures")
                        }
                        TestimonyStatus::Elsewhere { incidents } => format!(
                            "testimony {name} now speaks of {} only: out of the figures",
                            incidents.join(", ")
                        ),
                        TestimonyStatus::Compromised { revoked_at, .. } => format!(
                            "testimony {name}: its version {} was signed after the compromise the revocation at entry {revoked_at} declares: out of the figures",
                            short(&t.current.statement)
                        ),
                    });
                }
            }
        }
        for v in &t.versions {
            for part in &v.parts {
                let was = old
                    .get(&key)
                    .and_then(|o| {
                        o.versions
                            .iter()
                            .find(|ov| ov.source == v.source)
                            .and_then(|ov| ov.parts.iter().find(|p| p.label == part.label))
                    })
                    .is_some_and(|p| p.redacted.is_some());
                if let (Some(r), false) = (&part.redacted, was) {
                    out.push(format!(
                        "part {:?} of {} erased ({}): shown as a gap",
                        part.label,
                        short(&v.source.statement),
                        r.reason
                    ));
                }
            }
        }
    }
    for name in FIGURE_NAMES {
        let a = prev
            .map(|p| figure_text(p, name))
            .unwrap_or_else(|| "—".into());
        let b = figure_text(cur, name);
        if a != b {
            out.push(format!("{name}: {a} → {b}"));
        }
    }
    let names = |v: Option<&IncidentView>| -> Vec<String> {
        v.map(|v| v.victims.iter().map(|x| x.name.clone()).collect())
            .unwrap_or_default()
    };
    let (vb, va) = (names(prev), names(Some(cur)));
    let added: Vec<&String> = va.iter().filter(|n| !vb.contains(n)).collect();
    let removed: Vec<&String> = vb.iter().filter(|n| !va.contains(n)).collect();
    if !added.is_empty() {
        out.push(format!(
            "victims named: +{}",
            added
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", +")
        ));
    }
    if !removed.is_empty() {
        out.push(format!(
            "victims no longer named: {}",
            removed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let was: BTreeSet<u64> = prev
        .map(|p| {
            p.signed_after_compromise
                .iter()
                .map(|c| c.source.seq)
                .collect()
        })
        .unwrap_or_default();
    for c in &cur.signed_after_compromise {
        if !was.contains(&c.source.seq) {
            out.push(format!(
                "entry {} ({}, statement {}) signed after a declared compromise: received not before {}, the time since when the revocation at entry {} distrusts its key",
                c.source.seq,
                c.kind,
                short(&c.source.statement),
                crate::time::format_ms(c.compromise.effective_at),
                c.compromise.revoked_at
            ));
        }
    }
    let claims_before = prev.map_or(0, |p| p.claims.len());
    for c in cur.claims.iter().skip(claims_before) {
        out.push(format!("summary claim naming it: « {} »", c.claim.text));
    }
    facts_diff(prev, cur, &mut out);
    out
}

fn perpetrator_text(p: &super::PerpetratorView) -> String {
    let names = |v: Vec<String>| v.join("/");
    format!(
        "{} ({}; {}){}",
        p.name,
        names(p.attributions.iter().map(enum_name).collect()),
        names(p.kinds.iter().map(enum_name).collect()),
        if p.conflict { " ⚠" } else { "" }
    )
}

fn grade_text(g: Option<&super::SourceGrade>) -> String {
    match g {
        None => "ungraded".into(),
        Some(g) => [
            g.verification
                .as_ref()
                .map(|m| format!("verification {}", enum_name(&m.value))),
            g.reliability
                .as_ref()
                .map(|m| format!("reliability {}", enum_name(&m.value))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
    }
}

/// What changed in the perpetrators, the grades and the data conflicts.
fn facts_diff(prev: Option<&IncidentView>, cur: &IncidentView, out: &mut Vec<String>) {
    let before: BTreeMap<&str, String> = prev
        .map(|p| {
            p.perpetrators
                .iter()
                .map(|x| (x.name.as_str(), perpetrator_text(x)))
                .collect()
        })
        .unwrap_or_default();
    for x in &cur.perpetrators {
        let now = perpetrator_text(x);
        match before.get(x.name.as_str()) {
            None => out.push(format!("alleged perpetrator: {now}")),
            Some(was) if *was != now => out.push(format!("perpetrator: {was} → {now}")),
            _ => {}
        }
    }
    let grades: BTreeMap<Digest, Option<&super::SourceGrade>> = prev
        .map(|p| {
            p.testimonies
                .iter()
                .map(|t| (t.versions[0].source.statement, t.grade.as_ref()))
                .collect()
        })
        .unwrap_or_default();
    for t in &cur.testimonies {
        let key = t.versions[0].source.statement;
        let was = grades.get(&key).copied().flatten();
        if was != t.grade.as_ref() {
            out.push(format!(
                "testimony {} graded: {} → {}",
                short(&key),
                grade_text(was),
                grade_text(t.grade.as_ref())
            ));
        }
    }
    let seen: Vec<&super::DataConflict> = prev
        .map(|p| p.data_conflicts.iter().collect())
        .unwrap_or_default();
    for c in &cur.data_conflicts {
        if !seen.contains(&c) {
            out.push(format!(
                "data conflict in entry {} about {}: {}",
                c.source.seq, c.incident, c.text
            ));
        }
    }
}

/// The history of incident `id` with the first `upto` entries.
pub fn incident_history(
    p: &ArchiveViews<'_>,
    id: &str,
    upto: u64,
) -> Result<History, ProjectionError> {
    let events = p.gather(id, upto)?;
    let distrust = p.distrust()?;
    let as_of = upto.saturating_sub(1);
    // A revocation that declares some of these entries signed after a
    // compromise changes the view without touching the incident: it is a
    // step of its own, at its seq.
    let revocations: BTreeSet<u64> = events
        .iter()
        .filter_map(|e| distrust.taint(&e.author, e.seq, e.received_at, as_of))
        .map(|c| c.revoked_at)
        .collect();
    let mut steps = Vec::with_capacity(events.len() + revocations.len());
    let mut prev: Option<IncidentView> = None;
    let mut revocations = revocations.into_iter().peekable();
    let mut i = 0;
    while i < events.len() || revocations.peek().is_some() {
        let next_revocation = revocations.peek().copied();
        match next_revocation {
            Some(r) if i >= events.len() || r < events[i].seq => {
                revocations.next();
                let ev = read_event(p.store(), r)?;
                let view = IncidentView::build(id, &events[..i], r, distrust);
                steps.push(step(&ev, diff(prev.as_ref(), &view)));
                prev = Some(view);
            }
            _ => {
                let view = IncidentView::build(id, &events[..=i], events[i].seq, distrust);
                steps.push(step(&events[i], diff(prev.as_ref(), &view)));
                prev = Some(view);
                i += 1;
            }
        }
    }
    Ok(History {
        subject: id.to_string(),
        kind: "incident".into(),
        steps,
    })
}

fn claims_changes(a: &Testimony, b: &Testimony) -> Vec<String> {
    let mut out = Vec::new();
    if a.incidents != b.incidents {
        out.push(format!(
            "incidents: {} → {}",
            a.incidents.join(", "),
            b.incidents.join(", ")
        ));
    }
    if a.source != b.source {
        out.push(format!(
            "source: {} → {}",
            relation_name(a.source.relation) + " " + &a.source.description,
            relation_name(b.source.relation) + " " + &b.source.description
        ));
    }
    let find = |t: &Testimony, inc: &str| -> Option<Claims> {
        t.claims.iter().find(|c| c.incident == inc).cloned()
    };
    let mut incs: Vec<String> = a.claims.iter().map(|c| c.incident.clone()).collect();
    for c in &b.claims {
        if !incs.contains(&c.incident) {
            incs.push(c.incident.clone());
        }
    }
    for inc in incs {
        let (ca, cb) = (find(a, &inc), find(b, &inc));
        let fig = |c: &Option<Claims>, n: usize| -> String {
            c.as_ref()
                .and_then(|c| [c.dead, c.injured, c.missing, c.women_dead, c.children_dead][n])
                .map(count_display)
                .unwrap_or_else(|| "—".into())
        };
        for (n, name) in FIGURE_NAMES.iter().enumerate() {
            let (x, y) = (fig(&ca, n), fig(&cb, n));
            if x != y {
                out.push(format!("{name} ({inc}): {x} → {y}"));
            }
        }
        let names = |c: &Option<Claims>| -> Vec<String> {
            c.as_ref()
                .map(|c| c.victims.iter().map(|v| v.name.clone()).collect())
                .unwrap_or_default()
        };
        let actors = |c: &Option<Claims>| -> (Vec<String>, Vec<String>) {
            c.as_ref()
                .map(|c| {
                    (
                        c.perpetrators
                            .iter()
                            .map(|p| {
                                format!(
                                    "{} ({}; {})",
                                    p.name,
                                    enum_name(&p.attribution),
                                    enum_name(&p.kind)
                                )
                            })
                            .collect(),
                        c.means
                            .iter()
                            .map(|m| match &m.model {
                                Some(model) => format!("{} ({model})", enum_name(&m.kind)),
                                None => enum_name(&m.kind),
                            })
                            .collect(),
                    )
                })
                .unwrap_or_default()
        };
        let ((pa, ma), (pb, mb)) = (actors(&ca), actors(&cb));
        if pa != pb {
            out.push(format!(
                "perpetrators ({inc}): {} → {}",
                if pa.is_empty() {
                    "—".into()
                } else {
                    pa.join(", ")
                },
                if pb.is_empty() {
                    "—".into()
                } else {
                    pb.join(", ")
                }
            ));
        }
        if ma != mb {
            out.push(format!(
                "means ({inc}): {} → {}",
                if ma.is_empty() {
                    "—".into()
                } else {
                    ma.join(", ")
                },
                if mb.is_empty() {
                    "—".into()
                } else {
                    mb.join(", ")
                }
            ));
        }
        let (na, nb) = (names(&ca), names(&cb));
        let added: Vec<String> = nb.iter().filter(|n| !na.contains(n)).cloned().collect();
        let removed: Vec<String> = na.iter().filter(|n| !nb.contains(n)).cloned().collect();
        if !added.is_empty() {
            out.push(format!("victims ({inc}): +{}", added.join(", +")));
        }
        if !removed.is_empty() {
            out.push(format!(
                "victims ({inc}) no longer named: {}",
                removed.join(", ")
            ));
        }
    }
    out
}

fn testimony_of(ev: &Event) -> Option<&Testimony> {
    match &ev.payload {
        Some(Payload::Testimony(t)) => Some(t),
        Some(Payload::Amendment(a)) => a.testimony.as_ref(),
        _ => None,
    }
}

/// The history of the testimony that statement `hash` is a version of.
pub fn testimony_history(
    p: &ArchiveViews<'_>,
    hash: Digest,
    info: &StatementInfo,
    upto: u64,
) -> Result<History, ProjectionError> {
    let store = p.store();
    // The chain of versions: back through the amendments' refs, forward
    // through the index's superseded_by.
    let mut chain: Vec<Digest> = vec![hash];
    let mut incidents: BTreeSet<String> = info.incidents.iter().cloned().collect();
    let mut ev = read_event(store, info.seq)?;
    while matches!(ev.payload, Some(Payload::Amendment(_))) {
        let Some(prev) = ev.refs.first().copied() else {
            break;
        };
        let Some(pi) = store.statement(&prev)? else {
            break;
        };
        incidents.extend(pi.incidents.iter().cloned());
        chain.insert(0, prev);
        ev = read_event(store, pi.seq)?;
    }
    let mut cur = info.clone();
    while let Some(next) = cur.superseded_by {
        let Some(ni) = store.statement(&Digest(next))? else {
            break;
        };
        if ni.seq >= upto {
            break;
        }
        incidents.extend(ni.incidents.iter().cloned());
        chain.push(Digest(next));
        cur = ni;
    }
    let hashes: BTreeSet<Digest> = chain.iter().copied().collect();
    let mut events: BTreeMap<u64, Arc<Event>> = BTreeMap::new();
    for inc in &incidents {
        for seq in store.touching(inc) {
            let seq = seq?;
            if seq >= upto || events.contains_key(&seq) {
                continue;
            }
            let ev = read_event(store, seq)?;
            let related = hashes.contains(&ev.hash)
                || (matches!(
                    ev.payload,
                    Some(Payload::Retraction(_))
                        | Some(Payload::Annotation(_))
                        | Some(Payload::Redaction(_))
                ) && ev.refs.first().is_some_and(|r| hashes.contains(r)));
            if related {
                events.insert(seq, Arc::new(ev));
            }
        }
    }
    // The revocations that declare versions of it signed after a
    // compromise: steps of their own.
    let distrust = p.distrust()?;
    let as_of = upto.saturating_sub(1);
    let mut tainted: BTreeMap<u64, Vec<Digest>> = BTreeMap::new();
    for ev in events.values() {
        if !hashes.contains(&ev.hash) {
            continue;
        }
        if let Some(c) = distrust.taint(&ev.author, ev.seq, ev.received_at, as_of) {
            tainted.entry(c.revoked_at).or_default().push(ev.hash);
        }
    }
    for &r in tainted.keys() {
        events.insert(r, Arc::new(read_event(store, r)?));
    }
    let mut steps = Vec::new();
    let mut last: Option<Testimony> = None;
    for ev in events.values() {
        let changes = match (testimony_of(ev), &last) {
            (Some(t), None) => {
                let mut c = vec![format!("first version, about {}", t.incidents.join(", "))];
                c.extend(claims_changes(
                    &Testimony {
                        incidents: t.incidents.clone(),
                        source: t.source.clone(),
                        language: t.language.clone(),
                        claims: Vec::new(),
                    },
                    t,
                ));
                c
            }
            (Some(t), Some(prev)) => claims_changes(prev, t),
            (None, _) => match &ev.payload {
                Some(Payload::Retraction(_)) => {
                    vec!["withdrawn: kept in history, out of every figure".into()]
                }
                Some(Payload::Redaction(r)) => {
                    vec![format!("part {:?} erased: shown as a gap", r.label)]
                }
                _ => tainted
                    .get(&ev.seq)
                    .map(|versions| {
                        versions
                            .iter()
                            .map(|h| {
                                format!(
                                    "version {} signed after this declared compromise: out of every figure while it is the latest version",
                                    short(h)
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            },
        };
        if let Some(t) = testimony_of(ev) {
            last = Some(t.clone());
        }
        steps.push(step(ev, changes));
    }
    Ok(History {
        subject: chain[0].to_hex(),
        kind: "testimony".into(),
        steps,
    })
}
