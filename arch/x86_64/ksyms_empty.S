/* The first link's symbol table: empty (base 0, count 0; format: ksyms.h). The second link gets the real one. */
	.section .rodata.ksyms, "a"
	.globl yolk_ksyms
yolk_ksyms:
	.quad 0
	.long 0
	.size yolk_ksyms, 12
	.section .note.GNU-stack, "", @progbits
