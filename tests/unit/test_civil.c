#include <yolk/civil.h>
#include "check.h"

int main(void)
{
	CHECK(civil_to_epoch(1970, 1, 1, 0, 0, 0) == 0);
	CHECK(civil_to_epoch(2000, 3, 1, 0, 0, 0) == 951868800);
	CHECK(civil_to_epoch(2024, 2, 29, 12, 34, 56) == 1709210096);
	CHECK(civil_to_epoch(2038, 1, 19, 3, 14, 8) == 2147483648ll);
	CHECK(civil_to_epoch(1969, 12, 31, 23, 59, 59) == -1);
	CHECK(civil_to_epoch(2100, 3, 1, 0, 0, 0) == 4107542400ll);
	return check_report();
}
