package gitserver

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// SSHServer serves git-upload-pack for the bare repositories under Root over SSH on
// 127.0.0.1, to clients holding the Authorized key.
type SSHServer struct {
	Root       string
	HostKey    ssh.Signer
	Authorized ssh.PublicKey
	ln         net.Listener
}

// NewSSHServer starts an SSH server for root that accepts the key authorized; it stops when
// the test ends.
func NewSSHServer(t testing.TB, root string, authorized ssh.PublicKey) *SSHServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SSHServer{Root: root, HostKey: NewSSHKey(t), Authorized: authorized, ln: ln}
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(_ ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
		if bytes.Equal(k.Marshal(), s.Authorized.Marshal()) {
			return nil, nil
		}
		return nil, os.ErrPermission
	}}
	cfg.AddHostKey(s.HostKey)
	go s.serve(cfg)
	t.Cleanup(func() { _ = ln.Close() })
	return s
}

// URL is the ssh:// address of repository name.
func (s *SSHServer) URL(name string) string { return "ssh://git@" + s.ln.Addr().String() + "/" + name }

// KnownHosts is a known_hosts line for this server's host key.
func (s *SSHServer) KnownHosts() string { return s.KnownHostsWith(s.HostKey.PublicKey()) }

// KnownHostsWith is a known_hosts line that pins this server's address to key.
func (s *SSHServer) KnownHostsWith(key ssh.PublicKey) string {
	return knownhosts.Line([]string{knownhosts.Normalize(s.ln.Addr().String())}, key) + "\n"
}

func (s *SSHServer) serve(cfg *ssh.ServerConfig) {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.handle(conn, cfg)
	}
}

func (s *SSHServer) handle(conn net.Conn, cfg *ssh.ServerConfig) {
	defer conn.Close()
	_, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "session only")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			return
		}
		go s.session(ch, creqs)
	}
}

// session runs the requested git-upload-pack on the channel.
func (s *SSHServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		if req.Type != "exec" || len(req.Payload) < 4 {
			_ = req.Reply(false, nil)
			continue
		}
		command := string(req.Payload[4:])
		name, path, _ := strings.Cut(command, " ")
		if name != "git-upload-pack" {
			_ = req.Reply(false, nil)
			continue
		}
		_ = req.Reply(true, nil)
		path = strings.TrimPrefix(strings.Trim(path, "'"), "/")
		cmd := exec.Command("git-upload-pack", filepath.Join(s.Root, path))
		cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
		status := uint32(0)
		if err := cmd.Run(); err != nil {
			status = 1
		}
		_, _ = ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, status))
		return
	}
}

// NewSSHKey generates an Ed25519 key.
func NewSSHKey(t testing.TB) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

// WriteSSHKey generates a key, writes it (encrypted when passphrase is set) in OpenSSH format
// to a file and returns the file and the public key.
func WriteSSHKey(t testing.TB, passphrase string) (string, ssh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "test")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "test", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return path, pub
}
