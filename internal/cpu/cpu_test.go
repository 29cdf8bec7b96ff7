package cpu

import (
	"runtime"
	"testing"

	xcpu "golang.org/x/sys/cpu"
)

// TestHasAVX2 checks the decision against the build and the CPU: the
// kernels run only on amd64 without noasm, exactly when the CPU has AVX2.
func TestHasAVX2(t *testing.T) {
	t.Parallel()
	want := runtime.GOARCH == "amd64" && !noasm && xcpu.X86.HasAVX2
	if HasAVX2() != want {
		t.Errorf("HasAVX2() = %v on %s (noasm %v, CPU AVX2 %v); want %v", HasAVX2(), runtime.GOARCH, noasm, xcpu.X86.HasAVX2, want)
	}
	t.Logf("GOARCH %s, noasm %v: AVX2 kernels %v", runtime.GOARCH, noasm, HasAVX2())
}
