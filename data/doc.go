// Package data provides the datasets (Yin-Yang generated in code, MNIST and
// Fashion-MNIST from IDX files, SHD from HDF5), their decoders and the spike
// encoders. It holds no training logic.
//
// Every dataset is a Dataset: encoded samples whose spike times are µs of
// hardware time after the sample's start (the emulated chip runs 1000×
// faster than biology) on input channels 0..Inputs()−1. Load opens one by
// name; Permutation gives the seeded data order of an epoch; datasets with
// a training augmentation also implement Augmenter. Bad or missing files
// give typed errors (*MissingFilesError, *FormatError, *SplitError,
// *UnknownDatasetError), never panics.
package data
