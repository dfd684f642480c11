/*
 * The 6502 core. The opcode table is the datasheet's: operation,
 * addressing mode, base cycles, and whether a read that crosses a page
 * costs one more cycle (http://www.6502.org/tutorials/6502opcodes.html,
 * https://www.nesdev.org/wiki/CPU_unofficial_opcodes for the map).
 */
#include "cpu6502.h"

enum mode { IMP, ACC, IMM, ZP, ZPX, ZPY, ABS, ABX, ABY, IND, IZX, IZY, REL };

/* clang-format off */
enum op {
	JAM, ADC, AND, ASL, BCC, BCS, BEQ, BIT, BMI, BNE, BPL, BRK, BVC, BVS, CLC, CLD, CLI, CLV, CMP, CPX,
	CPY, DEC, DEX, DEY, EOR, INC, INX, INY, JMP, JSR, LDA, LDX, LDY, LSR, NOP, ORA, PHA, PHP, PLA, PLP,
	ROL, ROR, RTI, RTS, SBC, SEC, SED, SEI, STA, STX, STY, TAX, TAY, TSX, TXA, TXS, TYA,
};
/* clang-format on */

struct opcode {
	uint8_t op, mode, cycles, page_penalty;
};

/* The table's rows are the datasheet's. */
/* clang-format off */
#define O(code, op, mode, cycles) [code] = {op, mode, cycles, 0}
#define P(code, op, mode, cycles) [code] = {op, mode, cycles, 1} /* +1 cycle if the read crosses a page */

