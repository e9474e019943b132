; riscv: a guest kernel in S-mode starts a user program and serves its system
; call. The VM starts in supervisor mode at 0x100 with every exception
; delegated to S-mode and its PMP entry covering its storage (the VMM's
; `reset` in models/riscv.isa), so the kernel needs no M-mode firmware.
;
; The kernel sets its trap vector and scratch register, points sepc at the
; user program, clears sstatus.SPP and returns to user mode with sret. The
; user program adds up 1..10 in a loop, stores the sum, and makes an ecall;
; the kernel checks scause and the sum and stops the machine with wfi.
;
; Every CSR access, sret and wfi traps in real user mode, where the VMM runs
; the kernel; the VMM interprets them on the virtual state. RISC-V was built
; for this: both VMMs are equivalent.
;
;   popek diff riscv examples/riscv/kernel.s
;   popek diff riscv examples/riscv/kernel.s --vmm hybrid
        .org  0x40                      ; word 0x40: byte address 0x100
start:  auipc t0, 0
        addi  t0, t0, (handler - start) * 4   ; labels count words
        csrrw zero, 0x105, t0           ; stvec = handler
        addi  t1, zero, 0x55
        csrrw zero, 0x140, t1           ; sscratch
        auipc t0, 0
        addi  t0, t0, (user - (start + 5)) * 4
        csrrw zero, 0x141, t0           ; sepc = user
        csrrci zero, 0x100, 0           ; read-only access of sstatus
        addi  t1, zero, 0x100
        csrrc zero, 0x100, t1           ; SPP = 0: sret goes to user mode
        sret

handler:
        csrrs t2, 0x142, zero           ; scause: 8, an ecall from U-mode
        addi  t3, zero, 8
b1:     bne   t2, t3, (fail - b1) * 4 ; offsets are in bytes
        lw    t4, 0x400(zero)
        addi  t5, zero, 55
b2:     bne   t4, t5, (fail - b2) * 4
        csrrs t6, 0x140, zero           ; sscratch still 0x55
        wfi                             ; done: the machine stops
fail:   jal   zero, 0

user:   addi  a0, zero, 0               ; sum
        addi  a1, zero, 10              ; n
loop:   add   a0, a0, a1
        addi  a1, a1, -1
b3:     bne   a1, zero, (loop - b3) * 4
        sw    a0, 0x400(zero)
        ecall
