//! Chain-of-custody reports of evidence bundles, for a court: HTML (with a
//! print stylesheet) and Markdown, both UTF-8.
//!
//! A report is made from a [`Verdict`]: the bundle is always verified first,
//! and the verdict — with every fault, if any — heads the report. Every
//! value taken from the bundle is escaped; nothing in a bundle can inject
//! markup into the report.

use crate::bundle::{
    AbsentPart, Author, CheckedEntry, Scope, ScopeViews, Verdict, REDACTED, SEALED, WITHHELD,
};
use crate::domain::{
    Amendment, Annotation, Claims, Count, Incident, Payload, Testimony, TEXT, TEXT_LABELS,
    TRANSLATION, WITNESS,
};
use crate::explain::verdict as explain;
use crate::i18n::{self, Lang};
use crate::projection::{IncidentView, SourceGrade, SourceRef, TestimonyStatus};
use crate::registry::PAYLOAD;
use crate::statement::Kind;
use crate::tr;
use std::fmt::Write as _;

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for Markdown (inline): markup characters get a backslash,
/// `<` and `&` become entities, line breaks become spaces.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Our own prose writes a command or a name in backticks: shown as code,
/// never as a literal backtick. `inline` renders each piece: `code` for a
/// span between backticks, `text` for the rest; unbalanced backticks are
/// all text.
fn prose(s: &str, code: impl Fn(&str) -> String, text: impl Fn(&str) -> String) -> String {
    let pieces: Vec<&str> = s.split('`').collect();
    if pieces.len().is_multiple_of(2) {
        return text(s);
    }
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { code(p) } else { text(p) })
        .collect()
}

fn prose_html(s: &str) -> String {
    prose(s, |c| format!("<code>{}</code>", esc(c)), esc)
}

fn prose_md(s: &str) -> String {
    prose(s, |c| format!("`{c}`"), md)
}

fn count(c: Count) -> String {
    match c {
        Count::Exact(n) => n.to_string(),
        Count::Range { min, max } => format!("{min}–{max}"),
    }
}

fn relation_name(l: Lang, r: crate::domain::Relation) -> String {
    i18n::word(l, "relation", &r)
}

fn sex_name(l: Lang, x: crate::domain::Sex) -> String {
    i18n::word(l, "sex", &x)
}

fn status_name(l: Lang, x: crate::domain::VictimStatus) -> String {
    i18n::word(l, "status", &x)
}

fn stance_name(l: Lang, x: crate::domain::Stance) -> String {
    i18n::word(l, "stance", &x)
}

/// A role as the registry names it (`custodian`...), in `l`.
fn role_name(l: Lang, role: &str) -> String {
    match role {
        "custodian" => tr!(l, "role-custodian"),
        "intermediary" => tr!(l, "role-intermediary"),
        "reviewer" => tr!(l, "role-reviewer"),
        "reader" => tr!(l, "role-reader"),
        other => other.to_string(),
    }
}

fn precision_name(l: Lang, p: crate::domain::DatePrecision) -> String {
    use crate::domain::DatePrecision::*;
    match p {
        Exact => tr!(l, "precision-exact"),
        Estimated => tr!(l, "precision-estimated"),
        UnknownDay => tr!(l, "precision-unknown-day"),
        UnknownMonth => tr!(l, "precision-unknown-month"),
    }
}

/// One end of an incident's dates, as far as it is known: "13 novembre
/// 2025", "novembre 2025" (unknown day), "2025" (unknown month).
fn day_as_known(l: Lang, d: &str, p: crate::domain::DatePrecision) -> String {
    use crate::domain::DatePrecision::*;
    match (crate::time::parse_date(d), p) {
        (Some((y, _, _)), UnknownMonth) => y.to_string(),
        (Some((y, m, _)), UnknownDay) => i18n::month_year(l, y, m),
        (Some((y, m, day)), _) => i18n::date(l, y, m, day),
        (None, _) => d.to_string(),
    }
}

/// An incident's dates as far as they are known; a range whose ends read
/// the same is said once.
fn dates_as_known(l: Lang, w: &crate::domain::When) -> String {
    let start = day_as_known(l, &w.start, w.precision);
    match w.end.as_deref().map(|e| day_as_known(l, e, w.precision)) {
        Some(end) if end != start => tr!(l, "report-date-range", start = start, end = end),
        _ => start,
    }
}

/// A time of the archive or an author, in prose.
fn when(l: Lang, ms: i64) -> String {
    i18n::time_ms(l, ms)
}

/// One report, built as a list of blocks rendered to either format.
enum Block {
    H1(String),
    H2(String),
    H3(String),
    Para(String),
    /// Verdict box: ok?, title, lines.
    Verdict(bool, String, Vec<String>),
    /// Key/value table.
    Facts(Vec<(String, String, bool)>),
    /// Header, rows. Cells flagged `true` are monospace (hashes, keys).
    Table(Vec<String>, Vec<Vec<(String, bool)>>),
    /// Quoted original text, with its BCP 47 language.
    Quote(String, String),
    /// Start/end of an entry's section (kept together in print).
    Begin(String),
    End,
    Warn(String),
    /// A command line to type.
    Code(String),
}

fn mono(s: impl Into<String>) -> (String, bool) {
    (s.into(), true)
}
fn plain(s: impl Into<String>) -> (String, bool) {
    (s.into(), false)
}

fn fact(k: &str, v: impl Into<String>) -> (String, String, bool) {
    (k.to_string(), v.into(), false)
}
fn fact_mono(k: &str, v: impl Into<String>) -> (String, String, bool) {
    (k.to_string(), v.into(), true)
}

fn author_line(l: Lang, e: &CheckedEntry) -> String {
    match &e.authorised_as {
        Some((name, role)) => format!("{name} ({})", role_name(l, role.name())),
        None => tr!(l, "report-unknown-author"),
    }
}

fn sealed_to(l: Lang, e: &CheckedEntry, label: &str) -> String {
    match e.sealed_to(label) {
        Some(n) => tr!(l, "report-sealed-to", n = n),
        None => tr!(l, "report-sealed"),
    }
}

fn absent_line(l: Lang, e: &CheckedEntry, a: &AbsentPart) -> String {
    if a.why == SEALED {
        tr!(
            l,
            "report-absent-sealed-line",
            sealed = sealed_to(l, e, &a.label),
            label = crate::seal::ciphertext_label(&a.label)
        )
    } else if a.why == REDACTED {
        match a.by_seq {
            Some(by) => tr!(l, "report-absent-redacted-by", by = by),
            None => tr!(l, "report-absent-redacted"),
        }
    } else {
        tr!(l, "report-absent-withheld-line")
    }
}

/// Is `label` an attachment's (docs/FORMAT.md §3.9): a base label that is
/// neither the payload, nor a text, nor the witness's identity.
fn is_attachment(label: &str) -> bool {
    crate::seal::split_label(label).1.is_none()
        && label != PAYLOAD
        && !TEXT_LABELS.contains(&label)
        && label != WITNESS
}

/// Where the content of part `label` is, as a reader of the report looks
/// for it.
fn whereabouts(l: Lang, e: &CheckedEntry, label: &str) -> String {
    let file = |x: &str| {
        e.body
            .part(x)
            .map(|c| hex::encode(c.digest))
            .unwrap_or_default()
    };
    if e.parts.contains_key(label) {
        tr!(l, "report-in-bundle")
    } else if e.beside.contains(label) {
        tr!(l, "report-beside", file = file(label))
    } else if let Some(a) = e.absent.iter().find(|a| a.label == label) {
        absent_line(l, e, a)
    } else {
        tr!(l, "report-missing")
    }
}

