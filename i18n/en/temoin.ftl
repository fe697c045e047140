# temoin's messages in English: the reference catalogue (`fl!` checks ids
# and arguments against this file at compile time). i18n/fr/temoin.ftl has
# the same ids.

## Dates and times

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date-day = { $day } { $month } { $year }
date-month = { $month } { $year }
date-time = { $day }, { $clock } UTC

## The command line's help (the rest of it is the clap definitions')

help-example-heading = Example:
help-options-heading = Options
help-arguments-heading = Arguments
help-commands-heading = Commands
help-usage-heading = Usage:
help-flag-help = Print help (see more with '--help')
help-flag-version = Print version

## Counts

count-entries = { $n ->
    [one] { $n } entry
   *[other] { $n } entries
}
count-authors = { $n ->
    [one] { $n } author
   *[other] { $n } authors
}
count-parts = { $n ->
    [one] { $n } part
   *[other] { $n } parts
}
count-faults = { $n ->
    [one] { $n } fault
   *[other] { $n } faults
}
count-bytes = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}

## Evidence bundles: export, verify-bundle, report

export-done = exported { $scope } ({ $entries }, { $authors }) against checkpoint size { $size } -> { $out }
export-left-out = { $parts } left out ({ $reasons }); the bundle says which
export-withheld = withheld: { $labels }
export-redacted = { $n } redacted in the archive
export-sealed = { $n } sealed to readers, carried as ciphertext
export-beside = { $parts } beside the bundle, each a file named by its digest in { $dir } (copy them with the bundle):
export-beside-file = { $name }  entry { $seq }, { $size }
bundle-stdin = the bundle on standard input: { $fault }
bundle-cannot-read = cannot read bundle { $path }: { $error }
bundle-too-large = bundle { $path } is { $size } bytes, over the limit of { $limit }
verdict-bundle = bundle: { $scope } of { $origin }, exported { $exported }
verdict-checkpoint = checkpoint: tree size { $size }, root { $root }, signature by { $key } verified
verdict-absent-by = { $label } { $why } by entry { $by }
verdict-signed-after-compromise = SIGNED AFTER A DECLARED COMPROMISE: key distrusted since { $since } by entry { $by }
verdict-not-established = not established by this bundle: { $what }
verdict-finding = finding: { $finding }
verdict-intact-with-findings = INTACT, WITH { $n ->
    [one] { $n } ENTRY
   *[other] { $n } ENTRIES
} SIGNED AFTER A DECLARED COMPROMISE (not to be relied on as their authors'; kept out of figures): { $entries }, { $authors }; signatures, part digests, decoded forms, inclusion proofs, hash chain, authority when appended, the rules of ingest and projection all check
verdict-verified = VERIFIED: { $entries }, { $authors }; signatures, part digests, decoded forms, inclusion proofs, hash chain, authority, the rules of ingest and projection all check
verdict-failed = FAILED: { $faults }
verdict-failed-more = FAILED: { $faults } ({ $more } not listed)
report-written-findings = report written to { $out } (bundle intact: { $entries }, { $findings } of them signed after a declared compromise)
report-written-verified = report written to { $out } (bundle VERIFIED: { $entries })
report-written-failed = report written to { $out }, but the bundle FAILED verification: { $fault }
verifier-page-written = verifier page written to { $out } ({ $size }): open it in a browser, offline, give it the archive key and select a bundle
verifier-page-stdout = could not write the verifier page to standard output: { $error }

## Receipts

receipt-not-verified = receipt does NOT verify: { $error }
receipt-ok = ok: statement { $hash } ({ $kind }) is entry { $seq } of { $origin }, received { $received }
receipt-ok-included = author signature verified; included in the signed tree of size { $size } (root { $root })
receipt-ok-still-there = still there: the later signed tree of size { $size } (root { $root }) extends it (consistency proof verified)

## init, sign, ingest, verify

init-done = created archive { $dir } (origin { $origin }), custodian { $name } ({ $key })
init-checkpoint-key = checkpoint key: { $vkey }
sign-done = signed { $kind } statement { $hash } -> { $out }
sign-done-stdout = signed { $kind } statement { $hash } -> standard output
ingest-appended = appended entry { $seq }  { $kind } statement { $statement }  entry hash { $entry }
ingest-already = already entry { $seq }  { $kind } statement { $statement }  entry hash { $entry }
ingest-refused = refused { $file }: { $reason }
audit-failed = verification FAILED: { $error }
audit-failed-at = verification FAILED at { $fault }
audit-note-redacted = note: part { $label } of entry { $seq } was erased by the redaction order at entry { $by }
audit-note-sealed = note: part { $label } of entry { $seq } is sealed to { $n ->
    [one] { $n } reader
   *[other] { $n } readers
}: { $names } (the archive holds its ciphertext only)
audit-not-enrolled-reader = { $recipient } (not an enrolled reader)
audit-finding = finding: { $finding }
audit-ok = ok: { $entries }, { $authors }, { $parts }, { $checkpoints } verified; received { $first } .. { $last } ({ $seconds } s)
audit-ok-findings = ok: { $entries }, { $authors }, { $parts }, { $checkpoints } verified; received { $first } .. { $last } ({ $seconds } s); { $n ->
    [one] { $n } entry
   *[other] { $n } entries
} signed after a declared compromise (findings above)
# Why the log fails the audit (verify): the English is that of FORMAT.md §9 and of --json.
log-not-an-entry = stored bytes are not a valid entry: { $error }
log-body = statement body: { $error }
log-signature-bad-key = signature: the author key is not a valid Ed25519 point
log-signature-weak-key = signature: the author key is a weak (small-order) Ed25519 key
log-signature-invalid = signature: the signature does not verify (verify_strict) over the body
log-entry-missing = entry { $seq } is missing: the log goes from entry { $before } to entry { $found }
log-moved = the entry stored at position { $position } says it is entry { $says } (entries were moved or swapped)
log-altered = the entry's bytes were altered after it was appended: they hash to { $hash }, not to the leaf hash recorded in the tree
log-leaf-missing = the entry's Merkle leaf is missing
log-twice = statement { $statement } is already in the log at entry { $first } (a statement is never appended twice)
log-prev = prev link { $prev } does not match the hash of entry { $before } ({ $expected })
log-received-before = received_at { $received } goes back before the previous entry's { $previous }
log-sealed-in-clear = part { $label } is sealed, yet the archive holds it in clear (a sealed part is held only as its ciphertext)
log-part-mismatch = part { $label } does not match its commitment
log-payload-missing = part "payload" is missing (a payload can never be redacted)
log-part-missing = part { $label } is missing and no redaction order erased it
log-not-authorised = not authorised when appended: { $error }
log-node = the stored Merkle node (level { $level }, index { $index }) completed by this entry is wrong or missing
log-no-checkpoint-key = a checkpoint exists but the genesis names no checkpoint key
log-checkpoint = checkpoint at size { $size }: { $error }
log-checkpoint-size = checkpoint stored for size { $size } says size { $says }
log-checkpoint-root = checkpoint at size { $size }: its signed root differs from the root of the entries 0..{ $size }
log-checkpoint-beyond = a checkpoint claims tree size { $size }, beyond the log's end
log-empty = entry 0 (the genesis) is missing: the log is empty (every archive begins with its genesis)
log-head-size = the archive's head (row X "head") says { $head } entries but the log holds { $log } (entries were removed or added behind its back)
log-head-hash = the last entry's hash differs from the one recorded in the head (row X "head")
log-head-received = row X "head" says the last entry was received at { $head }, but it was received at { $log } (the writer dates new entries from the head)
log-statement-key = statement-index row with key 'H' ‖ { $key } is malformed (an H key is 'H' and a 32-byte statement hash); remove it
log-statement-unknown = statement-index row H { $hash } names a statement that is not in the log (the writer would take it for a duplicate); { $stored }
log-statement-row-missing = statement-index row H { $hash } is missing (the writer would append this statement again); it should hold { $expected }
log-statement-row-differs = statement-index row H { $hash } differs from what the log derives; { $stored }; it should hold { $expected }
log-registry-key = registry row with key { $key } is malformed (an R key is 'R' and a seq, u64 big-endian); remove it
log-registry-row-missing = registry row R { $seq } is missing: entry { $seq } is a registry statement, and without the row the writer would not apply it (e.g. a revoked key would sign again)
log-registry-row-extra = registry row R { $seq } names entry { $seq }, which is not a registry statement of the log
log-incident-row-differs = incident-index row I { $id } differs from what the log derives; { $stored }; it should hold { $expected }
log-incident-row-extra = incident-index row I { $id } names an incident that the log never opened (the writer would refuse to open it and accept statements about it)
log-incident-row-missing = incident-index row I { $id } is missing (the writer would let the id be opened again); it should hold { $expected }
log-parts-end-does-not-decode = row X "parts_end" does not decode ({ $error })
log-parts-end = row X "parts_end" says the parts file holds { $held } bytes, but the parts of entry { $seq } end at byte { $end } (a writer opening the archive would cut them off); it should hold at least { $end }
log-config-missing = row X "config" is missing or does not decode (JSON: origin, max_part_bytes, max_future_ms)
log-config-origin = row X "config" names origin { $config }, but the genesis names { $genesis }; it should name { $genesis }
log-key-file-wrong = { $path } holds checkpoint key { $found }, not the key the genesis names ({ $expected }); restore the archive's own key
log-key-file-unloadable = { $path } does not load ({ $error }); it should hold the key the genesis names ({ $expected })
log-row-holds = it holds { $value }
log-row-does-not-decode = its value does not decode ({ $error })
log-statement-info = { "{" }seq { $seq }, kind { $kind }, subject { $subject }, owner { $owner }, labels { $labels }, incidents { $incidents }, superseded by { $superseded }, retracted by { $retracted }, redacted { $redacted }{ "}" }
log-statement-info-none = none
log-incident-info = { "{" }opened at entry { $opened }, record { $record }, merged into { $merged }{ "}" }
# Whether an incident was merged, as Rust's {:?} of an option says it (the text of --json).
log-incident-not-merged = None
log-incident-merged = Some({ $id })
count-checkpoints = { $n ->
    [one] { $n } checkpoint
   *[other] { $n } checkpoints
}

## The chain-of-custody report (src/report.rs)

report-title = Chain-of-custody report — { $scope }
report-scope-incident = Incident { $id }
report-scope-incident-titled = Incident { $id } — { $title }
report-scope-statement = Statement { $hash }
report-scope-all = The whole log of { $origin }
report-running-head = Chain of custody — { $origin }
report-running-foot = bundle { $name } · SHA-256 { $sha }
report-page = page
report-fault = FAULT
report-footer = Generated by temoin { $version } on { $generated } from the bundle { $name } (SHA-256 { $sha }), exported { $exported }. Hashes are SHA-256, in hex.
report-footer-for = Generated by temoin { $version } on { $generated } for { $by } from the bundle { $name } (SHA-256 { $sha }), exported { $exported }. Hashes are SHA-256, in hex.
# The verdict
report-verdict-verified = VERIFIED
report-verdict-verified-all = All { $n } entries of this bundle verify offline against the archive's signed checkpoint.
report-verdict-verified-how = Each statement's signature verifies (Ed25519, verify_strict) with its author's key; each included part matches the digest its author signed; each entry is proven, by an RFC 9162 inclusion proof, to be at its position in the log whose root the archive signed; each author was enrolled and not revoked when the entry was appended, as replayed from the registry entries in the bundle; the projection below was recomputed from the entries.
report-verdict-intact = INTACT, WITH { $n ->
    [one] { $n } STATEMENT
   *[other] { $n } STATEMENTS
} SIGNED AFTER A DECLARED KEY COMPROMISE
report-verdict-intact-all = All { $n } entries of this bundle check against the archive's signed checkpoint: signatures, part digests, inclusion proofs, authority when appended, the rules of ingest and the projection.
report-verdict-intact-but = { $n ->
    [one] But { $n } of them was signed with a key its custodians have since declared compromised, and received at or after the time since when they distrust it. Whoever held the key may have signed it; it is kept out of every figure and must not be relied on as its author's:
   *[other] But { $n } of them were signed with a key its custodians have since declared compromised, and received at or after the time since when they distrust it. Whoever held the key may have signed them; they are kept out of every figure and must not be relied on as their author's:
}
report-finding = entry { $seq }: statement { $statement } by key { $key } was received on { $received }, not before { $since }, the time since when the revocation at entry { $by } distrusts its key: signed after a declared compromise (kept out of figures)
report-verdict-failed = VERIFICATION FAILED — do not rely on this bundle
report-verdict-more-faults = { $n ->
    [one] … and { $n } more fault.
   *[other] … and { $n } more faults.
}
# Facts about the bundle
report-fact-origin = archive (log origin)
report-fact-archive-key = archive checkpoint key
report-fact-tree-size = signed tree size
report-fact-tree-root = signed tree root
report-fact-trusted-time = trusted time
report-time-existed = This checkpoint existed no later than { $time }, attested by { $tsa } (RFC 3161 timestamp, verified against the TSA certificate given)
report-time-unchecked = { $n } RFC 3161 timestamp token(s) carried, not checked (no TSA certificate was given)
report-time-failed = Not established: { $error }
report-fact-scope = scope
report-fact-exported = exported
report-fact-bundle-file = bundle file
report-fact-bundle-sha = bundle file SHA-256
report-fact-generated = report generated
report-fact-prepared-by = prepared by
report-fact-entries = entries
report-entries-registry = { $n } ({ $registry } registry entries)
# Parts not included
report-h-absent = Parts not included
report-absent-none = Every part of every entry is included in this bundle.
report-absent-intro = These parts are committed in their authors' signed statements (the digest and length are signed), but their content is not in this bundle. The signatures and proofs verify without them.
report-absent-withheld = A part withheld at export is still in the archive: its content can be disclosed later and checked against the digest.
report-absent-erased = A part erased by a redaction order is gone from the archive for good: its content cannot be disclosed from it.
report-absent-sealed = A sealed part was encrypted by its author to named readers before it left the author's machine: neither the archive nor this bundle holds it in clear, only its ciphertext, which its readers alone can open and check against the signed digest.
report-col-entry = entry
report-col-part = part
report-col-why = why
report-witness-part = witness (identity of the witness)
report-sealed-to = { $n ->
    [one] sealed to { $n } reader
   *[other] sealed to { $n } readers
}
report-sealed = sealed
report-absent-sealed-line = { $sealed }: only its ciphertext ({ $label }) is in the archive and this bundle; a reader opens it with `temoin unseal` and checks it against the signed digest
report-absent-redacted-by = erased in the archive by the redaction order at entry { $by }
report-absent-redacted = erased in the archive
report-absent-withheld-line = withheld from this bundle at export (still in the archive)
report-in-bundle = in the bundle
report-beside = beside the bundle as file { $file }
report-missing = MISSING
# Not established
report-h-not-established = Not established by this bundle
report-not-established-intro = Every rule the archive applies at ingest was checked against the entries of this bundle. These depend on entries of the log that the bundle does not hold, so the bundle neither proves nor disproves them; a full audit of a copy of the archive (`temoin verify`) decides them.
report-col-what = what
# The incident
report-h-incident = The incident as projected
report-incident-intro = Recomputed by the verifier from the entries of this bundle; every figure names the entries it comes from.
report-no-projection = No projection could be computed from this bundle's entries.
report-not-opened = Incident { $id }: no entry of this bundle opens it.
report-fact-incident = incident
report-fact-type = type
report-fact-place = place
report-fact-date = date
report-fact-coordinates = coordinates
report-fact-description = description
report-commune-of = commune of { $name }
report-cercle-of = cercle of { $name }
report-region-of = region of { $name }
report-date-range = { $start } to { $end }
precision-exact = exact
precision-estimated = estimated
precision-unknown-day = day unknown
report-h-figures = Figures for { $id }, by source
report-figure-range = { $min } to { $max }
report-figure-conflict = CONFLICT: sources disagree
report-figure-agree = sources agree
report-figure-agreement = { $verdict }; { $sources ->
    [one] { $sources } independent source
   *[other] { $sources } independent sources
}, { $authors ->
    [one] { $authors } author
   *[other] { $authors } authors
}
report-figure-per-source = { $count } — entry { $seq }, { $who }
report-no-figure = No testimony gives a figure.
report-col-figure = figure
report-col-range = range
report-col-agreement = agreement
report-col-each-source = each source (count — entry, author; grade)
figure-dead = dead
figure-injured = injured
figure-missing = missing
figure-women-dead = women among the dead
figure-children-dead = children among the dead
report-h-victims = Victims named ({ $n })
report-victim-also = { $name } (also: { $others })
report-victim-disagree = sources disagree
report-victim-agreed = agreed
report-entry-of = entry { $seq } ({ $who })
report-col-name = name
report-col-sex = sex
report-col-age = age
report-col-status = status
report-col-sources = sources
report-col-named-by = named by
report-col-relation = relation
report-h-testimonies = Testimonies ({ $n })
report-testimony-active = active
report-testimony-retracted = RETRACTED by entry { $by }: { $reason }
report-testimony-elsewhere = now about other incidents
report-testimony-compromised = NOT COUNTED: signed after a declared compromise of its author's key (distrusted since { $since }, revocation at entry { $by })
report-version-amended = entry { $seq }, amended: { $reason }
report-version = entry { $seq }
report-annotation-line = { $stance } (entry { $seq }, { $who }): { $text }
report-latest-version = entry { $seq }
    { $who }
report-col-latest = latest version
report-col-source = source
report-col-versions = versions
report-col-annotations = annotations
report-h-merged = Incidents merged into this one
report-merged-line = { $from } (entry { $seq }): { $reason }
report-h-claims = Published summary claims naming it
report-claim-line = “{ $text }” (entry { $seq }; { $grade })
report-merged-into = this incident was merged into { $into } (entry { $seq }): read it there
# The statements
report-h-statements = Statements, in the order the archive received them
report-entry-title = Entry { $seq } — { $kind }
report-entry-faulty = FAULTY
report-entry-compromised = SIGNED AFTER A DECLARED COMPROMISE
report-fact-author = author
report-fact-author-key = author key
report-fact-created = created (claimed by the author)
report-fact-received = received by the archive
report-fact-statement-hash = statement hash
report-fact-entry-hash = entry hash (Merkle leaf)
report-verb-amends = amends
report-verb-retracts = retracts
report-verb-annotates = annotates
report-verb-redacts = orders erased a part of
report-verb-refers = refers to
report-ref-entry = { $hash } (entry { $seq })
report-ref-absent = { $hash } (not in this bundle)
report-unknown-author = unknown author (not authorised by the bundle's registry entries)
report-compromised-warning = not to be relied on as this author's: the archive received it on { $received }, not before { $since }, the time since when the revocation at entry { $by } declares the author's key compromised. It was authorised when appended (the revocation came later), so it is in the log and its signature verifies, but it may have been signed by whoever held the key; it is kept out of every figure.
report-fact-amendment-reason = reason for the amendment
report-fact-reason = reason
report-fact-stance = stance
report-fact-annotation = annotation
report-fact-merged = merged
report-merged-into-id = { $from } into { $into }
report-fact-claim = claim
report-fact-window = window
report-fact-source = source
report-fact-part-erased = part erased
report-fact-incidents = incidents
report-fact-language = language
report-claims-about = Claims about incident { $id }:
report-original-text = Original text:
report-translation = Translation:
report-part-included = included, digest verified
report-part-beside = beside the bundle as file { $file }, digest verified
report-col-bytes = bytes
report-col-digest = committed digest
report-col-in-bundle = in this bundle
report-col-attachment = attachment
report-col-media-type = media type
report-col-sealed = sealed
report-col-where = where
report-media-not-given = not given by the author
report-media-not-read = committed, not read ({ $place })
report-no = no
report-ciphertext-where = its ciphertext { $label }: { $place }
# Authority
report-h-authors = Authors and their authority
report-authors-intro = As established by the registry entries of this bundle (genesis, enrolments and revocations signed by custodians), each with its own inclusion proof.
report-col-role = role
report-col-key = key
report-col-enrolled = enrolled at
report-col-kind = kind
report-col-signed-by = signed by
report-col-received = received
report-col-statement-hash = statement hash
report-author-revoked = revoked at entry { $seq } ({ $reason })
report-author-revoked-since = revoked at entry { $seq } ({ $reason }), distrusted since { $since }
report-author-active = active
report-genesis = genesis: archive created, custodian { $name }
report-enrolment-of = enrolment of { $name } as { $role }
report-enrolment = enrolment
report-revocation-of = revocation of key { $key }…: { $reason }
report-revocation = revocation
# Method and limits
report-h-method = Method and limits
report-method = This report was produced by temoin { $version } from the bundle alone, offline, with the archive's checkpoint key given by the reader. To check the bundle independently, run the command below, or a verifier written from the specification (docs/FORMAT.md, §12):
report-limits = Limits: a bundle proves that each entry it holds is in the archive's log, unaltered, at the stated position, signed by an author authorised at that time. It does not prove that the archive holds no other statement about the incident; a full audit of a copy of the archive (`temoin verify`) does. Times claimed by authors are their own; times of receipt are the archive's.
# Values of the domain
role-custodian = custodian
role-intermediary = intermediary
role-reviewer = reviewer
role-reader = reader
report-not-established-incident = it names incident { $id }, whose opening record is not in this bundle: that it was opened before entry { $seq } is not established by this bundle

## Why a statement is refused (src/cli/refusal.rs); English as the library says it

refusal-malformed = malformed statement: { $detail }
refusal-file = malformed statement file: { $detail }
refusal-signature-bad-key = bad signature: the author key is not a valid Ed25519 point
refusal-signature-weak-key = bad signature: the author key is a weak (small-order) Ed25519 key
refusal-signature-invalid = bad signature: the signature does not verify (verify_strict) over the body
refusal-missing-part = part { $label } is committed in the body but missing from the statement file
refusal-unexpected-part = part { $label } is in the statement file but not committed in the signed body
refusal-part-mismatch = part { $label } does not match its commitment: { $what }
refusal-sealed-in-clear = part { $label } is sealed (its ciphertext { $label }.age is committed), yet the statement file carries it in clear: sealed parts travel only as ciphertext; sign again with `temoin sign --seal`
refusal-part-too-large = part { $label } is { $len } bytes, over this archive's limit of { $limit } bytes
refusal-from-the-future = claimed creation time { $claimed } is more than { $hours } h after the archive's clock ({ $now }); check the signing machine's clock
rule-unknown-ref = it refers to statement { $target }, which is not in the log
rule-ref-count = a { $kind } statement takes { $expected } ref(s), this one has { $got }
rule-unknown-incident = it names incident { $id }, which is not in the archive (open it with an incident statement first)
rule-duplicate-incident = incident id { $id } is already taken; amend that incident instead of opening it again
rule-not-owner = { $kind } of statement { $target }: only its author, a successor of the author's key, or a custodian may do that
rule-wrong-target = statement { $target } is a { $found }; a { $kind } applies to { $expected }
rule-superseded = statement { $target } was already superseded by { $by }; amend or retract the latest version
rule-retracted = testimony { $target } was already retracted by { $by }
rule-incident-id-changed = an amendment of incident { $old } cannot change its id to { $new }
rule-already-merged = incident { $id } was already merged into { $into }
rule-no-such-part = statement { $target } has no part labelled { $label } to redact
rule-already-redacted = part { $label } of statement { $target } was already redacted at entry { $seq }
rule-redact-registry = registry statements cannot be redacted: the audit needs them
rule-genesis-refs = a genesis statement cannot refer to other statements
payload-missing-part = a { $kind } statement needs a part labelled { $label }
payload-json = the { $kind } payload is not valid JSON of its kind: { $reason }
payload-invalid = the { $kind } payload is invalid: { $reason }
authority-unknown-key = author key { $key } is not enrolled in this archive (a custodian must enrol it first)
authority-revoked = author key { $key } ({ $name }) was revoked at entry { $seq }: { $reason }
authority-role-may-not = { $name } holds the role { $role }, which may not sign { $kind } statements
authority-late-genesis = a genesis statement may only be entry 0
authority-no-genesis = entry 0 must be a genesis statement, not { $kind }
authority-already-enrolled = key { $key } is already enrolled (as { $name }, { $role })
authority-re-enrol-revoked = key { $key } was revoked at entry { $seq }; a revoked key cannot be enrolled again (generate a new key)
authority-revoke-unknown = key { $key } is not enrolled, so it cannot be revoked
authority-already-revoked = key { $key } is already revoked (at entry { $seq })
authority-last-custodian = refusing to revoke the last active custodian: the archive would be frozen (enrol another custodian first)
authority-bad-key = the payload's key is not a valid, non-weak Ed25519 key: { $detail }
authority-reader-enrolled = reader { $recipient } is already enrolled (as { $name })
authority-reader-enrolled-revoked = reader { $recipient } is already enrolled (as { $name }, since revoked: a revoked reader is never enrolled again)
authority-revoke-unknown-reader = reader { $recipient } is not enrolled, so it cannot be revoked
authority-reader-revoked = reader { $recipient } is already revoked (at entry { $seq })

## Who did what to whom (the report's domain facts)

precision-unknown-month = month unknown
report-place-precision = { $place } (precision: { $precision })
report-fact-perpetrators = alleged perpetrators
report-fact-means = means
report-fact-grade-verification = grade: verification
report-fact-grade-reliability = grade: reliability as source
report-not-graded = not graded
report-grade-verification = verification { $value } (entry { $seq }, { $who })
report-grade-reliability = reliability { $value } (entry { $seq }, { $who })
report-col-acts = acts
report-col-grade = grade
report-incident-record = incident record
report-fact-source-line = entry { $seq }, { $who } ({ $what }); { $grade }
report-h-perpetrators = Alleged perpetrators of { $id }, by source
report-perpetrator-agreement = { $verdict }; { $sources ->
    [one] { $sources } independent source
   *[other] { $sources } independent sources
}
report-col-perpetrator = perpetrator
report-col-attribution = attribution
report-col-each-perpetrator-source = each source (attribution, kind — entry, author; grade)
report-h-means = Means used in { $id }, by source
report-model-not-given = model not given
report-col-means = means
report-col-each-means-source = each source (model — entry, author; grade)
report-h-data-conflicts = Accounts whose figures contradict each other ({ $n })
report-data-conflicts-intro = Kept as the source gave them, and counted; flagged so that they are not read as agreed.
report-data-conflict-figures = these figures of the account disagree: { $figures }
report-col-account = account
report-col-about = about
report-col-what-disagrees = what disagrees
figure-named-dead = victims named as dead
figure-women-and-children-dead = women and children among the dead
value-kind-state-forces = state forces
value-kind-foreign-forces = foreign forces
value-kind-private-military-company = private military company
value-kind-armed-group = armed group
value-kind-unknown = unknown
value-attribution-confirmed = confirmed
value-attribution-alleged = alleged
value-attribution-disputed = disputed
value-attribution-denied = denied
value-means-armed-drone = armed drone
value-means-aircraft = aircraft
value-means-helicopter = helicopter
value-means-artillery = artillery
value-means-small-arms = small arms
value-means-explosive-device = explosive device
value-means-arson = arson
value-means-other = other
value-act-killed = killed
value-act-injured = injured
value-act-burned = burned
value-act-disappeared = disappeared
value-act-detained = detained
value-act-tortured = tortured
value-act-displaced = displaced
value-act-property-destroyed = property destroyed
value-age-group-child = child
value-age-group-adult = adult
value-age-group-elderly = elderly
value-age-group-unknown = age group unknown
value-verification-confirmed = confirmed
value-verification-fair = fair
value-verification-weak = weak
value-verification-contested = contested
value-verification-discounted = discounted
value-reliability-high = high
value-reliability-medium = medium
value-reliability-low = low
value-reliability-unknown = unknown
value-place-precision-exact = exact
value-place-precision-approximate = approximate
value-place-precision-locality = locality
value-place-precision-commune = commune
value-place-precision-cercle = cercle
value-place-precision-region = region
value-place-precision-country = country
rule-grade-target = statement { $target } is a { $found } statement: a grade grades a source, so it applies to a testimony or a summary claim
authority-succeeds-itself = key { $key } cannot succeed itself
authority-succeeds-unknown = the key to succeed, { $key }, is not enrolled in this archive (a successor succeeds a key enrolled before it)
authority-already-succeeded = key { $key } ({ $name }) is already succeeded by { $by } ({ $by_name }); a key has at most one successor (enrol the new key as the successor of { $by_name }'s key instead)
authority-succession-cycle = key { $key } cannot succeed { $succeeds }: { $succeeds } already descends from { $key }, and a succession never loops

## Errors of a JSON input (every one, with its path and value)

json-top = (the top)
json-syntax = line { $line }, column { $column }: { $reason }
json-repeated = line { $line }, column { $column }: member { $name } is given twice in one object
json-unknown-field-none = { $path }: unknown field; this object has no fields
json-unknown-field = { $path }: unknown field; the fields here are { $allowed }
json-wrong-type = { $path }: { $value } is { $found }, expected { $expected }
json-not-one-of = { $path }: { $value } is not one of { $allowed }
json-missing = { $path }: missing (a required field)
json-invalid = { $path }: { $reason }
json-invalid-value = { $path }: { $value }: { $reason }
json-errors-count = { $n } errors:{" "}
json-type-string = a string
json-type-integer = an integer
json-type-non-negative-integer = an integer, 0 or more
json-type-number = a number
json-type-boolean = true or false
json-type-array = an array
json-type-object = an object
json-type-null = null
compose-not-an-object = the input must be a JSON object
compose-not-composable = { $kind } statements cannot be made from a JSON file ({ $hint })
report-named-by-graded = { $entry }; graded { $grade }

## Incidents, tallies and the demo (src/cli/domain.rs)

as-of-nothing = as of before entry 0: the archive held nothing yet
as-of-latest = as of entry { $seq } (received { $when }), the latest
as-of-earlier = as of entry { $seq } (received { $when }); the log now has { $size } entries
list-merged-into = merged into { $into }
list-includes = includes { $members }
list-plus-retracted = (+{ $n } retracted)
list-plus-compromised = (+{ $n } signed after a compromise)
col-incident = incident
col-date = date
col-place = place
col-dead = dead
col-injured = injured
col-missing = missing
col-women = women
col-children = children
col-sources = sources
col-testimonies = testimonies
col-named = named
col-figure = figure
col-claimed = claimed
col-records = records
col-incidents = incidents
col-difference = difference
col-records-sources = records' sources
col-entry = entry
col-kind = kind
col-author = author
col-statement = statement
col-step = step
list-legend = { $n } incidents. Figures are the range the sources give; ⚠ = sources disagree; "sources" = independent sources of the dead figure; ~ = estimated date; 2025-11 = day unknown, 2025 = month unknown.
tally-head = Tally: region { $region }, { $from } → { $to }, as of entry { $seq }
tally-head-min-grade = , sources graded at least { $grade }
tally-any-region = any
tally-beginning = the beginning
tally-now = now
tally-total = total ({ $n } incidents)
tally-women-children = women and children dead, from the records: { $total }
tally-left-out = counting only sources graded at least { $grade }: { $n ->
    [one] { $n } testimony
   *[other] { $n } testimonies
} left out ({ $ungraded } ungraded, { $below } graded below)
tally-no-figure = { $figure }: no figure for { $incidents }
tally-partial = { $figure }: only one of the two figures for { $incidents }
tally-no-claim = No summary claim covers this window.
tally-claims-head = Summary claims, set against the incident records in their own scope (difference = claimed − records)
tally-claimed-at = claimed at { $entry } by { $who } ({ $source })
tally-scope = scope: { $rule }: { $incidents }
tally-agrees = agrees
tally-differs = DIFFERS
tally-disagreements = Claims over the same region and window that disagree with each other
grade-reliability-short = reliability { $value } (#{ $seq })
demo-banner = temoin demo — DEMO ONLY: keys from keys/ (public seeds); one source marked FICTIVE shows a disagreement
demo-archive = archive { $dir } (origin { $origin }), checkpoint key { $vkey }
demo-source = source: examples/seed/{ $file } (the article, kept verbatim as the press testimony's text)
demo-verified = verified: { $entries }, { $authors }, { $parts }, { $checkpoints } — every signature, link, Merkle node, checkpoint and authority
demo-redacted = part { $label } of entry { $seq } erased by the redaction order at entry { $by } (reported, not a fault)
demo-incidents = Incidents
demo-region = Region { $region }, any date: { $dead } dead in { $n } incidents
demo-region-outside = Region { $region }, any date: { $dead } dead in { $n } incidents — { $outside } outside the three weeks
demo-read-further = Read further:
demo-perpetrators = Alleged perpetrators (as the sources give them; attribution, kind)
demo-perpetrator = { $name } — { $what } — { $n ->
    [one] { $n } incident
   *[other] { $n } incidents
}, from { $sources }
demo-perpetrator-from = { $entry } by { $who }, graded { $grade }
tally-scope-window-region = incidents in { $region } from { $from } to { $to }
tally-scope-window = incidents from { $from } to { $to }
tally-scope-named = the incidents the claim names
tally-derived = { $women } women + { $children } children
tally-disagreement = { $figure } ⚠ { $from } → { $to }: { $values }
tally-versus = {" "}vs{" "}
value-stance-corroborates = corroborates
value-stance-contradicts = contradicts
value-stance-note = note
value-relation-eyewitness = eyewitness
value-relation-relative = relative of victims
value-relation-local-notable = local notable
value-relation-hearsay = hearsay
value-relation-press = press
value-relation-intermediary-observation = intermediary's own observation
annotation-line = { $stance } by { $who } ({ $entry }): { $text }
relation-described = { $relation }: { $description }

## incident show

show-title = Incident { $id } — { $title }
show-built-from = built from { $n } entries; last change at entry { $last }
show-merged-into = MERGED into { $into } at { $entry } ({ $reason }): read it there: `temoin incident show { $into }`
show-includes = includes   { $from } (merged at { $entry } by { $who }: { $reason })
show-merged-record = Record of merged incident { $id }
show-figures = Figures (each source's count; the range; independent sources; ⚠ = sources disagree)
show-ungraded = ungraded
show-left-out-list = : { $list }
show-no-graded-figure = (no source graded at least { $grade } gives a figure)
show-no-figure = (no source gives a figure yet)
col-range = range
col-says = says
col-from = from
col-relation = relation
col-grade = grade
col-about = about
col-name = name
col-sex = sex
col-age = age
col-group = group
col-status = status
col-acts = acts
show-victims = Victims named ({ $n }; merged across testimonies by name, accents and case ignored)
show-testimonies = Testimonies ({ $counted } counted, { $not } not counted)
show-counted = counted
show-retracted = RETRACTED at { $entry } ({ $reason }): not counted
show-elsewhere = now about { $incidents } only: not counted
show-compromised = SIGNED AFTER A DECLARED COMPROMISE (key distrusted since { $since } by the revocation at #{ $by }): not counted
show-testimony = { $entry } by { $who } — { $source } [{ $language }] — { $status }
show-graded = graded { $grade }
show-amends-outside = first version here amends { $statement }, which spoke of other incidents
show-part-erased = { $label } [ERASED by { $entry }: { $reason }]
show-version = v{ $n } { $entry } received { $received }; parts: { $parts }
show-amended-because = amended because: { $reason }
show-version-compromised = signed after a declared compromise: key distrusted since { $since } (revocation #{ $by })
annotation-on-line = { $stance } by { $who } ({ $entry }, on { $on }): { $text }
show-claims = Summary claims naming this incident
show-claim-compromised = signed after a declared compromise
show-compromised-head = Signed after a declared compromise (shown, kept out of the figures)
show-compromised-line = { $entry } ({ $kind }) by { $who }: received not before { $since }, the time since when the revocation at #{ $by } distrusts its key
show-legend = #N = entry number in the log, followed by the statement hash (first 12 hex digits).
grade-verification-word = verification { $value }
grade-reliability-word = reliability { $value }
grade-given = grade: { $parts }
value-sex-female = female
value-sex-male = male
value-sex-unknown = unknown
value-status-dead = dead
value-status-injured = injured
value-status-missing = missing
fact-incident-record = incident record
show-perpetrators = Alleged perpetrators (each source's attribution and kind; ⚠ = sources disagree)
show-means = Means (each source's; several may have been used)
show-data-conflicts = Accounts whose figures contradict each other (counted as given; ⚠)
show-data-conflict = { $entry } by { $who }, about { $incident }: { $what }
data-conflict-figures = these figures of the account disagree: { $figures }
col-perpetrator = perpetrator
col-attribution = attribution
col-means = means
col-model = model
record-label-record = record
record-label-type = type
record-label-when = when
record-label-place = place
record-label-about = about
record-label-earlier = earlier
record-label-amended = amended
record-amended-because = { $entry }: { $reason }
record-version = version { $n } of { $n }: { $entry } by { $who }
col-entries = entries
victims-legend = { $n } named victims. ⚠ = sources disagree on status, sex, age or age group; "entries" = the entries that name them.
col-found = found
col-field = field
col-text = text
search-legend = { $n ->
    [one] { $n } match
   *[other] { $n } matches
} for { $text }.
value-search-kind-incident = incident
value-search-kind-place = place
value-search-kind-victim = victim
value-search-kind-perpetrator = perpetrator
value-search-field-id = id
value-search-field-title = title
value-search-field-place = place
value-search-field-commune = commune
value-search-field-cercle = cercle
value-search-field-region = region
value-search-field-name = name

## Keys

key-secret-protected = secret key: { $file } (mode 0600, protected by a passphrase; keep it private)
key-secret-clear = secret key: { $file } (mode 0600, not protected by a passphrase; keep it private)
key-public = public key: { $file }
key-vkey = vkey:       { $vkey }
key-reader-protected = reader key: { $file } (mode 0600, protected by a passphrase; keep it private: it opens sealed parts)
key-reader-clear = reader key: { $file } (mode 0600, not protected by a passphrase; keep it private: it opens sealed parts)
key-recipient = recipient:  { $recipient } (in { $file })
keys-revoked-reader = revoked at entry { $seq }: { $reason }
keys-revoked = revoked at entry { $seq }{ $at }, distrusted since { $since }: { $reason }
keys-active = active
keys-succeeds = succeeds { $name }
keys-succeeded-by = succeeded by { $name }
col-role = role
col-enrolled = enrolled
col-vkey = vkey / recipient
history-head = History of { $kind } { $subject } ({ $n ->
    [one] { $n } entry
   *[other] { $n } entries
})
history-no-change = (changes nothing in the record or its figures)

## inspect

inspect-file = file
inspect-statement = statement
inspect-kind = kind
inspect-author = author
inspect-not-a-key = { $key } (not a valid key)
inspect-created = created at
inspect-signature = signature
inspect-signature-valid = valid (ed25519, verify_strict)
inspect-signature-invalid = INVALID: { $error }
inspect-refs = refs
inspect-none = none
inspect-sealed-to = { $n ->
    [one] sealed to { $n } reader
   *[other] sealed to { $n } readers
}
inspect-attachment = attachment, { $media }
inspect-check-ok = ok
inspect-check-ok-ciphertext = ok (ciphertext)
inspect-check-mismatch = MISMATCH: its { $carried } bytes are not the ones the author committed ({ $committed } bytes)
inspect-check-fault = FAULT: { $fault }
inspect-check-missing = MISSING: the file does not carry it
inspect-check-missing-ciphertext = MISSING: the file does not carry its ciphertext
inspect-fault-uncommitted = the file carries a part { $label } the statement does not commit
inspect-fault-companion = part { $label }: { $check }
inspect-col-part = part
inspect-col-bytes = bytes
inspect-col-notes = notes
inspect-col-check = check
inspect-fault = fault: { $fault }
inspect-ok = ok: the signature verifies and every part carried matches its commitment
inspect-not-ok = NOT OK: this statement file would be refused (see above)

## Sealed parts and parts

seal-to-readers-needs-archive = --to-readers reads the readers from an archive: give --archive DIR (or set TEMOIN_ARCHIVE)
seal-no-reader = --to-readers: the archive { $dir } enrols no reader (a custodian enrols one with `temoin key enroll --role reader --public READER.key.pub`)
seal-to-whom = --seal { $label }: to whom? Give --to RECIPIENT (or a reader's .pub file) or --to-readers
seal-nothing = readers were given but there is nothing to seal: this statement has no witness part; name a part with --seal LABEL
part-no-such = statement { $statement } commits no part { $label } (its parts: { $parts })
part-is-sealed = part "{ $label }" is sealed: the archive holds only its ciphertext; a reader opens it with `temoin unseal --identity KEY --statement { $hash } --label { $label }`
part-written = part { $label } of statement { $statement } (entry { $seq }): { $size }, matching the signed digest { $digest } -> { $out }
unsealed-written = part { $label } of statement { $statement } unsealed, matches the author's commitment: { $size } written to { $out }
unseal-not-sealed = part { $label } of this statement is not sealed (no { $label }.age is committed), so there is nothing to unseal
unsealed-printed = part { $label } of statement { $statement } unsealed; it matches the author's signed commitment

## Consistency

consistency-proof-written = consistency proof { $old } -> { $new } ({ $n } hashes) written to { $out }
consistency-genesis-key = note: using the checkpoint key the archive's genesis names ({ $key }); pass --archive-key to rely on a key you got elsewhere
consistency-ok = ok: NEW (size { $new_size }, root { $new_root }) extends OLD (size { $old_size }, root { $old_root }) of { $origin }: the log was only appended to
col-seq = seq
col-received = received
col-refs = refs
col-parts = parts

## rebuild

rebuild-replayed = replayed { $entries } entries in { $seconds } s ({ $rate } entries/s): { $incidents } incidents, { $claims } summary claims
rebuild-touch-ok = touch index: { $n } (incident, entry) pairs, all as the replay finds them
rebuild-touch-differs = touch index DIFFERS for { $incident }: missing entries { $missing }, extra entries { $extra }
rebuild-summaries = cached incident summaries: { $matched } matched, { $stale } out of date, { $missing } not yet cached, { $differing } differing
rebuild-unknown = cached summaries of incidents the log does not have (removed): { $incidents }
rebuild-claims-ok = summary-claims index: ok
rebuild-claims-differs = summary-claims index: DIFFERS
rebuild-rewritten = every cached summary now rewritten from the replay
rebuild-matches = rebuild: what was stored matches the log

## Why a value is refused (temoin::reason::Reason). JSON names and the
## values an author writes stay as written, quoted.
reason-expected = expected { $expected }
reason-expected-count = expected a count: a whole number, 0 or more, or {"{"}"min": N, "max": M{"}"}
reason-statement-hash = must be a statement hash, 64 hex digits
reason-time = must be a time like 2025-11-20T10:00:00Z
reason-note-needs-text = a note needs a "text"
reason-testimony-needs-text = a testimony needs its "text": the account as the witness gave it
reason-country-fix = { $value } is not an ISO 3166-1 alpha-2 country code: write { $fix }
reason-country = { $value } is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. "ML" for Mali)
reason-language-fix = { $value } is not a BCP 47 language tag: write { $fix }
reason-language = { $value } is not a BCP 47 language tag (e.g. "fr" for French, "tmh" for Tamasheq, "fr-ML" for the French of Mali)
reason-not-a-date = { $field } { $value } is not a date YYYY-MM-DD
reason-empty = { $field } is empty
reason-empty-perpetrator-name = perpetrator name is empty
reason-empty-victim-name = victim name is empty
reason-empty-model = means model (omit it when not known) is empty
reason-incident-id = incident id { $id } must be 1-64 characters of a-z, 0-9 and '-'
reason-end-before-start = when.end is before when.start
reason-coordinates = coordinates out of range
reason-range = { $field }: range min { $min } is above max { $max }
reason-victim = claims about { $incident }, victim { $name }: { $fault }
victim-fault-age-range = age: range min { $min } is above max { $max }
victim-fault-child-aged = age_group "child" but age { $age } is 18 or over
victim-fault-minor-aged = age_group { $group } but age { $age } is under 18
victim-fault-act-twice = act { $act } is given twice
victim-fault-killed-not-dead = act "killed" but status { $status }: a victim killed has status "dead"
victim-fault-dead-not-killed = status "dead" but the acts given do not include "killed": add it, or give no acts
reason-no-incident = a testimony must name at least one incident
reason-incident-twice = incident { $id } is named twice
reason-claims-twice = two claims blocks about { $id }: give one block per incident
reason-claims-not-named = claims about { $id }, which is not in the testimony's incidents
reason-amendment-one-of = an amendment carries exactly one of "testimony" or "incident"
reason-grade-empty = grade: give its verification, its reliability or both (or leave out grade)
reason-merge-into-itself = an incident cannot be merged into itself
reason-to-before-from = "to" is before "from"
reason-redact-payload = the payload part cannot be redacted (projections and audit need it); redact the witness or text part instead
reason-redact-companion = a sealed part's companion is not redacted on its own: name the sealed part (e.g. "witness", not "witness.age"), which erases its ciphertext
reason-checkpoint-key-name = checkpoint_key is named { $name }, not the origin { $origin }
reason-reader-role = a recipient is enrolled as a reader, not as { $role } (a signing key is enrolled by "key")
reason-reader-by-key = a reader is enrolled by its age recipient ("recipient": "age1…"), not by a signing key
reason-revocation-reason = a revocation needs a reason
reason-field = { $field }: { $detail }

## History (crates/temoin-archive/src/projection/history.rs): what each
## entry is and what it changed in the record.
when-estimated = { $when } (estimated)
place-commune = commune { $name }
place-cercle = cercle { $name }
place-region = région { $name }
place-precision = precision: { $precision }
history-source-described = { $relation }: { $description }
history-opened = opened incident { $id }: { $title } — { $place }, { $when }
history-testimony = testimony ({ $source }) about { $incidents }
history-amended-incident = amended incident record { $target }: { $reason }
history-amended-testimony = amended testimony { $target }: { $reason }
history-retracted = retracted testimony { $target }: { $reason }
history-annotation = annotation ({ $stance }) on { $target }: { $text }
history-annotation-graded = annotation ({ $stance }) on { $target }: { $text } [grade: { $grade }]
history-merged = merged { $from } into { $into }: { $reason }
history-summary-claim = summary claim: « { $text } »
history-redaction = redaction order: part { $label } of { $target } erased: { $reason }
history-revoked = revoked key { $key }…, declared distrusted since { $time }
history-other = { $kind } statement
history-figure-sources = { $value } ({ $n ->
    [one] { $n } source
   *[other] { $n } sources
})
history-record = record: { $title } — { $place }, { $when } ({ $kind })
history-title = title: { $was } → { $now }
history-type = type: { $was } → { $now }
history-place = place: was { $was }; now { $now }
history-when = when: was { $was }; now { $now }
history-description = description: { $text }
history-merged-into = merged into { $into }: its record and testimonies are read there
history-now-includes = now includes incident { $from } (merged into it)
history-testimony-counted = testimony { $name } counted
history-testimony-shown = testimony { $name } shown, not counted
history-testimony-version = testimony { $name }: now read in its version { $version }
history-testimony-counted-again = testimony { $name } counted again
history-testimony-retracted = testimony { $name } retracted ({ $reason }): out of the figures
history-testimony-elsewhere = testimony { $name } now speaks of { $incidents } only: out of the figures
history-testimony-compromised = testimony { $name }: its version { $version } was signed after the compromise the revocation at entry { $seq } declares: out of the figures
history-part-erased = part { $label } of { $version } erased ({ $reason }): shown as a gap
history-figure = { $figure }: { $was } → { $now }
history-perpetrator-text = { $name } ({ $attribution }; { $kind })
history-victims-named = victims named: +{ $names }
history-victims-unnamed = victims no longer named: { $names }
history-compromised-entry = entry { $seq } ({ $kind }, statement { $statement }) signed after a declared compromise: received not before { $time }, the time since when the revocation at entry { $revoked } distrusts its key
history-claim-naming = summary claim naming it: « { $text } »
history-perpetrator-new = alleged perpetrator: { $now }
history-perpetrator = perpetrator: { $was } → { $now }
history-graded = testimony { $name } graded: { $was } → { $now }
history-data-conflict = data conflict in entry { $seq } about { $incident }: { $text }
history-incidents = incidents: { $was } → { $now }
history-source = source: { $was } → { $now }
history-figure-in = { $figure } ({ $incident }): { $was } → { $now }
history-perpetrators-in = perpetrators ({ $incident }): { $was } → { $now }
history-means-in = means ({ $incident }): { $was } → { $now }
history-victims-in = victims ({ $incident }): +{ $names }
history-victims-in-unnamed = victims ({ $incident }) no longer named: { $names }
history-first-version = first version, about { $incidents }
history-withdrawn = withdrawn: kept in history, out of every figure
history-erased = part { $label } erased: shown as a gap
history-version-compromised = version { $version } signed after this declared compromise: out of every figure while it is the latest version

## Archive, store, lookup and file errors (src/cli/errors.rs): the
## English is the library's own words.
io-not-found = No such file or directory
io-permission-denied = Permission denied
io-already-exists = File exists
io-is-a-directory = Is a directory
io-not-a-directory = Not a directory
io-storage-full = No space left on device
io-read-only = Read-only file system
io-cannot-read = cannot read { $what } { $path }: { $error }
io-cannot-write = cannot write { $what } { $path }: { $error }
file-bundle = bundle
file-consistency-proof = consistency proof
file-input = input
file-receipt = receipt
file-report = report
file-statement = statement file
file-checkpoint = checkpoint
file-key = key
archive-locked = archive { $dir } is in use by another process (only one temoin may write an archive at a time; wait for it to finish)
archive-not-an-archive = { $dir } is not a temoin archive (no db/ inside); create one with `temoin init`
archive-other-format = { $dir } is a temoin archive of format { $found }, not { $expected }: open it with the temoin release that wrote it and export what you need
archive-already-exists = { $dir } already exists and is not empty; `temoin init` needs a new directory
archive-read-only = archive { $dir } was opened for reading only; writing needs Archive::open, with the archive's checkpoint.key
archive-input = cannot read the statement file: { $error }
archive-io = cannot access { $path }: { $error }
archive-genesis = the archive's own genesis statement was refused: { $refusal }
archive-bad-origin = origin { $origin } is not a valid checkpoint origin: use a name without spaces or '+', e.g. "temoin.example/tombouctou"
archive-sign-checkpoint = cannot sign the checkpoint: { $error }
archive-no-checkpoint = the archive has no checkpoint yet
archive-not-covered = entry { $seq } is not covered by the latest checkpoint (size { $size })
archive-no-such-proof = no such proof in a tree of size { $size }: { $error }
archive-receipt = cannot make the receipt: { $error }
archive-genesis-no-outcome = the archive's genesis statement produced no outcome
archive-wrong-checkpoint-key = { $path } holds checkpoint key { $found }, not the key the archive's genesis names ({ $expected }): the archive signs checkpoints only with its own key; restore its checkpoint.key from a backup
archive-protected-checkpoint-key = { $path } is protected by a passphrase, but the archive signs a checkpoint at every write, unattended: keep the checkpoint key in clear, mode 0600, on a protected disk (remove the passphrase with `temoin key passphrase --remove { $path }`)
archive-inconsistent = the archive's stored state does not match its log: { $detail }; nothing was written (run `temoin verify` to locate the fault, then restore the archive from a backup)
archive-write-failed = an earlier write of this process failed, so nothing more is acknowledged; reopen the archive (the failed batch was not acknowledged)
archive-init = cannot create the archive at { $dir }: { $why }
store-sled = storage error: { $error }
store-unreadable = sled's database (db/db) could not be read at { $what }: { $error }; the file is damaged: restore the archive from a backup
store-corrupt = the store is damaged: { $detail } (run `temoin verify` to locate the fault)
store-sync = { $error }; nothing was acknowledged: check the disk, then reopen the archive
store-too-large-to-hold = a part of entry { $seq } is { $len } bytes, more than this reads into memory; read it as a stream (`temoin part get`)
lookup-not-found = no statement in this archive has a hash starting with { $prefix } (`temoin log` lists them)
lookup-not-found-in-bundle = no statement in the bundle { $bundle } has a hash starting with { $prefix } (`temoin log` lists them)
lookup-ambiguous = the hash prefix { $prefix } is ambiguous: it matches { $n } statements; give more hex digits:
lookup-ambiguous-more = the hash prefix { $prefix } is ambiguous: it matches more than { $n } statements; give more hex digits:
lookup-entry = entry
projection-corrupt = entry { $seq }: { $reason } (the store is damaged; run `temoin verify` to locate the fault)
projection-unknown-incident = no incident { $id } in this archive (`temoin incident list` shows them)
projection-not-yet-opened = incident { $id } was not yet opened as of entry { $as_of } (it was opened at entry { $opened_at })
projection-ambiguous = { $query } matches several incidents ({ $candidates }); give the incident id
projection-unknown-statement = no statement in this archive has a hash starting with { $prefix } (`temoin log` lists them)
projection-bad-subject = { $subject } is not an incident id nor a statement hash (give an incident id, or at least 8 hex digits of a statement hash)
projection-no-history = statement { $hash } is a { $kind } statement: history follows incidents, incident records and testimonies
projection-bad-as-of = --as-of { $value }: give an entry number (e.g. 42) or a UTC time (2025-11-20 or 2025-11-20T10:00:00Z)
projection-bad-date = { $what } { $value } is not a date YYYY-MM-DD

## Command-line errors (src/cli/core.rs)
cli-max-part-bytes = --max-part-bytes { $given }: over the format's limit of { $limit } bytes (docs/FORMAT.md §13)
cli-cannot-write-in = cannot write in { $dir }: { $error }
cli-cannot-write-stdout = cannot write the statement file to standard output: { $error }
cli-cannot-create-temp = cannot create a temporary file: { $error }
cli-unknown-kind = unknown kind { $kind }; kinds are: { $kinds }
cli-damaged-entry = damaged entry: { $error }; run `temoin verify`
cli-damaged-entry-at = entry { $seq }: { $error }; run `temoin verify`
cli-cannot-start-audit = cannot start the audit: { $error }
cli-stalled-opening = while opening it or reading its first entries
cli-stalled-after = after { $n } entries were checked, while reading entry { $n } and after, or the rows derived from the log
cli-stalled = the store did not answer for { $seconds } s { $at }: sled's database { $db } is damaged (sled retries a damaged page forever); restore the archive from a backup
cli-unknown-role = unknown role { $role }: use custodian, intermediary, reviewer or reader
cli-bad-effective = --effective { $value } is not YYYY-MM-DD[THH:MM:SSZ]
cli-not-a-secret-key = { $path } is not a temoin secret key or reader key
cli-passphrase-removed = passphrase removed; the key is now in clear
cli-passphrase-set = now protected by the new passphrase
cli-no-enrolled-key = { $option } { $arg }: no enrolled key has that name, key or key prefix (see `temoin key list`)
cli-several-keys = { $option } { $arg }: { $n } keys answer to it: { $keys }; give more hex digits or the key itself
cli-role-revoked = { $role }, revoked
cli-already-revoked = the key enrolled as { $name } is already revoked (see `temoin key list`)
cli-several-enrolled-as = { $n } keys are enrolled as { $name }: { $keys }; give the key itself (its .pub file or key text)

## Command-line errors (src/cli/evidence.rs)
cli-file-too-large = { $what } { $path } is { $len } bytes; that is not a { $what } (limit { $limit })
cli-not-utf8 = { $what } { $path } is not UTF-8 text
cli-no-checkpoint-at = the archive issued no checkpoint at tree size { $size } (it signs one per ingest batch; omit --size for the latest)
cli-checkpoint-damaged = the stored checkpoint is damaged: { $error }
cli-old-after-new = --old { $old } is larger than --new { $new }
cli-no-out-dir = --out { $out }: the directory { $dir } does not exist (create it first)
cli-bad-format = --format { $format }: use html or markdown
cli-old-larger = OLD is larger than NEW: give the earlier checkpoint first
cli-no-receipt-dir = the statements were appended, but the receipt directory { $dir } cannot be created: { $error }; get the receipts later with `temoin receipt`
cli-no-receipt = statement { $statement } was appended as entry { $seq }, but its receipt cannot be made: { $error }
cli-receipt-unwritten = { $error } (statement { $statement } was appended as entry { $seq }; get its receipt later with `temoin receipt`)

## Command-line errors (src/cli/mod.rs, evidence.rs, habits.rs)
cli-cannot-read-stdin = cannot read { $what } from standard input: { $error }
cli-stdin-over-limit = the { $what } on standard input is over the limit of { $limit } bytes
cli-archive-key-which = --archive-key takes the archive's checkpoint vkey, as `temoin key list` shows it (name+keyid+base64)
cli-archive-key-neither = --archive-key { $arg } is neither a vkey nor a file ({ $error }); { $which }
cli-not-a-tms = { $file }: not a readable statement file (.tms): { $error }
cli-statement-does-not-decode = { $file }: the statement does not decode: { $error }
cli-cannot-read-part = { $file }: cannot read part { $label }: { $error }

## clap's refusals of a command line (src/cli/lang.rs, clap_error)
clap-error = error: { $message }
clap-more = For more information, try '--help'.
clap-missing = the following required arguments were not provided: { $args }
clap-unknown-argument = unexpected argument { $arg }
clap-unknown-command = unrecognized subcommand { $command }
clap-suggested = ; similar commands: { $suggested }
clap-invalid-value = invalid value { $value } for { $arg }
clap-valid-values = ; possible values: { $values }
clap-value-validation = invalid value { $value } for { $arg }: { $reason }
clap-missing-command = a command is required
clap-conflict = the argument { $arg } cannot be used with { $other }
cli-bad-grade = { $value } is not a verification grade: use confirmed, fair, weak, contested or discounted

## Access tokens and the access log (src/cli/access.rs)
file-access = access file
file-token = token file
access-sync = cannot make { $path } durable: { $error }
access-damaged = { $path } is damaged: { $why }; restore it from a backup
access-no-such-token = no token { $id } (`temoin token list` shows them)
access-ambiguous-token = { $id } names several tokens; give more of its id
access-empty-name = a token needs a name: whose it is ("Me Traoré, Bamako bar")
access-broken = the access log breaks at line { $line }: { $why }; it was edited or lines were removed there
access-bad-role = unknown role { $role }: use lawyer, reviewer or custodian
access-token-made = token { $id } made for { $name } ({ $role }); it is shown once, above: give it to its holder by a safe channel
access-token-revoked = token { $id } ({ $name }) revoked: it opens nothing from now on
access-revoked-at = revoked { $at }
access-live = live
access-col-id = id
access-col-name = name
access-col-role = role
access-col-created = made
access-col-status = status
access-col-n = n
access-col-at = when
access-col-who = who
access-col-what = what
access-col-scope = scope
access-col-withheld = withheld
access-col-sha256 = sha256
access-col-from = from
access-log-intact = { $n ->
    [one] { $n } record; the chain of the access log holds.
   *[other] { $n } records; the chain of the access log holds.
}
## The server (temoin serve, temoin push)
archive-served = archive { $dir } is served by a running server at { $url }: it owns the archive; use --server { $url } (or stop the server)
serve-listening = temoin serve: listening on { $url } (archive { $dir }); stop with Ctrl-C
serve-stopped = temoin serve: stopped; every acknowledged statement is durable
push-accepted = { $file }: in the log as entry { $seq }; receipt verified and saved to { $receipt }
push-failed = { $file }: not pushed: { $error }
push-summary = { $failed } of { $total } statement files were not pushed (see above)
witness-key-secret-given = a witness's public key is expected here, but this holds a secret key (PRIVATE+KEY+…): give the .pub file, or the vkey it holds
witness-key-neither = --witness { $arg } is neither a witness vkey nor a file ({ $error })
witness-policy-not-enough = the checkpoint (tree size { $size }) carries { $have } valid cosignature(s) from the given witnesses, { $need } required; missing: { $missing }
witness-policy-bad-cosignature = the cosignature on line { $line } by witness { $name } does not verify: the checkpoint is refused
witness-policy-length = the line { $line } by witness { $name } decodes to { $found } bytes, a cosignature (tlog-cosignature/v1) needs 76: the checkpoint is refused
witness-policy-timestamp = the cosignature on line { $line } by witness { $name } has a timestamp above 2^63 - 1: the checkpoint is refused
witness-policy-duplicate = witness key { $witness } is given twice
witness-policy-threshold = --witness-threshold { $threshold } must be between 1 and the number of --witness keys ({ $witnesses })
witness-policy-failed = witness policy not met: { $error }
witness-policy-ok = witnesses: { $have } cosignature(s), { $need } required ({ $witnesses })
witness-listening = temoin witness: listening on { $url } (witness key { $vkey }, state { $dir }); stop with Ctrl-C
witness-stopped = temoin witness: stopped; every cosignature given is on disk
witness-serve-bad = --witness { $arg }: expected URL=VKEY, the witness's URL and its vkey (e.g. http://127.0.0.1:7380=witness.example/w1+1234abcd+BA…)
tsa-cert-bad = { $path }: not a usable TSA certificate ({ $error }): give the TSA's certificate, or its issuer's, in PEM (-----BEGIN CERTIFICATE-----) or DER
tsa-url-bad = --tsa: { $error }
timestamp-not-obtained = no timestamp obtained, nothing stored: { $error }
timestamp-stored = the checkpoint of tree size { $size } is timestamped and the token kept beside it ({ $ms } ms to obtain and verify it)
timestamp-existed = this checkpoint existed no later than { $time }, attested by { $tsa }
timestamp-unchecked = { $n } timestamp token(s) carried, not checked (give --tsa-cert to check them)
timestamp-failed = trusted time not established: { $error }
# Why a bundle fails (verify-bundle), and what it does not establish.
fault-line = { $at }: { $kind }: { $reason }
fault-line-short = { $at }: { $reason }
fault-at-bundle = bundle
fault-at-checkpoint = checkpoint
fault-at-entry = entry { $seq }
fault-at-authors = authors
fault-at-projection = projection
fault-kind-format = format
fault-kind-checkpoint = checkpoint
fault-kind-entry-bytes = entry bytes
fault-kind-hash = hash
fault-kind-signature = signature
fault-kind-decoded = decoded form
fault-kind-part = part
fault-kind-missing-part = missing part
fault-kind-inclusion = inclusion proof
fault-kind-chain = hash chain
fault-kind-authority = authority
fault-kind-registry = registry
fault-kind-authors = authors
fault-kind-projection = projection
fault-kind-compromise = compromise
fault-kind-scope = scope
fault-kind-rules = rules
fault-kind-sequence = sequence
fault-kind-tree = Merkle tree
fault-kind-derived-row = derived row
fault-kind-key-file = key file
fault-file-too-large = the file is over the limit of { $limit } bytes
fault-not-json = not a bundle: not a JSON object ({ $error })
fault-format-unread = format { $format }, this build reads { $expected }
fault-no-format = not a bundle: no "format": { $expected } field
fault-shape = the bundle's JSON does not have the bundle's shape: { $error }
fault-format = format { $format }, expected { $expected }
fault-checkpoint-key = the checkpoint does not verify with the archive key { $key }: { $error }; nothing in the bundle can be tied to the archive (check that --archive-key is the archive's checkpoint key, from `temoin key list`)
fault-origin = the bundle says origin { $bundle }, its checkpoint { $checkpoint }
fault-payload-withheld = the payload part cannot be withheld: authority and projection are computed from it
fault-more-faults = { $n } more faults
fault-out-of-order = entries are not in increasing seq order (entry { $seq } follows entry { $prev }); this one is ignored
fault-entry-too-large = the entry is over the limit of { $limit } bytes
fault-entry-base64 = "entry" is not base64: { $error }
fault-not-an-entry = the entry bytes are not a valid entry: { $error }
fault-wrong-seq = the bytes are those of entry { $found }, listed as entry { $listed }
fault-body = the statement body does not decode: { $error }
fault-entry-hash = entry_hash { $given } is not the hash of the entry bytes ({ $computed })
fault-statement-hash = statement_hash { $given } is not the hash of the signed statement ({ $computed })
fault-signature = the author's signature does not verify: { $error } (author key { $author })
fault-decoded = the decoded form does not match the entry bytes (bundle vs bytes: { $diff })
fault-proof-too-long = the inclusion proof has { $hashes } hashes, more than any tree needs
fault-proof-hex = a hash of the inclusion proof is not 64 hex digits
fault-not-proven = not proven to be leaf { $seq } of the signed tree of size { $size }: { $error }
fault-part-shape = part { $label } { $shape }: a part is carried either in the JSON or beside the bundle (FORMAT.md §12.2)
fault-shape-both = has both "content" and "beside"
fault-shape-neither = has neither "content" nor "beside"
fault-shape-beside-with-text = is beside the bundle and has a "text" (only a part carried in the JSON has one)
fault-part-not-committed = part { $label } is not committed in the signed body
fault-part-twice = part { $label } is included twice
fault-sealed-in-clear = part { $label } is sealed, yet the bundle carries it in clear (a sealed part travels only as its ciphertext { $ciphertext })
fault-content-length = part { $label }: its content is not { $length } bytes, the committed length
fault-salt = part { $label }: its salt is not 32 bytes of base64
fault-content-base64 = part { $label }: its content is not base64: { $error }
fault-mismatch = part { $label } does not match its commitment: SHA-256("temoin/part/v1\0" || salt || content) is not the signed digest { $digest }
fault-text-differs = part { $label }: its "text" is not its content (the content is verified; the text shown beside it was changed)
fault-unaccounted = part { $label } is committed in the signed body but neither included nor declared withheld or redacted
fault-absent-not-committed = part { $label } is declared absent but the signed body commits no such part
fault-payload-beside = the payload part is beside the bundle, but it never travels beside: the rules read it from the bundle
fault-beside-name = part { $label } is beside the bundle as { $name }, which is not its committed digest { $digest } in lowercase hex
fault-beside-missing = part { $label } travels beside the bundle as the file { $digest }, which { $why }: copy the files named by digests with the bundle, into the same directory
fault-beside-not-there = is not there
fault-beside-cannot-open = cannot be opened ({ $error })
fault-beside-cannot-read = cannot be read ({ $error })
fault-beside-longer = part { $label }: the file { $digest } beside the bundle is more than the committed { $committed } bytes (it was cut or added to)
fault-beside-length = part { $label }: the file { $digest } beside the bundle is { $length } bytes, not the committed { $committed } bytes (it was cut or added to)
fault-beside-mismatch = { $mismatch } (the file { $digest } beside the bundle was changed, or is another part's)
fault-beside-content = { $reason } (the file { $digest } beside the bundle)
fault-prev = prev { $prev } is not the hash of entry { $seq } ({ $expected })
fault-received-before = received_at { $received } is before entry { $seq }'s { $earlier }: the archive's clock never goes back
fault-absent = part { $label } is absent: { $problem }
absence-sealed-without-ciphertext = declared sealed, but the signed body commits no ciphertext for it
absence-must-be-sealed = it is sealed (its ciphertext is committed) and must be declared { $sealed }
absence-registry-withheld = registry entries are never withheld: authority is replayed from them
absence-payload-withheld = the payload part cannot be withheld
absence-not-in-withheld-labels = declared withheld, but { $label } is not in the bundle's withheld_labels
absence-withheld-but-redacted = declared withheld, but the redaction order at entry { $by } erased it: it must be declared redacted by { $by }
absence-redacted-without-seq = declared redacted without the seq of the redaction order
absence-redacts-another = declared erased by the redaction order at entry { $by }, which orders another part erased
absence-no-such-order = declared erased by a redaction order at entry { $by }, but the bundle holds no such order
absence-unknown-why = unknown reason { $why } (expected withheld, redacted or sealed)
fault-no-genesis = the genesis entry (entry 0) is not in the bundle: the authority of its authors cannot be replayed
fault-author-key = the author key is invalid: { $error }
fault-not-genesis = entry 0 must be the genesis statement, not { $kind }
fault-not-authorised = the author was not authorised at entry { $seq }: { $error }
fault-replayed-from = (authority replayed from the bundle's registry entries { $seqs })
fault-seq-list-long = { $first }, … ({ $n } in all)
fault-registry-payload-missing = this registry entry's payload is not in the bundle: authority cannot be replayed past it
fault-registry-payload = invalid registry payload: { $error }
fault-change-not-allowed = this registry change was not allowed: { $error }
fault-genesis-origin = the genesis names origin { $genesis }, the checkpoint { $checkpoint }
fault-genesis-key = the genesis names checkpoint key { $named }, not the archive key { $key } the bundle is verified with
fault-compromise-says = signed_after_compromise says { $says }, but the bundle's registry entries establish { $established }
fault-compromise-nothing = nothing
fault-compromise = revoked at entry { $by }, distrusted since { $since }
fault-twice = statement { $statement } is already entry { $first }: a statement is never appended twice
fault-refused = the archive would have refused it: { $why }
refused-ref-later = it refers to statement { $target }, which is entry { $at }: a ref names an earlier entry
refused-ref-not-in-bundle = it refers to statement { $target }, which is not in this bundle, though a bundle holds every statement its entries refer to
refused-incident-later = it names incident { $id }, which is opened only later, by entry { $at }
fault-no-statement = the bundle is for statement { $statement }, which is not among its entries
fault-no-incident = the bundle is for incident { $id }, but holds no incident record opening it
fault-not-whole = the bundle is for the whole log of { $size } entries, but entry { $missing } is not in it
fault-authors = the authors list differs from the one the registry entries define (bundle vs recomputed: { $diff })
fault-projection-format = the projection was computed as { $format } and this build computes { $expected }, so it cannot be compared; verify with a temoin of the bundle's version, or re-export (everything else was checked)
fault-projection = the bundle's projection differs from the one recomputed from its entries (bundle vs recomputed: { $diff })
fault-projection-failed = the projection cannot be recomputed from the entries: { $error }
undecided-incident-opening = it names incident { $id }, whose opening record is not in this bundle: that it was opened before entry { $seq } is not established by this bundle
finding-signed-after-compromise = entry { $seq }: statement { $statement } by key { $author } was received at { $received }, not before { $since }, the time since when the revocation at entry { $by } distrusts its key: signed after a declared compromise (kept out of figures)
verdict-entry-line = { $mark } entry { $seq }  { $kind } { $who } statement { $statement }{ $absent }{ $compromise }
verdict-mark-ok = ok
verdict-mark-compromised = !!
verdict-mark-bad = BAD
verdict-why-withheld = withheld
verdict-why-redacted = redacted
verdict-why-sealed = sealed
project-no-payload = entry { $seq }: its payload part is not in the bundle
project-payload = entry { $seq }: { $error }
scope-incident = incident { $id }
scope-statement = statement { $hash }
scope-all = the whole log

## --server: the reading commands asking an archive's server
remote-archive-or-server = give --archive DIR (or set TEMOIN_ARCHIVE), or --server URL
remote-json-only = over --server, `{ $command }` prints the server's JSON: add --json (tables and CSV are printed from the archive directory, or read in the server's web pages)
remote-token-missing = {" "}(this content needs a token: set TEMOIN_TOKEN or give --token-file FILE, with the token the custodian gave you)
remote-token-refused = {" "}(the server does not know this token, or it was revoked: ask the custodian for a new one)
remote-forbidden = {" "}(your token does not open this: it is for the custodian's tokens)
remote-token-file-empty = { $file }: the token file is empty (its first line must be the token `temoin token add` printed)
remote-export-scope = over --server, export takes --incident ID (a server exports one incident at a time)
remote-export-key = over --server, export needs --archive-key VKEY: the bundle is verified against the key you pinned before it is written
remote-export-unverified = the server's bundle does NOT verify with the pinned archive key; nothing was written:
remote-export-written = bundle of { $scope } from { $server } verified with the pinned key and written to { $out } ({ $bytes } bytes)

## The web pages (temoin serve): web-*
web-skip = Skip to the content
web-nav-label = Main
web-nav-incidents = Incidents
web-nav-tally = Tally
web-nav-search = Search
web-nav-key = Archive key
web-nav-custodian = Custodian
web-signed-in-as = Signed in as
web-signin = Sign in
web-signout = Sign out
web-footer = Every figure links to the signed entries it comes from.
web-verify-link = Offline verifier
web-incidents-title = Incidents
web-incidents-caption = Incidents, with the dead and injured as all current sources give them
web-as-of-entry = As of entry
web-figures-explained = A range (7–9) means the sources give different counts; ⚠ marks counts that cannot all be true.
web-no-incidents = No incident yet.
web-col-incident = Incident
web-col-place = Place
web-col-date = Date
web-col-dead = Dead
web-col-injured = Injured
web-col-type = Type
web-col-id = Identifier
web-col-count = Count
web-col-relation = Source
web-col-source = Entry and author
web-col-sources = Sources
web-col-author = Author
web-col-grade = Grade
web-col-named = As named
web-col-means = Means
web-col-models = Models
web-col-name = Name
web-col-sex = Sex
web-col-age = Age
web-col-status = Status
web-col-acts = Acts
web-col-language = Language
web-col-versions = Versions
web-col-received = Received
web-col-reason = Reason
web-col-kind = Kind
web-col-created = Created (author's clock)
web-col-statement = Statement hash
web-col-incidents = Incidents
web-col-label = Part
web-col-size = Size
web-col-state = Held
web-col-figure = Figure
web-col-total = Total
web-col-with = Incidents counted
web-col-without = Without this figure
web-col-claimed = Claimed
web-col-records = From the records
web-col-difference = Difference
web-col-agrees = Agrees
web-col-match = Match
web-col-field = Field
web-col-entries = Entries
web-col-role = Role
web-col-enrolled = Enrolled
web-col-revoked = Revoked
web-col-key = Key
web-col-when = When
web-col-who = Who
web-col-what = What
web-col-scope = Scope
web-col-withheld = Withheld
web-col-from = From
web-conflict = sources disagree
web-merged-into = Merged into
web-merged-here = Merged into this one
web-last-touched = last changed at entry
web-entry = entry
web-as-of-notice = This is the incident as it stood after entry
web-as-of-explained = Later entries are not taken into account.
web-as-of-current = See it as it stands now.
web-as-of-label = Show as of entry
web-as-of-button = Show
web-as-of-this = as of this entry
web-history-link = History, entry by entry
web-download-bundle = Download the evidence bundle (JSON)
web-download-report = Download the chain-of-custody report
web-figures = Figures
web-no-figures = No source gives figures yet.
web-conflicts = Conflicting accounts
web-conflicts-explained = The sources below give counts that cannot all be true; they are shown side by side, each with its grade.
web-perpetrators = Alleged perpetrators
web-attribution = Attribution
web-sources-authors = { $sources ->
    [one] one independent source
   *[other] { $sources } independent sources
}, { $authors ->
    [one] one author
   *[other] { $authors } authors
}
web-means = Means
web-means-caption = Means, as each source gives them
web-victims = Victims
web-victims-caption = Victims named by the sources
web-also-spelt = also spelt
web-testimonies = Testimonies
web-testimonies-caption = Testimonies about this incident, latest version each
web-record = The incident record
web-record-caption = Versions of the incident record
web-none = None.
web-status-active = counted
web-status-retracted = retracted at entry { $seq }: { $reason }
web-status-compromised = not counted: its author's key was declared compromised (entry { $seq })
web-status-elsewhere = now about { $incidents }
web-grade-verification = verification: { $value } (entry { $seq })
web-grade-reliability = reliability: { $value } (entry { $seq })
web-history-title = History of { $id }
web-history-explained = Every entry that touched this incident, in the order the archive received them, with what each changed.
web-entry-title = Entry { $seq }
web-refs = Statements it refers to
web-parts = Parts
web-parts-caption = The parts the author signed, with their sizes
web-parts-explained = The content of sealed parts is encrypted for the enrolled readers and never shown here; a redacted part's content was erased by a redaction order, its signed commitment stays.
web-part-held = held
web-part-sealed = sealed (encrypted; not shown)
web-part-redacted = redacted (content erased)
web-bytes = { $count ->
    [one] { $n } byte
   *[other] { $n } bytes
}
web-tally-title = Tally
web-tally-explained = Totals over every incident, and the summary claims (of officials, the press, organisations) set against the records.
web-totals-caption = Totals over the incidents
web-claims = Summary claims, reconciled
web-claim-scope = incidents:
web-recon-caption = The claim against the records
web-disagreements = Claims that disagree with each other
web-tally-incidents-caption = The incidents the totals add up
web-yes = yes
web-no = no
web-search-title = Search
web-search-label = Name, place or incident
web-search-button = Search
web-search-explained = Accents and capitals do not matter: "tin aicha" finds "Tin-Aïcha".
web-search-nothing = Nothing matches
web-search-caption = What matches
web-key-title = The archive key
web-key-explained = Every checkpoint of this archive is signed with this key. Pin it once, from a source you trust (the custodian in person, a printed copy), then check any bundle against it, offline.
web-key-vkey = Verifier key
web-key-pin = How to pin it
web-key-pin-1 = Save the line above, exactly, in a file, e.g.
web-key-pin-2 = Check a downloaded bundle against it:
web-key-pin-3 = Or, without installing anything, use the offline verifier page:
web-key-checkpoint = The latest checkpoint
web-key-origin = Origin:
web-key-size = entries:
web-keys-title = Keys
web-keys-caption = Enrolled keys, with their enrolment and revocation
web-readers = Readers
web-readers-caption = Readers of sealed parts
web-tokens-title = Tokens
web-tokens-explained = Tokens open the content to their holder. Only their first hash digits are shown; add or revoke them with temoin token add / temoin token revoke.
web-tokens-caption = Access tokens
web-log-title = Access log
web-log-explained = Every bundle and report handed out, by whom, when, with the SHA-256 of the exact file received.
web-log-caption = Who exported what, and when
web-signin-title = Sign in
web-signin-explained = Paste the access token the custodian gave you. It is checked once; your browser then keeps a session cookie, not the token.
web-signin-token = Access token
web-signin-failed = This token is not valid (unknown or revoked). Ask the custodian for one.
web-signout-title = Sign out
web-forbidden = Only the custodian's token opens this page.
web-csrf-refused = This form was not sent from this site's page (its security token is missing or wrong). Reload the page and try again.
web-error-title = Error
web-error-not-found = Not found
web-error-forbidden = Not allowed
web-error-bad-request = Not understood
web-error-internal = The server could not show this page. Try again later.
web-error-bad-query = This address's query is not understood.
web-error-bad-form = This form could not be read.
web-error-no-entry = There is no such entry in this archive.
web-back-home = Back to the incidents
tiles-written = { $dir }: checkpoint of size { $size } published; { $written } tiles written ({ $bytes } bytes), { $kept } already there
mirror-done = { $dir }: copied and verified up to size { $size } (held { $from }): { $fetched } tiles fetched ({ $bytes } bytes), { $entries } entries verified
mirror-up-to-date = { $dir }: up to date at size { $size }
mirror-refused = mirror refused the log: { $reason }
mirror-token-refused = the server refused the token for { $path }: ask its custodian for a token (`temoin token add`)
mirror-token-needed = the server serves { $path } to token holders only (payloads are the claims themselves): give one with --token-file FILE or TEMOIN_TOKEN
tiles-verify-ok = ok: tiles { $dir } of { $origin }: { $entries }, { $authors } verified against the signed checkpoint ({ $seconds } s)
