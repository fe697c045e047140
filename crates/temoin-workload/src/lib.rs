//! Realistic statements for the benchmark, generated deterministically from
//! a seed and in batches, so that a run at 1,000,000 entries never holds
//! more than one batch in memory.
//!
//! The archive receives what a regional archive would: incident records,
//! testimonies (a few KiB of French text, a witness part, structured
//! claims with named victims), amendments of testimonies and of incident
//! records, retractions, reviewers' annotations and summary claims. Each
//! incident gathers about [`PER_INCIDENT`] entries, interleaved with the
//! other incidents open at the same time.
//!
//! A statement's hash is only known once it is signed, so a statement only
//! ever refers to statements of *earlier* batches: the generator hands out
//! drafts ([`Generator::next_batch`]), the caller signs them (in parallel),
//! and tells the generator what they became ([`Generator::observe`]).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;
use temoin_core::domain::{
    Amendment, Annotation, ClaimFigures, Claims, Count, DatePrecision, Incident, Place, Relation,
    Retraction, Sex, Source, Stance, SummaryClaim, Testimony, Victim, VictimStatus, When, TEXT,
    WITNESS,
};
use temoin_core::hash::Digest;
use temoin_core::keys::SecretKey;
use temoin_core::registry::{self, EnrollPayload, PAYLOAD};
use temoin_core::statement::{Draft, Kind, Part, StatementFile};

/// Entries gathered by one incident, on average.
pub const PER_INCIDENT: u32 = 100;
/// Incidents open (receiving statements) at the same time.
const OPEN_INCIDENTS: usize = 8;
/// Claimed creation time of the first statement: 2024-01-01T00:00:00Z.
const BASE_TIME_MS: i64 = 1_704_067_200_000;
/// Claimed creation times advance by this much per statement.
const STEP_MS: i64 = 20_000;

/// A draft and the index of the author (in the generator's key list) who
/// signs it.
pub struct Spec {
    pub author: usize,
    pub draft: Draft,
}

/// Who is who among the generated keys.
pub struct Cast {
    /// Intermediaries: incidents, testimonies, amendments, summary claims.
    pub intermediaries: Vec<usize>,
    /// Reviewers: annotations.
    pub reviewers: Vec<usize>,
}

/// `authors` keys: one in five a reviewer (at least one of each role when
/// there are two or more).
pub fn cast(authors: usize) -> Cast {
    let mut c = Cast {
        intermediaries: Vec::new(),
        reviewers: Vec::new(),
    };
    for i in 0..authors {
        if i % 5 == 4 || (authors >= 2 && i == authors - 1 && c.reviewers.is_empty()) {
            c.reviewers.push(i);
        } else {
            c.intermediaries.push(i);
        }
    }
    c
}

/// Deterministic keys for the run: `bench-author-N`.
pub fn keys(seed: u64, authors: usize) -> Vec<SecretKey> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6b65_7973);
    (0..authors)
        .map(|i| {
            let mut s = [0u8; 32];
            rng.fill(&mut s);
            SecretKey::from_seed(&format!("bench-author-{i}"), &s)
                .expect("generated key names are valid")
        })
        .collect()
}

/// The custodian's enrolments of the run's `keys`: reviewers as
/// [`cast`] picks them, everyone else an intermediary.
pub fn enrolments(
    keys: &[SecretKey],
    custodian: &SecretKey,
) -> Result<Vec<StatementFile>, temoin_core::statement::BodyError> {
    let cast = cast(keys.len());
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            let role = if cast.reviewers.contains(&i) {
                registry::Role::Reviewer
            } else {
                registry::Role::Intermediary
            };
            let p = EnrollPayload {
                key: k.public().to_hex(),
                name: k.name().to_string(),
                role,
                succeeds: None,
            };
            Draft::new(Kind::Enroll)
                .part(PAYLOAD, temoin_core::json::to_vec(&p))
                .sign(custodian)
        })
        .collect()
}

struct OpenIncident {
    id: String,
    /// Entries still to give this incident.
    remaining: u32,
    /// Its incident record was generated.
    opened: bool,
    /// Latest version of its record and the record's author, once signed.
    record: Option<(Digest, usize)>,
    /// Latest versions of its testimonies (hash, author), once signed.
    testimonies: Vec<(Digest, usize)>,
    place: usize,
    day: i64,
}

/// What a draft will be, so that `observe` can file its hash.
enum Role {
    Record { incident: String },
    Testimony { incident: String },
    Other,
}

