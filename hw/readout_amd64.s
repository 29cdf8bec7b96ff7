//go:build !noasm

#include "go_asm.h"
#include "textflag.h"

// func readoutAVX2(b *readoutBatch, dl *delivery, ndl int, T int64) int
//
// It applies and empties the batch b (see readoutBatch), then carries the
// deliveries as readoutScalar. A pass keeps up to 16 neurons (x0 = DX…) in
// registers, blocks of 4: u in Y0…Y3, cur in Y4…Y7. If pk ≥ 0 it first
// propagates them by the row at tf[pk:] (e_m, e_s, F of the cnt neurons in
// turn):
//	u = u·e_m + cur·F;  cur = cur·e_s
// then carries each item (w: weights, t: row) in order, then each delivery
// taken (w and t found as in readoutScalar):
//	J = float64(w);  u += J·F;  cur += J·e_s
// Each lane does the scalar code's operations in its order (no FMA; the
// products and sums are commutative, so operand order does not matter).
// Passes of 16 go while more than 16 neurons are left; the last pass has
// b.last full blocks and one block under b's masks (1…4 lanes; the other
// lanes read 0 from u, cur and w, and are not stored). Rows are read
// unmasked: the table has 3 float64 of room past its last row. Every pass
// takes the same deliveries and writes their number.
//
// Registers: R10 b, DI u, SI cur, R8 tf, CX cnt, DX x0, R12 &tf[cnt+x0]
// (e_s), R13 &tf[2·cnt+x0] (F), R11 the end of the items; BX the e_m row,
// then a carry's weights; R14 its row; AX walks the items, then dl (R9 the
// end of dl; R9 is pk before). Y12 (X12) and Y15 are the float32 and
// float64 lane masks, Y13 and Y14 scratch.

#define NS_W0 (readoutBatch_ns+soleProj_w0)
#define NS_PRE (readoutBatch_ns+soleProj_pre)
#define NS_SIZE (readoutBatch_ns+soleProj_size)
#define NS_STRIDE (readoutBatch_ns+soleProj_stride)

#define ROWS \
	LEAQ (CX)(DX*1), R12; \
	LEAQ (R8)(R12*8), R12; \
	LEAQ (R12)(CX*8), R13

#define LOADF(off, U, C) \
	VMOVUPD off(DI)(DX*8), U; \
	VMOVUPD off(SI)(DX*8), C

#define LOADM(off, U, C) \
	VMASKMOVPD off(DI)(DX*8), Y15, U; \
	VMASKMOVPD off(SI)(DX*8), Y15, C

#define STOREF(off, U, C) \
	VMOVUPD U, off(DI)(DX*8); \
	VMOVUPD C, off(SI)(DX*8)

#define STOREM(off, U, C) \
	VMASKMOVPD U, Y15, off(DI)(DX*8); \
	VMASKMOVPD C, Y15, off(SI)(DX*8)

// PROPS(skip, body) propagates the pass by row pk (body: PROP of each block)
#define PROPS(skip, body) \
	MOVQ  readoutBatch_pk(R10), R9; \
	TESTQ R9, R9; \
	JS    skip; \
	LEAQ  (R8)(DX*8), BX; \
	body; \
skip:

#define PROP(off, U, C) \
	VMULPD off(BX)(R9*8), U, U; \
	VMULPD off(R13)(R9*8), C, Y14; \
	VADDPD Y14, U, U; \
	VMULPD off(R12)(R9*8), C, C

#define CARRYF(off, woff, U, C) \
	VCVTPS2PD woff(BX)(DX*4), Y13; \
	VMULPD    off(R13)(R14*8), Y13, Y14; \
	VADDPD    Y14, U, U; \
	VMULPD    off(R12)(R14*8), Y13, Y13; \
	VADDPD    Y13, C, C

#define CARRYM(off, woff, U, C) \
	VMASKMOVPS woff(BX)(DX*4), X12, X13; \
	VCVTPS2PD  X13, Y13; \
	VMULPD     off(R13)(R14*8), Y13, Y14; \
	VADDPD     Y14, U, U; \
	VMULPD     off(R12)(R14*8), Y13, Y13; \
	VADDPD     Y13, C, C

// ITEMS(loop, done, body) runs body for every item (BX: w, R14: t).
#define ITEMS(loop, done, body) \
	MOVQ  readoutBatch_n(R10), AX; \
	SHLQ  $4, AX; \
	NEGQ  AX; \
	JZ    done; \
loop: \
	MOVQ  (R11)(AX*1), BX; \
	MOVQ  8(R11)(AX*1), R14; \
	body; \
	ADDQ  $16, AX; \
	JNZ   loop; \
done:

// DELIVS(loop, next, done, body) runs body for the deliveries taken (BX: w,
// R14: t) and writes their number.
#define DELIVS(loop, next, done, body) \
	MOVQ    dl+8(FP), AX; \
	MOVQ    ndl+16(FP), R9; \
	SHLQ    $4, R9; \
	ADDQ    AX, R9; \
	CMPQ    AX, R9; \
	JEQ     done; \
loop: \
	MOVQ    T+24(FP), R14; \
	SUBQ    delivery_tick(AX), R14; \
	JLE     done; \
	MOVLQSX delivery_neuron(AX), BX; \
	SUBQ    NS_PRE(R10), BX; \
	CMPQ    BX, NS_SIZE(R10); \
	JAE     next; \
	CMPQ    R14, $const_tabTicks; \
	JAE     done; \
	IMULQ   NS_STRIDE(R10), BX; \
	ADDQ    NS_W0(R10), BX; \
	IMULQ   readoutBatch_rowLen(R10), R14; \
	body; \
