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
use crate::i18n::{word, Lang};
use crate::rules::{Index, StatementInfo};
use crate::statement::Kind;
use crate::tr;
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
pub fn format_when(w: &When, lang: Lang) -> String {
    let s = w.display();
    if w.precision == crate::domain::DatePrecision::Estimated {
        tr!(lang, "when-estimated", when = s)
    } else {
        s
    }
}

/// `Tangata, commune Tin-Aïcha, région Tombouctou, ML`, with how precisely
/// the place is known when the record says (`(precision: commune)`).
pub fn format_place(p: &Place, lang: Lang) -> String {
    let mut parts = vec![p.name.clone()];
    if let Some(c) = &p.commune {
        parts.push(tr!(lang, "place-commune", name = c.clone()));
    }
    if let Some(c) = &p.cercle {
        parts.push(tr!(lang, "place-cercle", name = c.clone()));
    }
    if let Some(r) = &p.region {
        parts.push(tr!(lang, "place-region", name = r.clone()));
    }
    parts.push(p.country.clone());
    let mut s = parts.join(", ");
    if let Some(c) = p.coordinates {
        s.push_str(&format!(" ({:.5}, {:.5})", c.lat, c.lon));
    }
    if let Some(precision) = p.precision {
        let precision = word(lang, "place-precision", &precision);
        s.push_str(&format!(
            " ({})",
            tr!(lang, "place-precision", precision = precision)
        ));
    }
    s
}

/// A figure's name (`dead`, `women_dead`...) in `lang`.
fn figure_name(lang: Lang, name: &str) -> String {
    match name {
        "dead" => tr!(lang, "figure-dead"),
        "injured" => tr!(lang, "figure-injured"),
        "missing" => tr!(lang, "figure-missing"),
        "women_dead" => tr!(lang, "figure-women-dead"),
        "children_dead" => tr!(lang, "figure-children-dead"),
        other => other.to_string(),
    }
}

