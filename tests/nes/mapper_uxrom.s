; UxROM (mapper 2): each 16 KiB bank at $8000, the last fixed at $C000,
; CHR RAM written and read back. Writes go to a ROM byte holding the same
; value (bus conflicts on the real board). Self-checking.
.include "test.inc"
.include "check.inc"
.include "ppu.inc"
.include "mapper.inc"

ines_header 2, 4, 0, 0
bank_markers 3

.segment "CODE"
banks: .byte 0, 1, 2, 3
reset:
    start_up
    .repeat 3, b
        lda #b
        sta banks + b
        expect_mem $8000, b
    .endrepeat
    expect_mem reset, $78   ; the fixed bank is still there (SEI)
    ppu_poke $0123, $5a
    expect_ppu $0123, $5a
    jmp passed

nmi:
irq:
    rti

.segment "VECTORS"
    .word nmi, reset, irq
