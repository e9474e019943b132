; A small kernel and user program for the acc machine (docs/examples/acc.isa).
;
; The kernel gives the user program the words 0x40..0x5f (base 0x40, highest
; relative address 0x1f) and drops to user mode. The user program adds up a
; table of five numbers, hands the sum to the kernel with `svc 1`, then reads
; past its bound. The kernel stores the sum in `result` on the svc and halts
; on the memory trap.
;
; Run it with:  popek run docs/examples/acc.isa docs/examples/acc.s --trace

        .equ USER, 1 << 8           ; the mode bit of the word a trap saves in M[0]
        .equ UBASE, 0x40            ; where the user program sits
        .equ ULAST, 0x1f            ; its highest relative address
        .equ SVC1, (3 << 8) | 1     ; M[1] after `svc 1`: cause svc (3), argument 1

; ---- kernel (absolute addresses) ----------------------------------------
        .org 0
saved:  .word 0                     ; M[0]: old mode and pc, written by a trap
cause:  .word 0                     ; M[1]: cause and argument

handler:                            ; address 2, the trap vector
        sta   user_a                ; keep the user's accumulator
        lda   cause
        sub   k_svc1
        jz    on_svc
        halt                        ; any other trap ends the run

on_svc: lda   user_a
        sta   result                ; the user's answer
        lda   saved
        add   one
        sta   saved                 ; resume after the svc
        lda   user_a
        rti

        .org 0x10                   ; reset starts here, in kernel mode
start:  ldl   (UBASE << 8) | ULAST  ; a two-word instruction
        wbb                         ; BB = (0x40, 0x1f)
        ldl   USER | ustart
        sta   saved
        rti                         ; "return" to user mode at ustart

one:    .word 1
k_svc1: .word SVC1
user_a: .word 0
result: .word 0

; ---- user program (relative addresses) -----------------------------------
        .org UBASE
        .phase 0
ustart: ldi   0
        tax   x                     ; x = 0
        sta   sum
loop:   lda   table(x)
        add   sum
        sta   sum
        inx   x
        lda   n
        sub   uone
        sta   n
        jz    done
        jmp   loop
done:   lda   sum
        svc   1                     ; the kernel takes the sum from A
        lda   0x30                  ; above the bound: a memory trap
        jmp   done                  ; never reached

n:      .word 5
uone:   .word 1
sum:    .word 0
table:  .word 3, -1, 0x10, 100, 7
        .dephase
