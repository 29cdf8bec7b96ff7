package data

import (
	"fmt"
	"strings"
)

// Names lists the datasets Load accepts.
var Names = []string{"yinyang", "mnist", "fashion-mnist", "shd"}

// UnknownDatasetError is returned by Load for a name it does not know.
type UnknownDatasetError struct{ Name string }

func (e *UnknownDatasetError) Error() string {
	return fmt.Sprintf("unknown dataset %q (accepted: %s)", e.Name, strings.Join(Names, ", "))
}

// SplitError is returned for a split a dataset does not have.
type SplitError struct {
	Dataset  string
	Split    Split
	Accepted []Split
}

func (e *SplitError) Error() string {
	acc := make([]string, len(e.Accepted))
	for i, s := range e.Accepted {
		acc[i] = string(s)
	}
	return fmt.Sprintf("dataset %s has no split %q (accepted: %s)", e.Dataset, e.Split, strings.Join(acc, ", "))
}

// ParseSplit turns a user's split name into a Split.
func ParseSplit(s string) (Split, error) {
	switch Split(s) {
	case Train, Validation, Test:
		return Split(s), nil
	}
	return "", fmt.Errorf("unknown split %q (accepted: train, validation, test)", s)
}

// ExpectedFile describes one file a dataset needs, with its published
// digest so users can check their copy.
type ExpectedFile struct {
	Name   string // file name in the data directory
	Digest string // e.g. "md5 f68b…" of the published file
}

// MissingFilesError is returned when a dataset's files are not found. It
// names the directories searched, the files expected there, their digests
// and where they are published. inloop never downloads them itself.
type MissingFilesError struct {
	Dataset  string
	Searched []string // directories looked in
	Missing  []string // files not found
	Expected []ExpectedFile
	Source   string // where the files are published
}

func (e *MissingFilesError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: missing %s in %s; expected files:", e.Dataset, strings.Join(e.Missing, ", "), strings.Join(e.Searched, " or "))
	for _, f := range e.Expected {
		fmt.Fprintf(&b, " %s (%s);", f.Name, f.Digest)
	}
	fmt.Fprintf(&b, " download them from %s (inloop never downloads)", e.Source)
	return b.String()
}

// FormatError is returned for a corrupt, truncated or wrong-type file.
type FormatError struct {
	File  string // path of the file
	Fault string // what is wrong
	Err   error  // underlying error, if any
}

func (e *FormatError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.File, e.Fault, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Fault)
}

func (e *FormatError) Unwrap() error { return e.Err }
