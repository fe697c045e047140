//! The pages' handlers and what their templates show: every value is
//! turned into words here (in the page's language), the templates only
//! lay them out.

// A page's refusal is the answer itself (a redirect to /signin, a page
// saying why), returned as axum returns it; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use super::session::{random_secret, same_secret};
use super::{page_lang, secure_request, SIGNIN_CSRF_COOKIE};
use crate::auth::{cookie, identify, Denied, Who, SESSION_COOKIE};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use temoin_archive::access::{self, AccessRole, TokenRecord};
use temoin_archive::domain::{Count, DatePrecision, Incident, When};
use temoin_archive::i18n::{self, word, Lang};
use temoin_archive::projection::{
    history::format_place, ArchiveViews, AsOf, ProjectionError, SourceGrade, SourceRef,
};
use temoin_archive::store::Store;
use temoin_archive::tr;

/// The page's words: `t("web-…")` from the catalogue of its language.
pub struct L(pub Lang);

impl L {
    pub fn t(&self, id: &str) -> String {
        self.0.loader().get(id)
    }
}

/// What every page shows around its content.
pub struct Page {
    pub l: L,
    pub lang: &'static str,
    pub title: String,
    /// The signed-in token's name, if any.
    pub signed_in: Option<String>,
    pub custodian: bool,
    /// Which nav entry is this page (`incidents`, `tally`...).
    pub here: &'static str,
    /// This page in the other language.
    pub other_lang_href: String,
    pub other_lang_name: String,
    pub other_lang_tag: &'static str,
}

/// The request as a page sees it: its language, its path, who asks.
pub struct Web {
    lang: Lang,
    path: String,
    query: Option<String>,
    who: Result<Option<TokenRecord>, Refused>,
    public: bool,
}

/// Why [`identify`] let nobody in, kept without its answer (a page says
/// it its own way).
enum Refused {
    /// A token sent, or a session's, that is not (or no longer) valid.
    Invalid,
    Internal,
}

impl axum::extract::FromRequestParts<AppState> for Web {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        Ok(Web {
            lang: page_lang(parts.uri.query(), &parts.headers),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            who: identify(parts, state).await.map_err(|d| match d {
                Denied::Internal(_) => Refused::Internal,
                Denied::Missing | Denied::Malformed | Denied::Invalid => Refused::Invalid,
            }),
            public: state.options.public,
        })
    }
}

type PageResult = Result<Response, Response>;

impl Web {
    fn l(&self) -> L {
        L(self.lang)
    }

    /// The page frame, for the viewer `who`.
    fn page(&self, title: String, here: &'static str) -> Page {
        let token = match &self.who {
            Ok(Some(t)) => Some(t),
            _ => None,
        };
        let other = match self.lang {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        };
        let mut q: Vec<(String, String)> = self
            .query
            .as_deref()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .filter(|(k, _)| k != "lang")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        q.push(("lang".into(), other.tag().into()));
        let qs = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(q)
            .finish();
        Page {
            l: self.l(),
            lang: self.lang.tag(),
            title,
            signed_in: token.map(|t| t.name.clone()),
            custodian: token.is_some_and(|t| t.role == AccessRole::Custodian),
            here,
            other_lang_href: format!("{}?{qs}", self.path),
            other_lang_name: match other {
                Lang::En => "English".into(),
                Lang::Fr => "Français".into(),
            },
            other_lang_tag: other.tag(),
        }
    }

    /// Who may read the content: a live token (bearer or session), or
    /// anyone on a `--public` archive; else to the sign-in page.
    fn reader(&self) -> Result<Who, Response> {
        match &self.who {
            Ok(Some(t)) => Ok(Who {
                token: Some(t.clone()),
            }),
            Ok(None) if self.public => Ok(Who { token: None }),
            Ok(None) | Err(Refused::Invalid) => Err(self.to_signin()),
            Err(Refused::Internal) => Err(self.error(
                StatusCode::INTERNAL_SERVER_ERROR,
                self.l().t("web-error-internal"),
            )),
        }
    }

    /// The custodian's token only.
    fn custodian(&self) -> Result<Who, Response> {
        match &self.who {
            Ok(Some(t)) if t.role == AccessRole::Custodian => Ok(Who {
                token: Some(t.clone()),
            }),
            Ok(Some(_)) => Err(self.error(StatusCode::FORBIDDEN, self.l().t("web-forbidden"))),
            _ => match self.reader() {
                Ok(_) => Err(self.to_signin()),
                Err(r) => Err(r),
            },
        }
    }

