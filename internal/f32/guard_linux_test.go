package f32

import (
	"syscall"
	"testing"
	"unsafe"
)

// guarded returns n float32s between two inaccessible pages: the first
// element starts a page and the last one ends a page, so any read or write
// before or past the slice faults.
func guarded(t *testing.T, n int) []float32 {
	t.Helper()
	page := syscall.Getpagesize()
	data := (4*n + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, data+2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	if err := syscall.Mprotect(mem[page+data:], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	end := page + data
	if n == 0 {
		return []float32{}
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&mem[end-4*n])), n)[:n:n]
}

// guardedAtStart is guarded with the slice starting right after the
// inaccessible page before it.
func guardedAtStart(t *testing.T, n int) []float32 {
	t.Helper()
	page := syscall.Getpagesize()
	g := guarded(t, (4*n+page-1)/page*page/4)
	return g[:n:n]
}
