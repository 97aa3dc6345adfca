package terraform

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// releaseMirror serves what hc-install's releases client asks for, laid out as
// releases.hashicorp.com: /terraform/<v>/index.json, the zip, <zip>_SHA256SUMS and
// <zip>_SHA256SUMS.sig (a detached binary signature).
type releaseMirror struct {
	srv      *httptest.Server
	files    map[string][]byte // URL path → body
	requests atomic.Int64
}

// newReleaseMirror publishes binary as terraform <version> for this OS and architecture,
// with SHA256SUMS signed by signer.
func newReleaseMirror(t *testing.T, binary []byte, version string, signer *openpgp.Entity) *releaseMirror {
	t.Helper()
	m := &releaseMirror{files: map[string][]byte{}}
	m.srv = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.srv.Close)
	base := "/terraform/" + version + "/"
	zipName := "terraform_" + version + "_" + runtime.GOOS + "_" + runtime.GOARCH + ".zip"
	zipBytes := zipOf(t, "terraform", binary)
	sum := sha256.Sum256(zipBytes)
	sums := []byte(hex.EncodeToString(sum[:]) + "  " + zipName + "\n")
	m.files[base+zipName] = zipBytes
	m.files[base+"terraform_"+version+"_SHA256SUMS"] = sums
	m.files[base+"terraform_"+version+"_SHA256SUMS.sig"] = detachSign(t, signer, sums)
	m.files[base+"index.json"] = releaseIndex(t, version, zipName, base)
	return m
}

func (m *releaseMirror) serve(w http.ResponseWriter, r *http.Request) {
	m.requests.Add(1)
	body, ok := m.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, ".json"):
		w.Header().Set("Content-Type", "application/json")
	case strings.HasSuffix(r.URL.Path, ".zip"):
		w.Header().Set("Content-Type", "application/zip")
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	// releases.hashicorp.com sends a length, and hc-install v0.10.0 needs one: with none,
	// its size check fails and a deferred cleanup drops that error (see install.go).
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// zipPath is the URL path of the published zip.
func (m *releaseMirror) zipPath() string {
	for p := range m.files {
		if strings.HasSuffix(p, ".zip") {
			return p
		}
	}
	return ""
}

func releaseIndex(t *testing.T, version, zipName, base string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"name":               "terraform",
		"version":            version,
		"shasums":            "terraform_" + version + "_SHA256SUMS",
		"shasums_signatures": []string{"terraform_" + version + "_SHA256SUMS.sig"},
		"builds": []map[string]string{{
			"name": "terraform", "version": version, "os": runtime.GOOS, "arch": runtime.GOARCH,
			"filename": zipName, "url": "https://releases.example.invalid" + base + zipName,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// zipOf stores (no compression: the binary is ~100 MB) one executable file.
func zipOf(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: name, Method: zip.Store}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err == nil {
		_, err = w.Write(body)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newSigningKey makes an Ed25519 OpenPGP key (fast to generate).
func newSigningKey(t *testing.T) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity("runnerfleet test", "", "test@example.invalid",
		&packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func armoredPublicKey(t *testing.T, e *openpgp.Entity) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err == nil {
		err = e.Serialize(w)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func detachSign(t *testing.T, e *openpgp.Entity, msg []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := openpgp.DetachSign(&buf, e, bytes.NewReader(msg), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readBinary(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
