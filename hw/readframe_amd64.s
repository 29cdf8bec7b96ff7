//go:build !noasm

#include "textflag.h"

DATA cadcConst<>+0(SB)/8, $(255.0)
DATA cadcConst<>+8(SB)/8, $(0.5)
GLOBL cadcConst<>(SB), RODATA|NOPTR, $16

// func readFrameAVX2(out *uint8, u *float64, rel *int64, resetU, leak, ca, cb, z, corr *float64, n int)
//
// Per block of 4 neurons (n a multiple of 4), as cadcRound:
//	v = rel ≥ 0 ? resetU : u;  x = ca·(v+leak) + cb + z
//	x = x > 0 ? min(x, 255) : 0;  c = trunc(x + 0.5) − corr;  out = clamp(c, 0, 255)
TEXT ·readFrameAVX2(SB), NOSPLIT, $0-80
	MOVQ         out+0(FP), DI
	MOVQ         u+8(FP), AX
	MOVQ         rel+16(FP), BX
	MOVQ         resetU+24(FP), CX
	MOVQ         leak+32(FP), DX
	MOVQ         ca+40(FP), SI
	MOVQ         cb+48(FP), R8
	MOVQ         z+56(FP), R9
	MOVQ         corr+64(FP), R10
	MOVQ         n+72(FP), R11
	XORQ         R12, R12
	VPCMPEQQ     Y11, Y11, Y11        // −1 in every lane
	VXORPD       Y12, Y12, Y12        // 0
	VBROADCASTSD cadcConst<>+0(SB), Y13
	VBROADCASTSD cadcConst<>+8(SB), Y10

frame:
	CMPQ      R12, R11
	JGE       framedone
	VMOVUPD   (AX)(R12*8), Y0        // u
	VMOVDQU   (BX)(R12*8), Y1        // rel
	VPCMPGTQ  Y11, Y1, Y1            // rel > −1
	VMOVUPD   (CX)(R12*8), Y2        // resetU
	VBLENDVPD Y1, Y2, Y0, Y0         // v
	VADDPD    (DX)(R12*8), Y0, Y0    // v + leak
	VMULPD    (SI)(R12*8), Y0, Y0    // ca·(v+leak)
	VADDPD    (R8)(R12*8), Y0, Y0    // + cb
	VADDPD    (R9)(R12*8), Y0, Y0    // + z
	VCMPPD    $0x1e, Y12, Y0, Y1     // x > 0 (false for NaN)
	VANDPD    Y1, Y0, Y0
	VMINPD    Y13, Y0, Y0            // min(x, 255)
	VADDPD    Y10, Y0, Y0            // + 0.5
	VROUNDPD  $3, Y0, Y0             // truncate
	VSUBPD    (R10)(R12*8), Y0, Y0   // − corr
	VMAXPD    Y12, Y0, Y0
	VMINPD    Y13, Y0, Y0
	VCVTTPD2DQY Y0, X0
	VPACKUSDW X0, X0, X0
	VPACKUSWB X0, X0, X0
	VMOVD     X0, (DI)(R12*1)
	ADDQ      $4, R12
	JMP       frame

framedone:
	VZEROUPPER
	RET
