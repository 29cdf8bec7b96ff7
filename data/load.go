package data

// Load opens split of the named dataset: yinyang (generated; dir ignored),
// mnist, fashion-mnist or shd (files in dir; see NewMNIST and NewSHD for the
// layouts searched). Yin-Yang has train, validation and test; the others
// have train and test only, and validation gives a *SplitError (carve your
// own validation set out of train if you need one). Unknown names give an
// *UnknownDatasetError.
func Load(name, dir string, split Split) (Dataset, error) {
	switch name {
	case "yinyang":
		return NewYinYang(split, YinYangOptions{})
	case "mnist":
		return NewMNIST(MNISTDigits, dir, split, MNISTOptions{})
	case "fashion-mnist":
		return NewMNIST(FashionMNIST, dir, split, MNISTOptions{})
	case "shd":
		return NewSHD(dir, split, SHDOptions{})
	}
	return nil, &UnknownDatasetError{Name: name}
}
