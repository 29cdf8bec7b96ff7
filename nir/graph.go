package nir

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"inloop/internal/h5"
)

// FormatVersion is the NIR version written into files.
const FormatVersion = "1.0.7"

// MaxFileSize bounds the NIR files Read accepts.
const MaxFileSize = 256 << 20

// Graph is a NIR graph: named nodes, directed edges between them and
// metadata.
type Graph struct {
	Nodes    map[string]*Node
	Edges    [][2]string
	Metadata map[string]h5.Value
}

// Node is one NIR node: its type name ("Affine", "CubaLIF", ...), its
// parameter arrays, and for a "NIRGraph" node the subgraph.
type Node struct {
	Type     string
	Params   map[string]h5.Value
	Graph    *Graph
	Metadata map[string]h5.Value
}

// Names returns the node names in byte order.
func (g *Graph) Names() []string {
	out := make([]string, 0, len(g.Nodes))
	for k := range g.Nodes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Param returns the parameter name of node n as float64s with its shape.
func (n *Node) Param(name string) ([]float64, []int, bool) {
	v, ok := n.Params[name]
	if !ok {
		return nil, nil, false
	}
	f, ok := v.Floats()
	return f, v.Shape, ok
}

// paramNames are the parameters of the node types inloop writes or
// deploys, as NIR 1.0.7 defines them; nir.read refuses any other parameter
// of these types. The second list are the optional ones.
var paramNames = map[string][2][]string{
	"Input":   {{"shape"}, nil},
	"Output":  {{"shape"}, nil},
	"Affine":  {{"weight", "bias"}, nil},
	"Linear":  {{"weight"}, nil},
	"CubaLIF": {{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold"}, {"v_reset", "w_in"}},
	"CubaLI":  {{"tau_syn", "tau_mem", "r", "v_leak"}, {"w_in"}},
	"LIF":     {{"tau", "r", "v_leak", "v_threshold"}, {"v_reset"}},
	"LI":      {{"tau", "r", "v_leak"}, nil},
}

// FormatError is a NIR file that cannot be read.
type FormatError struct {
	File  string
	Fault string
}

func (e *FormatError) Error() string {
	if e.File == "" {
		return "NIR: " + e.Fault
	}
	return "NIR file " + e.File + ": " + e.Fault
}

// Read reads the NIR graph in file path.
func Read(path string) (*Graph, error) {
	b, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	g, err := Decode(b)
	var fe *FormatError
	if errors.As(err, &fe) {
		fe.File = path
	}
	return g, err
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, &FormatError{path, fmt.Sprintf("larger than %d MiB", MaxFileSize>>20)}
	}
	return b, nil
}

// Decode reads a NIR graph from the bytes of an HDF5 file.
func Decode(b []byte) (*Graph, error) {
	root, err := h5.Decode(b)
	if err != nil {
		return nil, &FormatError{Fault: err.Error()}
	}
	node := root.Sub("node")
	if node == nil {
		return nil, &FormatError{Fault: "no /node group: not a NIR graph file"}
	}
	return decodeGraph("/node", node, 0)
}

func scalarString(d *h5.Dataset) (string, bool) {
	if d == nil || d.Value.Kind != h5.String || len(d.Value.Shape) != 0 || len(d.Value.Str) != 1 {
		return "", false
	}
	return d.Value.Str[0], true
}

func decodeGraph(path string, g *h5.Group, depth int) (*Graph, error) {
	if depth > 8 {
		return nil, &FormatError{Fault: path + ": graphs nested deeper than 8"}
	}
	if t, ok := scalarString(g.Get("type")); !ok || t != "NIRGraph" {
		return nil, &FormatError{Fault: path + ": type is not the scalar string \"NIRGraph\""}
	}
	out := &Graph{Nodes: map[string]*Node{}}
	nodes := g.Sub("nodes")
	if nodes == nil {
		return nil, &FormatError{Fault: path + ": no nodes group"}
	}
	for _, m := range nodes.Members {
		p := path + "/nodes/" + m.Name
		if m.Group == nil {
			return nil, &FormatError{Fault: p + ": a dataset where a node group belongs"}
		}
		n, err := decodeNode(p, m.Group, depth)
		if err != nil {
			return nil, err
		}
		out.Nodes[m.Name] = n
	}
	e := g.Get("edges")
	if e == nil {
		return nil, &FormatError{Fault: path + ": no edges"}
	}
	ev := e.Value
	switch {
	case ev.Kind != h5.String:
		return nil, &FormatError{Fault: path + "/edges: not strings"}
	case len(ev.Str) == 0:
	case len(ev.Shape) != 2 || ev.Shape[1] != 2:
		return nil, &FormatError{Fault: fmt.Sprintf("%s/edges: shape %v, want (E, 2)", path, ev.Shape)}
	}
	for i := 0; i+1 < len(ev.Str); i += 2 {
		a, b := ev.Str[i], ev.Str[i+1]
		out.Edges = append(out.Edges, [2]string{a, b})
	}
	if md := g.Sub("metadata"); md != nil {
		out.Metadata = metadata(md)
	}
	return out, nil
}

func metadata(g *h5.Group) map[string]h5.Value {
	m := map[string]h5.Value{}
	for _, x := range g.Members {
		if x.Dataset != nil {
			m[x.Name] = x.Dataset.Value
		}
	}
	return m
}

func decodeNode(path string, g *h5.Group, depth int) (*Node, error) {
	t, ok := scalarString(g.Get("type"))
	if !ok {
		return nil, &FormatError{Fault: path + ": no scalar string type"}
	}
	if t == "NIRGraph" {
		sub, err := decodeGraph(path, g, depth+1)
		if err != nil {
			return nil, err
		}
		return &Node{Type: t, Graph: sub}, nil
	}
	n := &Node{Type: t, Params: map[string]h5.Value{}}
	for _, m := range g.Members {
		switch {
		case m.Name == "type":
		case m.Name == "metadata" && m.Group != nil:
			n.Metadata = metadata(m.Group)
		case m.Dataset != nil:
			n.Params[m.Name] = m.Dataset.Value
		default:
			return nil, &FormatError{Fault: path + "/" + m.Name + ": a group where a parameter belongs"}
		}
	}
	if names, ok := paramNames[t]; ok {
		for _, p := range names[0] {
			if _, ok := n.Params[p]; !ok {
				return nil, &FormatError{Fault: fmt.Sprintf("%s: %s node without its parameter %s", path, t, p)}
			}
		}
		for p, v := range n.Params {
			if !slices.Contains(names[0], p) && !slices.Contains(names[1], p) {
				return nil, &FormatError{Fault: fmt.Sprintf("%s: %s node has no parameter %s (NIR's are %v, optional %v)", path, t, p, names[0], names[1])}
			}
			if v.Kind == h5.String {
				return nil, &FormatError{Fault: fmt.Sprintf("%s/%s: strings where numbers belong", path, p)}
			}
		}
	}
	return n, nil
}

// Encode renders g as the bytes of a NIR file.
func Encode(g *Graph) ([]byte, error) {
	root := &h5.Group{}
	root.Put("version", h5.Str(FormatVersion))
	node := root.NewGroup("node")
	if err := encodeGraph(node, g); err != nil {
		return nil, err
	}
	return h5.Encode(root)
}

func encodeGraph(dst *h5.Group, g *Graph) error {
	edges := make([]string, 0, 2*len(g.Edges))
	for _, e := range g.Edges {
		for _, n := range e {
			if _, ok := g.Nodes[n]; !ok {
				return fmt.Errorf("nir: edge %s → %s names no node %q", e[0], e[1], n)
			}
		}
		edges = append(edges, e[0], e[1])
	}
	dst.Put("edges", h5.Strs([]int{len(g.Edges), 2}, edges))
	if len(g.Metadata) > 0 {
		putMetadata(dst.NewGroup("metadata"), g.Metadata)
	}
	nodes := dst.NewGroup("nodes")
	for _, name := range g.Names() {
		n := g.Nodes[name]
		ng := nodes.NewGroup(name)
		if n.Type == "NIRGraph" {
			if err := encodeGraph(ng, n.Graph); err != nil {
				return err
			}
		} else {
			keys := make([]string, 0, len(n.Params))
			for k := range n.Params {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				ng.Put(k, n.Params[k])
			}
			if len(n.Metadata) > 0 {
				putMetadata(ng.NewGroup("metadata"), n.Metadata)
			}
		}
		ng.Put("type", h5.Str(n.Type))
	}
	dst.Put("type", h5.Str("NIRGraph"))
	return nil
}

func putMetadata(g *h5.Group, m map[string]h5.Value) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g.Put(k, m[k])
	}
}

// Write writes g to path atomically.
func Write(path string, g *Graph) error {
	b, err := Encode(g)
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}
