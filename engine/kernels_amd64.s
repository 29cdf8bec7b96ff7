//go:build !noasm

// Element-wise and row kernels of the software model (AVX2). Each lane goes
// through the same IEEE single-precision operations, in the same order and
// with the same rounding, as the portable Go code in kernels.go; no FMA.

#include "textflag.h"

DATA one<>+0(SB)/4, $0x3f800000
GLOBL one<>(SB), RODATA|NOPTR, $4

DATA absmask<>+0(SB)/4, $0x7fffffff
GLOBL absmask<>(SB), RODATA|NOPTR, $4

// tailmask<>+32-4k holds k all-ones lanes followed by zero lanes.
DATA tailmask<>+0(SB)/8, $0xffffffffffffffff
DATA tailmask<>+8(SB)/8, $0xffffffffffffffff
DATA tailmask<>+16(SB)/8, $0xffffffffffffffff
DATA tailmask<>+24(SB)/8, $0xffffffffffffffff
DATA tailmask<>+32(SB)/8, $0
DATA tailmask<>+40(SB)/8, $0
DATA tailmask<>+48(SB)/8, $0
DATA tailmask<>+56(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

// func lifAVX2(cur, mem, vh *float32, n int, alpha, beta float32, idx *int32) int
//
// For i < n (n > 0, a multiple of 8), in lanes of 8:
//	v = (beta·mem + cur) − (mem > 1 ? 1 : 0); mem = vh = v; cur = alpha·cur
// and the indices i with v > 1, ascending, go to idx; returns their number.
TEXT ·lifAVX2(SB), NOSPLIT, $0-56
	MOVQ         cur+0(FP), DI
	MOVQ         mem+8(FP), SI
	MOVQ         vh+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS alpha+32(FP), Y13
	VBROADCASTSS beta+36(FP), Y14
	MOVQ         idx+40(FP), R8
	VBROADCASTSS one<>(SB), Y15
	XORQ         AX, AX
	XORQ         R9, R9

lifloop:
	VMOVUPS   (DI)(AX*4), Y0
	VMOVUPS   (SI)(AX*4), Y1
	VCMPPS    $0x1e, Y15, Y1, Y2 // mem > 1 (ordered)
	VANDPS    Y15, Y2, Y2        // the reset: 1 or 0
	VMULPS    Y14, Y1, Y1        // beta·mem
	VADDPS    Y0, Y1, Y1         // + cur
	VSUBPS    Y2, Y1, Y1         // − reset
	VMOVUPS   Y1, (SI)(AX*4)
	VMOVUPS   Y1, (DX)(AX*4)
	VMULPS    Y13, Y0, Y0        // alpha·cur for the next step
	VMOVUPS   Y0, (DI)(AX*4)
	VCMPPS    $0x1e, Y15, Y1, Y3 // v > 1
	VMOVMSKPS Y3, BX
	TESTL     BX, BX
	JNZ       lifemit

lifnext:
	ADDQ $8, AX
	CMPQ AX, CX
	JLT  lifloop
	VZEROUPPER
	MOVQ R9, ret+48(FP)
	RET

lifemit:
	BSFL BX, R10
	ADDL AX, R10
	MOVL R10, (R8)(R9*4)
	INCQ R9
	LEAL -1(BX), R11
	ANDL R11, BX
	JNZ  lifemit
	JMP  lifnext

// func bwdAVX2(gv, gi, gs, counts, vh *float32, n int, beta, alpha, sb float32)
//
// For i < n (n > 0, a multiple of 8), in lanes of 8:
//	d = sb·|vh − 1| + 1
//	gv = (gs + counts)·(1/(d·d)) + beta·gv
//	gi = gv + alpha·gi
TEXT ·bwdAVX2(SB), NOSPLIT, $0-60
	MOVQ         gv+0(FP), DI
	MOVQ         gi+8(FP), SI
	MOVQ         gs+16(FP), DX
	MOVQ         counts+24(FP), R8
	MOVQ         vh+32(FP), R9
	MOVQ         n+40(FP), CX
	VBROADCASTSS beta+48(FP), Y12
	VBROADCASTSS alpha+52(FP), Y11
	VBROADCASTSS sb+56(FP), Y13
	VBROADCASTSS absmask<>(SB), Y14
	VBROADCASTSS one<>(SB), Y15
	XORQ         AX, AX

bwdloop:
	VMOVUPS (R9)(AX*4), Y0
	VSUBPS  Y15, Y0, Y0        // vh − 1
	VANDPS  Y14, Y0, Y0        // |·|
	VMULPS  Y13, Y0, Y0        // sb·d
	VADDPS  Y15, Y0, Y0        // + 1
	VMULPS  Y0, Y0, Y0         // d·d
	VDIVPS  Y0, Y15, Y0        // 1/(d·d)
	VMOVUPS (DX)(AX*4), Y1
	VADDPS  (R8)(AX*4), Y1, Y1 // gs + counts
	VMULPS  Y0, Y1, Y1         // ·surrogate
	VMULPS  (DI)(AX*4), Y12, Y2 // beta·gv
	VADDPS  Y2, Y1, Y1
	VMOVUPS Y1, (DI)(AX*4)
	VMULPS  (SI)(AX*4), Y11, Y3 // alpha·gi
	VADDPS  Y3, Y1, Y3
	VMOVUPS Y3, (SI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, CX
	JLT     bwdloop
	VZEROUPPER
	RET

// func addToRowsAVX2(dst *float32, offs *int32, m int, src *float32, n int)
//
// dst[offs[r]+i] += src[i] for r < m in order, i < n; n >= 1, m >= 1.
// src goes in blocks of 64 lanes held in registers while all rows take them,
// then blocks of 8, then the last 1…7 lanes with masked loads and stores.
TEXT ·addToRowsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ offs+8(FP), R8
	MOVQ m+16(FP), R9
	MOVQ src+24(FP), SI
	MOVQ n+32(FP), CX
	LEAQ (R8)(R9*4), R8 // the end of offs
	NEGQ R9             // the first row, counting up to 0

atrwide:
	CMPQ CX, $64
	JLT  atr8
	VMOVUPS 0(SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS 128(SI), Y4
	VMOVUPS 160(SI), Y5
	VMOVUPS 192(SI), Y6
	VMOVUPS 224(SI), Y7
	MOVQ R9, R10

atrwiderows:
	MOVLQSX (R8)(R10*4), R11
	LEAQ (DI)(R11*4), R11
	VADDPS 0(R11), Y0, Y8
	VMOVUPS Y8, 0(R11)
	VADDPS 32(R11), Y1, Y9
	VMOVUPS Y9, 32(R11)
	VADDPS 64(R11), Y2, Y8
	VMOVUPS Y8, 64(R11)
	VADDPS 96(R11), Y3, Y9
	VMOVUPS Y9, 96(R11)
	VADDPS 128(R11), Y4, Y8
	VMOVUPS Y8, 128(R11)
	VADDPS 160(R11), Y5, Y9
	VMOVUPS Y9, 160(R11)
	VADDPS 192(R11), Y6, Y8
	VMOVUPS Y8, 192(R11)
	VADDPS 224(R11), Y7, Y9
	VMOVUPS Y9, 224(R11)
	INCQ R10
	JNZ  atrwiderows
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  atrwide

atr8:
	CMPQ    CX, $8
	JLT     atrtail
	VMOVUPS (SI), Y0
	MOVQ    R9, R10

atr8rows:
	MOVLQSX (R8)(R10*4), R11
	VADDPS  (DI)(R11*4), Y0, Y8
	VMOVUPS Y8, (DI)(R11*4)
	INCQ    R10
	JNZ     atr8rows
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     atr8

atrtail:
	TESTQ      CX, CX
	JEQ        atrdone
	LEAQ       tailmask<>+32(SB), R11
	SHLQ       $2, CX
	SUBQ       CX, R11
	VMOVUPS    (R11), Y9
	VMASKMOVPS (SI), Y9, Y0
	MOVQ       R9, R10

atrtailrows:
	MOVLQSX    (R8)(R10*4), R11
	LEAQ       (DI)(R11*4), R11
	VMASKMOVPS (R11), Y9, Y8
	VADDPS     Y0, Y8, Y8
	VMASKMOVPS Y8, Y9, (R11)
	INCQ       R10
	JNZ        atrtailrows

atrdone:
	VZEROUPPER
	RET

// func combAVX2(dst *float32, n int, w *float32, offs *int32, gk *float32, m int)
//
// dst[i] = (…((+0 + g[0]·w[offs[0]+i]) + g[1]·w[offs[1]+i]) …) for r < m,
// i < n; n >= 1, m >= 1: the sum of scaled rows, each product rounded and
// then added, rows in order. Blocks of 64 lanes, then 8, then 1…7 masked.
TEXT ·combAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ w+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ gk+32(FP), DX
	MOVQ m+40(FP), R9
	LEAQ (R8)(R9*4), R8 // the end of offs
	LEAQ (DX)(R9*4), DX // the end of g
	NEGQ R9

cmbwide:
	CMPQ CX, $64
	JLT  cmb8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ R9, R10

cmbwiderows:
	MOVLQSX (R8)(R10*4), R11
	LEAQ (SI)(R11*4), R11
	VBROADCASTSS (DX)(R10*4), Y8
	VMULPS 0(R11), Y8, Y9
	VADDPS Y9, Y0, Y0
	VMULPS 32(R11), Y8, Y10
	VADDPS Y10, Y1, Y1
	VMULPS 64(R11), Y8, Y9
	VADDPS Y9, Y2, Y2
	VMULPS 96(R11), Y8, Y10
	VADDPS Y10, Y3, Y3
	VMULPS 128(R11), Y8, Y9
	VADDPS Y9, Y4, Y4
	VMULPS 160(R11), Y8, Y10
	VADDPS Y10, Y5, Y5
	VMULPS 192(R11), Y8, Y9
	VADDPS Y9, Y6, Y6
	VMULPS 224(R11), Y8, Y10
	VADDPS Y10, Y7, Y7
	INCQ R10
	JNZ  cmbwiderows
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  cmbwide

cmb8:
	CMPQ   CX, $8
	JLT    cmbtail
	VXORPS Y0, Y0, Y0
	MOVQ   R9, R10

cmb8rows:
	MOVLQSX      (R8)(R10*4), R11
	VBROADCASTSS (DX)(R10*4), Y8
	VMULPS       (SI)(R11*4), Y8, Y9
	VADDPS       Y9, Y0, Y0
	INCQ         R10
	JNZ          cmb8rows
	VMOVUPS      Y0, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	SUBQ         $8, CX
	JMP          cmb8

cmbtail:
	TESTQ  CX, CX
	JEQ    cmbdone
	LEAQ   tailmask<>+32(SB), R11
	SHLQ   $2, CX
	SUBQ   CX, R11
	VMOVUPS (R11), Y10
	VXORPS Y0, Y0, Y0
	MOVQ   R9, R10

cmbtailrows:
	MOVLQSX      (R8)(R10*4), R11
	LEAQ         (SI)(R11*4), R11
	VBROADCASTSS (DX)(R10*4), Y8
	VMASKMOVPS   (R11), Y10, Y9
	VMULPS       Y9, Y8, Y9
	VADDPS       Y9, Y0, Y0
	INCQ         R10
	JNZ          cmbtailrows
	VMASKMOVPS   Y0, Y10, (DI)

cmbdone:
	VZEROUPPER
	RET

// func adamAVX2(p, grad, m, v *float32, n int, c *[10]float32, flags int)
//
// adamGeneric for i < n (n > 0, a multiple of 8), in lanes of 8; c holds
// β1, 1−β1, β2, 1−β2, ε, step, inv2, l2, lim, −lim; flags bit 0 adds the
// L2 term (stored back to g), bit 1 clamps.
TEXT ·adamAVX2(SB), NOSPLIT, $0-56
	MOVQ         p+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), DX
	MOVQ         v+24(FP), R8
	MOVQ         n+32(FP), CX
	MOVQ         c+40(FP), R9
	MOVQ         flags+48(FP), R11
	VBROADCASTSS 0(R9), Y15
	VBROADCASTSS 4(R9), Y14
	VBROADCASTSS 8(R9), Y13
	VBROADCASTSS 12(R9), Y12
	VBROADCASTSS 16(R9), Y11
	VBROADCASTSS 20(R9), Y10
	VBROADCASTSS 24(R9), Y9
	VBROADCASTSS 28(R9), Y8
	VBROADCASTSS 32(R9), Y7
	VBROADCASTSS 36(R9), Y6
	XORQ         AX, AX

adamloop:
	VMOVUPS (SI)(AX*4), Y0
	TESTQ   $1, R11
	JZ      adamnol2
	VMULPS  (DI)(AX*4), Y8, Y1 // l2·p
	VADDPS  Y1, Y0, Y0         // g + l2·p
	VMOVUPS Y0, (SI)(AX*4)

adamnol2:
	VMULPS  (DX)(AX*4), Y15, Y1 // β1·m
	VMULPS  Y0, Y14, Y2         // (1−β1)·g
	VADDPS  Y2, Y1, Y1
	VMOVUPS Y1, (DX)(AX*4)
	VMULPS  Y0, Y12, Y2         // (1−β2)·g
	VMULPS  Y0, Y2, Y2          // ·g
	VMULPS  (R8)(AX*4), Y13, Y3 // β2·v
	VADDPS  Y2, Y3, Y3
	VMOVUPS Y3, (R8)(AX*4)
	VMULPS  Y9, Y3, Y3          // v·inv2
	VSQRTPS Y3, Y3              // correctly rounded, as float32(√float64)
	VADDPS  Y11, Y3, Y3         // + ε
	VMULPS  Y10, Y1, Y1         // step·m
	VDIVPS  Y3, Y1, Y1
	VMOVUPS (DI)(AX*4), Y4
	VSUBPS  Y1, Y4, Y4
	TESTQ   $2, R11
	JZ      adamstore
	VMINPS  Y4, Y7, Y4          // lim < x ? lim : x (NaN stays)
	VMAXPS  Y4, Y6, Y4          // −lim > x ? −lim : x

adamstore:
	VMOVUPS Y4, (DI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, CX
	JLT     adamloop
	VZEROUPPER
	RET
