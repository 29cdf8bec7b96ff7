package serve

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"log"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// allowList is the set of public keys from an authorized_keys file, read once
// at start, each with the options of its line.
type allowList struct {
	entries []allowEntry
}

// allowEntry is one key line: the key and what its options allow, as
// sshd(8) reads them (section AUTHORIZED_KEYS FILE FORMAT). This server
// offers no forwarding, agent, X11 or user rc, so the options that forbid
// those hold by themselves; the others are enforced here.
type allowEntry struct {
	key     []byte // wire encoding
	line    int
	from    []string  // from= patterns; nil: any address
	noPTY   bool      // restrict or no-pty, and no later pty
	command string    // command= (forced command); "" if none
	expires time.Time // expiry-time=; zero if none
}

// loadAllowList parses an OpenSSH authorized_keys file. Blank lines and
// comments are skipped; a line that is not a key is an error naming it. A
// line whose options cannot be honoured is skipped, as sshd skips it, with
// a log line saying why.
func loadAllowList(path string, logger *log.Logger) (*allowList, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	if logger == nil {
		logger = log.New(nopWriter{}, "", 0)
	}
	var a allowList
	skipped := 0
	for n, line := range bytes.Split(raw, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s line %d: %v (expected e.g. \"ssh-ed25519 AAAA... comment\")", path, n+1, err)
		}
		e := allowEntry{key: key.Marshal(), line: n + 1}
		notes, err := e.parseOptions(options)
		for _, note := range notes {
			logger.Printf("authorized keys %s line %d: %s", path, n+1, note)
		}
		if err != nil {
			logger.Printf("authorized keys %s line %d: key not accepted: %v", path, n+1, err)
			skipped++
			continue
		}
		a.entries = append(a.entries, e)
	}
	if len(a.entries) == 0 {
		if skipped > 0 {
			return nil, fmt.Errorf("authorized keys %s: none of its %d keys can be accepted (see the lines above)", path, skipped)
		}
		return nil, fmt.Errorf("authorized keys %s holds no key", path)
	}
	return &a, nil
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }

// parseOptions reads a key line's options. It returns notes for the log
// and an error for an option the server cannot honour or does not know
// (sshd refuses such a line too).
func (e *allowEntry) parseOptions(options []string) (notes []string, err error) {
	for _, opt := range options {
		name, value, quoted := strings.Cut(opt, "=")
		if quoted {
			v, ok := unquoteOption(value)
			if !ok {
				return notes, fmt.Errorf("option %s: value must be in double quotes", name)
			}
			value = v
		}
		switch strings.ToLower(name) {
		case "restrict", "no-pty":
			e.noPTY = true
		case "pty":
			e.noPTY = false
		case "command":
			e.command = value
			notes = append(notes, fmt.Sprintf("command=%q: this server runs only its app, so sessions with this key are refused", value))
		case "from":
			e.from = strings.Split(value, ",")
			for _, p := range e.from {
				p = strings.TrimPrefix(p, "!")
				if strings.Contains(p, "/") {
					if _, err := netip.ParsePrefix(p); err != nil {
						return notes, fmt.Errorf("from=%q: %q is not an address/prefix", value, p)
					}
				} else if net.ParseIP(p) == nil && strings.Trim(p, "0123456789.:*?abcdefABCDEF") != "" {
					notes = append(notes, fmt.Sprintf("from=%q: host name pattern %q is matched against the client's address only (no DNS), as sshd does with UseDNS no", value, p))
				}
			}
		case "expiry-time":
			t, err := parseExpiry(value)
			if err != nil {
				return notes, err
			}
			e.expires = t
		case "no-port-forwarding", "port-forwarding", "no-agent-forwarding", "agent-forwarding",
			"no-x11-forwarding", "x11-forwarding", "no-user-rc", "user-rc",
			"permitopen", "permitlisten", "tunnel", "no-touch-required":
			// nothing of the kind is offered (or, for no-touch-required,
			// relaxed): honoured as it is
		case "environment":
			notes = append(notes, fmt.Sprintf("environment=%q ignored, as sshd does by default (PermitUserEnvironment no)", value))
		default:
			// cert-authority, principals, verify-required and options this
			// server does not know: it cannot do what they ask.
			return notes, fmt.Errorf("option %q cannot be honoured by this server", name)
		}
	}
	return notes, nil
}

