// Independent check of a cosigned checkpoint (tests/it/witness.rs runs it):
// Go's golang.org/x/mod/sumdb/note opens the note with the archive's vkey
// (Ed25519, type 0x01, which x/mod supports) and with a tlog-cosignature/v1
// verifier (type 0x04, which x/mod does not provide) written here from the
// C2SP spec with Go's standard library only.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run verify_cosigned.go ARCHIVE_VKEY WITNESS_VKEY NOTE_FILE
//
// Prints "ok <archive> <witness> <timestamp>" and exits 0, or says why and exits 1.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

type cosigV1 struct {
	name string
	hash uint32
	key  ed25519.PublicKey
	seen *uint64
}

func (v cosigV1) Name() string    { return v.name }
func (v cosigV1) KeyHash() uint32 { return v.hash }
func (v cosigV1) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t > 1<<63-1 {
		return false
	}
	m := append([]byte("cosignature/v1\ntime "+strconv.FormatUint(t, 10)+"\n"), msg...)
	if !ed25519.Verify(v.key, m, sig[8:]) {
		return false
	}
	*v.seen = t
	return true
}

func cosigVerifier(vkey string) (cosigV1, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return cosigV1{}, fmt.Errorf("witness vkey: not name+hash+key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 0x04 {
		return cosigV1{}, fmt.Errorf("witness vkey: not base64(0x04 || 32-byte key)")
	}
	h := sha256.Sum256(append([]byte(parts[0]+"\n"), raw...))
	hash := binary.BigEndian.Uint32(h[:4])
	if fmt.Sprintf("%08x", hash) != parts[1] {
		return cosigV1{}, fmt.Errorf("witness vkey: key hash %08x, computed %08x", parts[1], hash)
	}
	var seen uint64
	return cosigV1{name: parts[0], hash: hash, key: ed25519.PublicKey(raw[1:]), seen: &seen}, nil
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: verify_cosigned ARCHIVE_VKEY WITNESS_VKEY NOTE_FILE")
		os.Exit(2)
	}
	archive, err := note.NewVerifier(os.Args[1])
	if err != nil {
		fmt.Println("archive vkey:", err)
		os.Exit(1)
	}
	witness, err := cosigVerifier(os.Args[2])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	msg, err := os.ReadFile(os.Args[3])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	n, err := note.Open(msg, note.VerifierList(archive, witness))
	if err != nil {
		fmt.Println("note.Open:", err)
		os.Exit(1)
	}
	var byArchive, byWitness bool
	for _, s := range n.Sigs {
		byArchive = byArchive || (s.Name == archive.Name() && s.Hash == archive.KeyHash())
		byWitness = byWitness || (s.Name == witness.name && s.Hash == witness.hash)
	}
	if !byArchive || !byWitness {
		fmt.Printf("not signed by both: archive %v, witness %v\n", byArchive, byWitness)
		os.Exit(1)
	}
	if !bytes.HasPrefix(msg, []byte(n.Text)) {
		fmt.Println("text mismatch")
		os.Exit(1)
	}
	fmt.Printf("ok %s %s %d\n", archive.Name(), witness.name, *witness.seen)
}
