// The page around TemoinVerify: the form, the two languages, the report.
(() => {
  const $ = (id) => document.getElementById(id);
  const KIND = {
    en: {
      "format": "format", "checkpoint": "checkpoint", "entry bytes": "entry bytes", "hash": "hash", "signature": "signature",
      "decoded form": "decoded form", "part": "part", "missing part": "missing part", "inclusion proof": "inclusion proof",
      "hash chain": "hash chain", "authority": "authority", "registry": "registry", "authors": "authors", "projection": "projection",
      "compromise": "compromise", "scope": "scope", "rules": "rules", "browser": "browser", "archive key": "archive key", "input": "input",
    },
    fr: {
      "format": "format", "checkpoint": "point de contrôle", "entry bytes": "octets de l'entrée", "hash": "empreinte", "signature": "signature",
      "decoded form": "forme décodée", "part": "partie", "missing part": "partie manquante", "inclusion proof": "preuve d'inclusion",
      "hash chain": "chaînage des empreintes", "authority": "autorité", "registry": "registre", "authors": "auteurs", "projection": "projection",
      "compromise": "compromission", "scope": "périmètre", "rules": "règles", "browser": "navigateur", "archive key": "clé de l'archive", "input": "saisie",
    },
  };
  // One sentence per rule broken; the verifier's detail follows it.
  const RULE = {
    en: {
      "json": "the bundle is not valid JSON (or gives a member twice)", "fields": "the bundle does not have the members of a temoin bundle",
      "format": "this is not a temoin-bundle/v1 file", "withheld": "withheld_labels is wrong", "entries": "the entries list is malformed",
      "checkpoint": "the checkpoint does not verify with this archive key: nothing in the bundle can be tied to the archive",
      "origin": "the checkpoint's origin is not the bundle's or the key's", "order": "entries are not in increasing seq",
      "entry-shape": "an entry's members are malformed", "beside-shape": "a part must be either in the JSON or beside the bundle",
      "base64": "the entry's bytes are not canonical base64", "decoding": "the entry's bytes do not decode as FORMAT.md §3-4 says",
      "seq": "the entry's bytes say another seq", "entry-hash": "entry_hash is not the hash of the entry's bytes",
      "statement-hash": "statement_hash is not the hash of the signed statement", "signature": "the author's signature does not verify",
      "decoded": "the decoded form is not what the bytes say", "inclusion": "the inclusion proof does not lead to the signed root",
      "part": "a part does not match the digest its author signed", "sealed-in-clear": "a sealed part is carried in clear",
      "beside-payload": "a payload never travels beside the bundle", "beside-name": "a file beside the bundle is not named by its digest",
      "beside-missing": "a file that travels beside the bundle was not selected", "beside-mismatch": "a file beside the bundle was changed",
      "text-utf8": "a text part is not UTF-8", "readers": "a sealed part's list of readers is malformed", "age-header": "a sealed part's ciphertext is not an age file to readers",
      "media-type": "a media type part does not name a media type", "content": "a part's content breaks its label's rule",
      "part-text": "a part's text is not its content", "absent": "a part declared absent is not accounted for",
      "unaccounted": "a committed part is neither included nor declared absent", "entry0-genesis": "entry 0 must be the genesis",
      "authorised": "its author was not authorised to sign it when it was appended", "registry-payload": "a registry entry's payload is invalid",
      "genesis-key": "the genesis does not name this origin and checkpoint key", "registry-change": "this registry change was not allowed",
      "owner": "only the record's owner, its successor or a custodian may do that",
      "signed-after-compromise": "signed_after_compromise is not what the registry says",
      "once": "a statement is never appended twice", "missing-part": "a required part is not committed",
      "genesis-refs": "a genesis cannot refer to another statement", "ref-later": "a ref names a later entry",
      "ref-unknown": "a ref names a statement the bundle does not hold", "named-incident": "it names an incident not opened before it",
      "payload": "the payload is invalid", "ref-count": "it has the wrong number of refs", "incident-taken": "the incident id is already taken",
      "target": "it applies to the wrong kind of statement", "superseded": "its target is already superseded", "retracted": "its target is already retracted",
      "incident-id": "an incident amendment cannot change the id", "merged": "an incident is already merged",
      "redact-registry": "registry statements cannot be redacted", "redact-label": "its target has no such part", "redacted": "the part is already redacted",
      "prev": "the hash chain is broken", "received_at": "receipt times go back", "scope": "the bundle does not hold what its scope says",
      "authors": "the authors list is wrong", "projection-format": "the projection is in a form this page does not compute",
      "projection": "the projection is malformed", "figures": "the projection's figures are not what the entries give",
      "no-ed25519": "this browser cannot verify Ed25519 signatures: use a current Chromium, Chrome, Edge, Firefox or Safari, or temoin verify-bundle",
      "vkey": "the archive key is not a valid vkey", "no-key": "give the archive's checkpoint key", "no-bundle": "select a bundle file",
      "two-bundles": "select one bundle at a time (one .json file)", "too-large": "the bundle is over 2 GiB", "read": "the file could not be read",
    },
    fr: {
      "json": "le dossier n'est pas du JSON valide (ou donne deux fois un membre)", "fields": "le dossier n'a pas les membres d'un dossier temoin",
      "format": "ce n'est pas un fichier temoin-bundle/v1", "withheld": "withheld_labels est incorrect", "entries": "la liste des entrées est mal formée",
      "checkpoint": "le point de contrôle ne se vérifie pas avec cette clé : rien dans le dossier ne peut être rattaché à l'archive",
      "origin": "l'origine du point de contrôle n'est pas celle du dossier ou de la clé", "order": "les entrées ne sont pas dans l'ordre croissant",
      "entry-shape": "les membres d'une entrée sont mal formés", "beside-shape": "une partie est soit dans le JSON, soit à côté du dossier",
      "base64": "les octets de l'entrée ne sont pas en base64 canonique", "decoding": "les octets de l'entrée ne se décodent pas comme le dit FORMAT.md §3-4",
      "seq": "les octets de l'entrée donnent un autre numéro", "entry-hash": "entry_hash n'est pas l'empreinte des octets de l'entrée",
      "statement-hash": "statement_hash n'est pas l'empreinte de la déclaration signée", "signature": "la signature de l'auteur ne se vérifie pas",
      "decoded": "la forme décodée n'est pas ce que disent les octets", "inclusion": "la preuve d'inclusion ne mène pas à la racine signée",
      "part": "une partie ne correspond pas à l'empreinte signée par son auteur", "sealed-in-clear": "une partie scellée est transmise en clair",
      "beside-payload": "un payload n'est jamais transmis à côté du dossier", "beside-name": "un fichier à côté du dossier n'est pas nommé par son empreinte",
      "beside-missing": "un fichier transmis à côté du dossier n'a pas été sélectionné", "beside-mismatch": "un fichier à côté du dossier a été modifié",
      "text-utf8": "une partie texte n'est pas en UTF-8", "readers": "la liste des lecteurs d'une partie scellée est mal formée", "age-header": "le chiffré d'une partie scellée n'est pas un fichier age destiné à des lecteurs",
      "media-type": "une partie de type de média ne nomme pas un type de média", "content": "le contenu d'une partie enfreint la règle de son étiquette",
      "part-text": "le texte d'une partie n'est pas son contenu", "absent": "une partie déclarée absente ne s'explique pas",
      "unaccounted": "une partie engagée n'est ni incluse ni déclarée absente", "entry0-genesis": "l'entrée 0 doit être la genèse",
      "authorised": "son auteur n'était pas autorisé à la signer lors de son ajout", "registry-payload": "le payload d'une entrée du registre est invalide",
      "genesis-key": "la genèse ne nomme pas cette origine et cette clé de points de contrôle", "registry-change": "cette modification du registre n'était pas permise",
      "owner": "seuls le propriétaire de la fiche, son successeur ou un dépositaire peuvent le faire",
      "signed-after-compromise": "signed_after_compromise n'est pas ce que dit le registre",
      "once": "une déclaration n'est jamais ajoutée deux fois", "missing-part": "une partie requise n'est pas engagée",
      "genesis-refs": "une genèse ne peut renvoyer à aucune déclaration", "ref-later": "un renvoi désigne une entrée postérieure",
      "ref-unknown": "un renvoi désigne une déclaration absente du dossier", "named-incident": "elle nomme un incident qui n'a pas été ouvert avant elle",
      "payload": "le payload est invalide", "ref-count": "elle n'a pas le bon nombre de renvois", "incident-taken": "l'identifiant d'incident est déjà pris",
      "target": "elle s'applique à une déclaration d'une autre sorte", "superseded": "sa cible est déjà remplacée", "retracted": "sa cible est déjà retirée",
      "incident-id": "une modification d'incident ne peut pas changer son identifiant", "merged": "un incident est déjà fusionné",
      "redact-registry": "les déclarations du registre ne peuvent pas être caviardées", "redact-label": "sa cible n'a pas cette partie", "redacted": "la partie est déjà caviardée",
      "prev": "le chaînage des empreintes est rompu", "received_at": "les heures de réception reculent", "scope": "le dossier ne contient pas ce que dit son périmètre",
      "authors": "la liste des auteurs est incorrecte", "projection-format": "la projection est d'une forme que cette page ne calcule pas",
      "projection": "la projection est mal formée", "figures": "les chiffres de la projection ne sont pas ceux que donnent les entrées",
      "no-ed25519": "ce navigateur ne sait pas vérifier les signatures Ed25519 : utilisez un Chromium, Chrome, Edge, Firefox ou Safari récent, ou temoin verify-bundle",
      "vkey": "la clé de l'archive n'est pas une vkey valide", "no-key": "indiquez la clé des points de contrôle de l'archive", "no-bundle": "sélectionnez un fichier de dossier",
      "two-bundles": "sélectionnez un seul dossier à la fois (un seul fichier .json)", "too-large": "le dossier dépasse 2 Gio", "read": "le fichier n'a pas pu être lu",
    },
  };
  const KINDNAME = {
    en: ["genesis", "enroll", "revoke", "note", "incident", "testimony", "amendment", "retraction", "annotation", "merge", "summary-claim", "redaction"],
    fr: ["genèse", "inscription", "révocation", "note", "incident", "témoignage", "modification", "retrait", "annotation", "fusion", "bilan", "caviardage"],
  };
  const T = {
    en: {
      "title": "Verify an evidence bundle", "subtitle": "temoin — offline verifier",
      "how-title": "How to use this page",
      "how-offline": "This page works without a network: nothing you select leaves this computer. Save it once (it is a single file) and open it from disk on any computer, offline.",
      "how-key": "Paste the archive's checkpoint key (one line such as <code>name+1234abcd+AbC…</code>, the archive's <code>checkpoint.key.pub</code>), obtained from the archive by a channel you trust.",
      "how-bundle": "Select the bundle file (<code>….bundle.json</code>). If some of its parts travel beside it (files named by 64 hexadecimal digits, in the same folder), select the bundle and those files together: open the folder, select all (Ctrl+A or ⌘+A) and confirm. You can also drop them on the box below.",
      "how-read": "Read the verdict and what was checked. Print the page to keep a record of it.",
      "key-label": "Archive checkpoint key (vkey)", "key-help": "One line, name+key ID+key (pasting the whole checkpoint.key.pub file works too). Never the secret key.",
      "bundle-label": "Bundle file, and the files beside it",
      "bundle-help": "One .bundle.json file; with it, the files of its folder named by a digest. Or drop them here.",
      "verify": "Verify", "result-title": "Result", "scope-title": "What this page checks",
      "scope-what": "It applies §12.6 of temoin's docs/FORMAT.md, implemented a second time in JavaScript: the checkpoint's signature with the key you give; each entry's bytes, hashes and Ed25519 signature (strict: canonical encodings, no small-order keys); its inclusion proof in the signed tree; the hash chain; every part against the digest its author signed, including the files beside the bundle; the registry (who could sign what, when) and the rules of ingest; entries signed after a declared compromise; the list of authors; and the casualty figures of the projection.",
      "scope-not": "It does not recompute the rest of each incident's view (versions, victims, claims as reports show them): <code>temoin verify-bundle FILE --archive-key KEY</code> does. A bundle shows what is in the archive's log, not what is absent from it.",
      "foot": "temoin offline verifier. Every check runs in this browser; the page loads nothing from the network.",
      "none": "Give the archive key and select a bundle.", "running": "Verifying…",
      "verified": "VERIFIED", "intact": (n) => "INTACT, WITH " + n + (n === 1 ? " ENTRY" : " ENTRIES") + " SIGNED AFTER A DECLARED COMPROMISE",
      "failed": (n) => "FAILED — " + n + (n === 1 ? " fault" : " faults"), "cannot": "NOT VERIFIED",
      "ok-line": (e, a) => e + (e === 1 ? " entry" : " entries") + ", " + a + (a === 1 ? " author" : " authors") + ": signatures, part digests, decoded forms, inclusion proofs, hash chain, authority, rules of ingest, authors and figures all check.",
      "intact-line": "Those entries were authorised when appended, but their author's key is distrusted since before they were received: do not rely on them as their author's. They are kept out of the figures.",
      "first": "First fault:", "entry": (s) => "entry " + s, "at-bundle": "bundle", "at-checkpoint": "checkpoint", "at-authors": "authors",
      "at-projection": "projection", "at-browser": "browser", "at-archive key": "archive key", "at-input": "input",
      "detail": "detail",
      "facts": "The bundle", "origin": "Archive (origin)", "cp": "Checkpoint", "cp-val": (n, r) => "tree size " + n + ", root " + r + ", signature verified with the key given",
      "scope": "Scope", "scope-all": "the whole log", "scope-incident": (i) => "incident " + i, "scope-statement": (h) => "statement " + h,
      "incidents": "Incidents in the projection", "n-entries": "Entries in the bundle", "exported": "Exported (not signed)",
      "file": "Bundle file", "file-val": (name, size, sha) => name + ", " + size + " bytes, SHA-256 " + sha,
      "beside": "Files beside it", "beside-val": (n) => n + (n === 1 ? " file given" : " files given"), "key": "Archive key",
      "checked-at": "Checked on", "faults": "Faults", "findings": "Signed after a declared compromise (findings, not faults)",
      "finding": (s, r, t) => "entry " + s + ": its author's key was revoked at entry " + r + ", distrusted since " + t + "; it was received after that.",
      "not-established": "Not established by this bundle (neither a fault nor a pass)",
      "not-est": (s, i) => "entry " + s + ": it names incident “" + i + "”, whose opening record is not in this bundle: that it was opened before entry " + s + " is not established here.",
      "entries": "Entries", "th-seq": "Entry", "th-kind": "Kind", "th-author": "Author", "th-received": "Received", "th-statement": "Statement", "th-parts": "Parts", "th-status": "Status",
      "st-ok": "ok", "st-compromised": "signed after compromise", "absent-withheld": "withheld", "absent-redacted": "redacted", "absent-sealed": "sealed", "absent-by": (s) => " by entry " + s,
      "role-custodian": "custodian", "role-intermediary": "intermediary", "role-reviewer": "reviewer", "unknown-author": "not in the registry",
      "partial-note": "Entries left out of a partial bundle are not shown; the seqs say where each entry sits in the archive's log.",
    },
    fr: {
      "title": "Vérifier un dossier de preuves", "subtitle": "temoin — vérificateur hors ligne",
      "how-title": "Mode d'emploi",
      "how-offline": "Cette page fonctionne sans réseau : rien de ce que vous sélectionnez ne quitte cet ordinateur. Enregistrez-la une fois (c'est un seul fichier), puis ouvrez-la depuis le disque sur n'importe quel ordinateur, hors ligne.",
      "how-key": "Collez la clé des points de contrôle de l'archive (une ligne comme <code>nom+1234abcd+AbC…</code>, le fichier <code>checkpoint.key.pub</code> de l'archive), obtenue de l'archive par un canal de confiance.",
      "how-bundle": "Sélectionnez le fichier du dossier (<code>….bundle.json</code>). Si certaines de ses parties sont transmises à côté de lui (des fichiers nommés par 64 chiffres hexadécimaux, dans le même répertoire), sélectionnez ensemble le dossier et ces fichiers : ouvrez le répertoire, sélectionnez tout (Ctrl+A ou ⌘+A) et validez. Vous pouvez aussi les déposer dans le cadre ci-dessous.",
      "how-read": "Lisez le verdict et la liste de ce qui a été vérifié. Imprimez la page pour en garder une trace.",
      "key-label": "Clé des points de contrôle de l'archive (vkey)", "key-help": "Une ligne, nom+identifiant+clé (coller tout le fichier checkpoint.key.pub convient aussi). Jamais la clé secrète.",
      "bundle-label": "Fichier du dossier de preuves, et les fichiers à côté de lui",
      "bundle-help": "Un fichier .bundle.json ; avec lui, les fichiers de son répertoire nommés par une empreinte. Ou déposez-les ici.",
      "verify": "Vérifier", "result-title": "Résultat", "scope-title": "Ce que vérifie cette page",
      "scope-what": "Elle applique le §12.6 de docs/FORMAT.md de temoin, mis en œuvre une seconde fois en JavaScript : la signature du point de contrôle avec la clé indiquée ; les octets, les empreintes et la signature Ed25519 de chaque entrée (stricte : encodages canoniques, aucune clé d'ordre faible) ; sa preuve d'inclusion dans l'arbre signé ; le chaînage des empreintes ; chaque partie au regard de l'empreinte signée par son auteur, y compris les fichiers à côté du dossier ; le registre (qui pouvait signer quoi, et quand) et les règles de versement ; les entrées signées après une compromission déclarée ; la liste des auteurs ; et les chiffres des victimes de la projection.",
      "scope-not": "Elle ne recalcule pas le reste de la vue de chaque incident (versions, victimes, bilans tels que les rapports les montrent) : <code>temoin verify-bundle FICHIER --archive-key CLÉ</code> le fait. Un dossier montre ce qui figure dans le journal de l'archive, non ce qui en est absent.",
      "foot": "Vérificateur hors ligne de temoin. Toutes les vérifications s'exécutent dans ce navigateur ; la page ne charge rien depuis le réseau.",
      "none": "Indiquez la clé de l'archive et sélectionnez un dossier.", "running": "Vérification en cours…",
      "verified": "VÉRIFIÉ", "intact": (n) => "INTACT, AVEC " + n + (n === 1 ? " ENTRÉE SIGNÉE" : " ENTRÉES SIGNÉES") + " APRÈS UNE COMPROMISSION DÉCLARÉE",
      "failed": (n) => "ÉCHEC — " + n + (n === 1 ? " défaut" : " défauts"), "cannot": "NON VÉRIFIÉ",
      "ok-line": (e, a) => e + (e === 1 ? " entrée" : " entrées") + ", " + a + (a === 1 ? " auteur" : " auteurs") + " : signatures, empreintes des parties, formes décodées, preuves d'inclusion, chaînage des empreintes, autorité, règles de versement, auteurs et chiffres : tout est vérifié.",
      "intact-line": "Ces entrées étaient autorisées lors de leur ajout, mais la clé de leur auteur n'est plus fiable depuis un moment antérieur à leur réception : ne les tenez pas pour le fait de leur auteur. Elles sont exclues des chiffres.",
      "first": "Premier défaut :", "entry": (s) => "entrée " + s, "at-bundle": "dossier", "at-checkpoint": "point de contrôle", "at-authors": "auteurs",
      "at-projection": "projection", "at-browser": "navigateur", "at-archive key": "clé de l'archive", "at-input": "saisie",
      "detail": "détail (en anglais)",
      "facts": "Le dossier", "origin": "Archive (origine)", "cp": "Point de contrôle", "cp-val": (n, r) => "taille de l'arbre " + n + ", racine " + r + ", signature vérifiée avec la clé indiquée",
      "scope": "Périmètre", "scope-all": "l'ensemble du journal", "scope-incident": (i) => "incident " + i, "scope-statement": (h) => "déclaration " + h,
      "incidents": "Incidents de la projection", "n-entries": "Entrées du dossier", "exported": "Exporté le (non signé)",
      "file": "Fichier du dossier", "file-val": (name, size, sha) => name + ", " + size + " octets, SHA-256 " + sha,
      "beside": "Fichiers à côté", "beside-val": (n) => n + (n === 1 ? " fichier fourni" : " fichiers fournis"), "key": "Clé de l'archive",
      "checked-at": "Vérifié le", "faults": "Défauts", "findings": "Signées après une compromission déclarée (constats, non des défauts)",
      "finding": (s, r, t) => "entrée " + s + " : la clé de son auteur a été révoquée par l'entrée " + r + ", non fiable depuis le " + t + " ; elle a été reçue après.",
      "not-established": "Non établi par ce dossier (ni défaut, ni réussite)",
      "not-est": (s, i) => "entrée " + s + " : elle nomme l'incident « " + i + " », dont la fiche d'ouverture n'est pas dans ce dossier : qu'il ait été ouvert avant l'entrée " + s + " n'est pas établi ici.",
      "entries": "Entrées", "th-seq": "Entrée", "th-kind": "Sorte", "th-author": "Auteur", "th-received": "Reçue le", "th-statement": "Déclaration", "th-parts": "Parties", "th-status": "État",
      "st-ok": "ok", "st-compromised": "signée après compromission", "absent-withheld": "retenue", "absent-redacted": "caviardée", "absent-sealed": "scellée", "absent-by": (s) => " par l'entrée " + s,
      "role-custodian": "dépositaire", "role-intermediary": "intermédiaire", "role-reviewer": "relecteur", "unknown-author": "absent du registre",
      "partial-note": "Les entrées laissées hors d'un dossier partiel ne sont pas montrées ; les numéros disent où chaque entrée se trouve dans le journal de l'archive.",
    },
  };

  const params = new URLSearchParams(location.search);
  let lang = params.get("lang") === "fr" || params.get("lang") === "en" ? params.get("lang")
    : (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"])
      .some((l) => /^fr\b/i.test(l)) ? "fr" : "en";
  const t = (k, ...a) => {
    const v = T[lang][k];
    return typeof v === "function" ? v(...a) : v;
  };
  let last = null; // {state, report, meta}

  function applyLang() {
    document.documentElement.lang = lang;
    document.title = lang === "fr" ? "temoin — vérifier un dossier de preuves hors ligne" : "temoin — verify an evidence bundle offline";
    for (const el of document.querySelectorAll("[data-t]")) el.innerHTML = T[lang][el.dataset.t];
    for (const b of document.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    render();
  }

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k !== null && k !== undefined) e.append(k);
    return e;
  };
  const where = (at) => (typeof at === "number" ? t("entry", at) : t("at-" + at) || String(at));
  const kindName = (k) => KIND[lang][k] || k;
  const ruleText = (r) => RULE[lang][r] || r;
  const colon = () => (lang === "fr" ? " : " : ": ");
  const utcMs = (ms) => {
    const d = new Date(Number(ms));
    return isNaN(d.getTime()) ? String(ms) : d.toISOString().replace(/\.\d+Z$/, "Z");
  };

  function faultItem(f) {
    return el("li", { "data-at": typeof f.at === "number" ? "entry " + f.at : f.at, "data-kind": f.kind }, el("span", { class: "where" }, where(f.at)), " — ", el("span", { class: "kind" }, kindName(f.kind)), colon(),
      ruleText(f.rule), f.detail ? el("span", { class: "detail" }, " (" + t("detail") + colon() + f.detail + ")") : null);
  }

  function render() {
    const v = $("verdict"), det = $("details");
    v.replaceChildren();
    det.replaceChildren();
    v.classList.remove("findings");
    if (!last || last.state === "none") {
      v.dataset.verdict = "none";
      v.append(t("none"));
      return;
    }
    if (last.state === "running") {
      v.dataset.verdict = "running";
      v.append(t("running"));
      return;
    }
    const r = last.report;
    v.dataset.verdict = r.ok ? "ok" : "fail";
    const first = r.faults.find((f) => typeof f.at === "number") || r.faults[0];
    for (const a of ["fault-entry", "fault-kind", "fault-rule"]) delete v.dataset[a.replace(/-(.)/g, (_, c) => c.toUpperCase())];
    if (first) {
      if (typeof first.at === "number") v.dataset.faultEntry = String(first.at);
      v.dataset.faultKind = first.kind;
      v.dataset.faultRule = first.rule;
    }
    if (r.ok) {
      const nc = r.compromised.length;
      if (nc) v.classList.add("findings");
      v.append(el("span", { class: "head" }, nc ? t("intact", nc) : t("verified")), "\n",
        el("span", {}, t("ok-line", r.entries.length, (r.authors || []).length)));
      if (nc) v.append(" ", t("intact-line"));
    } else {
      const input = ["browser", "archive key", "input"].includes(first.at);
      v.append(el("span", { class: "head" }, input ? t("cannot") : t("failed", r.faults.length)), "\n",
        el("span", {}, t("first") + " " + where(first.at) + " — " + kindName(first.kind) + colon() + ruleText(first.rule) + (first.detail ? " (" + first.detail + ")" : "")));
    }
    // What was checked.
    const facts = el("dl", { class: "facts" });
    const fact = (k, val) => facts.append(el("dt", {}, t(k)), el("dd", {}, val));
    if (r.origin !== undefined) fact("origin", r.origin);
    if (r.size !== undefined) fact("cp", t("cp-val", r.size, r.root));
    if (r.scope !== undefined) {
      const s = r.scope;
      fact("scope", s === "all" ? t("scope-all") : s && s.incident ? t("scope-incident", s.incident) : s && s.statement ? t("scope-statement", s.statement) : JSON.stringify(s));
    }
    if (r.incidents && r.incidents.length) fact("incidents", r.incidents.join(", "));
    if (r.entries.length) fact("n-entries", String(r.entries.length));
    if (typeof r.exportedAt === "string") fact("exported", r.exportedAt);
    if (last.meta.file) fact("file", t("file-val", last.meta.file.name, last.meta.file.size, last.meta.file.sha));
    fact("beside", t("beside-val", last.meta.beside));
    if (r.archive) fact("key", r.archive);
    fact("checked-at", last.meta.at);
    det.append(el("h3", {}, t("facts")), facts);
    if (r.faults.length) {
      const ol = el("ol", { class: "faults", id: "faults" });
      for (const f of r.faults) ol.append(faultItem(f));
      det.append(el("h3", {}, t("faults")), ol);
    }
    const comp = r.entries.filter((c) => c.compromise);
    if (comp.length) {
      const ul = el("ul", { class: "notes", id: "findings" });
      for (const c of comp) ul.append(el("li", {}, t("finding", c.seq, c.compromise.revoked_at, utcMs(c.compromise.effective_at))));
      det.append(el("h3", {}, t("findings")), ul);
    }
    if (r.notEstablished.length) {
      const ul = el("ul", { class: "notes", id: "not-established" });
      for (const n of r.notEstablished) ul.append(el("li", {}, t("not-est", n.seq, n.incident)));
      det.append(el("h3", {}, t("not-established")), ul);
    }
    if (r.entries.length || r.faults.some((f) => typeof f.at === "number")) {
      const faultsAt = new Map();
      for (const f of r.faults) if (typeof f.at === "number") faultsAt.set(f.at, (faultsAt.get(f.at) || []).concat(f));
      const tbody = el("tbody");
      // An entry refused on its own (bytes, hashes, signature, parts) has
      // no decoded row: it is listed with its faults alone.
      const rows = r.entries.slice();
      for (const seq of faultsAt.keys()) if (!rows.some((c) => c.seq === seq)) rows.push({ seq, refused: true });
      rows.sort((x, y) => x.seq - y.seq);
      for (const c of rows) {
        if (c.refused) {
          const cells = [el("td", { class: "num" }, String(c.seq))];
          for (let i = 0; i < 5; i++) cells.push(el("td", {}, "—"));
          cells.push(el("td", { class: "st-bad" }, faultsAt.get(c.seq).map((f) => kindName(f.kind)).join(", ")));
          tbody.append(el("tr", {}, ...cells));
          continue;
        }
        const a = r.registry && r.registry.get(c.authorHex);
        const parts = c.labels.map((l) => {
          const ab = c.absent.get(l);
          return ab ? l + " (" + (t("absent-" + ab.why) || ab.why) + (ab.by_seq !== undefined ? t("absent-by", ab.by_seq) : "") + ")" : l;
        }).join(", ");
        const fs = faultsAt.get(c.seq);
        const status = fs ? fs.map((f) => kindName(f.kind)).join(", ") : c.compromise ? t("st-compromised") : t("st-ok");
        tbody.append(el("tr", {},
          el("td", { class: "num" }, String(c.seq)),
          el("td", {}, KINDNAME[lang][KINDNAME.en.indexOf(c.body.kind)] || c.body.kind),
          el("td", {}, a ? a.name + " (" + (t("role-" + a.role) || a.role) + ")" : c.authorHex.slice(0, 12) + " (" + t("unknown-author") + ")"),
          el("td", { class: "mono" }, utcMs(c.entry.receivedAt)),
          el("td", { class: "mono", title: c.hashHex }, c.hashHex.slice(0, 12)),
          el("td", {}, parts),
          el("td", { class: fs ? "st-bad" : c.compromise ? "st-warn" : "st-ok" }, status)));
      }
      const table = el("table", { id: "entries" },
        el("caption", {}, t("entries")),
        el("thead", {}, el("tr", {}, ...["th-seq", "th-kind", "th-author", "th-received", "th-statement", "th-parts", "th-status"].map((k) => el("th", { scope: "col" }, t(k))))),
        tbody);
      det.append(el("div", { class: "table-wrap" }, table));
      if (r.scope !== "all") det.append(el("p", { class: "help" }, t("partial-note")));
    }
  }

  const hexOf = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  let runs = 0;
  let dropped = null;

  async function run() {
    const id = ++runs;
    const files = dropped || Array.from($("bundle").files || []);
    const key = $("archive-key").value.trim();
    const meta = { beside: 0, at: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
    const refuse = (rule, detail) => {
      last = { state: "done", meta, report: { ok: false, faults: [{ at: "input", kind: "input", rule, detail: detail || "" }], entries: [], notEstablished: [], compromised: [] } };
      render();
    };
    if (!files.length && !key) {
      last = { state: "none" };
      render();
      return;
    }
    if (!key) return refuse("no-key");
    const jsons = files.filter((f) => /\.json$/i.test(f.name));
    if (!jsons.length) return refuse("no-bundle");
    if (jsons.length > 1) return refuse("two-bundles", jsons.map((f) => f.name).join(", "));
    const bundle = jsons[0];
    if (bundle.size > 2 * 1024 * 1024 * 1024) return refuse("too-large");
    last = { state: "running" };
    render();
    let bytes;
    try {
      bytes = new Uint8Array(await bundle.arrayBuffer());
    } catch (e) {
      return refuse("read", bundle.name + ": " + (e && e.message ? e.message : e));
    }
    const beside = new Map();
    for (const f of files) {
      if (f === bundle) continue;
      beside.set(f.name, { read: async (max) => new Uint8Array(await f.slice(0, max).arrayBuffer()) });
    }
    meta.beside = beside.size;
    let report;
    try {
      report = await TemoinVerify.verifyBundle(bytes, beside, key);
      if (globalThis.crypto && crypto.subtle) {
        meta.file = { name: bundle.name, size: bytes.length, sha: hexOf(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))) };
      }
    } catch (e) {
      report = { ok: false, faults: [{ at: "bundle", kind: "format", rule: "format", detail: "the verifier stopped: " + (e && e.message ? e.message : e) }], entries: [], notEstablished: [], compromised: [] };
    }
    if (id !== runs) return; // a later run replaced this one
    for (const c of report.entries) c.authorHex = hexOf(c.body.author);
    last = { state: "done", report, meta };
    render();
  }

  $("form").addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  $("bundle").addEventListener("change", () => {
    dropped = null;
    run();
  });
  $("archive-key").addEventListener("change", () => run());
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    dropped = Array.from(e.dataTransfer.files || []);
    run();
  });
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => {
      lang = b.dataset.lang;
      applyLang();
    });
  }
  applyLang();
})();