static const struct opcode opcodes[256] = {
	O(0x69, ADC, IMM, 2), O(0x65, ADC, ZP, 3), O(0x75, ADC, ZPX, 4), O(0x6d, ADC, ABS, 4),
	P(0x7d, ADC, ABX, 4), P(0x79, ADC, ABY, 4), O(0x61, ADC, IZX, 6), P(0x71, ADC, IZY, 5),
	O(0x29, AND, IMM, 2), O(0x25, AND, ZP, 3), O(0x35, AND, ZPX, 4), O(0x2d, AND, ABS, 4),
	P(0x3d, AND, ABX, 4), P(0x39, AND, ABY, 4), O(0x21, AND, IZX, 6), P(0x31, AND, IZY, 5),
	O(0x0a, ASL, ACC, 2), O(0x06, ASL, ZP, 5), O(0x16, ASL, ZPX, 6), O(0x0e, ASL, ABS, 6),
	O(0x1e, ASL, ABX, 7),
	O(0x90, BCC, REL, 2), O(0xb0, BCS, REL, 2), O(0xf0, BEQ, REL, 2), O(0x30, BMI, REL, 2),
	O(0xd0, BNE, REL, 2), O(0x10, BPL, REL, 2), O(0x50, BVC, REL, 2), O(0x70, BVS, REL, 2),
	O(0x24, BIT, ZP, 3), O(0x2c, BIT, ABS, 4),
	O(0x00, BRK, IMP, 7),
	O(0x18, CLC, IMP, 2), O(0xd8, CLD, IMP, 2), O(0x58, CLI, IMP, 2), O(0xb8, CLV, IMP, 2),
	O(0xc9, CMP, IMM, 2), O(0xc5, CMP, ZP, 3), O(0xd5, CMP, ZPX, 4), O(0xcd, CMP, ABS, 4),
	P(0xdd, CMP, ABX, 4), P(0xd9, CMP, ABY, 4), O(0xc1, CMP, IZX, 6), P(0xd1, CMP, IZY, 5),
	O(0xe0, CPX, IMM, 2), O(0xe4, CPX, ZP, 3), O(0xec, CPX, ABS, 4),
	O(0xc0, CPY, IMM, 2), O(0xc4, CPY, ZP, 3), O(0xcc, CPY, ABS, 4),
	O(0xc6, DEC, ZP, 5), O(0xd6, DEC, ZPX, 6), O(0xce, DEC, ABS, 6), O(0xde, DEC, ABX, 7),
	O(0xca, DEX, IMP, 2), O(0x88, DEY, IMP, 2),
	O(0x49, EOR, IMM, 2), O(0x45, EOR, ZP, 3), O(0x55, EOR, ZPX, 4), O(0x4d, EOR, ABS, 4),
	P(0x5d, EOR, ABX, 4), P(0x59, EOR, ABY, 4), O(0x41, EOR, IZX, 6), P(0x51, EOR, IZY, 5),
	O(0xe6, INC, ZP, 5), O(0xf6, INC, ZPX, 6), O(0xee, INC, ABS, 6), O(0xfe, INC, ABX, 7),
	O(0xe8, INX, IMP, 2), O(0xc8, INY, IMP, 2),
	O(0x4c, JMP, ABS, 3), O(0x6c, JMP, IND, 5), O(0x20, JSR, ABS, 6),
	O(0xa9, LDA, IMM, 2), O(0xa5, LDA, ZP, 3), O(0xb5, LDA, ZPX, 4), O(0xad, LDA, ABS, 4),
	P(0xbd, LDA, ABX, 4), P(0xb9, LDA, ABY, 4), O(0xa1, LDA, IZX, 6), P(0xb1, LDA, IZY, 5),
	O(0xa2, LDX, IMM, 2), O(0xa6, LDX, ZP, 3), O(0xb6, LDX, ZPY, 4), O(0xae, LDX, ABS, 4),
	P(0xbe, LDX, ABY, 4),
	O(0xa0, LDY, IMM, 2), O(0xa4, LDY, ZP, 3), O(0xb4, LDY, ZPX, 4), O(0xac, LDY, ABS, 4),
	P(0xbc, LDY, ABX, 4),
	O(0x4a, LSR, ACC, 2), O(0x46, LSR, ZP, 5), O(0x56, LSR, ZPX, 6), O(0x4e, LSR, ABS, 6),
	O(0x5e, LSR, ABX, 7),
	O(0xea, NOP, IMP, 2),
	O(0x09, ORA, IMM, 2), O(0x05, ORA, ZP, 3), O(0x15, ORA, ZPX, 4), O(0x0d, ORA, ABS, 4),
	P(0x1d, ORA, ABX, 4), P(0x19, ORA, ABY, 4), O(0x01, ORA, IZX, 6), P(0x11, ORA, IZY, 5),
	O(0x48, PHA, IMP, 3), O(0x08, PHP, IMP, 3), O(0x68, PLA, IMP, 4), O(0x28, PLP, IMP, 4),
	O(0x2a, ROL, ACC, 2), O(0x26, ROL, ZP, 5), O(0x36, ROL, ZPX, 6), O(0x2e, ROL, ABS, 6),
	O(0x3e, ROL, ABX, 7),
	O(0x6a, ROR, ACC, 2), O(0x66, ROR, ZP, 5), O(0x76, ROR, ZPX, 6), O(0x6e, ROR, ABS, 6),
	O(0x7e, ROR, ABX, 7),
	O(0x40, RTI, IMP, 6), O(0x60, RTS, IMP, 6),
	O(0xe9, SBC, IMM, 2), O(0xe5, SBC, ZP, 3), O(0xf5, SBC, ZPX, 4), O(0xed, SBC, ABS, 4),
	P(0xfd, SBC, ABX, 4), P(0xf9, SBC, ABY, 4), O(0xe1, SBC, IZX, 6), P(0xf1, SBC, IZY, 5),
	O(0x38, SEC, IMP, 2), O(0xf8, SED, IMP, 2), O(0x78, SEI, IMP, 2),
	O(0x85, STA, ZP, 3), O(0x95, STA, ZPX, 4), O(0x8d, STA, ABS, 4), O(0x9d, STA, ABX, 5),
	O(0x99, STA, ABY, 5), O(0x81, STA, IZX, 6), O(0x91, STA, IZY, 6),
	O(0x86, STX, ZP, 3), O(0x96, STX, ZPY, 4), O(0x8e, STX, ABS, 4),
	O(0x84, STY, ZP, 3), O(0x94, STY, ZPX, 4), O(0x8c, STY, ABS, 4),
	O(0xaa, TAX, IMP, 2), O(0xa8, TAY, IMP, 2), O(0xba, TSX, IMP, 2), O(0x8a, TXA, IMP, 2),
	O(0x9a, TXS, IMP, 2), O(0x98, TYA, IMP, 2),
};
/* clang-format on */

