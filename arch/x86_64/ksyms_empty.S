/* The first link's symbol table: empty. The second link gets the real one. */
	.section .rodata.ksyms, "a"
	.balign 8
	.globl yolk_ksyms, yolk_ksyms_count, yolk_ksym_names
yolk_ksyms_count:
	.quad 0
yolk_ksyms:
yolk_ksym_names:
	.byte 0
	.section .note.GNU-stack, "", @progbits
