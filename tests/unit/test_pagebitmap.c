#include <stdint.h>
#include <yolk/pagebitmap.h>
#include "check.h"

int main(void)
{
	static uint64_t store[4];
	struct page_bitmap b;
	pbm_init(&b, store, 200);
	CHECK(b.nfree == 0);
	CHECK(pbm_alloc(&b, 1) == SIZE_MAX);
	pbm_set_free(&b, 10, 100); /* pages 10..109 */
	CHECK(b.nfree == 100);
	pbm_set_used(&b, 50, 10); /* hole at 50..59 */
	CHECK(b.nfree == 90);
	CHECK(pbm_alloc(&b, 1) == 10);
	CHECK(pbm_alloc(&b, 1) == 11);
	CHECK(pbm_alloc(&b, 45) == 60);   /* 12..49 is only 38 long */
	CHECK(pbm_alloc(&b, 38) == 12);
	CHECK(pbm_alloc(&b, 6) == SIZE_MAX); /* only 105..109 are left */
	CHECK(pbm_alloc(&b, 5) == 105);
	CHECK(pbm_alloc(&b, 1) == SIZE_MAX);
	CHECK(b.nfree == 0);
	pbm_set_free(&b, 11, 1);
	CHECK(pbm_alloc(&b, 1) == 11);
	pbm_set_free(&b, 60, 10); /* across a word boundary */
	CHECK(pbm_alloc(&b, 11) == SIZE_MAX);
	CHECK(pbm_alloc(&b, 10) == 60);
	pbm_set_free(&b, 190, 50); /* clipped at npages */
	CHECK(b.nfree == 10);
	pbm_set_free(&b, 190, 1); /* freeing a free page changes nothing */
	CHECK(b.nfree == 10);
	CHECK(pbm_alloc(&b, 0) == SIZE_MAX);
	return check_report();
}
