/* CMOS real-time clock: read once at boot to anchor CLOCK_REALTIME. */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <yolk/civil.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define NMI_DISABLE 0x80

#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY 0x32

#define STATUS_A_UPDATING 0x80
#define STATUS_B_24H 0x02
#define STATUS_B_BINARY 0x04
#define HOUR_PM 0x80

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

struct rtc_time {
	uint8_t sec, min, hour, day, month, year, century;
};

static void read_once(struct rtc_time *t)
{
	for (int spin = 0; spin < 1000000 && (cmos(RTC_STATUS_A) & STATUS_A_UPDATING); spin++)
		cpu_pause();
	t->sec = cmos(RTC_SEC);
	t->min = cmos(RTC_MIN);
	t->hour = cmos(RTC_HOUR);
	t->day = cmos(RTC_DAY);
	t->month = cmos(RTC_MONTH);
	t->year = cmos(RTC_YEAR);
	t->century = cmos(RTC_CENTURY);
}

static int from_bcd(int v) { return (v & 0x0f) + (v >> 4) * 10; }

int64_t rtc_read_epoch(void)
{
	struct rtc_time a, b;
	/* Read until two reads agree, so no update tore the values in between. */
	read_once(&b);
	do {
		a = b;
		read_once(&b);
	} while (a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.day != b.day);
	uint8_t status = cmos(RTC_STATUS_B);
	int pm = a.hour & HOUR_PM;
	int hour = a.hour & ~HOUR_PM;
	int sec = a.sec, min = a.min, day = a.day, month = a.month, year = a.year, cent = a.century;
	if (!(status & STATUS_B_BINARY)) {
		sec = from_bcd(sec), min = from_bcd(min), hour = from_bcd(hour);
		day = from_bcd(day), month = from_bcd(month), year = from_bcd(year), cent = from_bcd(cent);
	}
	if (!(status & STATUS_B_24H))
		hour = hour % 12 + (pm ? 12 : 0);
	year += (cent >= 19 && cent <= 30) ? cent * 100 : 2000;
	return civil_to_epoch(year, month, day, hour, min, sec);
}
