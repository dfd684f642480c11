/* virtq_used_check: used-ring elements a device could not honestly report are refused. */
#include <errno.h>
#include <stdint.h>
#include "../../drivers/virtio/virtq_check.h"
#include "check.h"

enum { SIZE = 8 };
static struct virtq_desc desc[SIZE];
static void *cookie[SIZE];
static int token;

/* A chain of n descriptors from head through consecutive ones, `readable` of them read by the device first.
 */
static void chain(uint16_t head, int n, int readable, uint32_t len)
{
	for (int k = 0; k < n; k++) {
		uint16_t i = (uint16_t)((head + k) % SIZE);
		desc[i].len = len;
		desc[i].flags = (uint16_t)((k >= readable ? VIRTQ_DESC_F_WRITE : 0) |
		                           (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		desc[i].next = (uint16_t)((i + 1) % SIZE);
	}
	cookie[head] = &token;
}

int main(void)
{
	chain(0, 3, 1, 512); /* a block request: header read, 512 written, status written */
	CHECK(virtq_used_check(desc, cookie, SIZE, 0, 1024) == 3);
	CHECK(virtq_used_check(desc, cookie, SIZE, 0, 0) == 3);
	CHECK(virtq_used_check(desc, cookie, SIZE, 0, 1025) == -EIO); /* more than it may write */
	CHECK(virtq_used_check(desc, cookie, SIZE, 1, 512) == -EIO);  /* inside a chain, not a head */
	CHECK(virtq_used_check(desc, cookie, SIZE, SIZE, 0) == -EIO); /* past the table */
	CHECK(virtq_used_check(desc, cookie, SIZE, 0xffffffffu, 0) == -EIO);
	CHECK(virtq_used_check(desc, cookie, SIZE, 65535 + 1, 0) == -EIO); /* would wrap to 0 as a uint16_t */
	chain(5, 1, 1, 100); /* device-read only: it may write nothing */
	CHECK(virtq_used_check(desc, cookie, SIZE, 5, 0) == 1);
	CHECK(virtq_used_check(desc, cookie, SIZE, 5, 1) == -EIO);
	cookie[5] = NULL; /* already returned: a second report is refused */
	CHECK(virtq_used_check(desc, cookie, SIZE, 5, 0) == -EIO);
	chain(6, 2, 0, 100);
	desc[6].next = SIZE + 3; /* a link out of the table */
	CHECK(virtq_used_check(desc, cookie, SIZE, 6, 0) == -EIO);
	desc[6].next = 7;
	desc[7].flags |= VIRTQ_DESC_F_NEXT; /* 6 -> 7 -> 6 ...: a loop */
	desc[7].next = 6;
	CHECK(virtq_used_check(desc, cookie, SIZE, 6, 0) == -EIO);
	for (int i = 0; i < SIZE; i++)
		cookie[i] = NULL;
	chain(0, SIZE, 0, 0xffffffffu); /* the whole table, 8 x 4 GiB - 1 writable: no overflow of the sum */
	CHECK(virtq_used_check(desc, cookie, SIZE, 0, 0xffffffffu) == SIZE);
	return check_report();
}
