//go:build !noasm

#include "textflag.h"

// DRAW sets res to the next output of the xoshiro256** generator whose state
// s0, s1, s2, s3 is in R8, R9, R10, R11 and advances the state (as
// rng.uint64; R12 is scratch):
//	res = rotl(s1·5, 7)·9;  t = s1<<17
//	s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 45)
#define DRAW(res) \
	LEAQ (R9)(R9*4), res; \
	ROLQ $7, res;         \
	LEAQ (res)(res*8), res; \
	MOVQ R9, R12;         \
	SHLQ $17, R12;        \
	XORQ R8, R10;         \
	XORQ R9, R11;         \
	XORQ R10, R9;         \
	XORQ R11, R8;         \
	XORQ R12, R10;        \
	ROLQ $45, R11

// FIELD sets dst to the 12-bit field k ≥ 1 of src, (src >> 12k) & 4095.
#define FIELD(src, k, dst) \
	MOVQ src, dst;        \
	SHRQ $(12*k), dst;    \
	ANDL $4095, dst

// PAIR stores the deviates sd·t[i] and sd·t[j] at off(SI) (the table in DX,
// sd in both lanes of X0).
#define PAIR(i, j, off) \
	MOVSD  (DX)(i*8), X1; \
	MOVHPD (DX)(j*8), X1; \
	MULPD  X0, X1;        \
	MOVUPD X1, off(SI)

// func fillBlocksSSE2(r *rng, t *[1 << normTableBits]float64, dst *float64, blocks int, sd float64)
//
// Fills blocks·5 deviates sd·t[12 bits] from dst on, five per 64-bit draw of
// r (bits 0–11 first), as fillBlocksGo: ten per round of two draws, stored
// in pairs (MULPD rounds each lane as MULSD would).
TEXT ·fillBlocksSSE2(SB), NOSPLIT, $0-40
	MOVQ     r+0(FP), DI
	MOVQ     t+8(FP), DX
	MOVQ     dst+16(FP), SI
	MOVQ     blocks+24(FP), CX
	MOVSD    sd+32(FP), X0
	UNPCKLPD X0, X0               // sd in both lanes
	MOVQ     0(DI), R8
	MOVQ     8(DI), R9
	MOVQ     16(DI), R10
	MOVQ     24(DI), R11
	SUBQ     $2, CX
	JLT      last

pairs:
	// two draws b (AX) and c (BX) give deviates 0–4 and 5–9
	DRAW(AX)
	DRAW(BX)
	MOVL  AX, R12
	ANDL  $4095, R12
	FIELD(AX, 1, R13)
	PAIR(R12, R13, 0)
	FIELD(AX, 2, R12)
	FIELD(AX, 3, R13)
	PAIR(R12, R13, 16)
	SHRQ  $48, AX
	ANDL  $4095, AX
	MOVL  BX, R12
	ANDL  $4095, R12
	PAIR(AX, R12, 32)
	FIELD(BX, 1, R13)
	FIELD(BX, 2, R12)
	PAIR(R13, R12, 48)
	FIELD(BX, 3, R13)
	SHRQ  $48, BX
	ANDL  $4095, BX
	PAIR(R13, BX, 64)
	ADDQ  $80, SI
	SUBQ  $2, CX
	JGE   pairs

last:
	// CX is −1 if a block is left, −2 if none
	CMPQ  CX, $-1
	JNE   done
	DRAW(AX)
	MOVL  AX, R12
	ANDL  $4095, R12
	FIELD(AX, 1, R13)
	PAIR(R12, R13, 0)
	FIELD(AX, 2, R12)
	FIELD(AX, 3, R13)
	PAIR(R12, R13, 16)
	SHRQ  $48, AX
	ANDL  $4095, AX
	MOVSD (DX)(AX*8), X1
	MULSD X0, X1
	MOVSD X1, 32(SI)

done:
	MOVQ R8, 0(DI)
	MOVQ R9, 8(DI)
	MOVQ R10, 16(DI)
	MOVQ R11, 24(DI)
	RET
