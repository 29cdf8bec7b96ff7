#include "textflag.h"

// func addAVX2(dst, src []float32)
// dst[i] += src[i] for i < len(dst); the caller guarantees len(src) >= len(dst).
TEXT ·addAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	XORQ AX, AX
	MOVQ CX, BX
	ANDQ $-32, BX // BX = len rounded down to 32

loop32:
	CMPQ AX, BX
	JGE  loop8start
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y1
	VMOVUPS 64(SI)(AX*4), Y2
	VMOVUPS 96(SI)(AX*4), Y3
	VADDPS  (DI)(AX*4), Y0, Y0
	VADDPS  32(DI)(AX*4), Y1, Y1
	VADDPS  64(DI)(AX*4), Y2, Y2
	VADDPS  96(DI)(AX*4), Y3, Y3
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y1, 32(DI)(AX*4)
	VMOVUPS Y2, 64(DI)(AX*4)
	VMOVUPS Y3, 96(DI)(AX*4)
	ADDQ    $32, AX
	JMP     loop32

loop8start:
	MOVQ CX, BX
	ANDQ $-8, BX // BX = len rounded down to 8

loop8:
	CMPQ AX, BX
	JGE  tail
	VMOVUPS (SI)(AX*4), Y0
	VADDPS  (DI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     loop8

tail:
	CMPQ  AX, CX
	JGE   done
	VMOVSS (SI)(AX*4), X0 // VEX encodings: no SSE/AVX transition stalls
	VADDSS (DI)(AX*4), X0, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ  AX
	JMP   tail

done:
	VZEROUPPER
	RET
