/*
 * The receive descriptor the card wrote back, judged before its buffer goes
 * to the network stack: the card's status, errors and length are its word,
 * and the length must fit the buffer the driver gave it. Pure logic,
 * unit-tested on the host (tests/unit/test_e1000_rx.c).
 */
#ifndef DRIVERS_E1000_E1000_RX_H
#define DRIVERS_E1000_E1000_RX_H

#include <stdint.h>

#define E1000_RXD_DD 0x01
#define E1000_RXD_EOP 0x02
#define E1000_RXD_ERR_FRAME 0x97 /* CE, SE, SEQ, CXE, RXE: a damaged frame; IPE/TCPE are left to the stack   \
	                          */

/*
 * The bytes of a completed descriptor (DD set) to hand to the stack, or 0 to
 * drop it: a frame spread over several descriptors (not EOP, or the rest of
 * one after such, `discarding`), a damaged one, an empty one, or one whose
 * length is more than the `buf_size` bytes its buffer holds.
 */
uint16_t e1000_rx_frame_len(uint8_t status, uint8_t errors, uint16_t len, int discarding, uint16_t buf_size);

#endif
