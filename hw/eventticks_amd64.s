//go:build !noasm

#include "textflag.h"

// func eventTicksAVX2(ev *Event, n int, t0, tick, half, one, magic, maxTime float64, last int32, stride int32, ticks *int64, rows *int32) int
//
// For blocks of 4 events from the start (n a multiple of 4), as the scalar
// loop of eventTicks: the checks prev ≤ Time ≤ maxTime (ordered: NaN fails;
// prev is the time before, 0 for the first) and 0 ≤ Source ≤ last
// (unsigned), then x = (Time − t0)/tick, the tick trunc(x) + (x − trunc(x) ≥ ½)
// as an int64 (through the 2⁵² bias) and, if rows is not nil, Source·stride.
// It stops before the first block with a failing event and returns the
// number of events done.
TEXT ·eventTicksAVX2(SB), NOSPLIT, $0-96
	MOVQ         ev+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD t0+16(FP), Y15
	VBROADCASTSD tick+24(FP), Y14
	VBROADCASTSD half+32(FP), Y13
	VBROADCASTSD one+40(FP), Y12
	VBROADCASTSD magic+48(FP), Y10
	VBROADCASTSD maxTime+56(FP), Y9
	MOVL         last+64(FP), R9
	VMOVD        R9, X8
	VPBROADCASTD X8, X8
	MOVL         stride+68(FP), R9
	VMOVD        R9, X7
	VPBROADCASTD X7, X7
	MOVQ         ticks+72(FP), DI
	MOVQ         rows+80(FP), R8
	VXORPD       Y11, Y11, Y11        // prev
	XORQ         AX, AX

loop:
	CMPQ      AX, CX
	JGE       done
	MOVQ      AX, BX
	SHLQ      $4, BX                  // 16 bytes an event
	VMOVUPD   (SI)(BX*1), Y0          // t0 s0 t1 s1
	VMOVUPD   32(SI)(BX*1), Y1        // t2 s2 t3 s3
	VUNPCKLPD Y1, Y0, Y2              // t0 t2 t1 t3
	VPERMPD   $0xd8, Y2, Y2           // t0 t1 t2 t3
	VUNPCKHPD Y1, Y0, Y3              // s0 s2 s1 s3 (low halves of the words)
	VPERMPD   $0xd8, Y3, Y3           // s0 s1 s2 s3
	VEXTRACTF128 $1, Y3, X4
	VSHUFPS   $0x88, X4, X3, X4       // the four sources as int32
	VPERMPD   $0x90, Y2, Y5           // t0 t0 t1 t2
	VBLENDPD  $1, Y11, Y5, Y5         // prev t0 t1 t2
	VCMPPD    $0x1d, Y5, Y2, Y6       // Time ≥ prev
	VCMPPD    $0x12, Y9, Y2, Y5       // Time ≤ maxTime
	VANDPD    Y5, Y6, Y6
	VMOVMSKPD Y6, R9
	CMPQ      R9, $15
	JNE       done
	VPMINUD   X8, X4, X6
	VPCMPEQD  X6, X4, X6              // Source ≤ last, unsigned
	VMOVMSKPS X6, R9
	CMPQ      R9, $15
	JNE       done
	VSUBPD    Y15, Y2, Y6             // Time − t0
	VDIVPD    Y14, Y6, Y6             // x
	VROUNDPD  $3, Y6, Y5              // trunc(x)
	VSUBPD    Y5, Y6, Y6              // x − trunc(x)
	VCMPPD    $0x1d, Y13, Y6, Y6      // ≥ ½
	VANDPD    Y12, Y6, Y6
	VADDPD    Y6, Y5, Y5              // the tick
	VADDPD    Y10, Y5, Y5
	VPSUBQ    Y10, Y5, Y5             // as int64
	VMOVDQU   Y5, (DI)(AX*8)
	TESTQ     R8, R8
	JEQ       next
	VPMULLD   X7, X4, X4
	VMOVDQU   X4, (R8)(AX*4)

next:
	VPERMPD $0xff, Y2, Y11            // prev: the last time of the block
	ADDQ    $4, AX
	JMP     loop

done:
	MOVQ AX, ret+88(FP)
	VZEROUPPER
	RET