#define VECTOR_NMI 0xfffa
#define VECTOR_RESET 0xfffc
#define VECTOR_IRQ 0xfffe

int cpu_opcode_cycles(uint8_t opcode)
{
	return opcodes[opcode].cycles;
}

static uint8_t rd(struct cpu6502 *c, uint16_t a)
{
	return c->read(c->bus, a);
}

static uint16_t rd16(struct cpu6502 *c, uint16_t a)
{
	uint8_t lo = rd(c, a);
	return (uint16_t)(lo | rd(c, (uint16_t)(a + 1)) << 8);
}

/* A 16-bit pointer in zero page: the high byte wraps within page 0. */
static uint16_t rd16_zp(struct cpu6502 *c, uint8_t a)
{
	uint8_t lo = rd(c, a);
	return (uint16_t)(lo | rd(c, (uint8_t)(a + 1)) << 8);
}

static void push(struct cpu6502 *c, uint8_t v)
{
	c->write(c->bus, (uint16_t)(0x100 | c->s--), v);
}
static uint8_t pull(struct cpu6502 *c)
{
	return rd(c, (uint16_t)(0x100 | ++c->s));
}

/* Low byte first (two statements: the operands of | are unsequenced). */
static uint16_t pull16(struct cpu6502 *c)
{
	uint8_t lo = pull(c);
	return (uint16_t)(lo | pull(c) << 8);
}

static void set_zn(struct cpu6502 *c, uint8_t v)
{
	c->p = (uint8_t)((c->p & ~(FLAG_Z | FLAG_N)) | (v ? 0 : FLAG_Z) | (v & FLAG_N));
}

static void set_flag(struct cpu6502 *c, uint8_t flag, bool on)
{
	c->p = (uint8_t)(on ? c->p | flag : c->p & ~flag);
}

static bool page_crossed(uint16_t a, uint16_t b)
{
	return (a ^ b) & 0xff00;
}

/* clang-format off */
/* The effective address of the operand (advancing PC past it); *crossed if indexing crossed a page. */
static uint16_t operand_address(struct cpu6502 *c, enum mode mode, bool *crossed)
{
	uint16_t base, addr;
	uint8_t lo;
	switch (mode) {
	case IMM: return c->pc++;
	case ZP: return rd(c, c->pc++);
	case ZPX: return (uint8_t)(rd(c, c->pc++) + c->x);
	case ZPY: return (uint8_t)(rd(c, c->pc++) + c->y);
	case ABS: addr = rd16(c, c->pc); c->pc += 2; return addr;
	case ABX:
	case ABY:
		base = rd16(c, c->pc);
		c->pc += 2;
		addr = (uint16_t)(base + (mode == ABX ? c->x : c->y));
		*crossed = page_crossed(base, addr);
		return addr;
	case IND: /* JMP ($xxFF) reads the high byte from $xx00: the 6502's page-wrap bug */
		base = rd16(c, c->pc);
		c->pc += 2;
		lo = rd(c, base);
		return (uint16_t)(lo | rd(c, (uint16_t)((base & 0xff00) | ((base + 1) & 0xff))) << 8);
	case IZX: return rd16_zp(c, (uint8_t)(rd(c, c->pc++) + c->x));
	case IZY:
		base = rd16_zp(c, rd(c, c->pc++));
		addr = (uint16_t)(base + c->y);
		*crossed = page_crossed(base, addr);
		return addr;
	default: return 0;
	}
}

/* clang-format on */

static void interrupt(struct cpu6502 *c, uint16_t vector, bool brk)
{
	push(c, (uint8_t)(c->pc >> 8));
	push(c, (uint8_t)c->pc);
	push(c, (uint8_t)(c->p | FLAG_U | (brk ? FLAG_B : 0)));
	c->p |= FLAG_I;
	c->pc = rd16(c, vector);
}

void cpu_reset(struct cpu6502 *c)
{
	c->s = (uint8_t)(c->s - 3);
	c->p |= FLAG_I | FLAG_U;
	c->pc = rd16(c, VECTOR_RESET);
	c->cycles += 7;
	c->irq_masked = true;
	c->nmi_pending = false;
	c->jammed = false;
}

