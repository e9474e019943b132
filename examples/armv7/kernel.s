; armv7: a guest kernel in Supervisor mode programs the MPU, enters a user
; program with an exception return (MOVS PC, LR) and serves its SVC.
;
; The machine resets in Supervisor mode at address 0 with the MPU off. The
; kernel makes the MPU's region the user's (0x1000-0x1fff, read/write at
; both levels), turns the MPU on with the background region for itself (PL1
; reaches the rest of memory, PL0 only the region), sets the User stack from
; System mode, puts User mode in SPSR_svc and returns to the user program. The user
; program adds up 1..10, stores the sum and calls the kernel with SVC. The
; handler checks the call came from User mode with the right sum, saves the
; user's return state with SRS and stops the machine with WFI.
;
; Labels are word addresses; a branch offset is target - here - 2 (the PC
; reads 8 bytes ahead). Conditions: 14 = always, 1 = ne, 0 = eq.
;
;   popek diff armv7 examples/armv7/kernel.s --vmm hybrid      equivalent
;   popek diff armv7 examples/armv7/kernel.s                   equivalent
;
; Under both VMMs the kernel's MCR and MRC trap in real User mode and are
; emulated. Once the MPU is on, the kernel's code lies outside the region, in
; the background region that only PL1 may use: in real User mode every
; kernel fetch faults, so trap-and-emulate interprets the kernel's CPS, MSR
; SPSR and MOVS PC, LR, which would not trap and would misbehave if run
; directly (see corpus/armv7/witness_*.case). The user program runs directly.
        .equ al, 14
        .equ ne, 1
        .equ eq, 0
        .equ ia, 1
        .equ db, 2

        .org 0
v_reset: b.al #reset - v_reset - 2
v_und:   b.al #fail - v_und - 2
v_svc:   b.al #handler - v_svc - 2
v_pabt:  b.al #fail - v_pabt - 2
v_dabt:  b.al #fail - v_dabt - 2

reset:  mov.al.0 r0, #0, 0
        mcr.al p15, 0, r0, c6, c2, 0          ; RGNR = 0 (the only region)
        mov.al.0 r1, #1, 10                   ; 0x1000
        mcr.al p15, 0, r1, c6, c1, 0          ; DRBAR = 0x1000
        mov.al.0 r1, #23, 0                   ; RSize 11 (4 KiB), enabled
        mcr.al p15, 0, r1, c6, c1, 2          ; DRSR
        mov.al.0 r1, #3, 12                   ; AP = 011 (bits 10:8): read/write at PL1 and PL0
        mcr.al p15, 0, r1, c6, c1, 4          ; DRACR
        mrc.al p15, 0, r2, c1, c0, 0          ; SCTLR
        orr.al.0 r2, r2, #1, 0                ; M: the MPU on
        orr.al.0 r2, r2, #2, 8                ; BR (bit 17): PL1 may use the rest of memory
        mcr.al p15, 0, r2, c1, c0, 0
        mov.al.0 sp, #2, 11                   ; SP_svc = 0x800
        cps 0, 0, 1, 0x1f                     ; System mode: the User bank
        mov.al.0 sp, #2, 10                   ; SP_usr = 0x2000
        cps 0, 0, 1, 0x13                     ; back to Supervisor mode
        mov.al.0 r0, #0x10, 0                 ; User mode, A I F clear
        msr.al spsr.15, r0                    ; SPSR_svc
        mov.al.0 lr, #1, 10                   ; the user program at 0x1000
        mov.al.1 pc, lr                       ; MOVS PC, LR: to User mode

handler:                                      ; SVC from the user
        mrs.al r4, spsr
        and.al.0 r4, r4, #0x1f, 0
        cmp.al r4, #0x10, 0                   ; it came from User mode
b1:     b.ne #fail - b1 - 2
        ldr.al r5, [r0, 1, #0]                ; the sum the user stored
        cmp.al r5, #55, 0
b2:     b.ne #fail - b2 - 2
        srs.db sp!, 0x13                      ; LR_svc and SPSR_svc onto the kernel stack
        wfi.al
fail:   b.al #fail - fail - 2

        .org 0x400                            ; byte address 0x1000
user:   mov.al.0 r1, #10, 0
        mov.al.0 r2, #0, 0
loop:   add.al.0 r2, r2, r1
        sub.al.1 r1, r1, #1, 0
b3:     b.ne #loop - b3 - 2
        add.al.0 r0, pc, #1, 12               ; an address in the user's data
        str.al r2, [r0, 1, #0]
        stm.al.db sp, 1, 0x0006               ; push r1, r2
        svc.al 0
