; CPU test ROM, hand-written half: branches (not taken, taken, page
; crossed both ways, and a branch whose target shares a page with the next
; instruction but not with the branch), JMP (with JMP ($xxFF)'s page-wrap
; bug), JSR/RTS, the stack instructions, BRK/RTI, the IRQ poll delay of CLI
; and SEI, and NMI. cpu_ops.s (generated) has the rest. The runner checks
; the cycles of every `cyc` instruction and that every official opcode ran.
.include "test.inc"
.include "check.inc"
.import cpu_ops
check_no .set 1000        ; cpu_ops.s numbers its checks from 1

ines_header 0, 2, 1, 0

.segment "ZEROPAGE"
irq_mode: .res 1
irq_x:    .res 1
irq_p:    .res 1
nmi_count: .res 1
nmi_p:    .res 1

.segment "CODE"
reset:
    sei
    cld
    ldx #$ff
    txs
    lda #$40
    sta $4017               ; frame counter IRQ off until the IRQ tests
    lda #0
    sta $2000
    sta RESULT
    sta irq_mode
    jsr cpu_ops
    jmp flow_tests

bad_branch:
    lda #$ff
    sta CHECK_NO
    sta CHECK_NO + 1
    lda #2
    sta RESULT
:   jmp :-

; About 32000 cycles: longer than the frame counter's 29830.
wait_32k:
    ldx #0
    ldy #25
:   dex
    bne :-
    dey
    bne :-
    rts

.segment "BRANCH"
flow_tests:
    jmp :+
near_bad:                   ; within a branch's reach
    jmp bad_branch
:   regs 0, 0, 0, $04       ; N V Z C clear
    cyc 2
    bmi near_bad
    cyc 2
    bvs near_bad
    cyc 2
    bcs near_bad
    cyc 2
    beq near_bad
    cyc 3
    bpl :+
    jmp bad_branch
:   cyc 3
    bvc :+
    jmp bad_branch
:   cyc 3
    bcc :+
    jmp bad_branch
:   cyc 3
    bne :+
    jmp bad_branch
:   regs 0, 0, 0, $c7       ; N V Z C set
    cyc 2
    bpl near_bad
    cyc 2
    bvc near_bad
    cyc 2
    bcc near_bad
    cyc 2
    bne near_bad
    cyc 3
    bmi :+
    jmp bad_branch
:   cyc 3
    bvs :+
    jmp bad_branch
:   cyc 3
    bcs :+
    jmp bad_branch
:   cyc 3
    beq :+
    jmp bad_branch
:   expect 0, 0, 0, $c7
    regs 0, 0, 0, $06       ; Z set
    .res (flow_tests + $fc) - *, $ea
    cyc 4                   ; at $E0FC: the target is on the next page
    beq cross_forward
    jmp bad_branch
    .res (flow_tests + $105) - *, $ea
cross_forward:
    jmp same_page_setup
    .res (flow_tests + $1f0) - *, $ea
back_target:
    jmp after_back
    .res (flow_tests + $1f4) - *, $ea
same_page_setup:
    regs 0, 0, 0, $04
    .assert * = flow_tests + $1fe, error, "layout"
    cyc 3                   ; at $E1FE: next instruction at $E200, target $E203: no crossing
    bne same_page
    jmp bad_branch
same_page:
    regs 0, 0, 0, $04
    cyc 4                   ; back from page $E2 to $E1F0
    bne back_target
    jmp bad_branch

after_back:
    regs $11, $22, $33, $04
    cyc 3
    jmp :+
    jmp bad_branch
:   expect $11, $22, $33, $04
    ; JMP ($03FF) reads its high byte from $0300, not $0400 (which leads to a JMP bad_branch in page 5).
    poke $03ff, <jmp_indirect_ok
    poke $0300, >jmp_indirect_ok
    poke $0400, $05
    poke $0500 + <jmp_indirect_ok, $4c
    poke $0501 + <jmp_indirect_ok, <bad_branch
    poke $0502 + <jmp_indirect_ok, >bad_branch
    regs $11, $22, $33, $04
    cyc 5
    jmp ($03ff)
jmp_indirect_ok:
    expect $11, $22, $33, $04

    regs $11, $22, $33, $04
    cyc 6
    jsr subroutine
after_jsr:
    expect $11, $22, $33, $04
    jmp stack_tests

subroutine:                 ; JSR pushed the address of its last byte, high byte first
    tsx
    expect_mem {$0101,x}, <(after_jsr - 1)
    expect_mem {$0102,x}, >(after_jsr - 1)
    lda #$11
    ldx #$22
    ldy #$33                ; expect_mem changed Y
    cyc 6
    rts

stack_tests:
    regs $80, $01, $02, $04
    cyc 3
    pha
    expect $80, $01, $02, $04
    expect_mem $01ff, $80
    regs $00, $01, $02, $06
    cyc 4
    pla
    expect $80, $01, $02, $84
    regs $00, $01, $02, $c7
    cyc 3
    php                     ; pushes B and bit 5 set
    expect_mem $01ff, $f7
    pla
    lda #$c3
    pha
    regs $00, $01, $02, $04
    cyc 4
    plp                     ; I cleared too
    expect $00, $01, $02, $c3
    sei
    regs $00, $80, $00, $04
    cyc 2
    txs
    expect $00, $80, $00, $04
    regs $00, $00, $00, $04
    cyc 2
    tsx
    expect $00, $80, $00, $84
    ldx #$ff
    txs

    ; BRK: pushes PC + 2 and P with B set, sets I, jumps through $FFFE; RTI restores P and PC.
    lda #0
    sta irq_mode
    regs $11, $22, $33, $c7
    cyc 7
    brk
    .byte $ff               ; skipped: BRK's padding byte
after_brk:
    expect $11, $22, $33, $c7
    jmp irq_tests

irq_handler:
    lda irq_mode
    bne hardware_irq
    tsx                     ; S = $FC
    expect_mem $01fd, $f7
    expect_mem $01fe, <after_brk
    expect_mem $01ff, >after_brk
    lda #$11
    ldx #$22
    ldy #$33
    cyc 6
    rti
hardware_irq:
    stx irq_x
    tsx
    lda $0101, x
    sta irq_p
    lda $4015               ; acknowledges the frame IRQ
    rti

nmi_handler:
    pha
    txa
    pha
    tsx
    lda $0103, x
    sta nmi_p
    inc nmi_count
    pla
    tax
    pla
    rti

irq_tests:
    ; CLI: the IRQ already pending is taken after the next instruction, not at once.
    lda #1
    sta irq_mode
    lda #0
    sta $4017               ; 4-step sequence, IRQ on
    jsr wait_32k
    regs 0, 0, 0, $04
    ldx #0
    cli
    inx
    inx
    inx
    sei
    expect_mem irq_x, $01
    expect_mem irq_p, $20   ; B clear for a hardware IRQ, I clear as it was
    ; SEI: an IRQ pending while I was clear is still taken after SEI.
    lda #0
    sta $4017
    jsr wait_32k
    ldx #0
    cli
    sei
    inx
    expect_mem irq_x, $00
    lda #$40
    sta $4017

    ; NMI at vblank: pushes P with B clear.
    lda #0
    sta nmi_count
    regs 0, 0, 0, $04
    lda #$80
    sta $2000
:   lda nmi_count
    beq :-
    lda #0
    sta $2000
    expect_mem nmi_p, $26
    jmp passed

.segment "VECTORS"
    .word nmi_handler, reset, irq_handler
