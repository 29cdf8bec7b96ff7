package main

import (
	"bufio"
	"fmt"
	"go/ast"
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
	// seeName is the name after "see": "see propFloats", "(see Config.UpdateEvery)".
	seeName = regexp.MustCompile(`\b[Ss]ee (\w+(?:\.\w+)?)`)
	// identLike is a name shaped like a Go identifier rather than a word:
	// camelCase, PascalCase with two humps or more, or Type.Member.
	identLike = regexp.MustCompile(`^(?:[a-z]+[A-Z]\w*|[A-Z][a-z0-9]+[A-Z]\w*|[A-Z]\w*\.[A-Z]\w*)$`)
	// heading is a numbered Markdown heading: "### 3.2 Discrete recursion".
	heading = regexp.MustCompile(`^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s`)
)

// citationFaults returns one line per citation in the comments of the Go
// and assembly files under root that does not resolve: a document or source
// file that is not there, a section its document does not have, a section
// sign without a document, or "see Name" naming an identifier (camelCase,
// Pascal case or Type.Member) that no Go file under root declares. Documents
// and files resolve against the citing file's directory, the root, and
// root/docs.
func citationFaults(root string) ([]string, error) {
	type comment struct {
		file string
		line int
		text string
	}
	var comments []comment
	declared := map[string]bool{} // names, and "Type.Member" for fields and methods
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
			declare(f, declared)
			for _, g := range f.Comments {
				for _, c := range g.List {
					start := fset.Position(c.Pos()).Line
					text := strings.TrimPrefix(strings.TrimPrefix(c.Text, "//"), "/*")
					for i, l := range strings.Split(text, "\n") {
						comments = append(comments, comment{path, start + i, l})
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
					comments = append(comments, comment{path, i + 1, l[k+2:]})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
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
	for _, c := range comments {
		dir := filepath.Dir(c.file)
		rel, _ := filepath.Rel(root, c.file)
		where := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), c.line)
		covered := 0 // section signs accounted for by a document citation
		for _, m := range docCite.FindAllStringSubmatch(c.text, -1) {
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
					return nil, err
				}
				sections[p] = s
			}
			if !slices.Contains(sections[p], sec) {
				faults = append(faults, fmt.Sprintf("%s: cites %s §%s; %s has no section %s", where, doc, sec, doc, sec))
			}
		}
		if n := strings.Count(c.text, "§"); n > covered {
			faults = append(faults, fmt.Sprintf("%s: a section (§) cited without a document of the repository: %q", where, strings.TrimSpace(c.text)))
		}
		for _, m := range srcCite.FindAllStringSubmatch(c.text, -1) {
			if _, ok := resolve(dir, m[1]); !ok {
				faults = append(faults, fmt.Sprintf("%s: cites %s, which is not in the repository", where, m[1]))
			}
		}
		for _, m := range seeName.FindAllStringSubmatch(c.text, -1) {
			if id := m[1]; identLike.MatchString(id) && !declared[id] {
				faults = append(faults, fmt.Sprintf("%s: see %s: nothing in the repository declares it", where, id))
			}
		}
	}
	return faults, nil
}

// declare adds the names f declares to names: functions, types, constants,
// variables, and "Type.Member" for methods and struct fields.
func declare(f *ast.File, names map[string]bool) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			names[d.Name.Name] = true
			if d.Recv != nil && len(d.Recv.List) == 1 {
				t := d.Recv.List[0].Type
				for {
					switch x := t.(type) {
					case *ast.StarExpr:
						t = x.X
						continue
					case *ast.IndexExpr:
						t = x.X
						continue
					case *ast.IndexListExpr:
						t = x.X
						continue
					}
					break
				}
				if id, ok := t.(*ast.Ident); ok {
					names[id.Name+"."+d.Name.Name] = true
				}
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = true
					if st, ok := s.Type.(*ast.StructType); ok {
						for _, fl := range st.Fields.List {
							for _, n := range fl.Names {
								names[s.Name.Name+"."+n.Name] = true
							}
						}
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
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
// Names: see helperFunc, see Thing.Field, see Thing.Do; see missingName and see Thing.Gone.
func A() {}

func helperFunc() {}

type Thing struct{ Field int }

func (*Thing) Do() {}
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
		"pkg/a.go:8: see missingName: nothing in the repository declares it",
		"pkg/a.go:8: see Thing.Gone: nothing in the repository declares it",
		"pkg/k_amd64.s:1: cites gen.go, which is not in the repository",
	}
	if !slices.Equal(faults, want) {
		t.Errorf("faults:\n%s\nwant:\n%s", strings.Join(faults, "\n"), strings.Join(want, "\n"))
	}
}
