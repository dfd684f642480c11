/*
 * The null kernel: a PVH-bootable ELF that leaves QEMU at its first
 * instruction through isa-debug-exit (guest code 0). bench/boot.sh compares
 * yolk's boot-to-main time against it.
 */
	.section .note.Xen, "a"
	.balign 4
	.long 4, 4, 18
	.asciz "Xen"
	.balign 4
	.long null_start

	.text
	.code32
	.globl null_start
null_start:
	mov $0xf4, %dx
	mov $1, %al
	out %al, %dx
1:	hlt
	jmp 1b
	.section .note.GNU-stack, "", @progbits
