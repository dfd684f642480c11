/*
 * Directories: arrays of 32-byte slots, either the fixed FAT12/16 root
 * (first cluster 0 here) or a cluster chain. An entry is a short 8.3 slot,
 * optionally preceded by long-name (LFN) slots holding its name in UTF-16,
 * last part first, each with the checksum of the short name they belong to.
 * LFN slots that do not match their short entry, or hold a name no file
 * could be given, are ignored (as Windows does), so a damaged long name
 * falls back to the short one.
 *
 * New directory clusters are written to the device at once, before
 * anything can link them in: a crash must never leave a directory chain
 * ending in a cluster of stale bytes, which fsck would read as entries.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/console.h>
#include "fat.h"

void fat_slots_init(struct fat_slots *s, struct fat_fs *fs, uint32_t dir_first)
{
	s->fs = fs;
	s->pos = (struct fat_chainpos){dir_first, 0, 0};
	s->b = NULL;
}

void fat_slots_done(struct fat_slots *s)
{
	if (s->b)
		brelse(s->fs->dirc, s->b);
	s->b = NULL;
}

/* Slot i in *p: 1, 0 past the directory's end, or -errno. */
int fat_slot(struct fat_slots *s, uint32_t i, uint8_t **p)
{
	struct fat_fs *fs = s->fs;
	uint32_t per_sec = fs->bps / 32, per_clus = fs->csize / 32;
	uint64_t sector;
	if (s->pos.first == 0) {
		if (i >= fs->root_slots)
			return 0;
		sector = fs->root_start + i / per_sec;
	} else {
		uint32_t c;
		if (i >= FAT_MAX_SLOTS)
			return 0;
		int r = fat_bmap(fs, &s->pos, i / per_clus, &c);
		if (r <= 0)
			return r;
		sector = fat_clus_sector(fs, c) + (i % per_clus) / per_sec;
	}
	if (!s->b || s->b->blockno != sector) {
		fat_slots_done(s);
		int r = bread(fs->dirc, sector, &s->b);
		if (r) {
			s->b = NULL;
			return r;
		}
	}
	*p = s->b->data + (i % per_sec) * 32;
	return 1;
}

/*
 * Long-name slots seen so far, waiting for their short entry. A group is
 * valid (FAT spec, "Long Directory Entries") only as slots ord N|LAST, N-1,
 * ..., 1 in a row, 1 <= N <= 20, all with the same checksum and type 0,
 * directly before a short entry with that checksum, and at most 255 UTF-16
 * units. Anything else orphans the group: it is forgotten and the short
 * entry shows its 8.3 name.
 */
struct fat_lfn_acc {
	uint16_t units[FAT_LFN_MAX_SLOTS * FAT_LFN_CHARS];
	int n;    /* LFN slots in the group (0: none) */
	int want; /* ord of the next slot, 1..n-1; 0 once complete */
	uint8_t csum;
	uint32_t start;
};

/* Whether slot l continues (or, with LAST, starts) a group; sets up a new group. */
static int fat_lfn_fits(struct fat_lfn_acc *a, const struct fat_lfn *l, int ord, uint32_t i)
{
	if (l->type != 0)
		return 0; /* not a name part (reserved for other uses) */
	if (l->ord & FAT_LFN_LAST) {
		if (ord < 1 || ord > FAT_LFN_MAX_SLOTS)
			return 0;
		a->n = ord;
		a->csum = l->csum;
		a->start = i;
		return 1;
	}
	/* want is 0 once a group is complete: a further slot orphans it. */
	return a->n != 0 && a->want >= 1 && ord == a->want && l->csum == a->csum;
}

