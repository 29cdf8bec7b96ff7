package data

import "errors"

// Temporary: MNIST and SHD land in the next commits.

type MNISTVariant int

const (
	MNISTDigits MNISTVariant = iota
	FashionMNIST
)

type MNISTOptions struct{}
type SHDOptions struct{}

func NewMNIST(v MNISTVariant, dir string, split Split, opt MNISTOptions) (Dataset, error) {
	return nil, errors.New("mnist: not built yet")
}
func NewSHD(dir string, split Split, opt SHDOptions) (Dataset, error) {
	return nil, errors.New("shd: not built yet")
}
