/*
 * What a device reports in a split virtqueue's used ring is checked against
 * the driver's own state before the driver acts on it (virtio 1.2, 2.7.8:
 * the device writes `id` and `len`; nothing makes them true). Pure logic,
 * unit-tested on the host (tests/unit/test_virtq_check.c).
 */
#ifndef DRIVERS_VIRTIO_VIRTQ_CHECK_H
#define DRIVERS_VIRTIO_VIRTQ_CHECK_H

#include <stdint.h>
#include <yolk/virtio.h>

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

/*
 * Checks the used element {id, len} of a queue of `size` descriptors: id
 * must name the head of a chain the driver queued and has not had back
 * (cookie[id] non-NULL), the chain's links must stay inside the table and
 * end within `size` descriptors, and len must not exceed the bytes of the
 * chain the device may write. Returns the chain's length in descriptors,
 * or -EIO if the element is not one the device could honestly report.
 */
int virtq_used_check(const volatile struct virtq_desc *desc, void *const *cookie, uint16_t size, uint32_t id,
                     uint32_t len);

#endif