pub struct Generator {
    rng: StdRng,
    cast: Cast,
    open: Vec<OpenIncident>,
    next_incident: u64,
    /// Recently closed incidents: what summary claims are about.
    recent: VecDeque<String>,
    made: u64,
    /// Roles and authors of the drafts of the batch being signed.
    pending: Vec<(Role, usize)>,
}

impl Generator {
    pub fn new(seed: u64, authors: usize) -> Generator {
        Generator {
            rng: StdRng::seed_from_u64(seed),
            cast: cast(authors),
            open: Vec::new(),
            next_incident: 0,
            recent: VecDeque::new(),
            made: 0,
            pending: Vec::new(),
        }
    }

    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.rng.gen_range(0..v.len())]
    }

    fn intermediary(&mut self) -> usize {
        let c = std::mem::take(&mut self.cast.intermediaries);
        let a = self.pick(&c);
        self.cast.intermediaries = c;
        a
    }

    fn reviewer(&mut self) -> usize {
        let c = std::mem::take(&mut self.cast.reviewers);
        let a = if c.is_empty() {
            None
        } else {
            Some(self.pick(&c))
        };
        self.cast.reviewers = c;
        a.unwrap_or_else(|| self.intermediary())
    }

    fn part(&mut self, label: &str, content: Vec<u8>) -> Part {
        let mut salt = [0u8; 32];
        self.rng.fill(&mut salt);
        Part {
            label: label.to_string(),
            salt,
            content,
        }
    }

    fn draft(&mut self, kind: Kind, refs: Vec<Digest>, parts: Vec<(&str, Vec<u8>)>) -> Draft {
        let mut id = [0u8; 16];
        self.rng.fill(&mut id);
        let parts = parts
            .into_iter()
            .map(|(l, c)| self.part(l, c))
            .collect::<Vec<_>>();
        let created_at = BASE_TIME_MS + self.made as i64 * STEP_MS;
        self.made += 1;
        Draft {
            kind,
            refs,
            parts,
            created_at: Some(created_at),
            id: Some(id),
            sealed: Vec::new(),
        }
    }

    /// The next `n` drafts. Sign them, then pass the signed files to
    /// [`Generator::observe`] before asking for the next batch.
    pub fn next_batch(&mut self, n: usize) -> Vec<Spec> {
        self.pending.clear();
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let (spec, role) = self.next_one();
            self.pending.push((role, spec.author));
            out.push(spec);
        }
        out
    }

    /// File the hashes of the batch just signed, in the order of `next_batch`.
    pub fn observe(&mut self, files: &[StatementFile]) {
        let roles = std::mem::take(&mut self.pending);
        for ((role, author), file) in roles.into_iter().zip(files) {
            let (incident, is_record) = match role {
                Role::Record { incident } => (incident, true),
                Role::Testimony { incident } => (incident, false),
                Role::Other => continue,
            };
            let h = file.statement.hash();
            if let Some(i) = self.open.iter_mut().find(|i| i.id == incident) {
                if is_record {
                    i.record = Some((h, author));
                } else {
                    i.testimonies.push((h, author));
                }
            }
        }
    }

    fn open_incident(&mut self) {
        let id = format!("inc-{:06}", self.next_incident);
        self.next_incident += 1;
        // Quotas around PER_INCIDENT, so incidents differ in size.
        let remaining = self
            .rng
            .gen_range(PER_INCIDENT * 3 / 4..=PER_INCIDENT * 5 / 4);
        let place = self.rng.gen_range(0..PLACES.len());
        let day = (BASE_TIME_MS + self.made as i64 * STEP_MS) / 86_400_000 - 1;
        self.open.push(OpenIncident {
            id,
            remaining,
            opened: false,
            record: None,
            testimonies: Vec::new(),
            place,
            day,
        });
    }

    fn next_one(&mut self) -> (Spec, Role) {
        while self.open.len() < OPEN_INCIDENTS {
            self.open_incident();
        }
        // Now and then, a summary claim over recent incidents.
        if self.recent.len() >= 3 && self.rng.gen_ratio(1, 200) {
            return (self.summary_claim(), Role::Other);
        }
        let k = self.rng.gen_range(0..self.open.len());
        let (spec, role) = self.for_incident(k);
        let inc = &mut self.open[k];
        inc.remaining = inc.remaining.saturating_sub(1);
        if inc.remaining == 0 {
            let closed = self.open.swap_remove(k);
            self.recent.push_back(closed.id);
            if self.recent.len() > 32 {
                self.recent.pop_front();
            }
        }
        (spec, role)
    }

    fn with_author(&mut self, author: usize, draft: Draft) -> Spec {
        Spec { author, draft }
    }

    fn for_incident(&mut self, k: usize) -> (Spec, Role) {
        let id = self.open[k].id.clone();
        if !self.open[k].opened {
            self.open[k].opened = true;
            {
                let author = self.intermediary();
                let inc = self.incident(k);
                let payload = json(&inc);
                let d = self.draft(Kind::Incident, Vec::new(), vec![(PAYLOAD, payload)]);
                return (self.with_author(author, d), Role::Record { incident: id });
            }
        }
        let roll = self.rng.gen_range(0..100);
        let has_t = !self.open[k].testimonies.is_empty();
        if roll < 10 && has_t {
            // An amendment of a testimony, by its author: the old version
            // leaves the pool until the new one is signed.
            let n = self.open[k].testimonies.len();
            let (target, author) = self.open[k]
                .testimonies
                .swap_remove(self.rng.gen_range(0..n));
            let d = self.testimony_draft(k, Some(target));
            return (
                self.with_author(author, d),
                Role::Testimony { incident: id },
            );
        }
        if roll < 32 && has_t {
            let n = self.open[k].testimonies.len();
            let (target, _) = self.open[k].testimonies[self.rng.gen_range(0..n)];
            let author = self.reviewer();
            let stance = match self.rng.gen_range(0..3) {
                0 => Stance::Corroborates,
                1 => Stance::Contradicts,
                _ => Stance::Note,
            };
            let text = self.french(200, 600);
            let a = Annotation {
                stance,
                text,
                grade: None,
            };
            let d = self.draft(Kind::Annotation, vec![target], vec![(PAYLOAD, json(&a))]);
            return (self.with_author(author, d), Role::Other);
        }
        if roll < 33 && has_t {
            let n = self.open[k].testimonies.len();
            let (target, author) = self.open[k]
                .testimonies
                .swap_remove(self.rng.gen_range(0..n));
            let r = Retraction {
                reason: "Le témoin est revenu sur ses déclarations et demande leur retrait.".into(),
            };
            let d = self.draft(Kind::Retraction, vec![target], vec![(PAYLOAD, json(&r))]);
            return (self.with_author(author, d), Role::Other);
        }
        if roll < 34 {
            if let Some((target, author)) = self.open[k].record.take() {
                let mut inc = self.incident(k);
                inc.description = self.french(300, 800);
                let a = Amendment {
                    reason: "Précisions sur le lieu et la date après recoupement.".into(),
                    testimony: None,
                    incident: Some(inc),
                };
                let d = self.draft(Kind::Amendment, vec![target], vec![(PAYLOAD, json(&a))]);
                return (self.with_author(author, d), Role::Record { incident: id });
            }
        }
        let author = self.intermediary();
        let d = self.testimony_draft(k, None);
        (
            self.with_author(author, d),
            Role::Testimony { incident: id },
        )
    }

    fn incident(&mut self, k: usize) -> Incident {
        let inc = &self.open[k];
        let (name, commune, cercle, region, lat, lon) = PLACES[inc.place];
        let (y, m, d) = temoin_core::time::civil_from_days(inc.day);
        let id = inc.id.clone();
        let kind = *["drone_strike", "massacre", "abduction", "shelling"]
            .get(self.rng.gen_range(0..4))
            .unwrap_or(&"drone_strike");
        Incident {
            title: format!("{} à {name}", title_of(kind)),
            id,
            incident_type: kind.into(),
            place: Place {
                name: name.into(),
                commune: Some(commune.into()),
                cercle: Some(cercle.into()),
                region: Some(region.into()),
                country: "ML".into(),
                coordinates: Some(temoin_core::domain::Coordinates { lat, lon }),
                precision: None,
            },
            when: When {
                start: format!("{y:04}-{m:02}-{d:02}"),
                end: None,
                precision: DatePrecision::Exact,
            },
            description: String::new(),
            perpetrators: Vec::new(),
            means: Vec::new(),
        }
    }

    fn testimony_draft(&mut self, k: usize, amends: Option<Digest>) -> Draft {
        let id = self.open[k].id.clone();
        let place = PLACES[self.open[k].place].0;
        let n_victims = self.rng.gen_range(0..6);
        let victims: Vec<Victim> = (0..n_victims)
            .map(|_| Victim {
                name: self.name(),
                sex: if self.rng.gen_bool(0.5) {
                    Sex::Female
                } else {
                    Sex::Male
                },
                age: Some(Count::Exact(self.rng.gen_range(2..80))),
                status: match self.rng.gen_range(0..4) {
                    0 => VictimStatus::Injured,
                    1 => VictimStatus::Missing,
                    _ => VictimStatus::Dead,
                },
                relation: self
                    .rng
                    .gen_bool(0.3)
                    .then(|| format!("{} de {}", self.relation(), self.name())),
                acts: Vec::new(),
                age_group: None,
            })
            .collect();
        let dead = victims
            .iter()
            .filter(|v| v.status == VictimStatus::Dead)
            .count() as u32;
        let claims = Claims {
            incident: id.clone(),
            dead: Some(if self.rng.gen_bool(0.2) {
                Count::Range {
                    min: dead,
                    max: dead + self.rng.gen_range(1..4),
                }
            } else {
                Count::Exact(dead)
            }),
            injured: Some(Count::Exact(self.rng.gen_range(0..5))),
            missing: None,
            women_dead: None,
            children_dead: None,
            victims,
            perpetrators: Vec::new(),
            means: Vec::new(),
        };
        let relation = match self.rng.gen_range(0..6) {
            0 => Relation::Eyewitness,
            1 => Relation::Relative,
            2 => Relation::LocalNotable,
            3 => Relation::Hearsay,
            4 => Relation::Press,
            _ => Relation::IntermediaryObservation,
        };
        let t = Testimony {
            incidents: vec![id],
            source: Source {
                relation,
                description: format!("habitant de {place}"),
            },
            language: "fr".into(),
            claims: vec![claims],
        };
        let text = self.french(1500, 4500).into_bytes();
        let witness = format!(
            r#"{{"name":"{}","phone":"+223 7{} {:02} {:02} {:02}","village":"{place}"}}"#,
            self.name(),
            self.rng.gen_range(0..10),
            self.rng.gen_range(0..100),
            self.rng.gen_range(0..100),
            self.rng.gen_range(0..100)
        )
        .into_bytes();
        match amends {
            None => self.draft(
                Kind::Testimony,
                Vec::new(),
                vec![(PAYLOAD, json(&t)), (TEXT, text), (WITNESS, witness)],
            ),
            Some(target) => {
                let a = Amendment {
                    reason: "Le témoin a précisé le nombre de victimes lors d'un second entretien."
                        .into(),
                    testimony: Some(t),
                    incident: None,
                };
                self.draft(
                    Kind::Amendment,
                    vec![target],
                    vec![(PAYLOAD, json(&a)), (TEXT, text), (WITNESS, witness)],
                )
            }
        }
    }

    fn summary_claim(&mut self) -> Spec {
        let n = self.rng.gen_range(3..=self.recent.len().min(6));
        let start = self.rng.gen_range(0..=self.recent.len() - n);
        let incidents: Vec<String> = self.recent.iter().skip(start).take(n).cloned().collect();
        let dead = self.rng.gen_range(5..40);
        let day = (BASE_TIME_MS + self.made as i64 * STEP_MS) / 86_400_000;
        let (fy, fm, fd) = temoin_core::time::civil_from_days(day - 21);
        let (ty, tm, td) = temoin_core::time::civil_from_days(day);
        let s = SummaryClaim {
            source: Source {
                relation: Relation::Press,
                description: "communiqué d'une association de défense des droits humains".into(),
            },
            text: format!("{dead} civils ont été tués en trois semaines dans la région."),
            region: Some("Tombouctou".into()),
            from: format!("{fy:04}-{fm:02}-{fd:02}"),
            to: format!("{ty:04}-{tm:02}-{td:02}"),
            incidents,
            figures: ClaimFigures {
                dead: Some(Count::Exact(dead)),
                ..ClaimFigures::default()
            },
        };
        let author = self.intermediary();
        let d = self.draft(Kind::SummaryClaim, Vec::new(), vec![(PAYLOAD, json(&s))]);
        self.with_author(author, d)
    }

    fn name(&mut self) -> String {
        let g = GIVEN[self.rng.gen_range(0..GIVEN.len())];
        let f = FAMILY[self.rng.gen_range(0..FAMILY.len())];
        format!("{g} {f}")
    }

    fn relation(&mut self) -> &'static str {
        [
            "époux", "épouse", "fils", "fille", "frère", "sœur", "cousin",
        ][self.rng.gen_range(0..7)]
    }

    /// French prose of `min..max` bytes.
    fn french(&mut self, min: usize, max: usize) -> String {
        let target = self.rng.gen_range(min..max);
        let mut s = String::with_capacity(target + 200);
        while s.len() < target {
            let i = self.rng.gen_range(0..SENTENCES.len());
            let sentence = SENTENCES[i]
                .replace("{nom}", &self.name())
                .replace("{lieu}", PLACES[self.rng.gen_range(0..PLACES.len())].0)
                .replace("{n}", &self.rng.gen_range(2..15).to_string())
                .replace("{h}", &self.rng.gen_range(4..23).to_string());
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&sentence);
        }
        s
    }
}

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    temoin_core::json::to_vec(v)
}

