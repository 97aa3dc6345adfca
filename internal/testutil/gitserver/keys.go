package gitserver

import (
	"bytes"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// NewKey generates an OpenPGP signing key for name (Ed25519, fast to make).
func NewKey(t testing.TB, name string) *openpgp.Entity {
	t.Helper()
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA}
	e, err := openpgp.NewEntity(name, "test", name+"@example.com", cfg)
	if err != nil {
		t.Fatalf("generate key %s: %v", name, err)
	}
	return e
}

// ArmoredPublicKeys is the armored public keyring of keys, as a --git-trusted-keys file holds.
func ArmoredPublicKeys(t testing.TB, keys ...*openpgp.Entity) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if err := k.Serialize(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
