// Package h5 writes and reads the subset of HDF5 that NIR files use: nested
// groups, datasets of float32, float64, int64 and variable-length UTF-8
// strings (scalar or N-dimensional), and attributes on any group, the root
// included.
//
// The writer produces the HDF5 C library's classic format (superblock
// version 0, version 1 object headers, symbol-table groups with a local
// heap, contiguous storage, strings in one global heap collection), which
// every HDF5 reader accepts. The reader takes that format as written by
// h5py and the C library with their default settings, including chunked
// datasets with the deflate and shuffle filters.
//
// Why not github.com/scigolib/hdf5: files it writes are refused by NIR's
// reference reader (no scalar dataspace, wrong float attribute bit fields,
// no root attributes, unreadable gzip, ASCII-tagged strings), and its reader
// reports shapes only as text and allocates sizes the file claims. A writer
// and reader of the small subset NIR needs are shorter than a patched copy
// and bound every size a file controls.
//
// The format is described in the HDF5 File Format Specification version 3
// (superblock, object header messages, B-tree v1, local and global heaps).
package h5
