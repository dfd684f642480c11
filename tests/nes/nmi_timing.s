; Vblank NMI timing: NMI on, then nothing but a 3-cycle loop. The runner
; (cpu_runner --nmi-timing) measures the CPU cycles between NMIs: 262 lines
; of 341 dots, 3 dots a cycle, with one dot less every other frame while
; rendering is on (-D RENDER=1: the background enabled, all blank).
.include "test.inc"
.include "ppu.inc"

ines_header 0, 2, 1, 0

.ifndef RENDER
RENDER = 0
.endif

.segment "CODE"
reset:
    start_up
    lda #RENDER * $08
    sta PPUMASK
    lda #$80
    sta PPUCTRL
:   jmp :-
nmi:
irq:
    rti

.segment "VECTORS"
    .word nmi, reset, irq
