package h5

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// python returns Debian's python3 when it has h5py, else skips t.
func python(t *testing.T) string {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import h5py, numpy").Run(); err != nil {
		t.Skip("needs /usr/bin/python3 with h5py and numpy (apt-get install python3-h5py)")
	}
	return py
}

// dumpScript prints every dataset and attribute of a file as JSON, with the
// type details h5py reports.
const dumpScript = `
import sys, json, h5py, numpy as np
out = {}
def val(x):
    x = np.asarray(x)
    if x.dtype.kind == 'O' or x.dtype.kind == 'S':
        return [v.decode('utf8') if isinstance(v, bytes) else v for v in x.reshape(-1).tolist()]
    if x.dtype.kind == 'f':
        return [repr(float(v)) for v in x.reshape(-1).tolist()]
    return x.reshape(-1).tolist()
def kind(obj):
    t = obj.id.get_type() if hasattr(obj.id, 'get_type') else obj.get_type()
    if t.get_class() == h5py.h5t.STRING:
        return "str-%s-%s" % ("vlen" if t.is_variable_str() else "fixed", "utf8" if t.get_cset() == h5py.h5t.CSET_UTF8 else "ascii")
    return str(obj.dtype)
def attrs(name, obj):
    for k in obj.attrs.keys():
        a = obj.attrs.get_id(k)
        out[name + "@" + k] = {"kind": kind(a), "shape": list(a.shape), "value": val(obj.attrs[k])}
with h5py.File(sys.argv[1], "r") as f:
    attrs("/", f)
    def visit(name, obj):
        attrs("/" + name, obj)
        if isinstance(obj, h5py.Dataset):
            out["/" + name] = {"kind": kind(obj), "shape": list(obj.shape), "value": val(obj[()])}
        else:
            out["/" + name] = {"kind": "group"}
    f.visititems(visit)
print(json.dumps(out))
`

type dumped struct {
	Kind  string `json:"kind"`
	Shape []int  `json:"shape"`
	Value []any  `json:"value"`
}

func h5pyDump(t *testing.T, py, path string) map[string]dumped {
	t.Helper()
	out, err := exec.Command(py, "-c", dumpScript, path).CombinedOutput()
	if err != nil {
		t.Fatalf("h5py cannot read %s: %v\n%s", path, err, out)
	}
	var m map[string]dumped
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("h5py dump: %v\n%s", err, out)
	}
	return m
}

// sampleTree exercises every kind, scalars, empty and N-d arrays, nesting,
// more members than one symbol-table node holds, and attributes on the
// root, groups and datasets.
func sampleTree() *Group {
	root := &Group{}
	root.SetAttr("__type__", Str("NIRGraphData"))
	root.SetAttr("dt", F64(0.5))
	root.SetAttr("n", I64(-7))
	root.Put("version", Str("1.0.7"))
	n := root.NewGroup("node")
	n.Put("type", Str("NIRGraph"))
	n.Put("edges", Strs([]int{2, 2}, []string{"input", "fc", "fc", "ünïcode ✓"}))
	n.Put("w32", F32s([]int{2, 3}, []float32{1, -2.5, 3.25, float32(math.Pi), 1e-30, 0}))
	d := n.Put("w64", F64s([]int{3}, []float64{0.1, -1e300, 6e-6}))
	d.SetAttr("unit", Str("s"))
	d.SetAttr("t_max", F64(1.5))
	n.Put("i", I64s([]int{2, 1, 2}, []int64{1, -1, math.MaxInt64, math.MinInt64}))
	n.Put("empty", I64s([]int{1, 0}, []int64{}))
	n.Put("scalar", F32s(nil, []float32{0.25}))
	many := n.NewGroup("many")
	for i := range 70 {
		many.Put(string(rune('a'+i%26))+string(rune('A'+i/26)), I64(int64(i)))
	}
	many.NewGroup("sub").NewGroup("subsub").SetAttr("x", Str("deep"))
	return root
}

func TestH5pyReadsEncoded(t *testing.T) {
	py := python(t)
	b, err := Encode(sampleTree())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "t.h5")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got := h5pyDump(t, py, p)
	f := func(x float64) string { b, _ := json.Marshal(x); return string(b) }
	_ = f
	want := map[string]dumped{
		"/@__type__":              {"str-vlen-utf8", []int{}, []any{"NIRGraphData"}},
		"/@dt":                    {"float64", []int{}, []any{"0.5"}},
		"/@n":                     {"int64", []int{}, []any{-7.0}},
		"/version":                {"str-vlen-utf8", []int{}, []any{"1.0.7"}},
		"/node/type":              {"str-vlen-utf8", []int{}, []any{"NIRGraph"}},
		"/node/edges":             {"str-vlen-utf8", []int{2, 2}, []any{"input", "fc", "fc", "ünïcode ✓"}},
		"/node/w32":               {"float32", []int{2, 3}, []any{"1.0", "-2.5", "3.25", "3.1415927410125732", "1.0000000031710769e-30", "0.0"}},
		"/node/w64":               {"float64", []int{3}, []any{"0.1", "-1e+300", "6e-06"}},
		"/node/w64@unit":          {"str-vlen-utf8", []int{}, []any{"s"}},
		"/node/w64@t_max":         {"float64", []int{}, []any{"1.5"}},
		"/node/i":                 {"int64", []int{2, 1, 2}, []any{1.0, -1.0, float64(math.MaxInt64), float64(math.MinInt64)}},
		"/node/empty":             {"int64", []int{1, 0}, []any{}},
		"/node/scalar":            {"float32", []int{}, []any{"0.25"}},
		"/node/many/sub/subsub@x": {"str-vlen-utf8", []int{}, []any{"deep"}},
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: missing in h5py's view", k)
			continue
		}
		if g.Value == nil {
			g.Value = []any{}
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: h5py reads %+v, want %+v", k, g, w)
		}
	}
	for i := range 70 {
		k := "/node/many/" + string(rune('a'+i%26)) + string(rune('A'+i/26))
		if g := got[k]; len(g.Value) != 1 || g.Value[0] != float64(i) {
			t.Errorf("%s: h5py reads %+v, want %d", k, g, i)
		}
	}
}
