; A tiny kernel for the pg machine (models/pg.isa).
;
; It starts a user program under the user's own relocation R = (UBASE, ULIMIT),
; serves the program's supervisor calls (each one adds the user's word `arg`
; to the kernel's `total`), and when the program touches storage outside its
; bounds, the resulting memory trap ends the run: the kernel copies the total
; to `result` and halts. The user program asks for 1 + 2 + ... + 9, so
; `result` ends as 45.
;
; PSW word layout: trap code [35:31], M [30], P [29:20], l [19:10], b [9:0].
; It uses only the first 512 words, so it also runs as a guest of a VMM that
; gives it 512 words (popek's default allocation for pg).
; Run it with:  popek run pg examples/pg/kernel.s --trace
;          or:  popek diff pg examples/pg/kernel.s --trace

        .equ USER, 1 << 30          ; the M bit of a PSW: user mode
        .equ UBASE, 256             ; where the user program sits in E (its l)
        .equ ULIMIT, 63             ; its highest relative address (its b)
        .equ SVC, 3                 ; trap codes, as the model declares them
        .equ MEMORY, 1

        .org 0
oldpsw: .word 0                             ; E[0]: the hardware saves the old PSW here
newpsw: .word (handler << 20) | 511         ; E[1]: supervisor, P = handler, R = (0, 511)

; Execution starts at E[2] in supervisor mode.
start:  lpsw  upsw                          ; enter the user program

; Every trap lands here, with the old PSW in E[0].
handler:
        shr   cause, oldpsw, 31             ; the trap code
        beq   cause, c_svc, on_svc
        beq   cause, c_mem, on_mem
        halt                                ; any other trap: stop, result stays 0

on_svc: add   total, total, UBASE + arg     ; the user's argument, at its absolute address
        addi  calls, calls, 1
        add   oldpsw, oldpsw, one_p         ; resume after the svc: P + 1
        lpsw  oldpsw

on_mem: mov   result, total                 ; the user program is finished
        halt

upsw:   .word USER | (ustart << 20) | (UBASE << 10) | ULIMIT
one_p:  .word 1 << 20                       ; 1 in the P field of a PSW
c_svc:  .word SVC
c_mem:  .word MEMORY
cause:  .word 0
total:  .word 0
calls:  .word 0
result: .word 0

; The user program, placed at absolute UBASE but assembled for relative
; addresses (.phase 0): it sees its storage from 0 to ULIMIT.
        .org UBASE
        .phase 0
ustart: li    arg, 1
again:  svc                                 ; the kernel adds arg to its total
        addi  arg, arg, 1
        bne   arg, ten, again
        mov   100, arg                      ; 100 > ULIMIT: a memory trap
        jmp   ustart                        ; never reached
ten:    .word 10
arg:    .word 0
        .dephase
