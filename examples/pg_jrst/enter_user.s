; pg_jrst: a kernel enters its user program with rtu, the pg_jrst machine's
; return-to-user instruction (the PDP-10's JRST 1): it sets the user's
; relocation, then `rtu ustart` switches to user mode and jumps.
;
; Natively, rtu puts the machine in user mode. Under a trap-and-emulate VMM the
; kernel runs deprivileged, in real user mode, where rtu just jumps without
; trapping: the VMM never learns that its guest left supervisor mode, and the
; virtual mode stays supervisor. The hybrid VMM interprets everything the guest
; does in supervisor mode, so it runs rtu on the virtual state and stays exact.
;
;   popek diff pg_jrst examples/pg_jrst/enter_user.s              (divergent: mode)
;   popek diff pg_jrst examples/pg_jrst/enter_user.s --vmm hybrid (equivalent)
        .org 0
oldpsw: .word 0
newpsw: .word (handler << 20) | 511     ; supervisor, P = handler, R = (0, 511)
start:  setr  ur                        ; the user's relocation: R = (0, 63)
        rtu   ustart                    ; enter user mode at ustart
handler:
        halt                            ; the user's supervisor call ends the run
ur:     .word 63                        ; (l, b) = (0, 63)
ustart: li    result, 42
        svc
result: .word 0
