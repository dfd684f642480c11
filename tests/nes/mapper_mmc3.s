; MMC3 (mapper 4): 8 KiB PRG banks in both PRG modes, 2 and 1 KiB CHR banks
; with and without A12 inversion, mirroring (self-checked, verdict at
; $6000); then a frame split by the scanline IRQ: latch 100 reloaded each
; vblank, the IRQ at line 99 switches the background's CHR bank from page
; 4 (tile 1 colour 2) to page 8 (colour 3). ppu_model.py checks the frame.
.include "test.inc"
.include "check.inc"
.include "ppu.inc"
.include "mapper.inc"

ines_header 4, 4, 8, 0
bank_markers 7

.macro mmc3 reg, value
    lda #reg
    sta $8000
    lda #value
    sta $8001
.endmacro

.segment "CODE"
reset:
    start_up
    mmc3 6, 3
    mmc3 7, 5
    expect_mem $8000, 3
    expect_mem $a000, 5
    mmc3 $46, 3             ; PRG mode 1: R6 at $C000, the second-last bank at $8000
    expect_mem $c000, 3
    expect_mem $8000, 6
    lda #6
    sta $8000
    mmc3 0, 8
    mmc3 1, 12
    mmc3 2, 20
    mmc3 3, 21
    mmc3 4, 22
    mmc3 5, 23
    expect_ppu $0000, 8
    expect_ppu $0400, 9
    expect_ppu $0800, 12
    expect_ppu $0c00, 13
    expect_ppu $1000, 20
    expect_ppu $1c00, 23
    lda #$80                ; CHR A12 inversion
    sta $8000
    expect_ppu $1000, 8
    expect_ppu $0000, 20
    lda #0
    sta $8000
    sta $a000               ; vertical
    ppu_poke $2000, $aa
    expect_ppu $2800, $aa
    lda #1
    sta $a000               ; horizontal
    ppu_poke $2000, $55
    expect_ppu $2400, $55
    lda #1
    sta RESULT
    lda #0
    sta $a000
    ppu_addr $2000          ; nametable 0: tile 1, attributes 0
    ldx #0
    ldy #3
    lda #1
:   sta PPUDATA
    dex
    bne :-
    dey
    bne :-
    ldx #$c0
:   sta PPUDATA
    dex
    bne :-
    lda #0
    ldx #64
:   sta PPUDATA
    dex
    bne :-
    ppu_addr $3f00
    lda #$0f
    sta PPUDATA
    lda #$16
    sta PPUDATA
    lda #$2a
    sta PPUDATA
    lda #$12
    sta PPUDATA
    wait_vblank
    lda #0
    sta PPUSCROLL
    sta PPUSCROLL
    lda #$80                ; NMI on, background at $0000
    sta PPUCTRL
    lda #$0a                ; background only
    sta PPUMASK
    cli
:   jmp :-

nmi:
    pha
    mmc3 0, 4
    lda #100
    sta $c000
    sta $c001
    sta $e001
    pla
    rti

irq:
    pha
    mmc3 0, 8
    sta $e000               ; acknowledge
    pla
    rti

.segment "VECTORS"
    .word nmi, reset, irq
.segment "CHARS"
    .repeat 64, p           ; 1 KiB pages: the page number, then tiles 1-63 solid colour p mod 3 + 1
        .byte p
        .res 15
        .repeat 63
            .repeat 8
                .byte (((p .mod 3) + 1) & 1) * $ff
            .endrepeat
            .repeat 8
                .byte ((((p .mod 3) + 1) >> 1) & 1) * $ff
            .endrepeat
        .endrepeat
    .endrepeat
