// Package data provides the datasets (Yin-Yang generated in code, MNIST and
// Fashion-MNIST from IDX files, SHD from HDF5), their decoders and the spike
// encoders. It holds no training logic.
package data