/// "—" for nothing, else the items joined.
fn listed(items: &[String]) -> String {
    if items.is_empty() {
        "—".into()
    } else {
        items.join(", ")
    }
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

/// Who a testimony's source is: `eyewitness`, `eyewitness: a herder`.
fn source_text(lang: Lang, s: &crate::domain::Source) -> String {
    let relation = word(lang, "relation", &s.relation);
    if s.description.is_empty() {
        relation
    } else {
        tr!(
            lang,
            "history-source-described",
            relation = relation,
            description = s.description.clone()
        )
    }
}

/// A grade as a reviewer gave it: `verification weak, reliability medium`.
fn grade_words(
    lang: Lang,
    verification: Option<crate::domain::Verification>,
    reliability: Option<crate::domain::Reliability>,
) -> String {
    [
        verification.map(|v| {
            tr!(
                lang,
                "grade-verification-word",
                value = word(lang, "verification", &v)
            )
        }),
        reliability.map(|r| {
            tr!(
                lang,
                "grade-reliability-word",
                value = word(lang, "reliability", &r)
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// A statement in one line.
pub fn describe(ev: &Event, lang: Lang) -> String {
    let target = ev.refs.first().map(short).unwrap_or_default();
    match &ev.payload {
        Some(Payload::Incident(i)) => tr!(
            lang,
            "history-opened",
            id = i.id.clone(),
            title = i.title.clone(),
            place = format_place(&i.place, lang),
            when = format_when(&i.when, lang)
        ),
        Some(Payload::Testimony(t)) => tr!(
            lang,
            "history-testimony",
            source = source_text(lang, &t.source),
            incidents = t.incidents.join(", ")
        ),
        Some(Payload::Amendment(a)) if a.incident.is_some() => tr!(
            lang,
            "history-amended-incident",
            target = target,
            reason = a.reason.clone()
        ),
        Some(Payload::Amendment(a)) => tr!(
            lang,
            "history-amended-testimony",
            target = target,
            reason = a.reason.clone()
        ),
        Some(Payload::Retraction(r)) => tr!(
            lang,
            "history-retracted",
            target = target,
            reason = r.reason.clone()
        ),
        Some(Payload::Annotation(a)) => {
            let stance = word(lang, "stance", &a.stance);
            match &a.grade {
                Some(g) => tr!(
                    lang,
                    "history-annotation-graded",
                    stance = stance,
                    target = target,
                    text = a.text.clone(),
                    grade = grade_words(lang, g.verification, g.reliability)
                ),
                None => tr!(
                    lang,
                    "history-annotation",
                    stance = stance,
                    target = target,
                    text = a.text.clone()
                ),
            }
        }
        Some(Payload::Merge(m)) => tr!(
            lang,
            "history-merged",
            from = m.from.clone(),
            into = m.into.clone(),
            reason = m.reason.clone()
        ),
        Some(Payload::SummaryClaim(c)) => {
            tr!(lang, "history-summary-claim", text = c.text.clone())
        }
        Some(Payload::Redaction(r)) => tr!(
            lang,
            "history-redaction",
            label = format!("{:?}", r.label),
            target = target,
            reason = r.reason.clone()
        ),
        None => match ev.revokes {
            Some((key, effective_at)) => tr!(
                lang,
                "history-revoked",
                key = hex::encode(&key[..8]),
                time = crate::time::format_ms(effective_at)
            ),
            None => tr!(lang, "history-other", kind = ev.kind.to_string()),
        },
    }
}

fn step(ev: &Event, changes: Vec<String>, lang: Lang) -> HistoryStep {
    HistoryStep {
        seq: ev.seq,
        received_at: ev.received_at,
        statement: ev.hash,
        author: hex::encode(ev.author),
        kind: ev.kind,
        what: describe(ev, lang),
        changes,
    }
}

fn figure_text(v: &IncidentView, name: &str, lang: Lang) -> String {
    match v.figures.get(name) {
        None => "—".into(),
        Some(f) => tr!(
            lang,
            "history-figure-sources",
            value = f.display(),
            n = f.sources
        ),
    }
}

/// What changed from `prev` to `cur`, in lines.
pub fn diff(prev: Option<&IncidentView>, cur: &IncidentView, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let pr = prev.and_then(|p| p.record.as_ref());
    match (pr, &cur.record) {
        (None, Some(r)) => out.push(tr!(
            lang,
            "history-record",
            title = r.incident.title.clone(),
            place = format_place(&r.incident.place, lang),
            when = format_when(&r.incident.when, lang),
            kind = r.incident.incident_type.clone()
        )),
        (Some(a), Some(b)) if a.current != b.current => {
            let (a, b) = (&a.incident, &b.incident);
            if a.title != b.title {
                out.push(tr!(
                    lang,
                    "history-title",
                    was = a.title.clone(),
                    now = b.title.clone()
                ));
            }
            if a.incident_type != b.incident_type {
                out.push(tr!(
                    lang,
                    "history-type",
                    was = a.incident_type.clone(),
                    now = b.incident_type.clone()
                ));
            }
            if a.place != b.place {
                out.push(tr!(
                    lang,
                    "history-place",
                    was = format_place(&a.place, lang),
                    now = format_place(&b.place, lang)
                ));
            }
            if a.when != b.when {
                out.push(tr!(
                    lang,
                    "history-when",
                    was = format_when(&a.when, lang),
                    now = format_when(&b.when, lang)
                ));
            }
            if a.description != b.description {
                out.push(tr!(
                    lang,
                    "history-description",
                    text = b.description.clone()
                ));
            }
        }
        _ => {}
    }
    if cur.merged_into.is_some() && prev.is_none_or(|p| p.merged_into.is_none()) {
        if let Some(m) = &cur.merged_into {
            out.push(tr!(lang, "history-merged-into", into = m.into.clone()));
        }
    }
    let before: BTreeSet<String> = prev
        .map(|p| p.merged.iter().map(|m| m.from.clone()).collect())
        .unwrap_or_default();
    for m in &cur.merged {
        if !before.contains(&m.from) {
            out.push(tr!(lang, "history-now-includes", from = m.from.clone()));
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
                TestimonyStatus::Active => tr!(lang, "history-testimony-counted", name = name),
                _ => tr!(lang, "history-testimony-shown", name = name),
            }),
            Some(o) => {
                if o.current != t.current {
                    out.push(tr!(
                        lang,
                        "history-testimony-version",
                        name = name.clone(),
                        version = short(&t.current.statement)
                    ));
                }
                if o.status != t.status {
                    out.push(match &t.status {
                        TestimonyStatus::Active => {
                            tr!(lang, "history-testimony-counted-again", name = name)
                        }
                        TestimonyStatus::Retracted { reason, .. } => tr!(
                            lang,
                            "history-testimony-retracted",
                            name = name,
                            reason = reason.clone()
                        ),
                        TestimonyStatus::Elsewhere { incidents } => tr!(
                            lang,
                            "history-testimony-elsewhere",
                            name = name,
                            incidents = incidents.join(", ")
                        ),
                        TestimonyStatus::Compromised { revoked_at, .. } => tr!(
                            lang,
                            "history-testimony-compromised",
                            name = name,
                            version = short(&t.current.statement),
                            seq = revoked_at.to_string()
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
                    out.push(tr!(
                        lang,
                        "history-part-erased",
                        label = format!("{:?}", part.label),
                        version = short(&v.source.statement),
                        reason = r.reason.clone()
                    ));
                }
            }
        }
    }
    for name in FIGURE_NAMES {
        let a = prev
            .map(|p| figure_text(p, name, lang))
            .unwrap_or_else(|| "—".into());
        let b = figure_text(cur, name, lang);
        if a != b {
            out.push(tr!(
                lang,
                "history-figure",
                figure = figure_name(lang, name),
                was = a,
                now = b
            ));
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
        out.push(tr!(
            lang,
            "history-victims-named",
            names = added
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", +")
        ));
    }
    if !removed.is_empty() {
        out.push(tr!(
            lang,
            "history-victims-unnamed",
            names = removed
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
            out.push(tr!(
                lang,
                "history-compromised-entry",
                seq = c.source.seq,
                kind = c.kind.to_string(),
                statement = short(&c.source.statement),
                time = crate::time::format_ms(c.compromise.effective_at),
                revoked = c.compromise.revoked_at
            ));
        }
    }
    let claims_before = prev.map_or(0, |p| p.claims.len());
    for c in cur.claims.iter().skip(claims_before) {
        out.push(tr!(
            lang,
            "history-claim-naming",
            text = c.claim.text.clone()
        ));
    }
    facts_diff(prev, cur, &mut out, lang);
    out
}

fn perpetrator_text(p: &super::PerpetratorView, lang: Lang) -> String {
    let names = |v: Vec<String>| v.join("/");
    let text = tr!(
        lang,
        "history-perpetrator-text",
        name = p.name.clone(),
        attribution = names(
            p.attributions
                .iter()
                .map(|a| word(lang, "attribution", a))
                .collect()
        ),
        kind = names(p.kinds.iter().map(|k| word(lang, "kind", k)).collect())
    );
    if p.conflict {
        text + " ⚠"
    } else {
        text
    }
}

fn grade_text(g: Option<&super::SourceGrade>, lang: Lang) -> String {
    match g {
        None => tr!(lang, "show-ungraded"),
        Some(g) => grade_words(
            lang,
            g.verification.as_ref().map(|m| m.value),
            g.reliability.as_ref().map(|m| m.value),
        ),
    }
}

/// What changed in the perpetrators, the grades and the data conflicts.
fn facts_diff(prev: Option<&IncidentView>, cur: &IncidentView, out: &mut Vec<String>, lang: Lang) {
    let before: BTreeMap<&str, String> = prev
        .map(|p| {
            p.perpetrators
                .iter()
                .map(|x| (x.name.as_str(), perpetrator_text(x, lang)))
                .collect()
        })
        .unwrap_or_default();
    for x in &cur.perpetrators {
        let now = perpetrator_text(x, lang);
        match before.get(x.name.as_str()) {
            None => out.push(tr!(lang, "history-perpetrator-new", now = now)),
            Some(was) if *was != now => out.push(tr!(
                lang,
                "history-perpetrator",
                was = was.clone(),
                now = now
            )),
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
            out.push(tr!(
                lang,
                "history-graded",
                name = short(&key),
                was = grade_text(was, lang),
                now = grade_text(t.grade.as_ref(), lang)
            ));
        }
    }
    let seen: Vec<&super::DataConflict> = prev
        .map(|p| p.data_conflicts.iter().collect())
        .unwrap_or_default();
    for c in &cur.data_conflicts {
        if !seen.contains(&c) {
            // The sentence is worded in English by the projection; other
            // languages name the figures that disagree.
            let text = match lang {
                Lang::En => c.text.clone(),
                _ => tr!(
                    lang,
                    "data-conflict-figures",
                    figures = c
                        .figures
                        .iter()
                        .map(|f| figure_name(lang, f))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(tr!(
                lang,
                "history-data-conflict",
                seq = c.source.seq,
                incident = c.incident.clone(),
                text = text
            ));
        }
    }
}

/// The history of incident `id` with the first `upto` entries.
pub fn incident_history(
    p: &ArchiveViews<'_>,
    id: &str,
    upto: u64,
    lang: Lang,
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
                steps.push(step(&ev, diff(prev.as_ref(), &view, lang), lang));
                prev = Some(view);
            }
            _ => {
                let view = IncidentView::build(id, &events[..=i], events[i].seq, distrust);
                steps.push(step(&events[i], diff(prev.as_ref(), &view, lang), lang));
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

fn claims_changes(a: &Testimony, b: &Testimony, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if a.incidents != b.incidents {
        out.push(tr!(
            lang,
            "history-incidents",
            was = a.incidents.join(", "),
            now = b.incidents.join(", ")
        ));
    }
    if a.source != b.source {
        out.push(tr!(
            lang,
            "history-source",
            was = source_text(lang, &a.source),
            now = source_text(lang, &b.source)
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
                out.push(tr!(
                    lang,
                    "history-figure-in",
                    figure = figure_name(lang, name),
                    incident = inc.clone(),
                    was = x,
                    now = y
                ));
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
                                tr!(
                                    lang,
                                    "history-perpetrator-text",
                                    name = p.name.clone(),
                                    attribution = word(lang, "attribution", &p.attribution),
                                    kind = word(lang, "kind", &p.kind)
                                )
                            })
                            .collect(),
                        c.means
                            .iter()
                            .map(|m| match &m.model {
                                Some(model) => {
                                    format!("{} ({model})", word(lang, "means", &m.kind))
                                }
                                None => word(lang, "means", &m.kind),
                            })
                            .collect(),
                    )
                })
                .unwrap_or_default()
        };
        let ((pa, ma), (pb, mb)) = (actors(&ca), actors(&cb));
        if pa != pb {
            out.push(tr!(
                lang,
                "history-perpetrators-in",
                incident = inc.clone(),
                was = listed(&pa),
                now = listed(&pb)
            ));
        }
        if ma != mb {
            out.push(tr!(
                lang,
                "history-means-in",
                incident = inc.clone(),
                was = listed(&ma),
                now = listed(&mb)
            ));
        }
        let (na, nb) = (names(&ca), names(&cb));
        let added: Vec<String> = nb.iter().filter(|n| !na.contains(n)).cloned().collect();
        let removed: Vec<String> = na.iter().filter(|n| !nb.contains(n)).cloned().collect();
        if !added.is_empty() {
            out.push(tr!(
                lang,
                "history-victims-in",
                incident = inc.clone(),
                names = added.join(", +")
            ));
        }
        if !removed.is_empty() {
            out.push(tr!(
                lang,
                "history-victims-in-unnamed",
                incident = inc.clone(),
                names = removed.join(", ")
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
    lang: Lang,
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
                let mut c = vec![tr!(
                    lang,
                    "history-first-version",
                    incidents = t.incidents.join(", ")
                )];
                c.extend(claims_changes(
                    &Testimony {
                        incidents: t.incidents.clone(),
                        source: t.source.clone(),
                        language: t.language.clone(),
                        claims: Vec::new(),
                    },
                    t,
                    lang,
                ));
                c
            }
            (Some(t), Some(prev)) => claims_changes(prev, t, lang),
            (None, _) => match &ev.payload {
                Some(Payload::Retraction(_)) => {
                    vec![tr!(lang, "history-withdrawn")]
                }
                Some(Payload::Redaction(r)) => {
                    vec![tr!(
                        lang,
                        "history-erased",
                        label = format!("{:?}", r.label)
                    )]
                }
                _ => tainted
                    .get(&ev.seq)
                    .map(|versions| {
                        versions
                            .iter()
                            .map(|h| tr!(lang, "history-version-compromised", version = short(h)))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
        };
        if let Some(t) = testimony_of(ev) {
            last = Some(t.clone());
        }
        steps.push(step(ev, changes, lang));
    }
    Ok(History {
        subject: chain[0].to_hex(),
        kind: "testimony".into(),
        steps,
    })
}
