; riscv: a guest kernel in S-mode starts a user program and serves its system
; call. A VM starts as the hardware does, in M-mode at 0x100, so a few lines
; of firmware come first: they give S and U mode a PMP entry over all of RAM
; (the VMM cuts the real entry to the VM's storage), delegate every exception
; that can be delegated to S-mode, and enter the kernel with mret.
;
; The kernel sets its trap vector and scratch register, points sepc at the
; user program, clears sstatus.SPP and returns to user mode with sret. The
; user program adds up 1..10 in a loop, stores the sum, and makes an ecall;
; the kernel checks scause and the sum and stops the machine with wfi.
;
; Every CSR access, mret, sret and wfi traps in real user mode, where the VMM
; runs every guest mode; the VMM interprets them on the virtual state. RISC-V
; was built for this: both VMMs are equivalent, and so is the VMM under itself.
;
;   popek diff riscv examples/riscv/kernel.s
;   popek diff riscv examples/riscv/kernel.s --vmm hybrid
;   popek diff riscv examples/riscv/kernel.s --nested
        .org  0x40                      ; word 0x40: byte address 0x100
start:  addi  t0, zero, 0x0f
        csrrw zero, 0x3a0, t0           ; pmpcfg0: entry 0 is TOR, R W X
        lui   t0, 1
        csrrw zero, 0x3b0, t0           ; pmpaddr0 = 0x1000: bytes 0 .. 0x3fff
        lui   t0, 0xb
        addi  t0, t0, 0x3ff
        csrrw zero, 0x302, t0           ; medeleg = 0xb3ff: all to S-mode
        addi  t0, zero, 0x400
        add   t0, t0, t0
        csrrs zero, 0x300, t0           ; mstatus.MPP = S (bit 11)
m1:     auipc t0, 0
        addi  t0, t0, (kernel - m1) * 4   ; labels count words
        csrrw zero, 0x341, t0           ; mepc = kernel
        mret                            ; to S-mode

kernel: auipc t0, 0
        addi  t0, t0, (handler - kernel) * 4
        csrrw zero, 0x105, t0           ; stvec = handler
        addi  t1, zero, 0x55
        csrrw zero, 0x140, t1           ; sscratch
        auipc t0, 0
        addi  t0, t0, (user - (kernel + 5)) * 4
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
