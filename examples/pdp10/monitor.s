; pdp10: a monitor starts a user program with JRST 1, and the program calls
; the monitor back with a MUUO. Addresses are decimal; the manual's octal
; locations 40, 41, 42 and 100 are 32, 33, 34 and 64.
;
; The monitor gives the user one 1K block (protection 0) relocated to block 2,
; so user address 64 is core 2112. The user program sums 10 + 9 + ... + 1 with
; a subroutine, stores the sum, and calls the monitor, whose UUO handler halts.
;
; Natively, JRST 1 enters user mode. Under a trap-and-emulate VMM the monitor
; runs deprivileged, in real user mode, where JRST 1 just jumps: the virtual
; mode stays executive and the run diverges there. The hybrid VMM interprets
; the monitor and runs only the user program directly: it is exact.
;
;   popek diff pdp10 examples/pdp10/monitor.s              (divergent: mode)
;   popek diff pdp10 examples/pdp10/monitor.s --vmm hybrid (equivalent)
        .equ  UBASE, 2048               ; relocation: block 2
        .org  32
        .word 0                         ; 40: the MUUO is stored here
        jsr   0, uuoh(0)                ; 41: the UUO handler's JSR
        jsr   0, aprh(0)                ; 42: the APR interrupt's JSR
        .org  64
start:  datao apr, aprset(0)            ; protection 0, relocation 2
        jrst  1, 64(0)                  ; enter user mode at user address 64
uuoh:   .word 0                         ; the JSR stores the user's PC word here
        jrst  4, 0(0)                   ; and the monitor halts
aprh:   .word 0
        jrst  4, 0(0)
aprset: .word 2 << 10                   ; bits 18-25 (relocation) = 2

        .org  UBASE + 64                ; the user program, at user address 64
        movei 15, 99(0)                 ; a stack at user address 100 (99 + 1)
        movei 1, 10(0)                  ; n = 10
        movei 2, 0(0)                   ; sum = 0
loop:   pushj 15, 80(0)                 ; sum += n, in a subroutine
        subi  1, 1(0)                   ; n -= 1
        jumpn 1, loop - UBASE(0)
        movem 2, 90(0)                  ; the sum to user address 90
        muuo  0, 0, 0(0)                ; call the monitor (opcode 40)

        .org  UBASE + 80                ; the subroutine: sum += C(AC1)
        add   2, 1(0)
        popj  15, 0(0)
