; pg_lra: a user program asks for the absolute address of one of its own words
; with lra (load real address).
;
; Natively the answer is the word's relative address plus the user's l. Under
; any VMM the guest's storage sits higher in real memory (at the allocation's
; base), so lra run directly reports the real address, not the virtual one.
; lra does not trap in user mode, so even the hybrid VMM, which runs user mode
; directly, cannot hide the difference: pg_lra is not virtualizable either way.
;
;   popek diff pg_lra examples/pg_lra/real_address.s              (divergent: E[.])
;   popek diff pg_lra examples/pg_lra/real_address.s --vmm hybrid (divergent too)
        .equ USER, 1 << 30
        .equ UBASE, 64
        .org 0
oldpsw: .word 0
newpsw: .word (handler << 20) | 511     ; supervisor, P = handler, R = (0, 511)
start:  lpsw  upsw                      ; run the user program at UBASE
handler:
        halt
upsw:   .word USER | (ustart << 20) | (UBASE << 10) | 31
        .org UBASE
        .phase 0
ustart: lra   where, here               ; the absolute address of `here`: UBASE + 5
        svc
here:   .word 0
where:  .word 0
        .dephase