// unquoteOption reads an option value in double quotes, where \" is a quote.
func unquoteOption(v string) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	return strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`), true
}

// parseExpiry reads expiry-time: YYYYMMDD[HHMM[SS]], local time unless it
// ends in Z (UTC).
func parseExpiry(v string) (time.Time, error) {
	loc := time.Local
	s := v
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		loc, s = time.UTC, s[:len(s)-1]
	}
	for _, layout := range []string{"20060102", "200601021504", "20060102150405"} {
		if len(s) == len(layout) {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("expiry-time=%q is not YYYYMMDD[HHMM[SS]][Z]", v)
}

// lookup returns the entry of key if it admits a client at addr at now,
// else nil and, for a listed key, why it does not ("" for a key not
// listed). A nil list or key is never listed.
func (a *allowList) lookup(key gossh.PublicKey, addr net.Addr, now time.Time) (*allowEntry, string) {
	if a == nil || key == nil {
		return nil, ""
	}
	wire := key.Marshal()
	found := -1
	for i := range a.entries {
		// Constant time per key, so timing does not tell how close a key came.
		if subtle.ConstantTimeCompare(a.entries[i].key, wire) == 1 && found < 0 {
			found = i
		}
	}
	if found < 0 {
		return nil, ""
	}
	e := &a.entries[found]
	if !e.expires.IsZero() && now.After(e.expires) {
		return nil, fmt.Sprintf("listed key expired at %s", e.expires.Format(time.RFC3339))
	}
	if e.from != nil && !matchFrom(e.from, addr) {
		return nil, "listed key, but from= does not admit " + hostOf(addr)
	}
	return e, ""
}

// refusal is why a session with this key cannot be served ("" if it can).
func (e *allowEntry) refusal() string {
	switch {
	case e.command != "":
		return "this key may only run a fixed command (command= in the server's authorized_keys), and this server runs only its app."
	case e.noPTY:
		return "this key may not have a terminal (restrict or no-pty in the server's authorized_keys), and the app needs one."
	}
	return ""
}

// matchFrom applies a from= pattern list to the client's address as sshd
// does without DNS: a negated match refuses, else any match admits. A
// pattern is an address with * and ? wildcards or an address/prefix.
func matchFrom(patterns []string, addr net.Addr) bool {
	ip := hostOf(addr)
	parsed, _ := netip.ParseAddr(ip)
	parsed = parsed.Unmap()
	admit := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		var m bool
		if strings.Contains(p, "/") {
			pre, err := netip.ParsePrefix(p)
			m = err == nil && parsed.IsValid() && pre.Contains(parsed)
		} else {
			m = wildMatch(strings.ToLower(p), strings.ToLower(ip))
		}
		if m && neg {
			return false
		}
		admit = admit || m
	}
	return admit
}

// wildMatch matches s against p, where * is any run and ? any one byte.
func wildMatch(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildMatch(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if len(s) == 0 {
				return false
			}
		default:
			if len(s) == 0 || s[0] != p[0] {
				return false
			}
		}
		p, s = p[1:], s[1:]
	}
	return len(s) == 0
}

// len is the number of listed keys.
func (a *allowList) len() int {
	if a == nil {
		return 0
	}
	return len(a.entries)
}

// fingerprint is the SHA256 fingerprint of key as OpenSSH prints it, or
// "none" for a session without a public key.
func fingerprint(key gossh.PublicKey) string {
	if key == nil {
		return "none"
	}
	return gossh.FingerprintSHA256(key)
}
