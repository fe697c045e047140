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
count-checkpoints = { $n ->
    [one] { $n } checkpoint
   *[other] { $n } checkpoints
}