fn title_of(kind: &str) -> &'static str {
    match kind {
        "massacre" => "Exécutions de civils",
        "abduction" => "Enlèvements",
        "shelling" => "Tirs d'obus",
        _ => "Frappe de drone",
    }
}

/// (name, commune, cercle, region, lat, lon)
const PLACES: &[(&str, &str, &str, &str, f64, f64)] = &[
    (
        "Tangata",
        "Gossi",
        "Gourma-Rharous",
        "Tombouctou",
        15.82,
        -1.30,
    ),
    (
        "Tin-Aïcha",
        "Tin-Aïcha",
        "Goundam",
        "Tombouctou",
        16.52,
        -3.60,
    ),
    ("Inékar", "Inékar", "Ménaka", "Ménaka", 15.93, 2.22),
    ("Ber", "Ber", "Tombouctou", "Tombouctou", 16.86, -2.55),
    ("Tonka", "Tonka", "Goundam", "Tombouctou", 16.07, -3.78),
    (
        "Gossi",
        "Gossi",
        "Gourma-Rharous",
        "Tombouctou",
        15.82,
        -1.30,
    ),
    ("Léré", "Léré", "Niafunké", "Tombouctou", 15.71, -4.91),
    ("Intahaka", "Haoussa-Foulane", "Gao", "Gao", 16.63, -0.64),
];