    /// 303 to `/signin?next=` this page (a stale session cookie is cleared).
    fn to_signin(&self) -> Response {
        let mut next = self.path.clone();
        if let Some(q) = &self.query {
            next.push('?');
            next.push_str(q);
        }
        let qs = form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &next)
            .finish();
        let mut r = (StatusCode::SEE_OTHER, "").into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("/signin?{qs}")) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        r.headers_mut()
            .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
        r
    }

    fn error(&self, status: StatusCode, message: String) -> Response {
        let title = match status {
            StatusCode::NOT_FOUND => self.l().t("web-error-not-found"),
            StatusCode::FORBIDDEN => self.l().t("web-error-forbidden"),
            StatusCode::BAD_REQUEST => self.l().t("web-error-bad-request"),
            _ => self.l().t("web-error-title"),
        };
        let t = ErrorTpl {
            page: self.page(title, ""),
            message,
        };
        (status, html(&t)).into_response()
    }

    /// A projection's refusal as a page.
    fn projection_error(&self, e: ProjectionError) -> Response {
        match e {
            ProjectionError::UnknownIncident(_)
            | ProjectionError::UnknownStatement(_)
            | ProjectionError::BadSubject(_)
            | ProjectionError::NotYetOpened { .. }
            | ProjectionError::NoHistory { .. } => self.error(StatusCode::NOT_FOUND, e.to_string()),
            ProjectionError::Ambiguous { .. }
            | ProjectionError::AmbiguousStatement(_)
            | ProjectionError::BadAsOf(_)
            | ProjectionError::BadDate { .. } => self.error(StatusCode::BAD_REQUEST, e.to_string()),
            e => self.internal(e),
        }
    }

    fn internal(&self, e: impl std::fmt::Display) -> Response {
        eprintln!("temoin serve: internal error: {e}");
        self.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            self.l().t("web-error-internal"),
        )
    }
}

fn clear_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A rendered template as an HTML answer.
fn html<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(body) => {
            let mut r = body.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r
        }
        Err(e) => {
            eprintln!("temoin serve: a page did not render: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// A blocking read of the projections.
async fn blocking<T: Send + 'static>(
    w: &Web,
    f: impl FnOnce() -> Result<T, Response> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Err(w.internal(e)),
    }
}

// ---------------------------------------------------------------- words

/// A count: `7`, `7–9`.
fn count(c: &Count) -> String {
    match c {
        Count::Exact(n) => n.to_string(),
        Count::Range { min, max } => format!("{min}–{max}"),
    }
}

/// A figure's range: `7`, `7–9`.
fn range(min: u64, max: u64) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min}–{max}")
    }
}

fn figure_name(lang: Lang, name: &str) -> String {
    match name {
        "dead" => tr!(lang, "figure-dead"),
        "injured" => tr!(lang, "figure-injured"),
        "missing" => tr!(lang, "figure-missing"),
        "women_dead" => tr!(lang, "figure-women-dead"),
        "children_dead" => tr!(lang, "figure-children-dead"),
        "women_and_children_dead" => tr!(lang, "figure-women-and-children-dead"),
        "named_dead" => tr!(lang, "figure-named-dead"),
        other => other.replace('_', " "),
    }
}

/// A date as far as it is known, in prose: "14 novembre 2025",
/// "novembre 2025", "2025", a range with "–".
fn when(w: &When, lang: Lang) -> String {
    let one = |d: &str| -> String {
        let cut = w.precision.cut(d);
        match cut.len() {
            10 => i18n::date_str(lang, cut),
            7 => match (cut[..4].parse::<i64>(), cut[5..7].parse::<u32>()) {
                (Ok(y), Ok(m)) => i18n::month_year(lang, y, m),
                _ => cut.to_string(),
            },
            _ => cut.to_string(),
        }
    };
    let start = one(&w.start);
    let s = match w.end.as_deref().map(one) {
        Some(end) if end != start => format!("{start} – {end}"),
        _ => start,
    };
    if w.precision == DatePrecision::Estimated {
        tr!(lang, "when-estimated", when = s)
    } else {
        s
    }
}

/// Author keys' names, from the registry.
struct Names(HashMap<String, String>);

impl Names {
    fn load(store: &Store) -> Names {
        let mut m = HashMap::new();
        if let Ok(reg) = temoin_archive::archive::load_registry(store) {
            for k in reg.keys() {
                m.insert(k.key.to_hex(), k.name.clone());
            }
        }
        Names(m)
    }
    fn of(&self, hex: &str) -> String {
        self.0
            .get(hex)
            .cloned()
            .unwrap_or_else(|| format!("{}…", hex.get(..12).unwrap_or(hex)))
    }
}

/// A source: its entry and statement, its author, its grade.
pub struct Src {
    pub seq: u64,
    pub hash: String,
    pub short: String,
    pub author: String,
    pub grade: String,
}

fn grade_words(g: Option<&SourceGrade>, lang: Lang) -> String {
    let Some(g) = g else {
        return String::new();
    };
    let mut out = Vec::new();
    if let Some(v) = &g.verification {
        out.push(tr!(
            lang,
            "web-grade-verification",
            value = word(lang, "verification", &v.value),
            seq = v.by.seq.to_string()
        ));
    }
    if let Some(r) = &g.reliability {
        out.push(tr!(
            lang,
            "web-grade-reliability",
            value = word(lang, "reliability", &r.value),
            seq = r.by.seq.to_string()
        ));
    }
    out.join("; ")
}

fn src(s: &SourceRef, grade: Option<&SourceGrade>, names: &Names, lang: Lang) -> Src {
    let hash = s.statement.to_hex();
    Src {
        seq: s.seq,
        short: hash.get(..12).unwrap_or(&hash).to_string(),
        hash,
        author: names.of(&s.author),
        grade: grade_words(grade, lang),
    }
}

// ---------------------------------------------------------------- index

