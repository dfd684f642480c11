/* The receive descriptor check (e1000_rx.h): kept apart so the host tests build it alone. */
#include "e1000_rx.h"

uint16_t e1000_rx_frame_len(uint8_t status, uint8_t errors, uint16_t len, int discarding, uint16_t buf_size)
{
	if (discarding || !(status & E1000_RXD_EOP) || (errors & E1000_RXD_ERR_FRAME))
		return 0;
	return len <= buf_size ? len : 0;
}