static void fat_lfn_take(struct fat_lfn_acc *a, const struct fat_lfn *l, uint32_t i)
{
	int ord = l->ord & 0x1f;
	if (!fat_lfn_fits(a, l, ord, i)) {
		a->n = 0; /* out of sequence: forget the group */
		return;
	}
	uint16_t *u = a->units + (ord - 1) * FAT_LFN_CHARS; /* 1 <= ord <= a->n <= 20 here */
	memcpy(u, l->name1, sizeof(l->name1));
	memcpy(u + 5, l->name2, sizeof(l->name2));
	memcpy(u + 11, l->name3, sizeof(l->name3));
	a->want = ord - 1;
}

/*
 * The name of a complete LFN group in e->name: its length, or -1 if it is
 * no name a file could be given: empty, over 255 units (20 slots hold 260),
 * '/', control characters or others the spec forbids, "." or "..", or
 * trailing dots or spaces (lookups strip them, so it could never be found).
 */
static int fat_lfn_name(const struct fat_lfn_acc *a, struct fat_entry *e)
{
	size_t n = 0, max = (size_t)a->n * FAT_LFN_CHARS;
	while (n < max && a->units[n] != 0)
		n++;
	if (n == 0 || n > FAT_NAME_UNITS)
		return -1;
	int len = fat_utf16_to_utf8(a->units, n, e->name, sizeof(e->name));
	size_t checked = len > 0 ? (size_t)len : 0;
	if (len <= 0 || fat_name_check(e->name, &checked) != 0 || checked != (size_t)len)
		return -1;
	return len;
}

/* Fills e's name from a complete LFN group if it belongs to e, else from the 8.3 name. */
static void fat_entry_name(struct fat_lfn_acc *a, struct fat_entry *e)
{
	int len = -1;
	if (a->n && a->want == 0 && a->csum == fat_lfn_csum(e->de.name))
		len = fat_lfn_name(a, e);
	a->n = 0;
	if (len > 0) {
		e->len = (size_t)len;
		e->first_slot = a->start;
	} else {
		e->len = fat_short_display(&e->de, e->name);
		e->first_slot = e->slot;
	}
}

int fat_dir_next(struct fat_fs *fs, struct fat_chainpos *dir, uint32_t *pos, struct fat_entry *e)
{
	struct fat_slots s = {fs, *dir, NULL};
	struct fat_lfn_acc acc;
	uint8_t *p;
	int r;
	acc.n = 0;
	for (uint32_t i = *pos;; i++) {
		if ((r = fat_slot(&s, i, &p)) <= 0 || p[0] == FAT_SLOT_FREE) {
			*pos = i;
			r = r < 0 ? r : 0;
			break;
		}
		const struct fat_dirent *de = (const void *)p;
		if (p[0] == FAT_SLOT_DELETED || p[0] == ' ') {
			/* Deleted, or damaged: the FAT spec forbids a name starting with a space
			 * (it would list as an empty or dot name no lookup can find). */
			acc.n = 0;
		} else if ((de->attr & 0x3f) == FAT_ATTR_LFN) {
			fat_lfn_take(&acc, (const void *)p, i);
		} else if (de->attr & FAT_ATTR_VOLUME) {
			acc.n = 0;
		} else {
			e->slot = i;
			e->de = *de;
			fat_entry_name(&acc, e);
			*pos = i + 1;
			r = 1;
			break;
		}
	}
	*dir = s.pos;
	fat_slots_done(&s);
	return r;
}

static int fat_is_dot(const struct fat_dirent *de)
{
	return !memcmp(de->name, ".          ", 11) || !memcmp(de->name, "..         ", 11);
}

int fat_dir_find(struct fat_fs *fs, uint32_t dir_first, const char *name, size_t len,
		 struct fat_entry *e)
{
	struct fat_chainpos dir = {dir_first, 0, 0};
	char sname[16];
	uint32_t pos = 0;
	int r;
	while ((r = fat_dir_next(fs, &dir, &pos, e)) == 1) {
		if (fat_is_dot(&e->de))
			continue;
		if (fat_name_eq(e->name, e->len, name, len))
			return 0;
		size_t sl = fat_short_display(&e->de, sname);
		if (fat_name_eq(sname, sl, name, len))
			return 0;
	}
	return r < 0 ? r : -ENOENT;
}

