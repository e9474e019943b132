; A counting loop for the pg machine, used by the reference machine's
; benchmark (bench/reference_bench.cpp): it counts `n` down from 500,000 to 0,
; two instructions a turn, then halts.
        .org 2
start:  li    n, 500000
again:  addi  n, n, -1
        bne   n, zero, again
        halt
n:      .word 0
zero:   .word 0
