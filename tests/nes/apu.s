; APU test ROM, self-checking (verdict at $6000): the frame counter's IRQ
; flag (set at cycle 29829 of the 4-step sequence, cleared by reading
; $4015, never set when inhibited or in the 5-step sequence), the IRQ it
; raises, length counters as $4015 reports them (loaded from the table,
; clocked twice a frame, held by the halt bit, cleared by disabling), and
; the DMC: bytes remaining in $4015 bit 4, its IRQ when a sample ends.
; Delays are in outer loops of 1286 cycles; checks leave ~300 cycles of margin.
.include "test.inc"
.include "check.inc"
.include "ppu.inc"

ines_header 0, 2, 1, 0

.segment "ZEROPAGE"
irq_count: .res 1

.segment "CODE"
; Waits Y * 1286 + 12 cycles (with the JSR).
delay:
    ldx #0
:   dex
    bne :-
    dey
    bne delay
    rts

.macro wait n
    ldy #n
    jsr delay
.endmacro

; Expects $4015 AND mask to be v.
.macro expect_status mask, v
    lda $4015
    and #mask
    jsr check_a
    .byte v
    .word check_no
    check_no .set check_no + 1
.endmacro

reset:
    start_up
    lda #0
    sta irq_count
    ; The 4-step sequence sets the frame IRQ flag at cycle 29829 of it.
    lda #$00
    sta $4017
    wait 22                 ; 28304 cycles
    expect_status $40, $00
    wait 2                  ; 30876
    expect_status $40, $40
    expect_status $40, $00  ; the read before cleared it
    ; ...and raises IRQ when I is clear.
    lda #$00
    sta $4017
    cli
    wait 25
    sei
    lda irq_count
    jsr check_a
    .byte 1
    .word check_no
    check_no .set check_no + 1
    ; Inhibited: never set; 5-step: never set.
    lda #$40
    sta $4017
    wait 25
    expect_status $40, $00
    lda #$80
    sta $4017
    wait 31
    expect_status $40, $00
    ; Length counter of pulse 1: $4003 = $18 loads table[3] = 2; half frames at 14913 and 29829.
    lda #$40
    sta $4017
    lda #$01
    sta $4015
    lda #$00
    sta $4000
    lda #$18
    sta $4003
    expect_status $01, $01
    wait 12                 ; 15444: one clock, 1 left
    expect_status $01, $01
    wait 12                 ; 30888: two clocks
    expect_status $01, $00
    lda #$20                ; halt
    sta $4000
    lda #$18
    sta $4003
    wait 25
    expect_status $01, $01
    lda #$00                ; disabling clears it
    sta $4015
    expect_status $01, $00
    lda #$18                ; and a disabled channel does not load
    sta $4003
    expect_status $01, $00
    ; DMC: rate $F (432 cycles a byte), $4013 = 1: 17 bytes, IRQ after the last fetch, 16 * 432 = 6912 cycles.
    lda #$8f
    sta $4010
    lda #$01
    sta $4013
    lda #$10
    sta $4015
    expect_status $90, $10
    wait 4                  ; 5156
    expect_status $90, $10
    wait 2                  ; 7740
    expect_status $90, $80
    lda #$00                ; writing $4015 clears the DMC IRQ flag
    sta $4015
    expect_status $80, $00
    ; A one-byte sample ends at once: the empty buffer takes the byte immediately.
    lda #$00
    sta $4013
    lda #$10
    sta $4015
    expect_status $90, $80
    lda #$00
    sta $4015
    sta $4010
    jmp passed

nmi:
    rti
irq:
    pha
    lda $4015               ; acknowledges the frame IRQ
    inc irq_count
    pla
    rti

.segment "VECTORS"
    .word nmi, reset, irq