int fat_dir_nonempty(struct fat_fs *fs, uint32_t dir_first)
{
	struct fat_chainpos dir = {dir_first, 0, 0};
	struct fat_entry *e = malloc(sizeof(*e));
	uint32_t pos = 0;
	int r;
	if (!e)
		return -ENOMEM;
	while ((r = fat_dir_next(fs, &dir, &pos, e)) == 1)
		if (!fat_is_dot(&e->de))
			break;
	free(e);
	return r;
}

int fat_dir_read_slot(struct fat_fs *fs, uint32_t dir_first, uint32_t slot, struct fat_dirent *de)
{
	struct fat_slots s;
	uint8_t *p;
	fat_slots_init(&s, fs, dir_first);
	int r = fat_slot(&s, slot, &p);
	if (r == 1)
		memcpy(de, p, sizeof(*de));
	fat_slots_done(&s);
	return r == 1 ? 0 : r < 0 ? r : -EIO;
}

int fat_dir_write_slot(struct fat_fs *fs, uint32_t dir_first, uint32_t slot,
		       const struct fat_dirent *de)
{
	struct fat_slots s;
	uint8_t *p;
	fat_slots_init(&s, fs, dir_first);
	int r = fat_slot(&s, slot, &p);
	if (r == 1) {
		memcpy(p, de, sizeof(*de));
		bdirty(s.b);
	}
	fat_slots_done(&s);
	return r == 1 ? 0 : r < 0 ? r : -EIO;
}

int fat_dir_remove(struct fat_fs *fs, uint32_t dir_first, uint32_t first, uint32_t last)
{
	struct fat_slots s;
	uint8_t *p;
	int r = 0;
	fat_slots_init(&s, fs, dir_first);
	for (uint32_t i = first; i <= last && r >= 0; i++) {
		r = fat_slot(&s, i, &p);
		if (r == 1) {
			p[0] = FAT_SLOT_DELETED;
			bdirty(s.b);
		}
	}
	fat_slots_done(&s);
	return r < 0 ? r : 0;
}

/* Zeroes a new directory cluster in the cache and on the device. */
int fat_dir_zero(struct fat_fs *fs, uint32_t c)
{
	uint64_t s = fat_clus_sector(fs, c);
	for (uint32_t i = 0; i < fs->spc; i++) {
		struct buf *b;
		int r = bget(fs->dirc, s + i, &b);
		if (r)
			return r;
		memset(b->data, 0, fs->bps);
		bdirty(b);
		brelse(fs->dirc, b);
	}
	return fat_dev_io(fs, s, fs->zeros, fs->spc, 1);
}

int fat_dir_init(struct fat_fs *fs, uint32_t clus, const struct fat_dirent *self, uint32_t parent)
{
	struct fat_dirent dot = *self, dotdot = *self;
	struct buf *b;
	int r = fat_dir_zero(fs, clus);
	if (r)
		return r;
	memcpy(dot.name, ".          ", 11);
	memcpy(dotdot.name, "..         ", 11);
	dot.attr = dotdot.attr = FAT_ATTR_DIR;
	dot.size = dotdot.size = 0;
	fat_set_clus(&dot, clus);
	fat_set_clus(&dotdot, parent);
	if ((r = bread(fs->dirc, fat_clus_sector(fs, clus), &b)) != 0)
		return r;
	memcpy(b->data, &dot, 32);
	memcpy(b->data + 32, &dotdot, 32);
	bdirty(b);
	r = fat_dev_io(fs, b->blockno, b->data, 1, 1);
	brelse(fs->dirc, b);
	return r;
}

uint32_t fat_dotdot_clus(const struct fat_fs *fs, uint32_t dir_first)
{
	return dir_first == fat_root_clus(fs) ? 0 : dir_first;
}