pub struct IncidentRow {
    pub id: String,
    pub title: String,
    pub place: String,
    pub when: String,
    pub dead: String,
    pub injured: String,
    pub conflict: bool,
    pub merged_into: Option<String>,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexTpl {
    page: Page,
    rows: Vec<IncidentRow>,
    as_of: u64,
}

fn figure_cell(f: Option<&temoin_archive::projection::Figure>) -> String {
    match f {
        None => "—".into(),
        Some(f) => range(f.min as u64, f.max as u64),
    }
}

pub async fn index(State(state): State<AppState>, w: Web) -> PageResult {
    w.reader()?;
    let lang = w.lang;
    let store = state.store.clone();
    let durable = state.published().size;
    let (rows, as_of) = blocking(&w, {
        let l = L(lang);
        move || {
            let p = ArchiveViews::new(&store);
            let upto = p
                .cut(None)
                .map_err(|e| e.to_string())
                .unwrap_or(0)
                .min(durable);
            let list = p.summaries(upto).map_err(|e| {
                eprintln!("temoin serve: {e}");
                (StatusCode::INTERNAL_SERVER_ERROR, l.t("web-error-internal")).into_response()
            })?;
            let rows = list
                .iter()
                .map(|s| IncidentRow {
                    id: s.id.clone(),
                    title: s
                        .incident
                        .as_ref()
                        .map(|i| i.title.clone())
                        .unwrap_or_default(),
                    place: s
                        .incident
                        .as_ref()
                        .map(|i| format_place(&i.place, lang))
                        .unwrap_or_default(),
                    when: s
                        .incident
                        .as_ref()
                        .map(|i| when(&i.when, lang))
                        .unwrap_or_default(),
                    dead: figure_cell(s.figures.dead.as_ref()),
                    injured: figure_cell(s.figures.injured.as_ref()),
                    conflict: s.figures.any_conflict(),
                    merged_into: s.merged_into.clone(),
                })
                .collect();
            Ok((rows, upto.saturating_sub(1)))
        }
    })
    .await?;
    let t = IndexTpl {
        page: w.page(w.l().t("web-incidents-title"), "incidents"),
        rows,
        as_of,
    };
    Ok(html(&t))
}

// ---------------------------------------------------------------- incident

pub struct SourceCount {
    pub src: Src,
    pub count: String,
    pub relation: String,
    pub description: String,
    pub incident: String,
}

pub struct FigureRow {
    pub name: String,
    pub value: String,
    pub conflict: bool,
    pub sources: usize,
    pub authors: usize,
    /// "2 independent sources, 3 authors".
    pub counted: String,
    pub per_source: Vec<SourceCount>,
}

pub struct AttributionRow {
    pub src: Src,
    pub attribution: String,
    pub kind: String,
    pub name: String,
}

pub struct PerpetratorRow {
    pub name: String,
    pub kinds: String,
    pub attributions: String,
    pub conflict: bool,
    pub per_source: Vec<AttributionRow>,
}

pub struct MeansRow {
    pub kind: String,
    pub models: String,
    pub per_source: Vec<Src>,
}

pub struct VictimRow {
    pub name: String,
    pub spellings: String,
    pub sex: String,
    pub age: String,
    pub status: String,
    pub acts: String,
    pub conflict: bool,
    pub mentions: Vec<Src>,
}

pub struct TestimonyRow {
    pub src: Src,
    pub status: String,
    pub source: String,
    pub language: String,
    pub versions: usize,
}

pub struct RecordRow {
    pub src: Src,
    pub received: String,
    pub reason: String,
}

pub struct IncidentPage {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub place: String,
    pub when: String,
    pub description: String,
    pub as_of: u64,
    pub last_seq: u64,
    pub merged_into: Option<String>,
    pub merged: Vec<String>,
    pub figures: Vec<FigureRow>,
    pub conflicts: Vec<FigureRow>,
    pub perpetrators: Vec<PerpetratorRow>,
    pub means: Vec<MeansRow>,
    pub victims: Vec<VictimRow>,
    pub testimonies: Vec<TestimonyRow>,
    pub record: Vec<RecordRow>,
    pub data_conflicts: Vec<String>,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentTpl {
    page: Page,
    i: IncidentPage,
    /// `?as_of=` was given: the entry it names.
    past: Option<u64>,
}

#[derive(serde::Deserialize, Default)]
pub struct AsOfQuery {
    as_of: Option<String>,
}

fn build_incident(
    p: &ArchiveViews<'_>,
    id: &str,
    upto: u64,
    lang: Lang,
) -> Result<IncidentPage, ProjectionError> {
    let v = p.incident(id, upto)?;
    let names = Names::load(p.store());
    let inc: Option<&Incident> = v.record.as_ref().map(|r| &r.incident);
    let mut figures = Vec::new();
    for name in temoin_archive::projection::incident::FIGURE_NAMES {
        let Some(f) = v.figures.get(name) else {
            continue;
        };
        figures.push(FigureRow {
            name: figure_name(lang, name),
            value: range(f.min as u64, f.max as u64),
            conflict: f.conflict,
            sources: f.sources,
            authors: f.authors,
            counted: tr!(
                lang,
                "web-sources-authors",
                sources = f.sources,
                authors = f.authors
            ),
            per_source: f
                .per_source
                .iter()
                .map(|s| SourceCount {
                    src: src(&s.source, s.grade.as_ref(), &names, lang),
                    count: count(&s.count),
                    relation: word(lang, "relation", &s.relation),
                    description: s.description.clone(),
                    incident: s.incident.clone(),
                })
                .collect(),
        });
    }
    let conflicts = figures
        .iter()
        .filter(|f| f.conflict)
        .map(|f| FigureRow {
            name: f.name.clone(),
            value: f.value.clone(),
            conflict: true,
            sources: f.sources,
            authors: f.authors,
            counted: f.counted.clone(),
            per_source: f
                .per_source
                .iter()
                .map(|s| SourceCount {
                    src: Src {
                        seq: s.src.seq,
                        hash: s.src.hash.clone(),
                        short: s.src.short.clone(),
                        author: s.src.author.clone(),
                        grade: s.src.grade.clone(),
                    },
                    count: s.count.clone(),
                    relation: s.relation.clone(),
                    description: s.description.clone(),
                    incident: s.incident.clone(),
                })
                .collect(),
        })
        .collect();
    let join = |xs: Vec<String>| xs.join(", ");
    let perpetrators = v
        .perpetrators
        .iter()
        .map(|pv| PerpetratorRow {
            name: pv.name.clone(),
            kinds: join(pv.kinds.iter().map(|k| word(lang, "kind", k)).collect()),
            attributions: join(
                pv.attributions
                    .iter()
                    .map(|a| word(lang, "attribution", a))
                    .collect(),
            ),
            conflict: pv.conflict,
            per_source: pv
                .per_source
                .iter()
                .map(|s| AttributionRow {
                    src: src(&s.from.source, s.from.grade.as_ref(), &names, lang),
                    attribution: word(lang, "attribution", &s.attribution),
                    kind: word(lang, "kind", &s.kind),
                    name: s.name.clone(),
                })
                .collect(),
        })
        .collect();
    let means = v
        .means
        .iter()
        .map(|m| MeansRow {
            kind: word(lang, "means", &m.kind),
            models: m.models.join(", "),
            per_source: m
                .per_source
                .iter()
                .map(|s| src(&s.from.source, s.from.grade.as_ref(), &names, lang))
                .collect(),
        })
        .collect();
    let victims = v
        .victims
        .iter()
        .map(|vv| VictimRow {
            name: vv.name.clone(),
            spellings: vv
                .spellings
                .iter()
                .filter(|s| **s != vv.name)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            sex: vv.sex.map(|s| word(lang, "sex", &s)).unwrap_or_default(),
            age: vv.age.as_ref().map(count).unwrap_or_default(),
            status: vv
                .status
                .map(|s| word(lang, "status", &s))
                .unwrap_or_default(),
            acts: join(vv.acts.iter().map(|a| word(lang, "act", a)).collect()),
            conflict: vv.conflict,
            mentions: vv
                .mentions
                .iter()
                .map(|m| src(&m.source, m.grade.as_ref(), &names, lang))
                .collect(),
        })
        .collect();
    let testimonies = v
        .testimonies
        .iter()
        .map(|t| {
            use temoin_archive::projection::TestimonyStatus as S;
            let status = match &t.status {
                S::Active => tr!(lang, "web-status-active"),
                S::Retracted { by, reason } => tr!(
                    lang,
                    "web-status-retracted",
                    seq = by.seq.to_string(),
                    reason = reason.clone()
                ),
                S::Compromised { revoked_at, .. } => {
                    tr!(lang, "web-status-compromised", seq = revoked_at.to_string())
                }
                S::Elsewhere { incidents } => tr!(
                    lang,
                    "web-status-elsewhere",
                    incidents = incidents.join(", ")
                ),
            };
            let mut source = word(lang, "relation", &t.source.relation);
            if !t.source.description.is_empty() {
                source = format!("{source} — {}", t.source.description);
            }
            TestimonyRow {
                src: src(&t.current, t.grade.as_ref(), &names, lang),
                status,
                source,
                language: t.language.clone(),
                versions: t.versions.len(),
            }
        })
        .collect();
    let record = v
        .record
        .iter()
        .flat_map(|r| r.versions.iter())
        .map(|ver| RecordRow {
            src: src(&ver.source, None, &names, lang),
            received: i18n::time_ms(lang, ver.received_at),
            reason: ver.reason.clone().unwrap_or_default(),
        })
        .collect();
    Ok(IncidentPage {
        id: v.id.clone(),
        title: inc.map(|i| i.title.clone()).unwrap_or_else(|| v.id.clone()),
        kind: inc
            .map(|i| i.incident_type.replace('_', " "))
            .unwrap_or_default(),
        place: inc
            .map(|i| format_place(&i.place, lang))
            .unwrap_or_default(),
        when: inc.map(|i| when(&i.when, lang)).unwrap_or_default(),
        description: inc.map(|i| i.description.clone()).unwrap_or_default(),
        as_of: v.as_of,
        last_seq: v.last_seq,
        merged_into: v.merged_into.as_ref().map(|m| m.into.clone()),
        merged: v.merged.iter().map(|m| m.from.clone()).collect(),
        figures,
        conflicts,
        perpetrators,
        means,
        victims,
        testimonies,
        record,
        data_conflicts: v
            .data_conflicts
            .iter()
            .map(|d| format!("{} (#{})", d.text, d.source.seq))
            .collect(),
    })
}

pub async fn incident(
    State(state): State<AppState>,
    w: Web,
    Path(id): Path<String>,
    q: Result<Query<AsOfQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    w.reader()?;
    let Ok(Query(q)) = q else {
        return Err(w.error(StatusCode::BAD_REQUEST, w.l().t("web-error-bad-query")));
    };
    let cut = match q.as_of.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<AsOf>().map_err(|e| w.projection_error(e))?),
    };
    let lang = w.lang;
    let store = state.store.clone();
    let durable = state.published().size;
    let r = blocking(&w, move || {
        let p = ArchiveViews::new(&store);
        let go = || -> Result<IncidentPage, ProjectionError> {
            let upto = p.cut(cut)?.min(durable);
            let id = p.resolve(&id)?;
            build_incident(&p, &id, upto, lang)
        };
        Ok(go())
    })
    .await?;
    let i = r.map_err(|e| w.projection_error(e))?;
    let title = i.title.clone();
    let t = IncidentTpl {
        page: w.page(title, "incidents"),
        past: cut.map(|_| i.as_of),
        i,
    };
    Ok(html(&t))
}