/// The attachments of an entry: what each is (its media type), its size,
/// whether it is sealed, and where its bytes are.
fn attachment_blocks(l: Lang, out: &mut Vec<Block>, e: &CheckedEntry) {
    let rows: Vec<Vec<(String, bool)>> = e
        .body
        .parts
        .iter()
        .filter(|c| is_attachment(&c.label))
        .map(|c| {
            let type_label = temoin_core::attach::media_type_label(&c.label);
            let media = match (e.body.part(&type_label), e.text(&type_label)) {
                (None, _) => tr!(l, "report-media-not-given"),
                (Some(_), Some(t)) => t.to_string(),
                (Some(_), None) => tr!(
                    l,
                    "report-media-not-read",
                    place = whereabouts(l, e, &type_label)
                ),
            };
            let (sealed, at) = if crate::seal::is_sealed(&e.body, &c.label) {
                let age = crate::seal::ciphertext_label(&c.label);
                let at = tr!(
                    l,
                    "report-ciphertext-where",
                    label = age.clone(),
                    place = whereabouts(l, e, &age)
                );
                (sealed_to(l, e, &c.label), at)
            } else {
                (tr!(l, "report-no"), whereabouts(l, e, &c.label))
            };
            vec![
                plain(c.label.clone()),
                plain(media),
                plain(i18n::number(l, c.length)),
                plain(sealed),
                plain(at),
            ]
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push(Block::Table(
        vec![
            tr!(l, "report-col-attachment"),
            tr!(l, "report-col-media-type"),
            tr!(l, "report-col-bytes"),
            tr!(l, "report-col-sealed"),
            tr!(l, "report-col-where"),
        ],
        rows,
    ));
}

fn scope_title(l: Lang, v: &Verdict) -> String {
    let incident_title = incident_record(v).map(|i| i.title);
    match &v.scope {
        Scope::Incident(id) => match incident_title {
            Some(t) => tr!(
                l,
                "report-scope-incident-titled",
                id = id.clone(),
                title = t
            ),
            None => tr!(l, "report-scope-incident", id = id.clone()),
        },
        Scope::Statement(h) => tr!(
            l,
            "report-scope-statement",
            hash = h.chars().take(12).collect::<String>()
        ),
        Scope::All => tr!(l, "report-scope-all", origin = v.origin.clone()),
    }
}

/// The latest version of the scope's incident record among the entries.
fn incident_record(v: &Verdict) -> Option<Incident> {
    let Scope::Incident(id) = &v.scope else {
        return None;
    };
    let mut latest = None;
    for e in &v.entries {
        match e.payload() {
            Some(Payload::Incident(i)) if i.id == *id => latest = Some(i),
            Some(Payload::Amendment(Amendment {
                incident: Some(i), ..
            })) if i.id == *id => latest = Some(i),
            _ => {}
        }
    }
    latest
}

fn claims_rows(l: Lang, c: &Claims) -> Vec<(String, String, bool)> {
    let mut f = Vec::new();
    for (k, n) in [
        (tr!(l, "figure-dead"), c.dead),
        (tr!(l, "figure-injured"), c.injured),
        (tr!(l, "figure-missing"), c.missing),
        (tr!(l, "figure-women-dead"), c.women_dead),
        (tr!(l, "figure-children-dead"), c.children_dead),
    ] {
        if let Some(n) = n {
            f.push(fact(&k, count(n)));
        }
    }
    f.extend(actor_facts(l, &c.perpetrators, &c.means));
    f
}

/// "Forces armées maliennes — state forces, alleged", one per line; the
/// means as "armed drone (Bayraktar TB2)".
fn actor_facts(
    l: Lang,
    perpetrators: &[crate::domain::Perpetrator],
    means: &[crate::domain::Means],
) -> Vec<(String, String, bool)> {
    let mut f = Vec::new();
    if !perpetrators.is_empty() {
        let lines: Vec<String> = perpetrators
            .iter()
            .map(|p| {
                format!(
                    "{} — {}, {}",
                    p.name,
                    i18n::word(l, "kind", &p.kind),
                    i18n::word(l, "attribution", &p.attribution)
                )
            })
            .collect();
        f.push(fact(&tr!(l, "report-fact-perpetrators"), lines.join("\n")));
    }
    if !means.is_empty() {
        let lines: Vec<String> = means.iter().map(|m| means_words(l, m)).collect();
        f.push(fact(&tr!(l, "report-fact-means"), lines.join("\n")));
    }
    f
}

fn means_words(l: Lang, m: &crate::domain::Means) -> String {
    match &m.model {
        Some(model) => format!("{} ({model})", i18n::word(l, "means", &m.kind)),
        None => i18n::word(l, "means", &m.kind),
    }
}

/// A victim's acts, as words: "killed, burned".
fn acts_words(l: Lang, acts: &[crate::domain::Act]) -> String {
    acts.iter()
        .map(|a| i18n::word(l, "act", a))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "7–15 (child)", "adult", "41".
fn age_words(l: Lang, age: Option<Count>, group: Option<crate::domain::AgeGroup>) -> String {
    match (age, group) {
        (Some(a), Some(g)) => format!("{} ({})", count(a), i18n::word(l, "age-group", &g)),
        (Some(a), None) => count(a),
        (None, Some(g)) => i18n::word(l, "age-group", &g),
        (None, None) => String::new(),
    }
}

/// A source's grade as a reader needs it: each part with the entry and
/// the reviewer that gave it; "not graded" when none did.
fn grade_words(l: Lang, g: Option<&SourceGrade>, v: &Verdict) -> String {
    let Some(g) = g else {
        return tr!(l, "report-not-graded");
    };
    [
        g.verification.as_ref().map(|m| {
            tr!(
                l,
                "report-grade-verification",
                value = i18n::word(l, "verification", &m.value),
                seq = m.by.seq,
                who = who(v, m.by.seq)
            )
        }),
        g.reliability.as_ref().map(|m| {
            tr!(
                l,
                "report-grade-reliability",
                value = i18n::word(l, "reliability", &m.value),
                seq = m.by.seq,
                who = who(v, m.by.seq)
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(semicolon(l))
}

/// "; " as each language writes it (French puts a space before it).
fn semicolon(l: Lang) -> &'static str {
    match l {
        Lang::En => "; ",
        Lang::Fr => " ; ",
    }
}

fn victims_table(l: Lang, c: &Claims) -> Option<Block> {
    if c.victims.is_empty() {
        return None;
    }
    let rows = c
        .victims
        .iter()
        .map(|v| {
            vec![
                plain(v.name.clone()),
                plain(sex_name(l, v.sex)),
                plain(age_words(l, v.age, v.age_group)),
                plain(status_name(l, v.status)),
                plain(acts_words(l, &v.acts)),
                plain(v.relation.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Some(Block::Table(
        vec![
            tr!(l, "report-col-name"),
            tr!(l, "report-col-sex"),
            tr!(l, "report-col-age"),
            tr!(l, "report-col-status"),
            tr!(l, "report-col-acts"),
            tr!(l, "report-col-relation"),
        ],
        rows,
    ))
}

fn testimony_blocks(l: Lang, out: &mut Vec<Block>, t: &Testimony) {
    let mut f = vec![fact(
        &tr!(l, "report-fact-source"),
        if t.source.description.is_empty() {
            relation_name(l, t.source.relation)
        } else {
            format!(
                "{} — {}",
                relation_name(l, t.source.relation),
                t.source.description
            )
        },
    )];
    f.push(fact(
        &tr!(l, "report-fact-incidents"),
        t.incidents.join(", "),
    ));
    f.push(fact(&tr!(l, "report-fact-language"), t.language.clone()));
    out.push(Block::Facts(f));
    for c in &t.claims {
        let rows = claims_rows(l, c);
        if !rows.is_empty() || !c.victims.is_empty() {
            out.push(Block::Para(tr!(
                l,
                "report-claims-about",
                id = c.incident.clone()
            )));
        }
        if !rows.is_empty() {
            out.push(Block::Facts(rows));
        }
        if let Some(t) = victims_table(l, c) {
            out.push(t);
        }
    }
}

fn entry_blocks(l: Lang, out: &mut Vec<Block>, e: &CheckedEntry, v: &Verdict) {
    let refs: Vec<String> = e
        .body
        .refs
        .iter()
        .map(|r| {
            let h = hex::encode(r);
            match v
                .entries
                .iter()
                .find(|x| x.statement_hash.0 == *r)
                .map(|x| x.seq)
            {
                Some(s) => tr!(l, "report-ref-entry", hash = h, seq = s),
                None => tr!(l, "report-ref-absent", hash = h),
            }
        })
        .collect();
    let verb = match e.body.kind {
        Kind::Amendment => tr!(l, "report-verb-amends"),
        Kind::Retraction => tr!(l, "report-verb-retracts"),
        Kind::Annotation => tr!(l, "report-verb-annotates"),
        Kind::Redaction => tr!(l, "report-verb-redacts"),
        _ => tr!(l, "report-verb-refers"),
    };
    let mut title = tr!(
        l,
        "report-entry-title",
        seq = e.seq,
        kind = e.body.kind.to_string()
    );
    if !e.ok {
        title.push_str(" — ");
        title.push_str(&tr!(l, "report-entry-faulty"));
    }
    if e.compromise.is_some() {
        title.push_str(" — ");
        title.push_str(&tr!(l, "report-entry-compromised"));
    }
    out.push(Block::Begin(title));
    let mut f = vec![
        fact(&tr!(l, "report-fact-author"), author_line(l, e)),
        fact_mono(
            &tr!(l, "report-fact-author-key"),
            hex::encode(e.body.author),
        ),
        fact(&tr!(l, "report-fact-created"), when(l, e.body.created_at)),
        fact(
            &tr!(l, "report-fact-received"),
            when(l, e.entry.received_at),
        ),
        fact_mono(
            &tr!(l, "report-fact-statement-hash"),
            e.statement_hash.to_hex(),
        ),
        fact_mono(&tr!(l, "report-fact-entry-hash"), e.entry_hash.to_hex()),
    ];
    for r in refs {
        f.push(fact_mono(&verb, r));
    }
    out.push(Block::Facts(f));
    if let Some(c) = e.compromise {
        out.push(Block::Warn(tr!(
            l,
            "report-compromised-warning",
            received = when(l, e.entry.received_at),
            since = when(l, c.effective_at),
            by = c.revoked_at
        )));
    }
    for flt in v.faults_at(e.seq) {
        out.push(Block::Warn(format!(
            "{}: {}",
            explain::kind(l, flt.kind),
            explain::reason(l, &flt.reason)
        )));
    }
    match e.payload() {
        Some(Payload::Testimony(t)) => testimony_blocks(l, out, &t),
        Some(Payload::Amendment(a)) => {
            out.push(Block::Facts(vec![fact(
                &tr!(l, "report-fact-amendment-reason"),
                a.reason.clone(),
            )]));
            if let Some(t) = &a.testimony {
                testimony_blocks(l, out, t);
            }
            if let Some(i) = &a.incident {
                incident_facts(l, out, i);
            }
        }
        Some(Payload::Incident(i)) => incident_facts(l, out, &i),
        Some(Payload::Retraction(r)) => {
            out.push(Block::Facts(vec![fact(
                &tr!(l, "report-fact-reason"),
                r.reason,
            )]));
        }
        Some(Payload::Annotation(Annotation {
            stance,
            text,
            grade,
        })) => {
            let mut f = vec![
                fact(&tr!(l, "report-fact-stance"), stance_name(l, stance)),
                fact(&tr!(l, "report-fact-annotation"), text),
            ];
            if let Some(g) = grade {
                if let Some(x) = g.verification {
                    f.push(fact(
                        &tr!(l, "report-fact-grade-verification"),
                        i18n::word(l, "verification", &x),
                    ));
                }
                if let Some(x) = g.reliability {
                    f.push(fact(
                        &tr!(l, "report-fact-grade-reliability"),
                        i18n::word(l, "reliability", &x),
                    ));
                }
            }
            out.push(Block::Facts(f));
        }
        Some(Payload::Merge(m)) => {
            out.push(Block::Facts(vec![
                fact(
                    &tr!(l, "report-fact-merged"),
                    tr!(l, "report-merged-into-id", from = m.from, into = m.into),
                ),
                fact(&tr!(l, "report-fact-reason"), m.reason),
            ]));
        }
        Some(Payload::SummaryClaim(s)) => {
            out.push(Block::Facts(vec![
                fact(&tr!(l, "report-fact-claim"), s.text),
                fact(
                    &tr!(l, "report-fact-window"),
                    tr!(
                        l,
                        "report-date-range",
                        start = i18n::date_str(l, &s.from),
                        end = i18n::date_str(l, &s.to)
                    ),
                ),
                fact(
                    &tr!(l, "report-fact-source"),
                    relation_name(l, s.source.relation),
                ),
            ]));
        }
        Some(Payload::Redaction(r)) => {
            out.push(Block::Facts(vec![
                fact(&tr!(l, "report-fact-part-erased"), r.label),
                fact(&tr!(l, "report-fact-reason"), r.reason),
            ]));
        }
        None => {}
    }
    let lang = match e.payload() {
        Some(Payload::Testimony(t)) => t.language,
        Some(Payload::Amendment(Amendment {
            testimony: Some(t), ..
        })) => t.language,
        _ => "fr".into(),
    };
    if let Some(text) = e.text(TEXT) {
        out.push(Block::Para(tr!(l, "report-original-text")));
        out.push(Block::Quote(text.to_string(), lang));
    }
    if let Some(text) = e.text(TRANSLATION) {
        out.push(Block::Para(tr!(l, "report-translation")));
        out.push(Block::Quote(text.to_string(), "en".into()));
    }
    attachment_blocks(l, out, e);
    // Every committed part and what became of it.
    let rows = e
        .body
        .parts
        .iter()
        .map(|c| {
            let status = if e.parts.contains_key(&c.label) {
                tr!(l, "report-part-included")
            } else if e.beside.contains(&c.label) {
                tr!(l, "report-part-beside", file = hex::encode(c.digest))
            } else if let Some(a) = e.absent.iter().find(|a| a.label == c.label) {
                absent_line(l, e, a)
            } else {
                tr!(l, "report-missing")
            };
            vec![
                plain(c.label.clone()),
                plain(i18n::number(l, c.length)),
                mono(hex::encode(c.digest)),
                plain(status),
            ]
        })
        .collect();
    out.push(Block::Table(
        vec![
            tr!(l, "report-col-part"),
            tr!(l, "report-col-bytes"),
            tr!(l, "report-col-digest"),
            tr!(l, "report-col-in-bundle"),
        ],
        rows,
    ));
    out.push(Block::End);
}

fn incident_facts(l: Lang, out: &mut Vec<Block>, i: &Incident) {
    let place = [
        Some(i.place.name.clone()),
        i.place
            .commune
            .clone()
            .map(|c| tr!(l, "report-commune-of", name = c)),
        i.place
            .cercle
            .clone()
            .map(|c| tr!(l, "report-cercle-of", name = c)),
        i.place
            .region
            .clone()
            .map(|c| tr!(l, "report-region-of", name = c)),
        Some(i.place.country.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let date = dates_as_known(l, &i.when);
    let place = match i.place.precision {
        Some(p) => tr!(
            l,
            "report-place-precision",
            place = place,
            precision = i18n::word(l, "place-precision", &p)
        ),
        None => place,
    };
    let mut f = vec![
        fact(
            &tr!(l, "report-fact-incident"),
            format!("{} ({})", i.title, i.id),
        ),
        fact(
            &tr!(l, "report-fact-type"),
            i.incident_type.replace('_', " "),
        ),
        fact(&tr!(l, "report-fact-place"), place),
        fact(
            &tr!(l, "report-fact-date"),
            format!("{date} ({})", precision_name(l, i.when.precision)),
        ),
    ];
    if let Some(c) = i.place.coordinates {
        f.push(fact(
            &tr!(l, "report-fact-coordinates"),
            format!("{:.5}, {:.5}", c.lat, c.lon),
        ));
    }
    if !i.description.is_empty() {
        f.push(fact(
            &tr!(l, "report-fact-description"),
            i.description.clone(),
        ));
    }
    f.extend(actor_facts(l, &i.perpetrators, &i.means));
    out.push(Block::Facts(f));
}

/// Who wrote entry `seq`, by name, from the verified entries.
fn who(v: &Verdict, seq: u64) -> String {
    v.entries
        .iter()
        .find(|e| e.seq == seq)
        .and_then(|e| e.authorised_as.as_ref())
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| "?".into())
}

fn entry_of(l: Lang, s: &SourceRef, v: &Verdict) -> String {
    tr!(l, "report-entry-of", seq = s.seq, who = who(v, s.seq))
}

/// The figures of a view, by their key in `IncidentView::figures`.
fn figures(l: Lang) -> [(&'static str, String); 5] {
    [
        ("dead", tr!(l, "figure-dead")),
        ("injured", tr!(l, "figure-injured")),
        ("missing", tr!(l, "figure-missing")),
        ("women_dead", tr!(l, "figure-women-dead")),
        ("children_dead", tr!(l, "figure-children-dead")),
    ]
}

/// Render an `IncidentView` (docs/DOMAIN.md) as figures, victims and
/// testimonies.
fn incident_view_blocks(l: Lang, out: &mut Vec<Block>, id: &str, view: &IncidentView, v: &Verdict) {
    out.push(Block::H3(tr!(l, "report-h-figures", id = id)));
    let mut rows = Vec::new();
    for (key, label) in figures(l) {
        let Some(f) = view.figures.get(key) else {
            continue;
        };
        let range = if f.min == f.max {
            f.min.to_string()
        } else {
            tr!(l, "report-figure-range", min = f.min, max = f.max)
        };
        let verdict = if f.conflict {
            tr!(l, "report-figure-conflict")
        } else {
            tr!(l, "report-figure-agree")
        };
        let per: Vec<String> = f
            .per_source
            .iter()
            .map(|p| {
                let line = tr!(
                    l,
                    "report-figure-per-source",
                    count = count(p.count),
                    seq = p.source.seq,
                    who = who(v, p.source.seq)
                );
                let line = if p.description.is_empty() {
                    line
                } else {
                    format!("{line} ({})", p.description)
                };
                format!(
                    "{line}{}{}",
                    semicolon(l),
                    grade_words(l, p.grade.as_ref(), v)
                )
            })
            .collect();
        rows.push(vec![
            plain(label),
            plain(range),
            plain(tr!(
                l,
                "report-figure-agreement",
                verdict = verdict,
                sources = f.sources,
                authors = f.authors
            )),
            plain(per.join("\n")),
        ]);
    }
    if rows.is_empty() {
        out.push(Block::Para(tr!(l, "report-no-figure")));
    } else {
        out.push(Block::Table(
            vec![
                tr!(l, "report-col-figure"),
                tr!(l, "report-col-range"),
                tr!(l, "report-col-agreement"),
                tr!(l, "report-col-each-source"),
            ],
            rows,
        ));
    }
    facts_blocks(l, out, id, view, v);
    if !view.victims.is_empty() {
        out.push(Block::H3(tr!(
            l,
            "report-h-victims",
            n = view.victims.len()
        )));
        let rows = view
            .victims
            .iter()
            .map(|x| {
                let others: Vec<&str> = x
                    .spellings
                    .iter()
                    .map(String::as_str)
                    .filter(|s| *s != x.name)
                    .collect();
                let named_by: Vec<String> = x
                    .mentions
                    .iter()
                    .map(
                        |m| match m.grade.as_ref().and_then(SourceGrade::verification) {
                            Some(g) => tr!(
                                l,
                                "report-named-by-graded",
                                entry = entry_of(l, &m.source, v),
                                grade = i18n::word(l, "verification", &g)
                            ),
                            None => entry_of(l, &m.source, v),
                        },
                    )
                    .collect();
                vec![
                    plain(if others.is_empty() {
                        x.name.clone()
                    } else {
                        tr!(
                            l,
                            "report-victim-also",
                            name = x.name.clone(),
                            others = others.join(", ")
                        )
                    }),
                    plain(x.sex.map(|s| sex_name(l, s)).unwrap_or_default()),
                    plain(age_words(l, x.age, x.age_group)),
                    plain(x.status.map(|s| status_name(l, s)).unwrap_or_default()),
                    plain(acts_words(l, &x.acts)),
                    plain(if x.conflict {
                        tr!(l, "report-victim-disagree")
                    } else {
                        tr!(l, "report-victim-agreed")
                    }),
                    plain(named_by.join("\n")),
                ]
            })
            .collect();
        out.push(Block::Table(
            vec![
                tr!(l, "report-col-name"),
                tr!(l, "report-col-sex"),
                tr!(l, "report-col-age"),
                tr!(l, "report-col-status"),
                tr!(l, "report-col-acts"),
                tr!(l, "report-col-sources"),
                tr!(l, "report-col-named-by"),
            ],
            rows,
        ));
    }
    if !view.testimonies.is_empty() {
        out.push(Block::H3(tr!(
            l,
            "report-h-testimonies",
            n = view.testimonies.len()
        )));
        let rows = view
            .testimonies
            .iter()
            .map(|t| {
                let status = match &t.status {
                    TestimonyStatus::Active => tr!(l, "report-testimony-active"),
                    TestimonyStatus::Retracted { by, reason } => tr!(
                        l,
                        "report-testimony-retracted",
                        by = by.seq,
                        reason = reason.clone()
                    ),
                    TestimonyStatus::Elsewhere { .. } => tr!(l, "report-testimony-elsewhere"),
                    TestimonyStatus::Compromised {
                        revoked_at,
                        effective_at,
                    } => {
                        let by: u64 = *revoked_at;
                        tr!(
                            l,
                            "report-testimony-compromised",
                            since = when(l, *effective_at),
                            by = by
                        )
                    }
                };
                let versions: Vec<String> = t
                    .versions
                    .iter()
                    .map(|ver| match &ver.reason {
                        Some(r) => tr!(
                            l,
                            "report-version-amended",
                            seq = ver.source.seq,
                            reason = r.clone()
                        ),
                        None => tr!(l, "report-version", seq = ver.source.seq),
                    })
                    .collect();
                let notes: Vec<String> = t
                    .annotations
                    .iter()
                    .map(|n| {
                        tr!(
                            l,
                            "report-annotation-line",
                            stance = stance_name(l, n.stance),
                            seq = n.source.seq,
                            who = who(v, n.source.seq),
                            text = n.text.clone()
                        )
                    })
                    .collect();
                let source = match t.source.description.as_str() {
                    "" => relation_name(l, t.source.relation),
                    d => format!("{} — {d}", relation_name(l, t.source.relation)),
                };
                vec![
                    plain(tr!(
                        l,
                        "report-latest-version",
                        seq = t.current.seq,
                        who = who(v, t.current.seq)
                    )),
                    plain(status),
                    plain(source),
                    plain(versions.join("\n")),
                    plain(grade_words(l, t.grade.as_ref(), v)),
                    plain(notes.join("\n")),
                ]
            })
            .collect();
        out.push(Block::Table(
            vec![
                tr!(l, "report-col-latest"),
                tr!(l, "report-col-status"),
                tr!(l, "report-col-source"),
                tr!(l, "report-col-versions"),
                tr!(l, "report-col-grade"),
                tr!(l, "report-col-annotations"),
            ],
            rows,
        ));
    }
    if !view.merged.is_empty() {
        out.push(Block::H3(tr!(l, "report-h-merged")));
        for m in &view.merged {
            out.push(Block::Para(tr!(
                l,
                "report-merged-line",
                from = m.from.clone(),
                seq = m.source.seq,
                reason = m.reason.clone()
            )));
        }
    }
    if !view.claims.is_empty() {
        out.push(Block::H3(tr!(l, "report-h-claims")));
        for c in &view.claims {
            out.push(Block::Para(tr!(
                l,
                "report-claim-line",
                text = c.claim.text.clone(),
                seq = c.source.seq,
                grade = grade_words(l, c.grade.as_ref(), v)
            )));
        }
    }
    if let Some(m) = &view.merged_into {
        out.push(Block::Warn(tr!(
            l,
            "report-merged-into",
            into = m.into.clone(),
            seq = m.source.seq
        )));
    }
}

/// Who is alleged to have done it and with what, each source side by
/// side; and the accounts whose figures contradict each other.
fn facts_blocks(l: Lang, out: &mut Vec<Block>, id: &str, view: &IncidentView, v: &Verdict) {
    let from = |f: &crate::projection::facts::FactSource| {
        let what = if f.record {
            tr!(l, "report-incident-record")
        } else {
            match (&f.relation, f.description.as_str()) {
                (Some(r), "") => relation_name(l, *r),
                (Some(r), d) => format!("{} — {d}", relation_name(l, *r)),
                (None, _) => String::new(),
            }
        };
        tr!(
            l,
            "report-fact-source-line",
            seq = f.source.seq,
            who = who(v, f.source.seq),
            what = what,
            grade = grade_words(l, f.grade.as_ref(), v)
        )
    };
    if !view.perpetrators.is_empty() {
        out.push(Block::H3(tr!(l, "report-h-perpetrators", id = id)));
        let rows = view
            .perpetrators
            .iter()
            .map(|p| {
                let per: Vec<String> = p
                    .per_source
                    .iter()
                    .map(|s| {
                        format!(
                            "{}, {} — {}",
                            i18n::word(l, "attribution", &s.attribution),
                            i18n::word(l, "kind", &s.kind),
                            from(&s.from)
                        )
                    })
                    .collect();
                let verdict = if p.conflict {
                    tr!(l, "report-figure-conflict")
                } else {
                    tr!(l, "report-figure-agree")
                };
                vec![
                    plain(p.name.clone()),
                    plain(
                        p.attributions
                            .iter()
                            .map(|a| i18n::word(l, "attribution", a))
                            .collect::<Vec<_>>()
                            .join(" / "),
                    ),
                    plain(tr!(
                        l,
                        "report-perpetrator-agreement",
                        verdict = verdict,
                        sources = p.sources
                    )),
                    plain(per.join("\n")),
                ]
            })
            .collect();
        out.push(Block::Table(
            vec![
                tr!(l, "report-col-perpetrator"),
                tr!(l, "report-col-attribution"),
                tr!(l, "report-col-agreement"),
                tr!(l, "report-col-each-perpetrator-source"),
            ],
            rows,
        ));
    }
    if !view.means.is_empty() {
        out.push(Block::H3(tr!(l, "report-h-means", id = id)));
        let rows = view
            .means
            .iter()
            .map(|m| {
                let per: Vec<String> = m
                    .per_source
                    .iter()
                    .map(|s| match &s.model {
                        Some(model) => format!("{model} — {}", from(&s.from)),
                        None => format!("{} — {}", tr!(l, "report-model-not-given"), from(&s.from)),
                    })
                    .collect();
                vec![
                    plain(i18n::word(l, "means", &m.kind)),
                    plain(per.join("\n")),
                ]
            })
            .collect();
        out.push(Block::Table(
            vec![
                tr!(l, "report-col-means"),
                tr!(l, "report-col-each-means-source"),
            ],
            rows,
        ));
    }
    if !view.data_conflicts.is_empty() {
        out.push(Block::H3(tr!(
            l,
            "report-h-data-conflicts",
            n = view.data_conflicts.len()
        )));
        out.push(Block::Para(tr!(l, "report-data-conflicts-intro")));
        let rows = view
            .data_conflicts
            .iter()
            .map(|c| {
                let what = match l {
                    Lang::En => c.text.clone(),
                    _ => tr!(
                        l,
                        "report-data-conflict-figures",
                        figures = c
                            .figures
                            .iter()
                            .map(|f| figure_name(l, f))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                vec![
                    plain(entry_of(l, &c.source, v)),
                    plain(c.incident.clone()),
                    plain(what),
                ]
            })
            .collect();
        out.push(Block::Table(
            vec![
                tr!(l, "report-col-account"),
                tr!(l, "report-col-about"),
                tr!(l, "report-col-what-disagrees"),
            ],
            rows,
        ));
    }
}

/// A figure's name (`children_dead`) in `l`; `victims` is the named dead.
fn figure_name(l: Lang, key: &str) -> String {
    figures(l)
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, name)| name)
        .unwrap_or_else(|| match key {
            "victims" => tr!(l, "figure-named-dead"),
            "women_and_children_dead" => tr!(l, "figure-women-and-children-dead"),
            other => other.replace('_', " "),
        })
}

/// Render the views recomputed from the bundle's entries.
fn projection_blocks(l: Lang, out: &mut Vec<Block>, views: &ScopeViews, v: &Verdict) {
    if views.is_empty() {
        out.push(Block::Para(tr!(l, "report-no-projection")));
    }
    for (id, view) in views {
        match view {
            Some(view) => incident_view_blocks(l, out, id, view, v),
            None => out.push(Block::Para(tr!(l, "report-not-opened", id = id.clone()))),
        }
    }
}

fn authors_table(l: Lang, authors: &[Author]) -> Block {
    Block::Table(
        vec![
            tr!(l, "report-col-name"),
            tr!(l, "report-col-role"),
            tr!(l, "report-col-key"),
            tr!(l, "report-col-enrolled"),
            tr!(l, "report-col-status"),
        ],
        authors
            .iter()
            .map(|a| {
                vec![
                    plain(a.name.clone()),
                    plain(role_name(l, &a.role)),
                    mono(a.key.clone()),
                    plain(tr!(l, "report-version", seq = a.enrolled_at)),
                    plain(match (a.revoked_at, &a.revocation_reason) {
                        (Some(s), Some(r)) => match a.revoked_effective_at {
                            Some(t) => tr!(
                                l,
                                "report-author-revoked-since",
                                seq = s,
                                reason = r.clone(),
                                since = when(l, t)
                            ),
                            None => tr!(l, "report-author-revoked", seq = s, reason = r.clone()),
                        },
                        _ => tr!(l, "report-author-active"),
                    }),
                ]
            })
            .collect(),
    )
}

/// What a report says of itself, so that a printed copy filed as an
/// exhibit can be tied to the bundle it was made from: the bundle file's
/// name and SHA-256, when the report was made and, if given, by whom.
#[derive(Clone, Debug, Default)]
pub struct Exhibit {
    /// The bundle file's name, as the reader has it.
    pub bundle_name: String,
    /// SHA-256 of the bundle file's bytes, hex.
    pub bundle_sha256: String,
    /// When the report was generated, `YYYY-MM-DDTHH:MM:SSZ`.
    pub generated_at: String,
    pub prepared_by: Option<String>,
    /// The language the report is written in; its `lang` attribute.
    pub lang: Lang,
    /// What the reader's trusted TSAs say of the checkpoint's timestamps
    /// (docs/FORMAT.md §6.3); `None`: nothing to say.
    pub trusted_time: Option<TrustedTime>,
}

/// The checkpoint's RFC 3161 timestamps, as the report states them.
#[derive(Clone, Debug)]
pub enum TrustedTime {
    /// Tokens carried, no TSA certificate given to check them.
    Unchecked(usize),
    /// Verified tokens: `genTime` (unix seconds) and the TSA's name.
    Verified(Vec<(i64, String)>),
    /// Trusted time required and not established: why.
    Failed(String),
}

fn blocks(v: &Verdict, x: &Exhibit) -> Vec<Block> {
    let l = x.lang;
    let mut out = Vec::new();
    out.push(Block::H1(tr!(l, "report-title", scope = scope_title(l, v))));
    // The verdict first.
    let compromised = v.signed_after_compromise();
    if v.ok() && !compromised.is_empty() {
        // The bundle is intact, but a statement signed after a declared
        // compromise must not be presented as verified evidence.
        let mut lines = vec![
            tr!(l, "report-verdict-intact-all", n = v.entries.len()),
            tr!(l, "report-verdict-intact-but", n = compromised.len()),
        ];
        lines.extend(compromised.iter().map(|f| {
            tr!(
                l,
                "report-finding",
                seq = f.seq,
                statement = f.statement.to_hex(),
                key = f.author.clone(),
                received = when(l, f.received_at),
                since = when(l, f.compromise.effective_at),
                by = f.compromise.revoked_at
            )
        }));
        out.push(Block::Verdict(
            false,
            tr!(l, "report-verdict-intact", n = compromised.len()),
            lines,
        ));
    } else if v.ok() {
        out.push(Block::Verdict(
            true,
            tr!(l, "report-verdict-verified"),
            vec![
                tr!(l, "report-verdict-verified-all", n = v.entries.len()),
                tr!(l, "report-verdict-verified-how"),
            ],
        ));
    } else {
        let mut lines: Vec<String> = v.faults.iter().map(|f| explain::fault(l, f)).collect();
        if v.more_faults > 0 {
            lines.push(tr!(l, "report-verdict-more-faults", n = v.more_faults));
        }
        out.push(Block::Verdict(
            false,
            tr!(l, "report-verdict-failed"),
            lines,
        ));
    }
    let mut facts = vec![
        fact(&tr!(l, "report-fact-origin"), v.origin.clone()),
        fact_mono(&tr!(l, "report-fact-archive-key"), v.archive_key.clone()),
    ];
    if let Some(cp) = &v.checkpoint {
        facts.push(fact(
            &tr!(l, "report-fact-tree-size"),
            i18n::number(l, cp.size),
        ));
        facts.push(fact_mono(
            &tr!(l, "report-fact-tree-root"),
            hex::encode(cp.root),
        ));
    }
    match &x.trusted_time {
        None | Some(TrustedTime::Unchecked(0)) => {}
        Some(TrustedTime::Unchecked(count)) => {
            let n: usize = *count;
            facts.push(fact(
                &tr!(l, "report-fact-trusted-time"),
                tr!(l, "report-time-unchecked", n = n),
            ))
        }
        Some(TrustedTime::Verified(v)) => {
            for (gen_time, tsa) in v {
                facts.push(fact(
                    &tr!(l, "report-fact-trusted-time"),
                    tr!(
                        l,
                        "report-time-existed",
                        time = i18n::time_ms(l, gen_time.saturating_mul(1000)),
                        tsa = tsa.clone()
                    ),
                ));
            }
        }
        Some(TrustedTime::Failed(why)) => facts.push(fact(
            &tr!(l, "report-fact-trusted-time"),
            tr!(l, "report-time-failed", error = why.clone()),
        )),
    }
    facts.push(fact(&tr!(l, "report-fact-scope"), scope_title(l, v)));
    facts.push(fact(
        &tr!(l, "report-fact-exported"),
        stamp(l, &v.exported_at),
    ));
    facts.push(fact(
        &tr!(l, "report-fact-bundle-file"),
        x.bundle_name.clone(),
    ));
    facts.push(fact_mono(
        &tr!(l, "report-fact-bundle-sha"),
        x.bundle_sha256.clone(),
    ));
    facts.push(fact(
        &tr!(l, "report-fact-generated"),
        stamp(l, &x.generated_at),
    ));
    if let Some(by) = &x.prepared_by {
        facts.push(fact(&tr!(l, "report-fact-prepared-by"), by.clone()));
    }
    facts.push(fact(
        &tr!(l, "report-fact-entries"),
        tr!(
            l,
            "report-entries-registry",
            n = v.entries.len(),
            registry = v.entries.iter().filter(|e| e.kind().is_registry()).count()
        ),
    ));
    out.push(Block::Facts(facts));

    // What is not in the bundle.
    let absent = v.absent_parts();
    out.push(Block::H2(tr!(l, "report-h-absent")));
    if absent.is_empty() {
        out.push(Block::Para(tr!(l, "report-absent-none")));
    } else {
        let withheld = absent.iter().any(|(_, a)| a.why == WITHHELD);
        let erased = absent.iter().any(|(_, a)| a.why == REDACTED);
        let sealed = absent.iter().any(|(_, a)| a.why == SEALED);
        let mut text = tr!(l, "report-absent-intro");
        for (why, id) in [
            (withheld, tr!(l, "report-absent-withheld")),
            (erased, tr!(l, "report-absent-erased")),
            (sealed, tr!(l, "report-absent-sealed")),
        ] {
            if why {
                text.push(' ');
                text.push_str(&id);
            }
        }
        out.push(Block::Para(text));
        out.push(Block::Table(
            vec![
                tr!(l, "report-col-entry"),
                tr!(l, "report-col-part"),
                tr!(l, "report-col-why"),
            ],
            absent
                .iter()
                .map(|(s, a)| {
                    vec![
                        plain(s.to_string()),
                        plain(if a.label == WITNESS {
                            tr!(l, "report-witness-part")
                        } else {
                            a.label.clone()
                        }),
                        plain(
                            v.entries
                                .iter()
                                .find(|e| e.seq == *s)
                                .map(|e| absent_line(l, e, a))
                                .unwrap_or_default(),
                        ),
                    ]
                })
                .collect(),
        ));
    }

    not_established_blocks(l, &mut out, v);

    // The incident.
    out.push(Block::H2(tr!(l, "report-h-incident")));
    if let Some(i) = incident_record(v) {
        incident_facts(l, &mut out, &i);
    }
    out.push(Block::Para(tr!(l, "report-incident-intro")));
    if let Some(views) = &v.views {
        projection_blocks(l, &mut out, views, v);
    }

    // The statements.
    out.push(Block::H2(tr!(l, "report-h-statements")));
    for e in v.entries.iter().filter(|e| !e.kind().is_registry()) {
        entry_blocks(l, &mut out, e, v);
    }

    // Authority.
    out.push(Block::H2(tr!(l, "report-h-authors")));
    out.push(Block::Para(tr!(l, "report-authors-intro")));
    out.push(authors_table(l, &v.authors));
    out.push(Block::Table(
        vec![
            tr!(l, "report-col-entry"),
            tr!(l, "report-col-kind"),
            tr!(l, "report-col-signed-by"),
            tr!(l, "report-col-received"),
            tr!(l, "report-col-statement-hash"),
        ],
        v.entries
            .iter()
            .filter(|e| e.kind().is_registry())
            .map(|e| {
                vec![
                    plain(e.seq.to_string()),
                    plain(registry_summary(l, e)),
                    plain(author_line(l, e)),
                    plain(when(l, e.entry.received_at)),
                    mono(e.statement_hash.to_hex()),
                ]
            })
            .collect(),
    ));

    out.push(Block::H2(tr!(l, "report-h-method")));
    out.push(Block::Para(tr!(
        l,
        "report-method",
        version = env!("CARGO_PKG_VERSION")
    )));
    out.push(Block::Code(format!(
        "temoin verify-bundle '{}' --archive-key '{}'",
        x.bundle_name.replace('\'', "'\\''"),
        v.archive_key
    )));
    out.push(Block::Para(tr!(l, "report-limits")));
    out
}

/// An RFC 3339 time of the formats (`2025-11-14T03:12:09Z`) in prose; as
/// given when it is not one.
fn stamp(l: Lang, t: &str) -> String {
    match crate::time::parse_time(t) {
        Some(ms) if t.contains('T') => when(l, ms),
        _ => t.to_string(),
    }
}

/// What the rules needed from the rest of the log (FORMAT.md §12.6 step 7):
/// said, so that a reader does not take it as proven.
fn not_established_blocks(l: Lang, out: &mut Vec<Block>, v: &Verdict) {
    if v.not_established.is_empty() {
        return;
    }
    out.push(Block::H2(tr!(l, "report-h-not-established")));
    out.push(Block::Para(tr!(l, "report-not-established-intro")));
    out.push(Block::Table(
        vec![tr!(l, "report-col-entry"), tr!(l, "report-col-what")],
        v.not_established
            .iter()
            .map(|n| {
                let what = match &n.what {
                    crate::bundle::Undecided::IncidentOpening { id, seq } => tr!(
                        l,
                        "report-not-established-incident",
                        id = id.to_owned(),
                        seq = seq.to_owned()
                    ),
                };
                vec![plain(n.seq.to_string()), plain(what)]
            })
            .collect(),
    ));
}

fn registry_summary(l: Lang, e: &CheckedEntry) -> String {
    use crate::registry::{EnrollPayload, GenesisPayload, RevokePayload};
    fn payload<T: serde::de::DeserializeOwned>(e: &CheckedEntry) -> Option<T> {
        e.parts
            .get(PAYLOAD)
            .and_then(|p| serde_json::from_slice(p).ok())
    }
    // A payload the verifier could not read is a fault reported above;
    // here the line just says less.
    match e.kind() {
        Kind::Genesis => tr!(
            l,
            "report-genesis",
            name = payload::<GenesisPayload>(e)
                .map(|g| g.custodian_name)
                .unwrap_or_default()
        ),
        Kind::Enroll => match payload::<EnrollPayload>(e) {
            Some(p) => tr!(
                l,
                "report-enrolment-of",
                name = p.name,
                role = role_name(l, p.role.name())
            ),
            None => tr!(l, "report-enrolment"),
        },
        Kind::Revoke => match payload::<RevokePayload>(e) {
            Some(p) => tr!(
                l,
                "report-revocation-of",
                key = p.key.get(..12).unwrap_or("").to_string(),
                reason = p.reason
            ),
            None => tr!(l, "report-revocation"),
        },
        k => k.to_string(),
    }
}

const CSS: &str = r#"
:root { --ink:#1b1b1b; --muted:#555; --rule:#c8c8c8; --ok:#0b6b2e; --bad:#a00000; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif", "DejaVu Serif", Georgia, "Times New Roman", serif; color: var(--ink);
       max-width: 58rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; font-size: 11pt; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.verdict { border: 3px solid var(--ok); padding: .8rem 1rem; margin: 1rem 0; }
.verdict.bad { border-color: var(--bad); }
.verdict .title { font-weight: bold; font-size: 1.3rem; color: var(--ok); letter-spacing: .05em; }
.verdict.bad .title { color: var(--bad); }
.verdict ul { margin: .4rem 0 0; padding-left: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .45rem; vertical-align: top; text-align: left; white-space: pre-line; }
th { background: #f1f1f1; font-weight: 600; }
table.facts th { width: 15rem; background: transparent; font-weight: normal; color: var(--muted); }
.mono, code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .82em; word-break: break-all; }
blockquote { margin: .4rem 0 .8rem; padding: .4rem .9rem; border-left: 4px solid #999; background: #fafafa; white-space: pre-wrap; }
section.entry { border: 1px solid var(--rule); padding: .2rem .9rem .4rem; margin: 1rem 0; }
section.entry h3 { margin-top: .6rem; }
.warn { color: var(--bad); font-weight: bold; }
pre.mono { white-space: pre-wrap; background: #f6f6f6; padding: .5rem .7rem; border: 1px solid var(--rule); }
footer { margin-top: 2rem; color: var(--muted); font-size: .9em; border-top: 1px solid var(--rule); padding-top: .5rem; }
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm; }
  body { max-width: none; margin: 0; padding: 0 2px; font-size: 10pt; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  table.facts, .verdict { break-inside: avoid; }
  section.entry { break-inside: auto; }
  tr { break-inside: avoid; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  blockquote { background: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The report as a standalone HTML document (UTF-8, print stylesheet).
pub fn html(v: &Verdict, x: &Exhibit) -> String {
    let l = x.lang;
    let mut s = String::new();
    let title = tr!(l, "report-title", scope = scope_title(l, v));
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        l.tag(),
        esc(&title),
        running_heads(v, x)
    );
    for b in blocks(v, x) {
        match b {
            Block::H1(t) => {
                let _ = writeln!(s, "<h1>{}</h1>", esc(&t));
            }
            Block::H2(t) => {
                let _ = writeln!(s, "<h2>{}</h2>", esc(&t));
            }
            Block::H3(t) => {
                let _ = writeln!(s, "<h3>{}</h3>", esc(&t));
            }
            Block::Para(t) => {
                let _ = writeln!(s, "<p>{}</p>", prose_html(&t));
            }
            Block::Warn(t) => {
                let _ = writeln!(
                    s,
                    "<p class=\"warn\">{} — {}</p>",
                    tr!(l, "report-fault"),
                    esc(&t)
                );
            }
            Block::Verdict(ok, title, lines) => {
                let _ = writeln!(
                    s,
                    "<div class=\"verdict{}\"><div class=\"title\">{}</div><ul>",
                    if ok { "" } else { " bad" },
                    esc(&title)
                );
                for l in lines {
                    let _ = writeln!(s, "<li>{}</li>", prose_html(&l));
                }
                s.push_str("</ul></div>\n");
            }
            Block::Facts(rows) => {
                s.push_str("<table class=\"facts\">\n");
                for (k, v, m) in rows {
                    let _ = writeln!(
                        s,
                        "<tr><th>{}</th><td{}>{}</td></tr>",
                        esc(&k),
                        if m { " class=\"mono\"" } else { "" },
                        esc(&v)
                    );
                }
                s.push_str("</table>\n");
            }
            Block::Table(head, rows) => {
                s.push_str("<table>\n<thead><tr>");
                for h in head {
                    let _ = write!(s, "<th>{}</th>", esc(&h));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    s.push_str("<tr>");
                    for (c, m) in r {
                        let _ = write!(
                            s,
                            "<td{}>{}</td>",
                            if m { " class=\"mono\"" } else { "" },
                            esc(&c)
                        );
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody>\n</table>\n");
            }
            Block::Quote(t, lang) => {
                let _ = writeln!(
                    s,
                    "<blockquote lang=\"{}\">{}</blockquote>",
                    esc(&lang),
                    esc(&t)
                );
            }
            Block::Begin(t) => {
                let _ = writeln!(s, "<section class=\"entry\">\n<h3>{}</h3>", esc(&t));
            }
            Block::End => s.push_str("</section>\n"),
            Block::Code(t) => {
                let _ = writeln!(s, "<pre class=\"mono\">{}</pre>", esc(&t));
            }
        }
    }
    let _ = writeln!(
        s,
        "<footer>{}</footer>\n</body>\n</html>",
        esc(&footer(v, x))
    );
    s
}

/// A string as CSS writes it between double quotes: nothing in it can end
/// the string, the rule or the style element.
fn css_string(t: &str) -> String {
    let mut out = String::from("\"");
    for c in t.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '\n' | '\r' => out.push_str(&format!("\\{:x} ", c as u32)),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The running header and footer of every printed page: the archive's
/// origin and the scope above, the bundle file's SHA-256 and "page N / M"
/// below (CSS page margin boxes).
fn running_heads(v: &Verdict, x: &Exhibit) -> String {
    let l = x.lang;
    format!(
        "\n@media print {{ @page {{\n  @top-left {{ content: {}; width: 50%; font: 7.5pt sans-serif; color: #555; }}\n  @top-right {{ content: {}; width: 50%; font: 7.5pt sans-serif; color: #555; }}\n  @bottom-left {{ content: {}; width: 82%; font: 7pt monospace; color: #555; }}\n  @bottom-right {{ content: {} counter(page) \" / \" counter(pages); width: 18%; white-space: nowrap; font: 8pt sans-serif; }}\n}} }}\n",
        css_string(&tr!(l, "report-running-head", origin = v.origin.clone())),
        css_string(&scope_title(l, v)),
        css_string(&tr!(
            l,
            "report-running-foot",
            name = x.bundle_name.clone(),
            sha = x.bundle_sha256.clone()
        )),
        css_string(&format!("{} ", tr!(l, "report-page"))),
    )
}

/// The report as Markdown (UTF-8).
pub fn markdown(v: &Verdict, x: &Exhibit) -> String {
    let l = x.lang;
    let mut s = String::new();
    let cell = |c: &str, m: bool| {
        if m {
            format!("`{}`", c.replace('`', "'"))
        } else {
            c.split('\n').map(md).collect::<Vec<_>>().join("<br>")
        }
    };
    for b in blocks(v, x) {
        match b {
            Block::H1(t) => {
                let _ = writeln!(s, "# {}\n", md(&t));
            }
            Block::H2(t) => {
                let _ = writeln!(s, "## {}\n", md(&t));
            }
            Block::H3(t) | Block::Begin(t) => {
                let _ = writeln!(s, "### {}\n", md(&t));
            }
            Block::Para(t) => {
                let _ = writeln!(s, "{}\n", prose_md(&t));
            }
            Block::Warn(t) => {
                let _ = writeln!(s, "**{} — {}**\n", tr!(l, "report-fault"), md(&t));
            }
            Block::Verdict(_, title, lines) => {
                let _ = writeln!(s, "> **{}**\n>", md(&title));
                for l in lines {
                    let _ = writeln!(s, "> - {}", md(&l));
                }
                s.push('\n');
            }
            Block::Facts(rows) => {
                s.push_str("| | |\n|---|---|\n");
                for (k, v, m) in rows {
                    let _ = writeln!(s, "| {} | {} |", md(&k), cell(&v, m));
                }
                s.push('\n');
            }
            Block::Table(head, rows) => {
                let _ = writeln!(
                    s,
                    "| {} |",
                    head.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | ")
                );
                let _ = writeln!(s, "|{}", "---|".repeat(head.len()));
                for r in rows {
                    let _ = writeln!(
                        s,
                        "| {} |",
                        r.iter()
                            .map(|(c, m)| cell(c, *m))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    );
                }
                s.push('\n');
            }
            Block::Quote(t, _) => {
                for line in t.lines() {
                    let _ = writeln!(s, "> {}", md(line));
                }
                s.push('\n');
            }
            Block::End => {}
            Block::Code(t) => {
                let _ = writeln!(s, "```\n{}\n```\n", t.replace('`', "'"));
            }
        }
    }
    let _ = writeln!(s, "---\n\n{}", md(&footer(v, x)));
    s
}

/// The last line: what made the report, when, for whom, from which file.
fn footer(v: &Verdict, x: &Exhibit) -> String {
    let l = x.lang;
    let generated = stamp(l, &x.generated_at);
    let exported = stamp(l, &v.exported_at);
    match &x.prepared_by {
        Some(by) => tr!(
            l,
            "report-footer-for",
            version = env!("CARGO_PKG_VERSION"),
            generated = generated,
            by = by.clone(),
            name = x.bundle_name.clone(),
            sha = x.bundle_sha256.clone(),
            exported = exported
        ),
        None => tr!(
            l,
            "report-footer",
            version = env!("CARGO_PKG_VERSION"),
            generated = generated,
            name = x.bundle_name.clone(),
            sha = x.bundle_sha256.clone(),
            exported = exported
        ),
    }
}
