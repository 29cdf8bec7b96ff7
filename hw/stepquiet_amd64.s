//go:build !noasm

#include "textflag.h"

// func stepQuietAVX2(u, cur *float64, rel *int64, thetaU, invTauM, em, es, f *float64, jump *float32, n int, dt float64, slow *int32) int
//
// Per block of 4 neurons x (n a multiple of 4):
//	s0 = cur − u·invTauM;  u' = u·em + cur·f;  I' = cur·es;  s' = I' − u'·invTauM
//	quiet = (u < θ ∧ θ−u > s0·dt ∨ u' < θ ∧ s' ≥ 0) ∧ rel < 0 ∧ θ > 0
//	where quiet: u = u';  cur = I' (+ float64(jump))
//	the others: their index to slow (R12 walks along it)
// Each lane does the scalar code's operations in its order (no FMA; the
// products and sums are commutative, so operand order does not matter).
// There is one loop with jumps and one without.

// QUIET leaves u in Y0, cur in Y1, u' in Y7, I' in Y9 and the quiet mask in
// Y5 for the block at R13.
#define QUIET \
	VMOVUPD  (AX)(R13*8), Y0; \
	VMOVUPD  (BX)(R13*8), Y1; \
	VMOVUPD  (DX)(R13*8), Y2; \
	VMOVUPD  (SI)(R13*8), Y11; \
	VMULPD   Y11, Y0, Y3; \
	VSUBPD   Y3, Y1, Y3; \
	VMULPD   Y13, Y3, Y3; \
	VSUBPD   Y0, Y2, Y4; \
	VCMPPD   $0x1e, Y3, Y4, Y5; \
	VCMPPD   $0x11, Y2, Y0, Y6; \
	VANDPD   Y6, Y5, Y5; \
	VMULPD   (DI)(R13*8), Y0, Y7; \
	VMULPD   (R9)(R13*8), Y1, Y8; \
	VADDPD   Y8, Y7, Y7; \
	VMULPD   (R8)(R13*8), Y1, Y9; \
	VMULPD   Y11, Y7, Y14; \
	VSUBPD   Y14, Y9, Y14; \
	VCMPPD   $0x1d, Y12, Y14, Y14; \
	VCMPPD   $0x11, Y2, Y7, Y15; \
	VANDPD   Y15, Y14, Y14; \
	VORPD    Y14, Y5, Y5; \
	VCMPPD   $0x1e, Y12, Y2, Y6; \
	VANDPD   Y6, Y5, Y5; \
	VPCMPGTQ (CX)(R13*8), Y12, Y6; \
	VANDPD   Y6, Y5, Y5

// STORE keeps the slow lanes as they were and leaves their mask in R11.
#define STORE \
	VBLENDVPD Y5, Y7, Y0, Y0; \
	VBLENDVPD Y5, Y9, Y1, Y1; \
	VMOVUPD   Y0, (AX)(R13*8); \
	VMOVUPD   Y1, (BX)(R13*8); \
	VMOVMSKPD Y5, R11

// SLOWLANES appends the indices of the lanes not stepped (R11 = 15 ^ mask).
#define SLOWLANES(loop) \
	BSFQ  R11, R15; \
	ADDQ  R13, R15; \
	MOVL  R15, (R12); \
	ADDQ  $4, R12; \
	LEAQ  -1(R11), R15; \
	ANDQ  R15, R11; \
	JNZ   loop

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
	TESTQ        R10, R10
	JEQ          nojump

jump:
	CMPQ      R13, n+72(FP)
	JGE       done
	QUIET
	VCVTPS2PD (R10)(R13*4), Y10
	VADDPD    Y10, Y9, Y9      // + jump
	STORE
	XORQ      $15, R11         // lanes not stepped (R15 is free: no globals here)
	JNE       jumpslow
	ADDQ      $4, R13
	JMP       jump

jumpslow:
	SLOWLANES(jumpslow)
	ADDQ $4, R13
	JMP  jump

nojump:
	CMPQ R13, n+72(FP)
	JGE  done
	QUIET
	STORE
	XORQ $15, R11
	JNE  nojumpslow
	ADDQ $4, R13
	JMP  nojump

nojumpslow:
	SLOWLANES(nojumpslow)
	ADDQ $4, R13
	JMP  nojump

done:
	MOVQ    R12, AX
	SUBQ    slow+88(FP), AX
	SHRQ    $2, AX
	MOVQ    AX, ret+96(FP)
	VZEROUPPER
	RET
