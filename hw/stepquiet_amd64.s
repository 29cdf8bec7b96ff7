#include "textflag.h"

// func stepQuietAVX2(u, cur *float64, rel *int64, thetaU, invTauM, em, es, f *float64, jump *float32, n int, dt float64, slow *int32) int
//
// Per block of 4 neurons x (n a multiple of 4):
//	s0 = cur − u·invTauM;  u' = u·em + cur·f;  I' = cur·es;  s' = I' − u'·invTauM
//	quiet = (u < θ ∧ θ−u > s0·dt ∨ u' < θ ∧ s' ≥ 0) ∧ rel < 0 ∧ θ > 0
//	where quiet: u = u';  cur = I' (+ float64(jump))
//	the others: their index to slow (R12 walks along it)
// Each lane does the scalar code's operations in its order (no FMA).
TEXT ·stepQuietAVX2(SB), NOSPLIT, $0-104
	MOVQ         u+0(FP), AX
	MOVQ         cur+8(FP), BX
	MOVQ         rel+16(FP), CX
	MOVQ         thetaU+24(FP), DX
	MOVQ         invTauM+32(FP), SI
	MOVQ         em+40(FP), DI
	MOVQ         es+48(FP), R8
	MOVQ         f+56(FP), R9
	MOVQ         jump+64(FP), R10
	VBROADCASTSD dt+80(FP), Y13
	MOVQ         slow+88(FP), R12
	XORQ         R13, R13
	VXORPD       Y12, Y12, Y12

block:
	CMPQ    R13, n+72(FP)
	JGE     done
	VMOVUPD (AX)(R13*8), Y0          // u
	VMOVUPD (BX)(R13*8), Y1          // cur
	VMOVUPD (DX)(R13*8), Y2          // θ
	VMOVUPD (SI)(R13*8), Y11         // invTauM
	VMULPD  Y11, Y0, Y3              // u·invTauM
	VSUBPD  Y3, Y1, Y3               // s0 = cur − u·invTauM
	VMULPD  Y13, Y3, Y3              // s0·dt
	VSUBPD  Y0, Y2, Y4               // θ − u
	VCMPPD  $0x1e, Y3, Y4, Y5        // θ−u > s0·dt (ordered)
	VCMPPD  $0x11, Y2, Y0, Y6        // u < θ (ordered)
	VANDPD  Y6, Y5, Y5               // slope bound
	VMOVUPD (DI)(R13*8), Y7
	VMULPD  Y7, Y0, Y7               // u·em
	VMOVUPD (R9)(R13*8), Y8
	VMULPD  Y8, Y1, Y8               // cur·f
	VADDPD  Y8, Y7, Y7               // u' = u·em + cur·f
	VMOVUPD (R8)(R13*8), Y9
	VMULPD  Y9, Y1, Y9               // I' = cur·es
	VMULPD  Y11, Y7, Y14             // u'·invTauM
	VSUBPD  Y14, Y9, Y14             // s' = I' − u'·invTauM
	VCMPPD  $0x1d, Y12, Y14, Y14     // s' ≥ 0 (ordered)
	VCMPPD  $0x11, Y2, Y7, Y15       // u' < θ (ordered)
	VANDPD  Y15, Y14, Y14            // still rising, below θ at the end
	VORPD   Y14, Y5, Y5
	VCMPPD  $0x1e, Y12, Y2, Y6       // θ > 0
	VANDPD  Y6, Y5, Y5
	VMOVDQU (CX)(R13*8), Y6          // rel
	VPCMPGTQ Y6, Y12, Y6             // 0 > rel
	VANDPD  Y6, Y5, Y5               // quiet
	TESTQ   R10, R10
	JEQ     nojump
	VCVTPS2PD (R10)(R13*4), Y10
	VADDPD  Y10, Y9, Y9              // + jump

nojump:
	VBLENDVPD Y5, Y7, Y0, Y0         // quiet ? stepped : as was
	VBLENDVPD Y5, Y9, Y1, Y1
	VMOVUPD Y0, (AX)(R13*8)
	VMOVUPD Y1, (BX)(R13*8)
	VMOVMSKPD Y5, R11
	CMPQ    R11, $15
	JNE     someslow

next:
	ADDQ    $4, R13
	JMP     block

someslow:
	XORQ    $15, R11                 // lanes not stepped

slowlane:
	BSFQ    R11, R15                 // (R15 is free: no globals here)
	ADDQ    R13, R15
	MOVL    R15, (R12)
	ADDQ    $4, R12
	LEAQ    -1(R11), R15
	ANDQ    R15, R11                 // next lane
	JNZ     slowlane
	JMP     next

done:
	MOVQ    R12, AX
	SUBQ    slow+88(FP), AX
	SHRQ    $2, AX
	MOVQ    AX, ret+96(FP)
	VZEROUPPER
	RET
