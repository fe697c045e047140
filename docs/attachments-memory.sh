#!/bin/bash
# Peak memory and time of each step that touches a 1 GiB attachment
# (docs/PERFORMANCE.md, "Attachments of 1 GiB"). Run from the project root
# after `cargo build --release`; needs about 7 GiB of free disk in $W.
#   BUNDLE=1 docs/attachments-memory.sh
set -e
T=$(realpath "${TEMOIN:-target/release/temoin}")
W=${W:-$(mktemp -d)}
cd "$W" && mkdir -p b
echo "working in $W"
m() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%M KB %e s" -o $W/t.txt "$@" > $W/out.txt 2>$W/err.txt || { echo "FAIL $label"; cat $W/err.txt; exit 1; }
  printf "%-28s %s\n" "$label" "$(cat $W/t.txt)"
}
$T key generate --out cust.key >/dev/null; $T key generate --out ngo.key >/dev/null; $T key generate --reader --out law.key >/dev/null
$T init --archive arch --origin temoin.test/mem --custodian-key cust.key >/dev/null
$T key enroll --archive arch --custodian-key cust.key --public ngo.key.pub --role intermediary >/dev/null
head -c 1G /dev/urandom > video.mp4
echo '{"text":"video"}' > n.json
m "sign --attach (1 GiB)" $T sign --key ngo.key --kind note --input n.json --attach video=video.mp4 --out clear.tms
m "sign --attach --seal" $T sign --key ngo.key --kind note --input n.json --attach clip=video.mp4 --seal clip --to law.key.pub --out sealed.tms
m "ingest (clear)" $T ingest --archive arch clear.tms
m "ingest (sealed)" $T ingest --archive arch sealed.tms
m "verify" $T verify --archive arch
H1=$($T log --archive arch --json | python3 -c "import json,sys; print(json.load(sys.stdin)[2]['statement_hash'])")
H2=$($T log --archive arch --json | python3 -c "import json,sys; print(json.load(sys.stdin)[3]['statement_hash'])")
m "part get" $T part get --archive arch --statement $H1 --label video --out got.mp4
cmp got.mp4 video.mp4
m "unseal --out" $T unseal --identity law.key --archive arch --statement $H2 --label clip --out opened.mp4
cmp opened.mp4 video.mp4
if [ -n "$BUNDLE" ]; then
  m "export --all" $T export --archive arch --all --out b/bundle.json
  VK=$($T key list --archive arch --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['vkey'])")
  m "verify-bundle" $T verify-bundle b/bundle.json --archive-key "$VK"
  m "unseal (bundle)" $T unseal --identity law.key b/bundle.json --statement $H2 --label clip --out opened2.mp4
  cmp opened2.mp4 video.mp4
fi
ls -la clear.tms sealed.tms arch/parts
