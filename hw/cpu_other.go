//go:build !amd64

package hw

// hasAVX2 is false where there are no amd64 vector kernels (tests switch it
// off to check the portable loops; here it changes nothing).
var hasAVX2 = false
