#include "textflag.h"

// func addAVX2(dst, src *float32, n int)
// dst[i] += src[i], i < n: 32 lanes per step, then 8, 4 and 1.
TEXT ·addAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX

loop32:
	CMPQ CX, $32
	JLT  loop8
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
	SUBQ    $32, CX
	JMP     loop32

loop8:
	CMPQ    CX, $8
	JLT     step4
	VMOVUPS (SI)(AX*4), Y0
	VADDPS  (DI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	SUBQ    $8, CX
	JMP     loop8

step4:
	CMPQ    CX, $4
	JLT     loop1
	VMOVUPS (SI)(AX*4), X0
	VADDPS  (DI)(AX*4), X0, X0
	VMOVUPS X0, (DI)(AX*4)
	ADDQ    $4, AX
	SUBQ    $4, CX

loop1:
	TESTQ  CX, CX
	JEQ    done
	VMOVSS (SI)(AX*4), X0
	VADDSS (DI)(AX*4), X0, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ   AX
	DECQ   CX
	JMP    loop1

done:
	VZEROUPPER
	RET

// func addRowsAVX2(dst *float32, n int, src *float32, offs *int32, m int)
// For each block of dst (32 lanes, then 8, then 1): load it, add the block
// of every row in order, store it. SI walks along the rows with the block.
TEXT ·addRowsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ src+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ m+32(FP), R9

block32:
	CMPQ    CX, $32
	JLT     block8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	XORQ    R10, R10

rows32:
	MOVLQSX (R8)(R10*4), R11
	LEAQ    (SI)(R11*4), R11
	VADDPS  (R11), Y0, Y0
	VADDPS  32(R11), Y1, Y1
	VADDPS  64(R11), Y2, Y2
	VADDPS  96(R11), Y3, Y3
	INCQ    R10
	CMPQ    R10, R9
	JLT     rows32
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     block32

block8:
	CMPQ    CX, $8
	JLT     block1
	VMOVUPS (DI), Y0
	XORQ    R10, R10

rows8:
	MOVLQSX (R8)(R10*4), R11
	VADDPS  (SI)(R11*4), Y0, Y0
	INCQ    R10
	CMPQ    R10, R9
	JLT     rows8
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     block8

block1:
	TESTQ  CX, CX
	JEQ    rowsdone
	VMOVSS (DI), X0
	XORQ   R10, R10

rows1:
	MOVLQSX (R8)(R10*4), R11
	VADDSS  (SI)(R11*4), X0, X0
	INCQ    R10
	CMPQ    R10, R9
	JLT     rows1
	VMOVSS  X0, (DI)
	ADDQ    $4, DI
	ADDQ    $4, SI
	DECQ    CX
	JMP     block1

rowsdone:
	VZEROUPPER
	RET