/* Binary ADC of v (SBC is ADC of ~v): no decimal mode on the 2A03. */
static void add(struct cpu6502 *c, uint8_t v)
{
	unsigned sum = c->a + v + (c->p & FLAG_C);
	set_flag(c, FLAG_C, sum > 0xff);
	set_flag(c, FLAG_V, ~(c->a ^ v) & (c->a ^ sum) & 0x80);
	c->a = (uint8_t)sum;
	set_zn(c, c->a);
}

static void compare(struct cpu6502 *c, uint8_t reg, uint8_t v)
{
	set_flag(c, FLAG_C, reg >= v);
	set_zn(c, (uint8_t)(reg - v));
}

/* clang-format off */
/* Operations that read their operand and change registers/flags only. Returns false if op is not one. */
static bool exec_read(struct cpu6502 *c, enum op op, uint8_t v)
{
	switch (op) {
	case ADC: add(c, v); break;
	case SBC: add(c, (uint8_t)~v); break;
	case AND: set_zn(c, c->a &= v); break;
	case ORA: set_zn(c, c->a |= v); break;
	case EOR: set_zn(c, c->a ^= v); break;
	case LDA: set_zn(c, c->a = v); break;
	case LDX: set_zn(c, c->x = v); break;
	case LDY: set_zn(c, c->y = v); break;
	case CMP: compare(c, c->a, v); break;
	case CPX: compare(c, c->x, v); break;
	case CPY: compare(c, c->y, v); break;
	case BIT:
		set_flag(c, FLAG_Z, !(c->a & v));
		set_flag(c, FLAG_N, v & 0x80);
		set_flag(c, FLAG_V, v & 0x40);
		break;
	default: return false;
	}
	return true;
}

/* Shifts, rotates, INC and DEC of v; returns the result and sets the flags. */
static uint8_t modify(struct cpu6502 *c, enum op op, uint8_t v)
{
	uint8_t carry_in = c->p & FLAG_C, r;
	switch (op) {
	case ASL: set_flag(c, FLAG_C, v & 0x80); r = (uint8_t)(v << 1); break;
	case LSR: set_flag(c, FLAG_C, v & 1); r = v >> 1; break;
	case ROL: set_flag(c, FLAG_C, v & 0x80); r = (uint8_t)(v << 1 | carry_in); break;
	case ROR: set_flag(c, FLAG_C, v & 1); r = (uint8_t)(v >> 1 | carry_in << 7); break;
	case INC: r = (uint8_t)(v + 1); break;
	default: r = (uint8_t)(v - 1); break; /* DEC */
	}
	set_zn(c, r);
	return r;
}

/* clang-format on */

static bool is_modify(enum op op)
{
	return op == ASL || op == LSR || op == ROL || op == ROR || op == INC || op == DEC;
}

/* Branches: 2 cycles, +1 if taken, +1 more if the target is on another page. */
static int branch(struct cpu6502 *c, bool taken)
{
	int8_t offset = (int8_t)rd(c, c->pc++);
	if (!taken)
		return 0;
	uint16_t target = (uint16_t)(c->pc + offset);
	int extra = page_crossed(c->pc, target) ? 2 : 1;
	c->pc = target;
	return extra;
}

/* Branch opcodes are xxy10000: xx picks the flag (N, V, C, Z), y the value that takes the branch. */
static int exec_branch(struct cpu6502 *c, uint8_t opcode)
{
	static const uint8_t flag[4] = {FLAG_N, FLAG_V, FLAG_C, FLAG_Z};
	bool set = c->p & flag[opcode >> 6];
	return branch(c, set == (bool)(opcode & 0x20));
}

