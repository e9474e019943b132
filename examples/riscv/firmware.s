; riscv: M-mode firmware, an S-mode kernel and a U-mode program, the whole
; machine in one VM. A new VM starts as the hardware does: in M-mode at 0x100,
; with medeleg 0 and the PMP entry off.
;
; The firmware sets mtvec, gives S and U mode a PMP entry over bytes
; 0 .. 0x7ff only, delegates load faults (5) and ecalls from U-mode (8) to
; S-mode through medeleg, leaves a word at byte 0x1000 (above the PMP entry:
; M-mode accesses are not PMP-checked) and enters the kernel with mret.
; The kernel's load of byte 0x1000 faults, and the delegated fault comes to
; its own handler, which skips the load. The kernel starts the user program
; with sret; the user adds up 1..10 and makes an ecall, delegated to S-mode.
; The kernel checks the sum and makes an ecall of its own, which is not
; delegated: the firmware's handler reads the word at 0x1000, steps mepc past
; the ecall and returns to S-mode with mret. The kernel checks that word and
; stops the machine with wfi.
;
; Under the VMM every mode runs in real U-mode with medeleg 0: every CSR
; access, mret, sret, ecall and wfi traps and is interpreted or reflected.
; The real PMP entry shadows the guest's: in virtual M-mode it is the VM's
; storage, so the firmware's store and load at 0x1000 run directly; in
; virtual S-mode it is the guest's entry, so the kernel's load faults on the
; real machine too and the fault is reflected to the guest's S-mode.
;
;   popek diff riscv examples/riscv/firmware.s
;   popek diff riscv examples/riscv/firmware.s --vmm hybrid
;   popek diff riscv examples/riscv/firmware.s --nested
        .org  0x40                      ; word 0x40: byte address 0x100
start:  auipc t0, 0
        addi  t0, t0, (mtrap - start) * 4   ; labels count words
        csrrw zero, 0x305, t0           ; mtvec = mtrap
        addi  t0, zero, 0x0f
        csrrw zero, 0x3a0, t0           ; pmpcfg0: entry 0 is TOR, R W X
        addi  t0, zero, 0x200
        csrrw zero, 0x3b0, t0           ; pmpaddr0: S and U reach bytes 0 .. 0x7ff
        addi  t0, zero, 0x120
        csrrw zero, 0x302, t0           ; medeleg: load faults and ecalls from U to S
        lui   t1, 1                     ; byte 0x1000, above the PMP entry
        addi  t2, zero, 77
        sw    t2, 0(t1)                 ; M-mode is not PMP-checked
        addi  t0, zero, 0x400
        add   t0, t0, t0
        csrrs zero, 0x300, t0           ; mstatus.MPP = S (bit 11)
m1:     auipc t0, 0
        addi  t0, t0, (kernel - m1) * 4
        csrrw zero, 0x341, t0           ; mepc = kernel
        mret                            ; to S-mode

mtrap:  csrrs t2, 0x342, zero           ; mcause: 9, an ecall from S-mode
        addi  t3, zero, 9
b1:     bne   t2, t3, (fail - b1) * 4 ; offsets are in bytes
        lui   t1, 1
        lw    a0, 0(t1)                 ; 77: the word S-mode cannot read
        csrrs t0, 0x341, zero
        addi  t0, t0, 4
        csrrw zero, 0x341, t0           ; mepc += 4: past the ecall
        mret                            ; back to S-mode (MPP = S)

kernel: auipc t0, 0
        addi  t0, t0, (strap - kernel) * 4
        csrrw zero, 0x105, t0           ; stvec = strap
        lui   t1, 1
        lw    a0, 0(t1)                 ; outside the PMP entry: a load fault, to S
k1:     auipc t0, 0
        addi  t0, t0, (user - k1) * 4
        csrrw zero, 0x141, t0           ; sepc = user
        addi  t1, zero, 0x100
        csrrc zero, 0x100, t1           ; sstatus.SPP = 0: sret goes to U-mode
        sret

strap:  csrrs t2, 0x142, zero           ; scause
        addi  t3, zero, 5
b2:     bne   t2, t3, (fromu - b2) * 4
        csrrs t0, 0x141, zero           ; a load fault: skip the load
        addi  t0, t0, 4
        csrrw zero, 0x141, t0           ; sepc += 4
        sret                            ; back to S-mode (SPP = 1)
fromu:  addi  t3, zero, 8               ; an ecall from U-mode
b3:     bne   t2, t3, (fail - b3) * 4
        lw    t4, 0x400(zero)           ; the user's sum
        addi  t5, zero, 55
b4:     bne   t4, t5, (fail - b4) * 4
        ecall                           ; from S-mode: not delegated, to M-mode
        addi  t5, zero, 77
b5:     bne   a0, t5, (fail - b5) * 4
        wfi                             ; done: the machine stops
fail:   jal   zero, 0

user:   addi  a0, zero, 0               ; sum
        addi  a1, zero, 10              ; n
loop:   add   a0, a0, a1
        addi  a1, a1, -1
b6:     bne   a1, zero, (loop - b6) * 4
        sw    a0, 0x400(zero)
        ecall
