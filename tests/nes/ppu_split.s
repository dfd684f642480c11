; Sprite-0 hit and a mid-frame scroll change: nametable 0 is colour 3, 1 is
; colour 1 (vertical mirroring); sprite 0 (solid) at line 100, x 128 over
; opaque background. Each frame waits for the hit and then scrolls X by 128,
; so from line 101 the right half shows nametable 1. Nine transparent
; sprites share lines 30-37: the overflow flag. $10 keeps $2002 as read
; at the start of vblank (hit and overflow still set).
.include "test.inc"
.include "ppu.inc"
.include "chr_tiles.inc"

ines_header 0, 2, 1, 1

.segment "CODE"
palette: .byte $0f, $16, $2a, $12, $0f, $0f, $0f, $0f, $0f, $0f, $0f, $0f, $0f, $0f, $0f, $0f
         .byte $0f, $30, $27, $14

reset:
    start_up
    ppu_addr $2000
    lda #3                  ; nametable 0: tile 3
    ldx #0
    ldy #4
:   sta PPUDATA             ; 1024 bytes: tiles, then attributes (3 = palette 3 in every quadrant; overwritten below)
    dex
    bne :-
    dey
    bne :-
    ppu_addr $23c0
    lda #0
    ldx #64
:   sta PPUDATA
    dex
    bne :-
    lda #1                  ; nametable 1: tile 1, attributes 0
    ldx #0
    ldy #4
:   sta PPUDATA
    dex
    bne :-
    dey
    bne :-
    ppu_addr $27c0
    lda #0
    ldx #64
:   sta PPUDATA
    dex
    bne :-
    ppu_addr $3f00
    ldx #0
:   lda palette, x
    sta PPUDATA
    inx
    cpx #20
    bne :-
    ldx #0
    lda #$f0
:   sta $0200, x
    inx
    bne :-
    lda #99                 ; sprite 0: y 99, tile 1, x 128
    sta $0200
    lda #1
    sta $0201
    lda #128
    sta $0203
    lda #0
    sta $0202
    ldx #4                  ; sprites 1-9: y 29, tile 0 (transparent)
:   lda #29
    sta $0200, x
    lda #0
    sta $0201, x
    sta $0202, x
    txa
    sta $0203, x
    inx
    inx
    inx
    inx
    cpx #40
    bne :-
    lda #0
    sta $2003
    lda #2
    sta OAMDMA
    wait_vblank
    lda #$1e
    sta PPUMASK
frame:
:   lda PPUSTATUS
    bpl :-
    sta $10
    lda #1
    sta RESULT
    lda #0
    sta PPUCTRL
    sta PPUSCROLL
    sta PPUSCROLL
:   bit PPUSTATUS           ; flags clear at the pre-render line
    bvs :-
:   bit PPUSTATUS
    bvc :-
    lda #128
    sta PPUSCROLL
    lda #0
    sta PPUSCROLL
    jmp frame

nmi:
irq:
    rti

.segment "VECTORS"
    .word nmi, reset, irq
.segment "CHARS"
    tiles
    .res $1000 - 8 * 16
    tiles