/* clang-format off */
/* Instructions without a memory operand (and the jumps, whose operand is the new PC). */
static void exec_other(struct cpu6502 *c, enum op op, uint16_t addr)
{
	switch (op) {
	case BRK: c->pc++; interrupt(c, VECTOR_IRQ, true); break;
	case JMP: c->pc = addr; break;
	case JSR: push(c, (uint8_t)((c->pc - 1) >> 8)); push(c, (uint8_t)(c->pc - 1)); c->pc = addr; break;
	case RTS: c->pc = (uint16_t)(pull16(c) + 1); break;
	case RTI:
		c->p = (uint8_t)((pull(c) & ~FLAG_B) | FLAG_U);
		c->pc = pull16(c);
		break;
	case PHA: push(c, c->a); break;
	case PHP: push(c, c->p | FLAG_B | FLAG_U); break;
	case PLA: set_zn(c, c->a = pull(c)); break;
	case PLP: c->p = (uint8_t)((pull(c) & ~FLAG_B) | FLAG_U); break;
	case CLC: c->p &= (uint8_t)~FLAG_C; break;
	case CLD: c->p &= (uint8_t)~FLAG_D; break;
	case CLI: c->p &= (uint8_t)~FLAG_I; break;
	case CLV: c->p &= (uint8_t)~FLAG_V; break;
	case SEC: c->p |= FLAG_C; break;
	case SED: c->p |= FLAG_D; break;
	case SEI: c->p |= FLAG_I; break;
	case TAX: set_zn(c, c->x = c->a); break;
	case TAY: set_zn(c, c->y = c->a); break;
	case TSX: set_zn(c, c->x = c->s); break;
	case TXA: set_zn(c, c->a = c->x); break;
	case TYA: set_zn(c, c->a = c->y); break;
	case TXS: c->s = c->x; break;
	case INX: set_zn(c, ++c->x); break;
	case INY: set_zn(c, ++c->y); break;
	case DEX: set_zn(c, --c->x); break;
	case DEY: set_zn(c, --c->y); break;
	default: break; /* NOP */
	}
}

/* clang-format on */

/* The interrupt to enter before the next instruction, if any: 7 cycles, or 0. */
static int poll_interrupts(struct cpu6502 *c)
{
	if (c->nmi_pending) {
		c->nmi_pending = false;
		interrupt(c, VECTOR_NMI, false);
	} else if (c->irq_line && !c->irq_masked) {
		interrupt(c, VECTOR_IRQ, false);
	} else {
		return 0;
	}
	c->irq_masked = true;
	c->cycles += 7;
	return 7;
}

static void write_at(struct cpu6502 *c, uint64_t cycle, uint16_t addr, uint8_t v)
{
	c->access_cycle = cycle;
	c->write(c->bus, addr, v);
}

int cpu_step(struct cpu6502 *c)
{
	if (c->jammed)
		return 0;
	int taken = poll_interrupts(c);
	if (taken)
		return taken;
	uint8_t code = rd(c, c->pc++), i_before = c->p & FLAG_I;
	const struct opcode *o = &opcodes[code];
	if (o->op == JAM) {
		c->jammed = true;
		c->jam_opcode = code;
		c->pc--;
		return 0;
	}
	int cycles = o->cycles;
	uint64_t last = c->cycles + (uint64_t)cycles - 1; /* the cycle of a store's write */
	bool crossed = false;
	uint16_t addr = operand_address(c, o->mode, &crossed);
	if (o->mode == REL) {
		cycles += exec_branch(c, code);
	} else if (o->mode == ACC) {
		c->a = modify(c, o->op, c->a);
	} else if (o->op == STA || o->op == STX || o->op == STY) {
		write_at(c, last, addr, o->op == STA ? c->a : o->op == STX ? c->x : c->y);
	} else if (is_modify(o->op)) {
		uint8_t v = rd(c, addr);
		write_at(c, last - 1, addr, v); /* read-modify-write writes the old value first */
		write_at(c, last, addr, modify(c, o->op, v));
	} else if (o->mode == IMP || o->op == JMP || o->op == JSR || !exec_read(c, o->op, rd(c, addr))) {
		exec_other(c, o->op, addr);
	}
	if (crossed && o->page_penalty)
		cycles++;
	/* CLI, SEI and PLP change I after the interrupt poll of their last cycle. */
	c->irq_masked = (o->op == CLI || o->op == SEI || o->op == PLP) ? i_before : (c->p & FLAG_I);
	c->cycles += (uint64_t)cycles;
	return cycles;
}
