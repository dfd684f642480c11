/* The used-ring element check (virtq_check.h): kept apart so the host tests build it alone. */
#include <errno.h>
#include "virtq_check.h"

int virtq_used_check(const volatile struct virtq_desc *desc, void *const *cookie, uint16_t size, uint32_t id,
                     uint32_t len)
{
	if (id >= size || cookie[id] == NULL)
		return -EIO;
	uint64_t writable = 0;
	uint16_t i = (uint16_t)id;
	for (int n = 1; n <= size; n++) {
		uint16_t flags = desc[i].flags, next = desc[i].next;
		if (flags & VIRTQ_DESC_F_WRITE)
			writable += desc[i].len;
		if (!(flags & VIRTQ_DESC_F_NEXT))
			return len <= writable ? n : -EIO;
		if (next >= size)
			return -EIO;
		i = next;
	}
	return -EIO; /* longer than the table: the links loop */
}
