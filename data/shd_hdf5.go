package data

import (
	"fmt"
	"os"

	"github.com/scigolib/hdf5"
)

// readSHDFile reads the datasets of an SHD file with the pure-Go HDF5
// reader. A panic inside the reader on a hostile file is turned into a
// *FormatError: bad files never crash inloop.
func readSHDFile(path string) (raw SHDRaw, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &FormatError{File: path, Fault: fmt.Sprintf("corrupt HDF5 file (reader failed: %v)", r)}
		}
	}()
	st, err := os.Stat(path)
	if err != nil {
		return raw, err
	}
	if err := guardHDF5(path, st.Size()); err != nil {
		return raw, err
	}
	f, err := hdf5.Open(path)
	if err != nil {
		return raw, &FormatError{File: path, Fault: "not a readable HDF5 file", Err: err}
	}
	defer f.Close()
	sets := map[string]*hdf5.Dataset{}
	f.Walk(func(p string, obj hdf5.Object) {
		if d, ok := obj.(*hdf5.Dataset); ok {
			sets[p] = d
		}
	})
	need := func(p string) (*hdf5.Dataset, error) {
		d := sets[p]
		if d == nil {
			return nil, &FormatError{File: path, Fault: "wrong layout: no dataset " + p + " (want SHD's /spikes/times, /spikes/units, /labels)"}
		}
		if err := checkDataset(p, d, st.Size()); err != nil {
			return nil, &FormatError{File: path, Fault: err.Error()}
		}
		return d, nil
	}
	vlen := func(p string) ([][]byte, error) {
		d, err := need(p)
		if err != nil {
			return nil, err
		}
		v, err := d.ReadVLenBytes()
		if err != nil {
			return nil, &FormatError{File: path, Fault: "cannot read " + p + " as variable-length sequences", Err: err}
		}
		return v, nil
	}
	if raw.Times, err = vlen("/spikes/times"); err != nil {
		return raw, err
	}
	if raw.Units, err = vlen("/spikes/units"); err != nil {
		return raw, err
	}
	for _, x := range []struct {
		name string
		dst  *[2]int
	}{{"/spikes/times", &raw.TimeType}, {"/spikes/units", &raw.UnitType}} {
		if class, size, ok := vlenBaseType(f.Reader(), sets[x.name].Address()); ok {
			*x.dst = [2]int{class, size}
		}
	}
	d, err := need("/labels")
	if err != nil {
		return raw, err
	}
	if raw.Labels, err = d.Read(); err != nil {
		return raw, &FormatError{File: path, Fault: "cannot read /labels as numbers", Err: err}
	}
	if d := sets["/extra/speaker"]; d != nil && checkDataset("/extra/speaker", d, st.Size()) == nil {
		if raw.Speakers, err = d.Read(); err != nil {
			return raw, &FormatError{File: path, Fault: "cannot read /extra/speaker as numbers", Err: err}
		}
	}
	if d := sets["/extra/keys"]; d != nil && checkDataset("/extra/keys", d, st.Size()) == nil {
		if raw.Keys, err = d.ReadVLenBytes(); err != nil {
			raw.Keys = nil // keys only name classes; the standard names serve
		}
	}
	return raw, nil
}

// guardHDF5 runs checkHeaps on the file at path.
func guardHDF5(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := checkHeaps(f, size); err != nil {
		return &FormatError{File: path, Fault: err.Error()}
	}
	return nil
}

// checkDataset bounds dataset d's claimed size by the file size.
func checkDataset(name string, d *hdf5.Dataset, fileSize int64) error {
	info, err := d.Info()
	if err != nil {
		return fmt.Errorf("dataset %s: unreadable header: %v", name, err)
	}
	return checkDatasetInfo(name, info, fileSize)
}
