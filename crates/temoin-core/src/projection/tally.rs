//! Tallies over a region and a date window, reconciled with the summary
//! claims someone published (docs/DOMAIN.md, "Tallies").
//!
//! The tally adds up the incident records: for each figure, the sum of the
//! lowest counts and the sum of the highest counts the sources give, so a
//! conflict anywhere shows as a range in the total. Each summary claim that
//! overlaps the window is set against the incident records *in its own
//! scope* — the incidents it names, or else the incidents of its region and
//! window — and the difference (claimed − records) is shown, never hidden.
//! Claims over the same region and window are also compared with each
//! other ("13 femmes et enfants" against "10 femmes" + "7 enfants").

use super::facts::GradeFilter;
use super::incident::{count_display, ClaimView, Figures, IncidentSummary, FIGURE_NAMES};
use super::matching::fold;
use super::SourceRef;
use crate::domain::{ClaimFigures, Count, DatePrecision, Place, Verification};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A bound of a tally that is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {value:?} is not a date YYYY-MM-DD")]
pub struct BadDate {
    pub what: &'static str,
    pub value: String,
}

/// The region and window of a tally; each bound optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TallyFilter {
    /// Matched (folded) against the place's region, cercle, commune, name or country.
    pub region: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// Count only sources graded at least this (`--min-grade`); set, the
    /// caller gives summaries taken off views filtered so
    /// (`IncidentView::with_min_grade`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_grade: Option<Verification>,
}