next: \
	ADDQ    $16, AX; \
	CMPQ    AX, R9; \
	JNE     loop; \
done: \
	SUBQ    dl+8(FP), AX; \
	SHRQ    $4, AX; \
	MOVQ    AX, ret+32(FP)

// EMPTY empties the batch and returns.
#define EMPTY \
	MOVQ $-1, readoutBatch_pk(R10); \
	MOVQ $0, readoutBatch_n(R10); \
	VZEROUPPER; \
	RET

TEXT ·readoutAVX2(SB), NOSPLIT, $0-40
	MOVQ b+0(FP), R10
	MOVQ readoutBatch_u(R10), DI
	MOVQ readoutBatch_cur(R10), SI
	MOVQ readoutBatch_tf(R10), R8
	MOVQ readoutBatch_cnt(R10), CX
	MOVQ readoutBatch_n(R10), R11
	SHLQ $4, R11
	LEAQ readoutBatch_items(R10)(R11*1), R11
	XORQ DX, DX

wide:
	MOVQ CX, BX
	SUBQ DX, BX
	CMPQ BX, $16
	JLE  last
	ROWS
	LOADF(0, Y0, Y4)
	LOADF(32, Y1, Y5)
	LOADF(64, Y2, Y6)
	LOADF(96, Y3, Y7)
	PROPS(wideprop, PROP(0, Y0, Y4); PROP(32, Y1, Y5); PROP(64, Y2, Y6); PROP(96, Y3, Y7))
	ITEMS(wideloop, widedone, CARRYF(0, 0, Y0, Y4); CARRYF(32, 16, Y1, Y5); CARRYF(64, 32, Y2, Y6); CARRYF(96, 48, Y3, Y7))
	DELIVS(widedl, widenext, widedldone, CARRYF(0, 0, Y0, Y4); CARRYF(32, 16, Y1, Y5); CARRYF(64, 32, Y2, Y6); CARRYF(96, 48, Y3, Y7))
	STOREF(0, Y0, Y4)
	STOREF(32, Y1, Y5)
	STOREF(64, Y2, Y6)
	STOREF(96, Y3, Y7)
	ADDQ $16, DX
	JMP  wide

last:
	MOVQ    readoutBatch_last(R10), AX
	VMOVDQU readoutBatch_mask64(R10), Y15
	VMOVDQU readoutBatch_mask32(R10), X12
	ROWS
	CMPQ    AX, $2
	JA      last3
	JE      last2
	TESTQ   AX, AX
	JNZ     last1

	LOADM(0, Y0, Y4)
	PROPS(last0prop, PROP(0, Y0, Y4))
	ITEMS(last0loop, last0done, CARRYM(0, 0, Y0, Y4))
	DELIVS(last0dl, last0next, last0dldone, CARRYM(0, 0, Y0, Y4))
	STOREM(0, Y0, Y4)
	EMPTY

last1:
	LOADF(0, Y0, Y4)
	LOADM(32, Y1, Y5)
	PROPS(last1prop, PROP(0, Y0, Y4); PROP(32, Y1, Y5))
	ITEMS(last1loop, last1done, CARRYF(0, 0, Y0, Y4); CARRYM(32, 16, Y1, Y5))
	DELIVS(last1dl, last1next, last1dldone, CARRYF(0, 0, Y0, Y4); CARRYM(32, 16, Y1, Y5))
	STOREF(0, Y0, Y4)
	STOREM(32, Y1, Y5)
	EMPTY

last2:
	LOADF(0, Y0, Y4)
	LOADF(32, Y1, Y5)
	LOADM(64, Y2, Y6)
	PROPS(last2prop, PROP(0, Y0, Y4); PROP(32, Y1, Y5); PROP(64, Y2, Y6))
	ITEMS(last2loop, last2done, CARRYF(0, 0, Y0, Y4); CARRYF(32, 16, Y1, Y5); CARRYM(64, 32, Y2, Y6))
	DELIVS(last2dl, last2next, last2dldone, CARRYF(0, 0, Y0, Y4); CARRYF(32, 16, Y1, Y5); CARRYM(64, 32, Y2, Y6))
	STOREF(0, Y0, Y4)
	STOREF(32, Y1, Y5)
	STOREM(64, Y2, Y6)
	EMPTY

last3:
	LOADF(0, Y0, Y4)
	LOADF(32, Y1, Y5)
	LOADF(64, Y2, Y6)
	LOADM(96, Y3, Y7)
	PROPS(last3prop, PROP(0, Y0, Y4); PROP(32, Y1, Y5); PROP(64, Y2, Y6); PROP(96, Y3, Y7))
	ITEMS(last3loop, last3done, CARRYF(0, 0, Y0, Y4); CARRYF(32, 16, Y1, Y5); CARRYF(64, 32, Y2, Y6); CARRYM(96, 48, Y3, Y7))
	DELIVS(last3dl, last3next, last3dldone, CARRYF(0, 0, Y0, Y4); CARRYF(32, 16, Y1, Y5); CARRYF(64, 32, Y2, Y6); CARRYM(96, 48, Y3, Y7))
	STOREF(0, Y0, Y4)
	STOREF(32, Y1, Y5)
	STOREF(64, Y2, Y6)
	STOREM(96, Y3, Y7)
	EMPTY