const GIVEN: &[&str] = &[
    "Émimalane",
    "Aminata",
    "Fatouma",
    "Ousmane",
    "Hamadoun",
    "Mariam",
    "Toraghite",
    "Mohamed",
    "Aïssata",
    "Alhousseini",
    "Bintou",
    "Ibrahim",
    "Zeinabou",
    "Moussa",
];

const FAMILY: &[&str] = &[
    "Walet Mohamed",
    "Ag Alhousseini",
    "Eghachar N'Tirikene",
    "Maïga",
    "Cissé",
    "Walet Innabougor",
    "Ag Ahmedou",
    "Touré",
    "Dicko",
    "Haïdara",
    "Ag Intallah",
    "Walet Ibrahim",
];

const SENTENCES: &[&str] = &[
    "Ce matin-là, vers {h} heures, nous avons entendu le bruit d'un drone au-dessus de {lieu}.",
    "Les gens se sont dispersés dans la brousse, certains ont laissé leurs troupeaux près du puits.",
    "{nom} a été touché alors qu'il revenait du marché avec ses deux enfants.",
    "Nous avons compté {n} corps près des tentes, parmi eux des femmes et des enfants.",
    "Les hommes armés sont arrivés à moto, ils étaient au moins {n} et parlaient plusieurs langues.",
    "Ils ont rassemblé les hommes du campement et les ont emmenés vers l'oued.",
    "Le lendemain, les familles ont enterré les victimes selon la coutume, sans attendre.",
    "{nom}, notable du village, a reconnu plusieurs des personnes tuées.",
    "Personne n'est venu constater les faits, la route vers {lieu} était coupée depuis des semaines.",
    "Les blessés ont été transportés en charrette jusqu'au centre de santé le plus proche.",
    "Je ne peux pas donner mon nom en public, car ma famille vit toujours à {lieu}.",
    "Les animaux ont été abattus ou emportés, le grenier a été incendié.",
    "Selon {nom}, une seconde frappe a eu lieu une heure plus tard, quand les secours arrivaient.",
    "Depuis ce jour, la plupart des familles ont quitté {lieu} pour rejoindre les sites de déplacés.",
    "Il y avait un mariage ce jour-là, beaucoup de gens étaient venus des hameaux voisins.",
    "J'ai vu les restes de la munition, avec des inscriptions que je ne savais pas lire.",
];
