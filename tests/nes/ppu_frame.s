; PPU frame test: two nametables (vertical mirroring) with a fine scroll
; of (11, 5), attributes, palettes (with the $3F10 -> $3F00 mirror), and
; sprites: flips, priority behind the background, the lower-index-wins
; quirk, the right edge; with -D SPRITES_8X16=1, 8x16 sprites and the left
; 8 pixels clipped. tests/nes/ppu_model.py draws the frame it must give.
.include "test.inc"
.include "ppu.inc"
.include "chr_tiles.inc"

ines_header 0, 2, 1, 1

.ifndef SPRITES_8X16
SPRITES_8X16 = 0
.endif

.segment "ZEROPAGE"
v:     .res 1
vrow:  .res 1
count: .res 1

.segment "CODE"
nt0_tiles: .byte 1, 2, 3, 4, 5
nt1_tiles: .byte 3, 0, 4
palette:
    .byte $0f, $16, $2a, $12, $0f, $30, $27, $14, $0f, $21, $05, $19, $0f, $3a, $08, $24
    .byte $01, $28, $38, $11, $0f, $15, $25, $35, $0f, $1c, $2c, $3c, $0f, $06, $17, $3d
sprites:        ; y, tile, attributes, x
    .byte 50, 6, $00, 40
    .byte 50, 6, $40, 60
    .byte 50, 6, $81, 80
    .byte 50, 6, $c2, 100
    .byte 70, 6, $20, 120
    .byte 70, 6, $00, 4
    .byte 90, 6, $01, 250
    .byte 90, 6, $22, 140
    .byte 90, 6, $03, 140
sprites_end:

reset:
    start_up
    ppu_addr $2000
    lda #0
    sta vrow
    ldy #30
@row:                       ; nametable 0: tile (col + 2 * row) mod 5 of nt0_tiles
    lda vrow
    sta v
    lda #32
    sta count
@col:
    ldx v
    lda nt0_tiles, x
    sta PPUDATA
    inx
    cpx #5
    bne :+
    ldx #0
:   stx v
    dec count
    bne @col
    lda vrow
    clc
    adc #2
    cmp #5
    bcc :+
    sbc #5
:   sta vrow
    dey
    bne @row
    lda #0                  ; attributes: byte i = 7 * i
    ldx #64
:   sta PPUDATA
    clc
    adc #7
    dex
    bne :-
    ; nametable 1: tile (col + row) mod 3 of nt1_tiles, attributes $E4
    lda #0
    sta vrow
    ldy #30
@row1:
    lda vrow
    sta v
    lda #32
    sta count
@col1:
    ldx v
    lda nt1_tiles, x
    sta PPUDATA
    inx
    cpx #3
    bne :+
    ldx #0
:   stx v
    dec count
    bne @col1
    ldx vrow
    inx
    cpx #3
    bne :+
    ldx #0
:   stx vrow
    dey
    bne @row1
    lda #$e4
    ldx #64
:   sta PPUDATA
    dex
    bne :-
    ppu_addr $3f00
    ldx #0
:   lda palette, x
    sta PPUDATA
    inx
    cpx #32
    bne :-
    ldx #0                  ; OAM: the sprites, the rest below the screen
    lda #$f0
:   sta $0200, x
    inx
    bne :-
:   lda sprites, x
    sta $0200, x
    inx
    cpx #sprites_end - sprites
    bne :-
    lda #0
    sta $2003
    lda #2
    sta OAMDMA
    wait_vblank
    bit PPUSTATUS
    lda #11
    sta PPUSCROLL
    lda #5
    sta PPUSCROLL
    lda #SPRITES_8X16 << 5
    sta PPUCTRL
    .if SPRITES_8X16
    lda #$18                ; the left 8 pixels clipped
    .else
    lda #$1e
    .endif
    sta PPUMASK
    lda #1
    sta RESULT
:   jmp :-

nmi:
irq:
    rti

.segment "VECTORS"
    .word nmi, reset, irq
.segment "CHARS"
    tiles
    .res $1000 - 8 * 16
    tiles