impl TallyFilter {
    pub fn check(&self) -> Result<(), BadDate> {
        for (what, v) in [("--from", &self.from), ("--to", &self.to)] {
            if let Some(v) = v {
                if crate::time::parse_date(v).is_none() {
                    return Err(BadDate {
                        what,
                        value: v.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Whether `place` lies in `region` (folded match on any of its levels).
pub fn place_in(place: &Place, region: &str) -> bool {
    let r = fold(region);
    [
        Some(&place.name),
        place.commune.as_ref(),
        place.cercle.as_ref(),
        place.region.as_ref(),
        Some(&place.country),
    ]
    .into_iter()
    .flatten()
    .any(|p| fold(p) == r)
}

/// Whether `[start, end]` overlaps `[from, to]` (dates as `YYYY-MM-DD`).
fn overlaps(start: &str, end: &str, from: Option<&str>, to: Option<&str>) -> bool {
    from.is_none_or(|f| end >= f) && to.is_none_or(|t| start <= t)
}

/// One incident in a tally.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TallyRow {
    pub id: String,
    pub title: String,
    pub place: String,
    pub start: String,
    pub end: Option<String>,
    /// How much of `start` and `end` is known (an unknown day or month is
    /// a placeholder: show `when`'s display, not the raw dates).
    pub precision: DatePrecision,
    /// Incidents read as part of this one.
    pub members: Vec<String>,
    pub figures: Figures,
    /// With `--min-grade`: the sources its figures leave out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_filter: Option<GradeFilter>,
}

impl TallyRow {
    /// Its dates as far as they are known (`When::display`).
    pub fn when_display(&self) -> String {
        crate::domain::When {
            start: self.start.clone(),
            end: self.end.clone(),
            precision: self.precision,
        }
        .display()
    }
}

/// A figure summed over incidents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Total {
    pub figure: String,
    pub min: u64,
    pub max: u64,
    /// Incidents that give this figure.
    pub incidents: Vec<String>,
    /// Incidents in scope that give no figure for it.
    pub without: Vec<String>,
    /// For a sum of two figures (women and children): incidents that give
    /// only one of the two.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<String>,
    /// Whether some incident's sources conflict on it.
    pub conflict: bool,
    /// Every testimony version the sum draws on.
    pub sources: Vec<SourceRef>,
}

impl Total {
    pub fn display(&self) -> String {
        let mut s = if self.min == self.max {
            self.min.to_string()
        } else {
            format!("{}–{}", self.min, self.max)
        };
        if self.conflict {
            s.push_str(" ⚠");
        }
        s
    }
}

fn total(figure: &str, rows: &[&TallyRow]) -> Total {
    let mut t = Total {
        figure: figure.to_string(),
        min: 0,
        max: 0,
        incidents: Vec::new(),
        without: Vec::new(),
        partial: Vec::new(),
        conflict: false,
        sources: Vec::new(),
    };
    let mut sources = BTreeSet::new();
    for r in rows {
        match r.figures.get(figure) {
            Some(f) => {
                t.min += f.min as u64;
                t.max += f.max as u64;
                t.conflict |= f.conflict;
                t.incidents.push(r.id.clone());
                for s in &f.per_source {
                    sources.insert(s.source.clone());
                }
            }
            None => t.without.push(r.id.clone()),
        }
    }
    t.sources = sources.into_iter().collect();
    t
}

/// Women and children together: the two totals added. An incident that
/// gives only one of the two counts with it, and is listed as partial.
fn women_and_children(rows: &[&TallyRow]) -> Total {
    let w = total("women_dead", rows);
    let c = total("children_dead", rows);
    let mut t = Total {
        figure: WOMEN_AND_CHILDREN.into(),
        min: w.min + c.min,
        max: w.max + c.max,
        incidents: Vec::new(),
        without: Vec::new(),
        partial: Vec::new(),
        conflict: w.conflict || c.conflict,
        sources: Vec::new(),
    };
    for r in rows {
        match (w.incidents.contains(&r.id), c.incidents.contains(&r.id)) {
            (true, true) => t.incidents.push(r.id.clone()),
            (false, false) => t.without.push(r.id.clone()),
            _ => {
                t.incidents.push(r.id.clone());
                t.partial.push(r.id.clone());
            }
        }
    }
    let mut sources: BTreeSet<SourceRef> = w.sources.into_iter().collect();
    sources.extend(c.sources);
    t.sources = sources.into_iter().collect();
    t
}

const WOMEN_AND_CHILDREN: &str = "women_and_children_dead";

/// One figure of a claim against the records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReconRow {
    pub figure: String,
    pub claimed: Count,
    /// Set when the claimed figure is derived from the claim's own figures
    /// (women + children).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<Derived>,
    pub records: Total,
    /// claimed − records, as a range: (lowest, highest).
    pub difference: (i64, i64),
    /// Whether the difference can be zero.
    pub agrees: bool,
}

impl ReconRow {
    pub fn difference_display(&self) -> String {
        let (lo, hi) = self.difference;
        let sign = |n: i64| match n {
            n if n > 0 => format!("+{n}"),
            n if n < 0 => format!("−{}", n.unsigned_abs()),
            _ => "0".to_string(),
        };
        if lo == hi {
            sign(lo)
        } else {
            format!("{} … {}", sign(lo), sign(hi))
        }
    }
}

/// A summary claim reconciled with the incident records in its scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    pub claim: ClaimView,
    /// How the scope was chosen.
    pub scope_rule: String,
    /// The incidents counted against the claim.
    pub scope: Vec<String>,
    pub rows: Vec<ReconRow>,
}

/// Claims over the same region and window that give different figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimDisagreement {
    pub figure: String,
    pub region: Option<String>,
    pub from: String,
    pub to: String,
    pub values: Vec<ClaimValue>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimValue {
    pub source: SourceRef,
    pub claimed: Count,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<Derived>,
}

/// A figure a claim gives as parts: women and children among the dead,
/// when it gives no total of them. In JSON, the English sentence
/// (`"10 women + 7 children"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Derived {
    pub women: Count,
    pub children: Count,
}

impl std::fmt::Display for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} women + {} children",
            count_display(self.women),
            count_display(self.children)
        )
    }
}

impl Serialize for Derived {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A tally and its reconciliation with the summary claims.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tally {
    /// Entries up to and including this seq.
    pub as_of: u64,
    pub filter: TallyFilter,
    pub incidents: Vec<TallyRow>,
    /// dead, injured, missing, women_dead, children_dead, women_and_children_dead.
    pub totals: Vec<Total>,
    pub claims: Vec<Reconciliation>,
    pub disagreements: Vec<ClaimDisagreement>,
}

/// What `--min-grade` left out of a tally's incidents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TallyLeftOut {
    /// Testimonies (over the tally's incidents, each counted once) no
    /// reviewer graded.
    pub ungraded: usize,
    /// Testimonies graded below the minimum.
    pub below: usize,
}

