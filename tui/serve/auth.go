package serve

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"os"

	gossh "golang.org/x/crypto/ssh"
)

// allowList is the set of public keys from an authorized_keys file, read once
// at start.
type allowList struct {
	keys [][]byte // wire encodings
}

// loadAllowList parses an OpenSSH authorized_keys file. Blank lines and
// comments are skipped; a line that is not a key is an error naming it.
func loadAllowList(path string) (*allowList, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	var a allowList
	for n, line := range bytes.Split(raw, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s line %d: %v (expected e.g. \"ssh-ed25519 AAAA... comment\")", path, n+1, err)
		}
		a.keys = append(a.keys, key.Marshal())
	}
	if len(a.keys) == 0 {
		return nil, fmt.Errorf("authorized keys %s holds no key", path)
	}
	return &a, nil
}

// contains reports whether key is listed. A nil list or key is never listed.
func (a *allowList) contains(key gossh.PublicKey) bool {
	if a == nil || key == nil {
		return false
	}
	wire := key.Marshal()
	found := 0
	for _, k := range a.keys {
		// Constant time per key, so timing does not tell how close a key came.
		found |= subtle.ConstantTimeCompare(k, wire)
	}
	return found == 1
}

// len is the number of listed keys.
func (a *allowList) len() int {
	if a == nil {
		return 0
	}
	return len(a.keys)
}

// fingerprint is the SHA256 fingerprint of key as OpenSSH prints it, or
// "none" for a session without a public key.
func fingerprint(key gossh.PublicKey) string {
	if key == nil {
		return "none"
	}
	return gossh.FingerprintSHA256(key)
}