// ---------------------------------------------------------------- history

pub struct StepRow {
    pub seq: u64,
    pub received: String,
    pub author: String,
    pub kind: String,
    pub what: String,
    pub changes: Vec<String>,
    pub short: String,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryTpl {
    page: Page,
    id: String,
    steps: Vec<StepRow>,
}

pub async fn history(State(state): State<AppState>, w: Web, Path(id): Path<String>) -> PageResult {
    w.reader()?;
    let lang = w.lang;
    let store = state.store.clone();
    let durable = state.published().size;
    let r = blocking(&w, move || {
        let p = ArchiveViews::new(&store);
        let names = Names::load(&store);
        Ok(p.resolve(&id).and_then(|id| {
            let h = p.history_in(&id, lang)?;
            let steps = h
                .steps
                .into_iter()
                .filter(|s| s.seq < durable)
                .map(|s| {
                    let hash = s.statement.to_hex();
                    StepRow {
                        seq: s.seq,
                        received: i18n::time_ms(lang, s.received_at),
                        author: names.of(&s.author),
                        kind: s.kind.to_string(),
                        what: s.what,
                        changes: s.changes,
                        short: hash.get(..12).unwrap_or(&hash).to_string(),
                    }
                })
                .collect::<Vec<_>>();
            Ok((id, steps))
        }))
    })
    .await?;
    let (id, steps) = r.map_err(|e| w.projection_error(e))?;
    let t = HistoryTpl {
        page: w.page(tr!(lang, "web-history-title", id = id.clone()), "incidents"),
        id,
        steps,
    };
    Ok(html(&t))
}

// ---------------------------------------------------------------- entry

pub struct PartRow {
    pub label: String,
    pub size: String,
    /// `held`, `sealed`, `companion`, `redacted`.
    pub state: &'static str,
    pub note: String,
}

pub struct RefRow {
    pub hash: String,
    pub seq: Option<u64>,
}

pub struct EntryPage {
    pub kind: String,
    pub author: String,
    pub author_key: String,
    pub received: String,
    pub created: String,
    pub hash: String,
    pub refs: Vec<RefRow>,
    pub parts: Vec<PartRow>,
    pub incidents: Vec<String>,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryTpl {
    page: Page,
    e: EntryPage,
}

fn build_entry(store: &Store, seq: u64, lang: Lang) -> Result<Option<EntryPage>, String> {
    use temoin_archive::hash::Digest;
    use temoin_archive::statement::StatementBody;
    let Some(entry) = store.entry(seq).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let body = StatementBody::decode(&entry.statement.body_bytes).map_err(|e| e.to_string())?;
    let names = Names::load(store);
    let author_key = hex::encode(body.author);
    let hash = entry.statement.hash().to_hex();
    let p = ArchiveViews::new(store);
    let refs = body
        .refs
        .iter()
        .map(|r| {
            let h = hex::encode(r);
            RefRow {
                seq: p.find_statement(&h).ok().map(|(_, info)| info.seq),
                hash: h,
            }
        })
        .collect();
    let labels: Vec<&str> = body.parts.iter().map(|c| c.label.as_str()).collect();
    let parts = body
        .parts
        .iter()
        .map(|c| {
            let sealed_base = labels.contains(&format!("{}.age", c.label).as_str());
            let companion = c.label.ends_with(".age") || c.label.ends_with(".to");
            let held = store
                .part_loc(seq, &Digest(c.digest))
                .ok()
                .flatten()
                .is_some();
            let (state, note) = if sealed_base || companion {
                ("sealed", tr!(lang, "web-part-sealed"))
            } else if held {
                ("held", tr!(lang, "web-part-held"))
            } else {
                ("redacted", tr!(lang, "web-part-redacted"))
            };
            PartRow {
                label: c.label.clone(),
                size: tr!(
                    lang,
                    "web-bytes",
                    n = i18n::number(lang, c.length),
                    count = c.length
                ),
                state,
                note,
            }
        })
        .collect();
    let incidents = p
        .find_statement(&hash)
        .ok()
        .map(|(_, i)| i.incidents)
        .unwrap_or_default();
    Ok(Some(EntryPage {
        kind: body.kind.to_string(),
        author: names.of(&author_key),
        author_key,
        received: i18n::time_ms(lang, entry.received_at),
        created: i18n::time_ms(lang, body.created_at),
        hash,
        refs,
        parts,
        incidents,
    }))
}

pub async fn entry(State(state): State<AppState>, w: Web, Path(seq): Path<String>) -> PageResult {
    w.reader()?;
    let Ok(seq) = seq.parse::<u64>() else {
        return Err(w.error(StatusCode::NOT_FOUND, w.l().t("web-error-no-entry")));
    };
    if seq >= state.published().size {
        return Err(w.error(StatusCode::NOT_FOUND, w.l().t("web-error-no-entry")));
    }
    let lang = w.lang;
    let store = state.store.clone();
    let e = blocking(&w, move || Ok(build_entry(&store, seq, lang))).await?;
    let e = match e {
        Ok(Some(e)) => e,
        Ok(None) => return Err(w.error(StatusCode::NOT_FOUND, w.l().t("web-error-no-entry"))),
        Err(e) => return Err(w.internal(e)),
    };
    let t = EntryTpl {
        page: w.page(tr!(lang, "web-entry-title", seq = seq.to_string()), ""),
        e,
    };
    Ok(html(&t))
}

// ---------------------------------------------------------------- tally

pub struct TotalRow {
    pub name: String,
    pub value: String,
    pub incidents: usize,
    pub without: usize,
    pub conflict: bool,
}

pub struct ReconLine {
    pub figure: String,
    pub claimed: String,
    pub records: String,
    pub difference: String,
    pub agrees: bool,
}

pub struct ClaimRow {
    pub src: Src,
    pub text: String,
    pub region: String,
    pub period: String,
    pub scope: String,
    pub rows: Vec<ReconLine>,
}

#[derive(Template)]
#[template(path = "tally.html")]
struct TallyTpl {
    page: Page,
    as_of: u64,
    totals: Vec<TotalRow>,
    incidents: Vec<IncidentRow>,
    claims: Vec<ClaimRow>,
    disagreements: Vec<String>,
}

pub async fn tally(State(state): State<AppState>, w: Web) -> PageResult {
    w.reader()?;
    let lang = w.lang;
    let store = state.store.clone();
    let durable = state.published().size;
    let r = blocking(&w, move || {
        let p = ArchiveViews::new(&store);
        let names = Names::load(&store);
        let go = || -> Result<_, ProjectionError> {
            let upto = p.cut(None)?.min(durable);
            let t = p.tally(&Default::default(), upto)?;
            let totals = t
                .totals
                .iter()
                .map(|x| TotalRow {
                    name: figure_name(lang, &x.figure),
                    value: range(x.min, x.max),
                    incidents: x.incidents.len(),
                    without: x.without.len(),
                    conflict: x.conflict,
                })
                .collect();
            let incidents = t
                .incidents
                .iter()
                .map(|r| IncidentRow {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    place: r.place.clone(),
                    when: when(
                        &When {
                            start: r.start.clone(),
                            end: r.end.clone(),
                            precision: r.precision,
                        },
                        lang,
                    ),
                    dead: figure_cell(r.figures.dead.as_ref()),
                    injured: figure_cell(r.figures.injured.as_ref()),
                    conflict: r.figures.any_conflict(),
                    merged_into: None,
                })
                .collect();
            let claims = t
                .claims
                .iter()
                .map(|c| ClaimRow {
                    src: src(&c.claim.source, c.claim.grade.as_ref(), &names, lang),
                    text: c.claim.claim.text.clone(),
                    region: c.claim.claim.region.clone().unwrap_or_default(),
                    period: format!(
                        "{} – {}",
                        i18n::date_str(lang, &c.claim.claim.from),
                        i18n::date_str(lang, &c.claim.claim.to)
                    ),
                    scope: c.scope.join(", "),
                    rows: c
                        .rows
                        .iter()
                        .map(|r| ReconLine {
                            figure: figure_name(lang, &r.figure),
                            claimed: count(&r.claimed),
                            records: range(r.records.min, r.records.max),
                            difference: if r.difference.0 == r.difference.1 {
                                format!("{:+}", r.difference.0)
                            } else {
                                format!("{:+} … {:+}", r.difference.0, r.difference.1)
                            },
                            agrees: r.agrees,
                        })
                        .collect(),
                })
                .collect();
            let disagreements = t
                .disagreements
                .iter()
                .map(|d| {
                    let values: Vec<String> = d
                        .values
                        .iter()
                        .map(|v| format!("{} (#{})", count(&v.claimed), v.source.seq))
                        .collect();
                    format!(
                        "{} — {} {} – {} — {}",
                        figure_name(lang, &d.figure),
                        d.region.clone().unwrap_or_default(),
                        i18n::date_str(lang, &d.from),
                        i18n::date_str(lang, &d.to),
                        values.join(" / ")
                    )
                })
                .collect();
            Ok((t.as_of, totals, incidents, claims, disagreements))
        };
        Ok(go())
    })
    .await?;
    let (as_of, totals, incidents, claims, disagreements) = r.map_err(|e| w.projection_error(e))?;
    let t = TallyTpl {
        page: w.page(w.l().t("web-tally-title"), "tally"),
        as_of,
        totals,
        incidents,
        claims,
        disagreements,
    };
    Ok(html(&t))
}

// ---------------------------------------------------------------- search

pub struct HitRow {
    pub kind: String,
    pub incident: String,
    pub field: String,
    pub text: String,
    pub entries: Vec<u64>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTpl {
    page: Page,
    q: String,
    searched: bool,
    hits: Vec<HitRow>,
}

#[derive(serde::Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
}

pub async fn search(
    State(state): State<AppState>,
    w: Web,
    q: Result<Query<SearchQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    w.reader()?;
    let q = q
        .map(|Query(q)| q.q.unwrap_or_default())
        .unwrap_or_default();
    let key = temoin_archive::projection::matching::search_key(&q);
    let lang = w.lang;
    let hits = if key.is_empty() {
        Vec::new()
    } else {
        let store = state.store.clone();
        let durable = state.published().size;
        let r = blocking(&w, move || {
            let p = ArchiveViews::new(&store);
            Ok(p.cut(None)
                .and_then(|upto| temoin_archive::content_json::search(&p, upto.min(durable), &key)))
        })
        .await?;
        r.map_err(|e| w.projection_error(e))?
            .into_iter()
            .map(|h| HitRow {
                kind: {
                    let id = format!("value-search-{}", h.kind);
                    if lang.loader().has(&id) {
                        lang.loader().get(&id)
                    } else {
                        h.kind.to_string()
                    }
                },
                incident: h.incident,
                field: {
                    let id = format!("value-search-{}", h.field);
                    if lang.loader().has(&id) {
                        lang.loader().get(&id)
                    } else {
                        h.field.to_string()
                    }
                },
                text: h.text,
                entries: h.entries,
            })
            .collect()
    };
    let t = SearchTpl {
        page: w.page(w.l().t("web-search-title"), "search"),
        searched: !q.trim().is_empty(),
        q,
        hits,
    };
    Ok(html(&t))
}

// ---------------------------------------------------------------- key

#[derive(Template)]
#[template(path = "key.html")]
struct KeyTpl {
    page: Page,
    origin: String,
    vkey: String,
    size: u64,
    checkpoint: String,
}

pub async fn key(State(state): State<AppState>, w: Web) -> PageResult {
    let p = state.published();
    let t = KeyTpl {
        page: w.page(w.l().t("web-key-title"), "key"),
        origin: state.origin.to_string(),
        vkey: state.vkey.to_string(),
        size: p.size,
        checkpoint: p.note.to_string(),
    };
    Ok(html(&t))
}

// ---------------------------------------------------------------- custodian

pub struct KeyRow {
    pub name: String,
    pub role: String,
    pub key: String,
    pub enrolled_seq: u64,
    pub enrolled: String,
    pub revoked: Option<(u64, String, String)>,
}

#[derive(Template)]
#[template(path = "custodian_keys.html")]
struct KeysTpl {
    page: Page,
    keys: Vec<KeyRow>,
    readers: Vec<KeyRow>,
}

pub async fn custodian_keys(State(state): State<AppState>, w: Web) -> PageResult {
    w.custodian()?;
    let lang = w.lang;
    let store = state.store.clone();
    let durable = state.published().size;
    let r = blocking(&w, move || {
        let time_of = |seq: u64| -> String {
            store
                .entry(seq)
                .ok()
                .flatten()
                .map(|e| i18n::time_ms(lang, e.received_at))
                .unwrap_or_default()
        };
        let reg = temoin_archive::archive::load_registry(&store).map_err(|e| e.to_string());
        Ok(reg.map(|reg| {
            let keys = reg
                .keys()
                .filter(|k| k.enrolled_at < durable)
                .map(|k| KeyRow {
                    name: k.name.clone(),
                    role: k.role.name().to_string(),
                    key: k.key.to_hex(),
                    enrolled_seq: k.enrolled_at,
                    enrolled: time_of(k.enrolled_at),
                    revoked: k
                        .revoked
                        .as_ref()
                        .filter(|v| v.seq < durable)
                        .map(|v| (v.seq, time_of(v.seq), v.reason.clone())),
                })
                .collect();
            let readers = reg
                .readers()
                .filter(|r| r.enrolled_at < durable)
                .map(|r| KeyRow {
                    name: r.name.clone(),
                    role: "reader".into(),
                    key: r.recipient.clone(),
                    enrolled_seq: r.enrolled_at,
                    enrolled: time_of(r.enrolled_at),
                    revoked: r
                        .revoked
                        .as_ref()
                        .filter(|v| v.0 < durable)
                        .map(|v| (v.0, time_of(v.0), v.1.clone())),
                })
                .collect();
            (keys, readers)
        }))
    })
    .await?;
    let (keys, readers) = r.map_err(|e| w.internal(e))?;
    let t = KeysTpl {
        page: w.page(w.l().t("web-keys-title"), "custodian"),
        keys,
        readers,
    };
    Ok(html(&t))
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub created: String,
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "custodian_tokens.html")]
struct TokensTpl {
    page: Page,
    tokens: Vec<TokenRow>,
}

pub async fn custodian_tokens(State(state): State<AppState>, w: Web) -> PageResult {
    w.custodian()?;
    let lang = w.lang;
    let archive = state.options.archive.clone();
    let list = blocking(&w, move || Ok(access::tokens(&archive))).await?;
    let list = list.map_err(|e| w.internal(e))?;
    let t = TokensTpl {
        page: w.page(w.l().t("web-tokens-title"), "custodian"),
        tokens: list
            .iter()
            .map(|t| TokenRow {
                id: t.id.clone(),
                name: t.name.clone(),
                role: t.role.name().to_string(),
                created: i18n::time_ms(lang, t.created_at),
                revoked: t
                    .revoked_at
                    .map(|ms| i18n::time_ms(lang, ms))
                    .unwrap_or_default(),
            })
            .collect(),
    };
    Ok(html(&t))
}

pub struct LogRow {
    pub n: u64,
    pub at: String,
    pub who: String,
    pub what: String,
    pub scope: String,
    pub withheld: String,
    pub sha256: String,
    pub from: String,
}

#[derive(Template)]
#[template(path = "custodian_access_log.html")]
struct LogTpl {
    page: Page,
    rows: Vec<LogRow>,
}

pub async fn custodian_access_log(State(state): State<AppState>, w: Web) -> PageResult {
    w.custodian()?;
    let lang = w.lang;
    let archive = state.options.archive.clone();
    let log = blocking(&w, move || Ok(access::read_log(&archive))).await?;
    let log = log.map_err(|e| w.internal(e))?;
    let t = LogTpl {
        page: w.page(w.l().t("web-log-title"), "custodian"),
        rows: log
            .iter()
            .map(|(r, _)| LogRow {
                n: r.n,
                at: i18n::time_ms(lang, r.at),
                who: r.who.clone(),
                what: r.what.clone(),
                scope: r.scope.clone(),
                withheld: r.withheld.join(", "),
                sha256: r.sha256.clone(),
                from: r.from.clone().unwrap_or_default(),
            })
            .collect(),
    };
    Ok(html(&t))
}

// ---------------------------------------------------------------- sign in

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninTpl {
    page: Page,
    csrf: String,
    next: String,
    failed: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after signing in: a path of this site only (never
/// `//elsewhere` nor `https://elsewhere`).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.into(),
        _ => "/".into(),
    }
}

fn cookie_header(name: &str, value: &str, secure: bool, max_age: Option<u64>) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(a) = max_age {
        s.push_str(&format!("; Max-Age={a}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn signin_page(w: &Web, secure: bool, next: String, failed: bool, status: StatusCode) -> Response {
    let csrf = random_secret();
    let t = SigninTpl {
        page: w.page(w.l().t("web-signin-title"), "signin"),
        csrf: csrf.clone(),
        next,
        failed,
    };
    let mut r = (status, html(&t)).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(SIGNIN_CSRF_COOKIE, &csrf, secure, Some(3600)),
    );
    r
}

pub async fn signin_form(
    w: Web,
    headers: axum::http::HeaderMap,
    q: Result<Query<NextQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let next = safe_next(q.ok().and_then(|Query(q)| q.next).as_deref());
    signin_page(&w, secure_request(&headers), next, false, StatusCode::OK)
}

#[derive(serde::Deserialize)]
pub struct SigninForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

fn see_other(to: &str) -> Response {
    let mut r = (StatusCode::SEE_OTHER, "").into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `POST /signin`: the token, once (never logged, never kept: only its
/// hash, which the token file holds already), for a session cookie.
pub async fn signin(
    State(state): State<AppState>,
    w: Web,
    headers: axum::http::HeaderMap,
    form: Result<axum::Form<SigninForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let secure = secure_request(&headers);
    let Ok(axum::Form(form)) = form else {
        return w.error(StatusCode::BAD_REQUEST, w.l().t("web-error-bad-form"));
    };
    let expected = cookie(&headers, SIGNIN_CSRF_COOKIE).unwrap_or_default();
    if !same_secret(&expected, &form.csrf) {
        return w.error(StatusCode::FORBIDDEN, w.l().t("web-csrf-refused"));
    }
    let next = safe_next(Some(&form.next));
    let tokens = state.tokens.clone();
    let token = form.token.trim().to_string();
    let found = if token.is_empty() {
        Ok(Ok(None))
    } else {
        tokio::task::spawn_blocking(move || tokens.check(&token)).await
    };
    let record = match found {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return w.internal(e),
        Err(e) => return w.internal(e),
    };
    let Some(record) = record else {
        return signin_page(&w, secure, next, true, StatusCode::UNAUTHORIZED);
    };
    let (secret, _csrf) = state.sessions.open(&record.sha256);
    let mut r = see_other(&next);
    let h = r.headers_mut();
    h.append(
        header::SET_COOKIE,
        cookie_header(SESSION_COOKIE, &secret, secure, None),
    );
    h.append(header::SET_COOKIE, clear_cookie(SIGNIN_CSRF_COOKIE));
    r
}

#[derive(Template)]
#[template(path = "signout.html")]
struct SignoutTpl {
    page: Page,
    csrf: String,
}

pub async fn signout_form(
    State(state): State<AppState>,
    w: Web,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(csrf) = cookie(&headers, SESSION_COOKIE).and_then(|s| state.sessions.csrf(&s)) else {
        return see_other("/signin");
    };
    let t = SignoutTpl {
        page: w.page(w.l().t("web-signout-title"), "signout"),
        csrf,
    };
    html(&t)
}

#[derive(serde::Deserialize)]
pub struct SignoutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /signout`: ends the session (the form's CSRF token must be the
/// session's).
pub async fn signout(
    State(state): State<AppState>,
    w: Web,
    headers: axum::http::HeaderMap,
    form: Result<axum::Form<SignoutForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(secret) = cookie(&headers, SESSION_COOKIE) else {
        return see_other("/signin");
    };
    let given = form.map(|axum::Form(f)| f.csrf).unwrap_or_default();
    match state.sessions.csrf(&secret) {
        None => {}
        Some(csrf) if same_secret(&csrf, &given) => state.sessions.close(&secret),
        Some(_) => return w.error(StatusCode::FORBIDDEN, w.l().t("web-csrf-refused")),
    }
    let mut r = see_other("/signin");
    r.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    r
}

// ---------------------------------------------------------------- errors

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTpl {
    page: Page,
    message: String,
}
