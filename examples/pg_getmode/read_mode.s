; pg_getmode: a kernel asks the machine which mode it runs in, with getm.
;
; Natively the answer is supervisor (0). Under a trap-and-emulate VMM the
; kernel runs deprivileged, getm does not trap in user mode, and it reads the
; real mode: user (1). The hybrid VMM interprets the supervisor-mode getm on
; the virtual state and gets 0; in user mode getm needs no help.
;
;   popek diff pg_getmode examples/pg_getmode/read_mode.s              (divergent: E[mode])
;   popek diff pg_getmode examples/pg_getmode/read_mode.s --vmm hybrid (equivalent)
        .org 2
start:  getm  mode                      ; 0 in supervisor mode
        halt
mode:   .word 7
