; MMC1 (mapper 1): PRG banks in mode 3, a write on the cycle after another
; ignored (INC's second write), CHR in 4 KiB and 8 KiB modes, the four
; mirrorings. Self-checking: the verdict at $6000.
.include "test.inc"
.include "check.inc"
.include "ppu.inc"
.include "mapper.inc"

ines_header 1, 8, 4, 0
bank_markers 7

.segment "RMWBYTE"
rmw_byte: .byte $7f         ; at $EFFF: INC writes $7F (bit 0 = 1) then $80 (ignored)

.segment "CODE"
.macro serial reg
    .repeat 5
        sta reg
        lsr a
    .endrepeat
    rts
.endmacro
mmc1_control: serial $8000
mmc1_chr0:    serial $a000
mmc1_chr1:    serial $c000
mmc1_prg:     serial $e000

.macro mmc1 routine, value
    lda #value
    jsr routine
.endmacro

reset:
    start_up
    lda #$80
    sta $8000               ; reset the shift register
    mmc1 mmc1_control, $0e  ; vertical mirroring, PRG mode 3, CHR 8 KiB
    .repeat 7, b
        mmc1 mmc1_prg, b
        expect_mem $8000, b
    .endrepeat
    mmc1 mmc1_prg, 0
    inc rmw_byte            ; shifts in bit 0 = 1 only
    lda #%0010              ; bits 1-4: the bank becomes %00101
    .repeat 4
        sta $e000
        lsr a
    .endrepeat
    expect_mem $8000, 5
    mmc1 mmc1_control, $1e  ; CHR 4 KiB
    mmc1 mmc1_chr0, 3
    mmc1 mmc1_chr1, 6
    expect_ppu $0000, 3
    expect_ppu $1000, 6
    mmc1 mmc1_control, $0e  ; CHR 8 KiB: CHR0 without bit 0
    mmc1 mmc1_chr0, 5
    expect_ppu $0000, 4
    expect_ppu $1000, 5
    ppu_poke $2000, $aa     ; vertical: $2800 is $2000
    expect_ppu $2800, $aa
    mmc1 mmc1_control, $0f  ; horizontal: $2400 is $2000
    ppu_poke $2000, $55
    expect_ppu $2400, $55
    mmc1 mmc1_control, $0c  ; one screen, low
    expect_ppu $2c00, $55
    mmc1 mmc1_control, $0d  ; one screen, high
    ppu_poke $2000, $77
    expect_ppu $2c00, $77
    mmc1 mmc1_control, $0c
    expect_ppu $2400, $55
    jmp passed

nmi:
irq:
    rti

.segment "VECTORS"
    .word nmi, reset, irq
.segment "CHARS"
    .repeat 8, p            ; 4 KiB pages, each starting with its number
        .byte p
        .res $0fff
    .endrepeat