fn row(s: &IncidentSummary) -> Option<TallyRow> {
    let i = s.incident.as_ref()?;
    let mut place = i.place.name.clone();
    if let Some(c) = &i.place.commune {
        if fold(c) != fold(&place) {
            place.push_str(&format!(" ({c})"));
        }
    }
    Some(TallyRow {
        id: s.id.clone(),
        title: i.title.clone(),
        place,
        start: i.when.start.clone(),
        end: i.when.end.clone(),
        precision: i.when.precision,
        members: s.members.clone(),
        figures: s.figures.clone(),
        grade_filter: s.grade_filter.clone(),
    })
}

fn in_scope(
    s: &IncidentSummary,
    region: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> bool {
    let Some(i) = &s.incident else { return false };
    if s.merged_into.is_some() {
        return false;
    }
    // The days it may have happened on: an unknown day or month is never
    // read from its placeholder.
    let (start, end) = i.when.span();
    region.is_none_or(|r| place_in(&i.place, r)) && overlaps(&start, &end, from, to)
}

/// The claim's figures, with women + children derived when the claim gives
/// them apart and not together.
fn claim_figures(f: &ClaimFigures) -> Vec<(&'static str, Count, Option<Derived>)> {
    let mut out = Vec::new();
    for (name, c) in [
        ("dead", f.dead),
        ("injured", f.injured),
        ("women_dead", f.women_dead),
        ("children_dead", f.children_dead),
        (WOMEN_AND_CHILDREN, f.women_and_children_dead),
    ] {
        if let Some(c) = c {
            out.push((name, c, None));
        }
    }
    if f.women_and_children_dead.is_none() {
        if let (Some(w), Some(c)) = (f.women_dead, f.children_dead) {
            let sum = if w.min() + c.min() == w.max() + c.max() {
                Count::Exact(w.min() + c.min())
            } else {
                Count::Range {
                    min: w.min() + c.min(),
                    max: w.max() + c.max(),
                }
            };
            out.push((
                WOMEN_AND_CHILDREN,
                sum,
                Some(Derived {
                    women: w,
                    children: c,
                }),
            ));
        }
    }
    out
}

impl Tally {
    /// The tally of `summaries` (every incident, current or as of some
    /// entry) and `claims`, for `filter`.
    pub fn compute(
        summaries: &[IncidentSummary],
        claims: &[ClaimView],
        filter: &TallyFilter,
        as_of: u64,
    ) -> Tally {
        let by_id: BTreeMap<&str, &IncidentSummary> =
            summaries.iter().map(|s| (s.id.as_str(), s)).collect();
        let root = |id: &str| -> String {
            let mut cur = id.to_string();
            let mut seen = BTreeSet::new();
            while let Some(next) = by_id.get(cur.as_str()).and_then(|s| s.merged_into.clone()) {
                if !seen.insert(cur.clone()) {
                    break;
                }
                cur = next;
            }
            cur
        };
        let region = filter.region.as_deref();
        let (from, to) = (filter.from.as_deref(), filter.to.as_deref());
        let mut rows: Vec<TallyRow> = summaries
            .iter()
            .filter(|s| in_scope(s, region, from, to))
            .filter_map(row)
            .collect();
        rows.sort_by(|a, b| (&a.start, &a.id).cmp(&(&b.start, &b.id)));
        let refs: Vec<&TallyRow> = rows.iter().collect();
        let mut totals: Vec<Total> = FIGURE_NAMES.iter().map(|f| total(f, &refs)).collect();
        totals.push(women_and_children(&refs));

        let mut recs = Vec::new();
        for c in claims {
            let cl = &c.claim;
            if !overlaps(&cl.from, &cl.to, from, to) {
                continue;
            }
            if let (Some(r), Some(cr)) = (region, cl.region.as_deref()) {
                if fold(r) != fold(cr) {
                    continue;
                }
            }
            let (scope_rule, scope_rows): (String, Vec<TallyRow>) = if cl.incidents.is_empty() {
                let rule = format!(
                    "incidents {}from {} to {}",
                    cl.region
                        .as_ref()
                        .map(|r| format!("in {r} "))
                        .unwrap_or_default(),
                    cl.from,
                    cl.to
                );
                let mut v: Vec<TallyRow> = summaries
                    .iter()
                    .filter(|s| in_scope(s, cl.region.as_deref(), Some(&cl.from), Some(&cl.to)))
                    .filter_map(row)
                    .collect();
                v.sort_by(|a, b| (&a.start, &a.id).cmp(&(&b.start, &b.id)));
                (rule, v)
            } else {
                let mut ids: Vec<String> = Vec::new();
                for i in &cl.incidents {
                    let r = root(i);
                    if !ids.contains(&r) {
                        ids.push(r);
                    }
                }
                let v = ids
                    .iter()
                    .filter_map(|id| by_id.get(id.as_str()).and_then(|s| row(s)))
                    .collect();
                ("the incidents the claim names".to_string(), v)
            };
            let scope_refs: Vec<&TallyRow> = scope_rows.iter().collect();
            let rows = claim_figures(&cl.figures)
                .into_iter()
                .map(|(name, claimed, derived)| {
                    let records = if name == WOMEN_AND_CHILDREN {
                        women_and_children(&scope_refs)
                    } else {
                        total(name, &scope_refs)
                    };
                    let lo = claimed.min() as i64 - records.max as i64;
                    let hi = claimed.max() as i64 - records.min as i64;
                    ReconRow {
                        figure: name.to_string(),
                        claimed,
                        derived,
                        records,
                        difference: (lo, hi),
                        agrees: lo <= 0 && hi >= 0,
                    }
                })
                .collect();
            recs.push(Reconciliation {
                claim: c.clone(),
                scope_rule,
                scope: scope_rows.iter().map(|r| r.id.clone()).collect(),
                rows,
            });
        }

        // Claims over the same region and window, figure by figure.
        let mut groups: BTreeMap<(Option<String>, String, String), Vec<&Reconciliation>> =
            BTreeMap::new();
        for r in &recs {
            let cl = &r.claim.claim;
            groups
                .entry((
                    cl.region.as_deref().map(fold),
                    cl.from.clone(),
                    cl.to.clone(),
                ))
                .or_default()
                .push(r);
        }
        let mut disagreements = Vec::new();
        for ((_, f, t), group) in groups {
            if group.len() < 2 {
                continue;
            }
            let mut names: Vec<&'static str> = FIGURE_NAMES.to_vec();
            names.push(WOMEN_AND_CHILDREN);
            for name in names {
                let values: Vec<ClaimValue> = group
                    .iter()
                    .flat_map(|r| {
                        claim_figures(&r.claim.claim.figures)
                            .into_iter()
                            .filter(|(n, _, _)| *n == name)
                            .map(|(_, c, d)| ClaimValue {
                                source: r.claim.source.clone(),
                                claimed: c,
                                derived: d,
                            })
                    })
                    .collect();
                let lo_max = values.iter().map(|v| v.claimed.max()).min();
                let hi_min = values.iter().map(|v| v.claimed.min()).max();
                if values.len() >= 2 && hi_min > lo_max {
                    disagreements.push(ClaimDisagreement {
                        figure: name.to_string(),
                        region: group[0].claim.claim.region.clone(),
                        from: f.clone(),
                        to: t.clone(),
                        values,
                    });
                }
            }
        }

        Tally {
            as_of,
            filter: filter.clone(),
            incidents: rows,
            totals,
            claims: recs,
            disagreements,
        }
    }

    pub fn total(&self, figure: &str) -> Option<&Total> {
        self.totals.iter().find(|t| t.figure == figure)
    }

    /// With `--min-grade`: how many testimonies about the tally's
    /// incidents its figures leave out.
    pub fn left_out(&self) -> Option<TallyLeftOut> {
        self.filter.min_grade?;
        // A testimony about several of the incidents is one testimony.
        let mut ungraded = BTreeSet::new();
        let mut below = BTreeSet::new();
        for g in self
            .incidents
            .iter()
            .filter_map(|r| r.grade_filter.as_ref())
        {
            for l in &g.left_out {
                match l.verification {
                    None => ungraded.insert(l.source.statement),
                    Some(_) => below.insert(l.source.statement),
                };
            }
        }
        Some(TallyLeftOut {
            ungraded: ungraded.len(),
            below: below.len(),
        })
    }
}
