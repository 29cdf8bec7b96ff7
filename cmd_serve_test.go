package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// Bad serve command lines exit 2 with a one-line reason.
func TestServeRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	openKey := filepath.Join(dir, "open_key") // a host key others may read
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(openKey, pem.EncodeToMemory(block), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(openKey, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	key := filepath.Join(dir, "key")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--host-key", key}, "choose who may connect: --authorized-keys FILE"},
		{[]string{"serve", "--public", "--join", "everyone", "--host-key", key}, `--join "everyone" is not accepted (accepted: own, shared)`},
		{[]string{"serve", "--public", "--listen", "2222", "--host-key", key}, `--listen "2222" is not accepted`},
		{[]string{"serve", "--authorized-keys", filepath.Join(dir, "none"), "--host-key", key}, "is not a readable file"},
		{[]string{"serve", "--public", "--fps", "0", "--host-key", key}, "--fps 0 is not accepted"},
		{[]string{"serve", "--public", "--resume", dir, "--host-key", key}, "use it with --join shared"},
		{[]string{"serve", "--public", "--host-key", openKey, "--listen", "127.0.0.1:0"}, "chmod 600"},
		{[]string{"serve", "--public", "--conn-rate", "NaN", "--host-key", key}, "--conn-rate NaN is not accepted (accepted: a finite number)"},
		{[]string{"serve", "--public", "--conn-rate", "Inf", "--host-key", key}, "--conn-rate +Inf is not accepted"},
		{[]string{"serve", "--public", "--lr", "-Inf", "--host-key", key}, "--lr -Inf is not"},
		{[]string{"serve", "--public", "--run-dir", openKey, "--host-key", key}, "is a file (accepted: a directory"},
		{[]string{"serve", "--public", "--write-timeout", "-1s", "--host-key", key}, "must be 0 (never) or positive"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, nil, &stdout, &stderr)
		msg := stderr.String()
		if code != 2 || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args[1:], code, msg, tc.want)
		}
		if strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("%v: reason is not one line: %q", tc.args[1:], msg)
		}
	}
}
