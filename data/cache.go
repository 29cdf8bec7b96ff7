package data

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"inloop/internal/atomicfile"
)

// preprocessVersion names the 16×16 preprocessing; change it whenever the
// preprocessing changes so old cache files are not reused.
const preprocessVersion = "bspline3-mirror-corners-round8-v1"

// mnistMemo keeps preprocessed arrays for the life of the process, keyed by
// the source files' identity (path, size, modification time) and by their
// digests, so later loads and epochs cost no decoding.
var mnistMemo = struct {
	sync.Mutex
	byStat   map[string]*mnistArrays
	byDigest map[string]*mnistArrays
}{byStat: map[string]*mnistArrays{}, byDigest: map[string]*mnistArrays{}}

// DefaultCacheDir is where preprocessed arrays are cached on disk:
// $INLOOP_CACHE_DIR if set, else os.UserCacheDir()/inloop, else "" (none).
func DefaultCacheDir() string {
	if d := os.Getenv("INLOOP_CACHE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "inloop")
	}
	return ""
}

func statKey(variant MNISTVariant, paths [2]string) string {
	k := variant.Name()
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return ""
		}
		k += fmt.Sprintf("|%s|%d|%d", p, st.Size(), st.ModTime().UnixNano())
	}
	return k
}

// loadMNISTArrays returns the preprocessed arrays of the two files, from
// memory, from the disk cache, or by decoding (then filling both caches).
func loadMNISTArrays(variant MNISTVariant, paths [2]string, cacheDir string) (*mnistArrays, error) {
	sk := statKey(variant, paths)
	mnistMemo.Lock()
	a := mnistMemo.byStat[sk]
	mnistMemo.Unlock()
	if a != nil && sk != "" {
		return a, nil
	}
	img, err := os.ReadFile(paths[0])
	if err != nil {
		return nil, err
	}
	lab, err := os.ReadFile(paths[1])
	if err != nil {
		return nil, err
	}
	hi, hl := sha256.Sum256(img), sha256.Sum256(lab)
	for k, b := range [][]byte{img, lab} {
		sum := [][32]byte{hi, hl}[k]
		want := strings.TrimSuffix(filepath.Base(paths[k]), ".gz")
		if got := publishedMNISTFile(variant, b, hex.EncodeToString(sum[:])); got != "" && got != want {
			return nil, &FormatError{File: paths[k], Fault: fmt.Sprintf("this is %s's published %s, found where %s belongs: are the train and test files swapped?", variant.Name(), got, want)}
		}
	}
	if variant == FashionMNIST && (isMNISTDigest(hex.EncodeToString(hi[:])) || isMNISTDigest(hex.EncodeToString(hl[:]))) {
		return nil, &FormatError{File: paths[0], Fault: "wrong dataset: these are MNIST's digit files, not Fashion-MNIST's (put Fashion-MNIST's files in DIR/fashion-mnist/)"}
	}
	key := cacheKey(variant, hi, hl)
	mnistMemo.Lock()
	a = mnistMemo.byDigest[key]
	mnistMemo.Unlock()
	if a == nil {
		if cacheDir == "" {
			cacheDir = DefaultCacheDir()
		}
		file := ""
		if cacheDir != "" && cacheDir != "off" {
			file = filepath.Join(cacheDir, "mnist16-"+key[:32]+".bin")
			a = readMNISTCache(file)
			if a != nil && idxCount(lab) != len(a.labels) {
				a = nil // not the sources' samples: decode them again
			}
		}
		if a == nil {
			a, err = decodeMNIST(variant, paths, img, lab)
			if err != nil {
				return nil, err
			}
			if file != "" {
				_ = writeMNISTCache(file, a) // an unwritable cache only costs time
			}
		}
	}
	mnistMemo.Lock()
	mnistMemo.byDigest[key] = a
	if sk != "" {
		mnistMemo.byStat[sk] = a
	}
	mnistMemo.Unlock()
	return a, nil
}

// cacheKey digests the sources and every preprocessing parameter.
func cacheKey(variant MNISTVariant, img, lab [32]byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|side=%d|", variant.Name(), preprocessVersion, Side)
	h.Write(img[:])
	h.Write(lab[:])
	return hex.EncodeToString(h.Sum(nil))
}

// The cache file: magic, n (uint32 LE), n labels, n·256 pixels, then the
// SHA-256 of everything before it.
var mnistCacheMagic = []byte("INLOOPM16v1\n")

func readMNISTCache(file string) *mnistArrays {
	b, err := os.ReadFile(file)
	if err != nil || len(b) < len(mnistCacheMagic)+4+32 || !bytes.Equal(b[:len(mnistCacheMagic)], mnistCacheMagic) {
		return nil
	}
	body, sum := b[:len(b)-32], b[len(b)-32:]
	if h := sha256.Sum256(body); !bytes.Equal(h[:], sum) {
		return nil
	}
	p := len(mnistCacheMagic)
	n := int(binary.LittleEndian.Uint32(b[p:]))
	p += 4
	// The digest guards against damage, not against a file written by
	// someone else: every field is checked as a decoded file's would be.
	if n == 0 || len(body) != p+n+n*Side*Side || badLabel(body[p:p+n]) >= 0 {
		return nil
	}
	return &mnistArrays{labels: body[p : p+n], pixels: body[p+n:]}
}

// writeMNISTCache replaces file atomically.
func writeMNISTCache(file string, a *mnistArrays) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.Write(mnistCacheMagic)
	binary.Write(&buf, binary.LittleEndian, uint32(len(a.labels)))
	buf.Write(a.labels)
	buf.Write(a.pixels)
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	return atomicfile.WriteFile(file, buf.Bytes(), 0o644, filepath.Base(file)+".*.tmp")
}

// idxCount is the first dimension of an IDX file (gzip-compressed or raw)
// read from its header alone, or -1 if the header cannot be read.
func idxCount(b []byte) int {
	var r io.Reader = bytes.NewReader(b)
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return -1
		}
		r = zr
	}
	var head [8]byte
	if _, err := io.ReadFull(r, head[:]); err != nil || head[0] != 0 || head[1] != 0 {
		return -1
	}
	return int(binary.BigEndian.Uint32(head[4:]))
}
