/*
 * Adding a directory entry: one scan of the directory collects the short
 * names in use and finds a run of free slots for the long-name slots and
 * the short entry; a unique 8.3 name is picked (with a ~N tail when the
 * long name does not fit 8.3 as it is); the directory grows by a cluster
 * when no run is free. Names that already are valid upper-case 8.3 names
 * get no long-name slots.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fat.h"

struct fat_scan {
	uint8_t (*names)[11]; /* short names in use */
	uint32_t nnames, cap;
	uint32_t run_start, run_len; /* free slots found (run_len >= need if found) */
	uint32_t end;                /* slots the directory has now */
	int found;
};

static int fat_scan_name(struct fat_scan *sc, const uint8_t *name)
{
	if (sc->nnames == sc->cap) {
		uint32_t cap = sc->cap ? sc->cap * 2 : 64;
		void *p = realloc(sc->names, cap * 11);
		if (!p)
			return -ENOMEM;
		sc->names = p;
		sc->cap = cap;
	}
	memcpy(sc->names[sc->nnames++], name, 11);
	return 0;
}

/* Counts a free slot i into the current run; a full run ends the search. */
static void fat_scan_free(struct fat_scan *sc, uint32_t i, uint32_t need)
{
	if (sc->found)
		return;
	if (sc->run_len == 0)
		sc->run_start = i;
	if (++sc->run_len >= need)
		sc->found = 1;
}

static int fat_scan_dir(struct fat_fs *fs, uint32_t dir_first, uint32_t need, struct fat_scan *sc)
{
	struct fat_slots s;
	uint8_t *p;
	int r, at_end = 0;
	fat_slots_init(&s, fs, dir_first);
	for (uint32_t i = 0;; i++) {
		if ((r = fat_slot(&s, i, &p)) <= 0) {
			sc->end = i;
			break;
		}
		at_end |= p[0] == FAT_SLOT_FREE;
		if (at_end || p[0] == FAT_SLOT_DELETED) {
			fat_scan_free(sc, i, need);
			if (at_end && sc->found)
				break; /* no names after the end mark */
			continue;
		}
		if (!sc->found)
			sc->run_len = 0;
		if ((p[11] & 0x3f) != FAT_ATTR_LFN && (r = fat_scan_name(sc, p)) != 0)
			break;
	}
	fat_slots_done(&s);
	return r < 0 ? r : 0;
}

static int fat_short_taken(const struct fat_scan *sc, const uint8_t sn[11])
{
	for (uint32_t i = 0; i < sc->nnames; i++)
		if (!memcmp(sc->names[i], sn, 11))
			return 1;
	return 0;
}

/* A short name for a long name, unique in the directory scanned. */
static int fat_pick_short(const char *name, size_t len, const struct fat_scan *sc, uint8_t sn[11])
{
	uint8_t basis[11];
	char up[13];
	if (len < sizeof(up)) { /* "readme.txt": README.TXT, no tail, if free */
		for (size_t i = 0; i < len; i++)
			up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		if (fat_name_is_short(up, len, sn) && !fat_short_taken(sc, sn))
			return 0;
	}
	fat_short_basis(name, len, basis);
	for (unsigned n = 1; n <= 4 + 9 * 256; n++) {
		fat_short_tail(basis, name, len, n, sn);
		if (!fat_short_taken(sc, sn))
			return 0;
	}
	return -ENOSPC;
}

/* Grows a chained directory so slots up to `upto` exist; new clusters are zeroed on disk. */
static int fat_dir_grow(struct fat_fs *fs, uint32_t dir_first, uint32_t end, uint32_t upto)
{
	uint32_t per_clus = fs->csize / 32, last, nc;
	if (dir_first == 0 || upto > FAT_MAX_SLOTS)
		return -ENOSPC; /* the fixed root cannot grow; no directory is larger */
	struct fat_chainpos pos = {dir_first, 0, 0};
	int r = fat_bmap(fs, &pos, end / per_clus - 1, &last);
	if (r <= 0)
		return r < 0 ? r : -EIO;
	uint32_t add = (upto + per_clus - 1) / per_clus - end / per_clus;
	if ((r = fat_alloc_chain(fs, last, add, &nc)) != 0)
		return r;
	for (uint32_t i = 0; i < add && !r; i++) {
		r = fat_dir_zero(fs, nc);
		if (!r && i + 1 < add)
			r = fat_next(fs, nc, &nc);
	}
	return r;
}

/* Writes the long-name slots for u[0..nu) and the short entry de from slot start on. */
static int fat_write_group(struct fat_fs *fs, uint32_t dir_first, uint32_t start, const uint16_t *u,
			   int nu, int nlfn, const struct fat_dirent *de)
{
	struct fat_slots s;
	uint8_t *p, csum = fat_lfn_csum(de->name);
	int r = 1;
	fat_slots_init(&s, fs, dir_first);
	for (int k = 0; k <= nlfn && r == 1; k++) {
		if ((r = fat_slot(&s, start + (uint32_t)k, &p)) != 1)
			break;
		bdirty(s.b);
		if (k == nlfn) {
			memcpy(p, de, 32);
			break;
		}
		int ord = nlfn - k;
		uint16_t ch[FAT_LFN_CHARS];
		for (int j = 0; j < FAT_LFN_CHARS; j++) {
			int idx = (ord - 1) * FAT_LFN_CHARS + j;
			ch[j] = idx < nu ? u[idx] : idx == nu ? 0 : 0xffff;
		}
		struct fat_lfn l = {.ord = (uint8_t)(ord | (k == 0 ? FAT_LFN_LAST : 0)),
				    .attr = FAT_ATTR_LFN, .csum = csum};
		memcpy(l.name1, ch, sizeof(l.name1));
		memcpy(l.name2, ch + 5, sizeof(l.name2));
		memcpy(l.name3, ch + 11, sizeof(l.name3));
		memcpy(p, &l, 32);
	}
	fat_slots_done(&s);
	return r < 0 ? r : r == 0 ? -EIO : 0;
}

int fat_dir_add(struct fat_fs *fs, uint32_t dir_first, const char *name, size_t len,
		struct fat_dirent *de, uint32_t *slot)
{
	uint16_t u[FAT_NAME_UNITS];
	uint8_t sn[11];
	int nu = fat_utf8_to_utf16(name, len, u, FAT_NAME_UNITS);
	if (nu < 0)
		return nu;
	int nlfn = fat_name_is_short(name, len, sn) ? 0 : (nu + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS;
	struct fat_scan sc = {0};
	int r = fat_scan_dir(fs, dir_first, (uint32_t)nlfn + 1, &sc);
	if (!r && nlfn)
		r = fat_pick_short(name, len, &sc, sn);
	if (!r && !sc.found) {
		if (sc.run_len == 0)
			sc.run_start = sc.end;
		r = fat_dir_grow(fs, dir_first, sc.end, sc.run_start + (uint32_t)nlfn + 1);
	}
	free(sc.names);
	if (r)
		return r;
	memcpy(de->name, sn, 11);
	de->ntres = 0;
	*slot = sc.run_start + (uint32_t)nlfn;
	return fat_write_group(fs, dir_first, sc.run_start, u, nu, nlfn, de);
}
