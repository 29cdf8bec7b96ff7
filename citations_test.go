package main

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The repository explains itself: every document, section and source file a
// code comment cites must exist inside it (docs/design.md §7).

var (
	// docCite is a cited document, optionally with a section: "docs/model.md §3.2".
	docCite = regexp.MustCompile(`([\w./-]*\w\.md)\b(?:\s+§(\d+(?:\.\d+)*))?`)
	// srcCite is a cited source file: "hw/lif.go", "engine/model.go".
	srcCite = regexp.MustCompile(`(?:^|[\s(“"'\x60])([\w./-]*\w\.(?:go|s))\b`)
	// heading is a numbered Markdown heading: "### 3.2 Discrete recursion".
	heading = regexp.MustCompile(`^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s`)
)

// citationFaults returns one line per citation in the comments of the Go
// and assembly files under root that does not resolve: a document or source
// file that is not there, a section its document does not have, or a
// section sign without a document. Documents and files resolve against
// the citing file's directory, the root, and root/docs.
func citationFaults(root string) ([]string, error) {
	var faults []string
	sections := map[string][]string{} // document → its numbered sections
	resolve := func(dir, name string) (string, bool) {
		for _, base := range []string{dir, root, filepath.Join(root, "docs")} {
			p := filepath.Join(base, filepath.FromSlash(name))
			if _, err := os.Stat(p); err == nil {
				return p, true
			}
		}
		return "", false
	}
	check := func(file string, line int, text string) error {
		dir := filepath.Dir(file)
		rel, _ := filepath.Rel(root, file)
		where := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), line)
		covered := 0 // section signs accounted for by a document citation
		for _, m := range docCite.FindAllStringSubmatch(text, -1) {
			doc, sec := m[1], m[2]
			p, ok := resolve(dir, doc)
			if !ok {
				faults = append(faults, fmt.Sprintf("%s: cites %s, which is not in the repository", where, doc))
				continue
			}
			if sec == "" {
				continue
			}
			covered++
			if _, seen := sections[p]; !seen {
				s, err := numberedSections(p)
				if err != nil {
					return err
				}
				sections[p] = s
			}
			if !slices.Contains(sections[p], sec) {
				faults = append(faults, fmt.Sprintf("%s: cites %s §%s; %s has no section %s", where, doc, sec, doc, sec))
			}
		}
		if n := strings.Count(text, "§"); n > covered {
			faults = append(faults, fmt.Sprintf("%s: a section (§) cited without a document of the repository: %q", where, strings.TrimSpace(text)))
		}
		for _, m := range srcCite.FindAllStringSubmatch(text, -1) {
			if _, ok := resolve(dir, m[1]); !ok {
				faults = append(faults, fmt.Sprintf("%s: cites %s, which is not in the repository", where, m[1]))
			}
		}
		return nil
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(name) {
		case ".go":
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, g := range f.Comments {
				for _, c := range g.List {
					start := fset.Position(c.Pos()).Line
					for i, l := range strings.Split(strings.TrimPrefix(strings.TrimPrefix(c.Text, "//"), "/*"), "\n") {
						if err := check(path, start+i, l); err != nil {
							return err
						}
					}
				}
			}
		case ".s":
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, l := range strings.Split(string(b), "\n") {
				if k := strings.Index(l, "//"); k >= 0 {
					if err := check(path, i+1, l[k:]); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	return faults, err
}

// numberedSections lists the section numbers of a Markdown file's headings.
func numberedSections(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var s []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := heading.FindStringSubmatch(sc.Text()); m != nil {
			s = append(s, m[1])
		}
	}
	return s, sc.Err()
}

// TestCitationsResolve walks the module: every citation in a comment points
// to a document, section or file inside it.
func TestCitationsResolve(t *testing.T) {
	t.Parallel()
	faults, err := citationFaults(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range faults {
		t.Error(f)
	}
}

// TestCitationFaults checks the checker on a small tree with one citation
// of each kind, good and bad.
func TestCitationFaults(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("docs/model.md", "# Model\n\n## 3. Training\n\n### 3.2 Discrete recursion\n")
	write("README.md", "# r\n")
	write("pkg/sim.go", "package pkg\n")
	write("pkg/a.go", `package pkg

// Good: docs/model.md §3.2, model.md §3, README.md, the loop of sim.go.
// Bad section: docs/model.md §4.1.
// Bad document: docs/missing.md and DESIGN.md §6.
// Bare section: paper-spec §2.2.
// Bad file: see gone.go.
func A() {}
`)
	write("pkg/k_amd64.s", "// Written by gen.go.\nTEXT ·k(SB), 0, $0\n")
	write("pkg/testdata/x.go", "package x // cites nothing.md\n")
	faults, err := citationFaults(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"pkg/a.go:4: cites docs/model.md §4.1; docs/model.md has no section 4.1",
		"pkg/a.go:5: cites docs/missing.md, which is not in the repository",
		"pkg/a.go:5: cites DESIGN.md, which is not in the repository",
		"pkg/a.go:5: a section (§) cited without a document of the repository: \"Bad document: docs/missing.md and DESIGN.md §6.\"",
		"pkg/a.go:6: a section (§) cited without a document of the repository: \"Bare section: paper-spec §2.2.\"",
		"pkg/a.go:7: cites gone.go, which is not in the repository",
		"pkg/k_amd64.s:1: cites gen.go, which is not in the repository",
	}
	if !slices.Equal(faults, want) {
		t.Errorf("faults:\n%s\nwant:\n%s", strings.Join(faults, "\n"), strings.Join(want, "\n"))
	}
}
