//go:build !noasm

#include "textflag.h"

// lane·kickMulNeuron for lanes 0…7, then 8·kickMulNeuron, kickMul1, kickMul2
DATA kickConst<>+0(SB)/4, $0
DATA kickConst<>+4(SB)/4, $0x85ebca6b
DATA kickConst<>+8(SB)/4, $0x0bd794d6
DATA kickConst<>+12(SB)/4, $0x91c35f41
DATA kickConst<>+16(SB)/4, $0x17af29ac
DATA kickConst<>+20(SB)/4, $0x9d9af417
DATA kickConst<>+24(SB)/4, $0x2386be82
DATA kickConst<>+28(SB)/4, $0xa97288ed
DATA kickConst<>+32(SB)/4, $0x2f5e5358
DATA kickConst<>+36(SB)/4, $0x7feb352d
DATA kickConst<>+40(SB)/4, $0x846ca68b
GLOBL kickConst<>(SB), RODATA|NOPTR, $44

// func addKicksAVX2(row *float32, n int, c, jm uint32, tab *float32)
//
// Per block of 8 neurons (n a multiple of 8), lane l of neuron j = j0+l:
//	x = c ^ j·kickMulNeuron;  x = lowbias32(x);  row[j] += tab[x>>20]
TEXT ·addKicksAVX2(SB), NOSPLIT, $0-32
	MOVQ         row+0(FP), DI
	MOVQ         n+8(FP), CX
	MOVQ         tab+24(FP), SI
	MOVL         c+16(FP), AX
	MOVQ         AX, X0
	VPBROADCASTD X0, Y0
	MOVL         jm+20(FP), AX
	MOVQ         AX, X1
	VPBROADCASTD X1, Y1
	VPADDD       kickConst<>+0(SB), Y1, Y1 // j·kickMulNeuron per lane
	VPBROADCASTD kickConst<>+32(SB), Y2    // step of 8 neurons
	VPBROADCASTD kickConst<>+36(SB), Y3
	VPBROADCASTD kickConst<>+40(SB), Y4

block:
	VPXOR      Y0, Y1, Y5
	VPSRLD     $16, Y5, Y6
	VPXOR      Y6, Y5, Y5
	VPMULLD    Y3, Y5, Y5
	VPSRLD     $15, Y5, Y6
	VPXOR      Y6, Y5, Y5
	VPMULLD    Y4, Y5, Y5
	VPSRLD     $16, Y5, Y6
	VPXOR      Y6, Y5, Y5
	VPSRLD     $20, Y5, Y5
	VPCMPEQD   Y7, Y7, Y7                   // gather every lane (the gather clears it)
	VGATHERDPS Y7, (SI)(Y5*4), Y8
	VADDPS     (DI), Y8, Y8
	VMOVUPS    Y8, (DI)
	VPADDD     Y2, Y1, Y1
	ADDQ       $32, DI
	SUBQ       $8, CX
	JNZ        block
	VZEROUPPER
	RET
