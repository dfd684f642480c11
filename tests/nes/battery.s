; Battery-backed cartridge RAM: each run adds 1 to $6010 (kept in GAME.sav
; by the frontend between runs) and copies it to $6011 for the test to read.
.include "test.inc"
.include "ppu.inc"

ines_header 0, 2, 1, 2      ; flags 6 bit 1: battery

.segment "CODE"
reset:
    start_up
    inc $6010
    lda $6010
    sta $6011
    lda #1
    sta RESULT
:   jmp :-
nmi:
irq:
    rti

.segment "VECTORS"
    .word nmi, reset, irq
