; CNROM (mapper 3): four 8 KiB CHR banks. Self-checking.
.include "test.inc"
.include "check.inc"
.include "ppu.inc"
.include "mapper.inc"

ines_header 3, 2, 4, 0

.segment "CODE"
banks: .byte 0, 1, 2, 3
reset:
    start_up
    .repeat 4, b
        lda #b
        sta banks + b
        expect_ppu $0000, b
        expect_ppu $1000, $80 | b
    .endrepeat
    jmp passed

nmi:
irq:
    rti

.segment "VECTORS"
    .word nmi, reset, irq
.segment "CHARS"
    .repeat 4, b
        .byte b
        .res $0fff
        .byte $80 | b
        .res $0fff
    .endrepeat
