; examples/x86/kernel.s: a protected-mode kernel builds its GDT, IDT and TSS,
; enters a ring-3 program with IRET, and serves its INT 0x21.
;
; Memory (guest addresses; the guest's segments cover its 2 KiB):
;   0x100 code   0x300 IDT (vectors 0-0x21)   0x500 data   0x5c0 user stack
;   0x5f0 kernel stack   0x600 GDT   0x680 TSS
; Natively the run ends at HLT with the sum 55 in EBX. Under the
; trap-and-emulate VMM, the kernel's LGDT, LIDT, the segment loads of ring-0
; selectors, the far jump and LTR trap (the kernel runs in ring 1) and are
; emulated; its IRET to ring 3 does not trap, and loads the guest's own
; user code descriptor (base 0) into the real CS: the run diverges there.
          .org  0x100
  start:  lgdt  [gdtr]
          lidt  [idtr]
          mov   eax, 0x10               ; ring-0 data
          mov   ds, eax
          mov   es, eax
          mov   ss, eax
          mov   esp, 0x5f0
          jmp far 0x08:reload           ; ring-0 code
  reload: mov   eax, 0x28
          ltr   eax                     ; the TSS: ESP0 and SS0 for INT from ring 3
          mov   eax, 0x23               ; the IRET frame: SS, ESP, EFLAGS, CS, EIP
          push  eax
          mov   eax, 0x5c0
          push  eax
          pushf
          mov   eax, 0x1b
          push  eax
          mov   eax, user
          push  eax
          iret                          ; to ring 3

  user:   mov   eax, 0x23               ; ring-3 data
          mov   ds, eax
          mov   ecx, 10
          mov   eax, 0
  loop:   add   eax, ecx
          dec   ecx
  b1:     jcc   5, loop - (b1 + 6)      ; jne: condition 5 (ZF = 0)
          mov   [0x500], eax
          int   0x21

  handler:                              ; ring 0, on the TSS's stack
          mov   ebx, [0x500]            ; DS is still the user's data segment
          cmp   ebx, 55
  b2:     jcc   5, fail - (b2 + 6)
          hlt
  fail:   jmp   fail - (fail + 5)

  gdtr:   .word 0x0600002f              ; limit 0x2f, base 0x600 (6 bytes)
          .word 0
  idtr:   .word 0x0300010f              ; limit 0x10f, base 0x300
          .word 0

          .org  0x408                   ; IDT entry 0x21: interrupt gate, DPL 3
          .word 0x80000 + handler       ; selector 0x08, offset
          .word 0x0000ee00

          .org  0x600                   ; GDT: base 0, limit 0x7ff, 32-bit
          .word 0, 0                    ; 0x00 null
          .word 0x000007ff, 0x00409a00  ; 0x08 ring-0 code
          .word 0x000007ff, 0x00409200  ; 0x10 ring-0 data
          .word 0x000007ff, 0x0040fa00  ; 0x18 ring-3 code
          .word 0x000007ff, 0x0040f200  ; 0x20 ring-3 data
          .word 0x06800067, 0x00008900  ; 0x28 TSS at 0x680
          .org  0x684
          .word 0x5f0                   ; ESP0
          .word 0x10                    ; SS0
