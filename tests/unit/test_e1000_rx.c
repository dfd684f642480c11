/* e1000_rx_frame_len: only whole, undamaged frames that fit their buffer reach the stack. */
#include <stdint.h>
#include "../../drivers/e1000/e1000_rx.h"
#include "check.h"

#define DONE (E1000_RXD_DD | E1000_RXD_EOP)

int main(void)
{
	CHECK(e1000_rx_frame_len(DONE, 0, 60, 0, 2048) == 60);
	CHECK(e1000_rx_frame_len(DONE, 0, 2048, 0, 2048) == 2048);
	CHECK(e1000_rx_frame_len(DONE, 0, 2049, 0, 2048) == 0); /* longer than its buffer */
	CHECK(e1000_rx_frame_len(DONE, 0, 65535, 0, 2048) == 0);
	CHECK(e1000_rx_frame_len(DONE, 0, 0, 0, 2048) == 0);          /* empty */
	CHECK(e1000_rx_frame_len(E1000_RXD_DD, 0, 60, 0, 2048) == 0); /* not the frame's end */
	CHECK(e1000_rx_frame_len(DONE, 0, 60, 1, 2048) == 0);         /* the tail of a frame being dropped */
	CHECK(e1000_rx_frame_len(DONE, 0x01, 60, 0, 2048) == 0);      /* CRC error */
	CHECK(e1000_rx_frame_len(DONE, 0x20, 60, 0, 2048) == 60);     /* TCP checksum: the stack decides */
	return check_report();
}
