package h5

// Group is an HDF5 group: named members (groups or datasets) and
// attributes, both in insertion order. A Group built by hand is written
// with Encode; Decode returns the root Group of a file.
type Group struct {
	Attrs   []Attr
	Members []Member
}

// Attr is a named attribute.
type Attr struct {
	Name  string
	Value Value
}

// Member is one link of a group: exactly one of Group and Dataset is set.
type Member struct {
	Name    string
	Group   *Group
	Dataset *Dataset
}

// Dataset is an array with its attributes.
type Dataset struct {
	Value Value
	Attrs []Attr
}

// NewGroup adds an empty group called name to g and returns it.
func (g *Group) NewGroup(name string) *Group {
	c := &Group{}
	g.Members = append(g.Members, Member{Name: name, Group: c})
	return c
}

// Put adds a dataset called name holding v to g and returns it.
func (g *Group) Put(name string, v Value) *Dataset {
	d := &Dataset{Value: v}
	g.Members = append(g.Members, Member{Name: name, Dataset: d})
	return d
}

// SetAttr adds an attribute to g.
func (g *Group) SetAttr(name string, v Value) { g.Attrs = append(g.Attrs, Attr{name, v}) }

// SetAttr adds an attribute to d.
func (d *Dataset) SetAttr(name string, v Value) { d.Attrs = append(d.Attrs, Attr{name, v}) }

// Sub returns the member group called name, or nil.
func (g *Group) Sub(name string) *Group {
	for _, m := range g.Members {
		if m.Name == name {
			return m.Group
		}
	}
	return nil
}

// Get returns the member dataset called name, or nil.
func (g *Group) Get(name string) *Dataset {
	for _, m := range g.Members {
		if m.Name == name {
			return m.Dataset
		}
	}
	return nil
}

// Attr returns the attribute called name.
func (g *Group) Attr(name string) (Value, bool) { return findAttr(g.Attrs, name) }

// Attr returns the attribute called name.
func (d *Dataset) Attr(name string) (Value, bool) { return findAttr(d.Attrs, name) }

func findAttr(as []Attr, name string) (Value, bool) {
	for _, a := range as {
		if a.Name == name {
			return a.Value, true
		}
	}
	return Value{}, false
}
