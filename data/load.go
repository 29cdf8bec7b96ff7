package data

import "os"

// Load opens split of the named dataset: yinyang (generated; dir ignored),
// mnist, fashion-mnist or shd (files in dir; see NewMNIST and NewSHD for the
// layouts searched). Yin-Yang has train, validation and test; the others
// have train and test only, and validation gives a *SplitError (carve your
// own validation set out of train if you need one). Unknown names give an
// *UnknownDatasetError. dir "" means $INLOOP_DATA_DIR, else the current
// directory.
func Load(name, dir string, split Split) (Dataset, error) {
	if dir == "" {
		dir = os.Getenv("INLOOP_DATA_DIR")
	}
	switch name {
	case "yinyang":
		d, err := NewYinYang(split, YinYangOptions{})
		if err != nil {
			return nil, err // not a typed nil in an interface
		}
		return d, nil
	case "mnist", "fashion-mnist":
		v := MNISTDigits
		if name == "fashion-mnist" {
			v = FashionMNIST
		}
		d, err := NewMNIST(v, dir, split, MNISTOptions{})
		if err != nil {
			return nil, err
		}
		return d, nil
	case "shd":
		d, err := NewSHD(dir, split, SHDOptions{})
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, &UnknownDatasetError{Name: name}
}
