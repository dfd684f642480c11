/*
 * In-memory nodes: one per file or directory in use, found by where its
 * short entry lives (parent's first cluster, slot), so a file looked up
 * twice is one vnode and two fds see one size. A rename moves the node to
 * its new key; an unlink takes it out of the table, and its clusters are
 * freed when the last reference goes (fat_node_release).
 */
#include <errno.h>
#include <stdlib.h>
#include <yolk/console.h>
#include "fat.h"

static unsigned fat_node_hash(uint32_t dir_first, uint32_t slot)
{
	return (dir_first * 31u + slot) % FAT_NODE_BUCKETS;
}

struct fat_node *fat_node_find(struct fat_fs *fs, uint32_t dir_first, uint32_t slot)
{
	for (struct fat_node *n = fs->nodes[fat_node_hash(dir_first, slot)]; n; n = n->hash_next)
		if (n->dir_first == dir_first && n->slot == slot)
			return n;
	return NULL;
}

void fat_node_unhash(struct fat_node *n)
{
	struct fat_node **pp = &n->fs->nodes[fat_node_hash(n->dir_first, n->slot)];
	for (; *pp; pp = &(*pp)->hash_next)
		if (*pp == n) {
			*pp = n->hash_next;
			break;
		}
	n->hash_next = NULL;
}

void fat_node_rehash(struct fat_node *n, uint32_t dir_first, uint32_t slot)
{
	fat_node_unhash(n);
	n->dir_first = dir_first;
	n->slot = slot;
	unsigned h = fat_node_hash(dir_first, slot);
	n->hash_next = n->fs->nodes[h];
	n->fs->nodes[h] = n;
}

/* An entry read from disk may point anywhere: only a live chain start is accepted. */
static int fat_node_check(struct fat_fs *fs, const struct fat_dirent *de)
{
	uint32_t first = fat_clus_of(de), v = 0;
	int dir = de->attr & FAT_ATTR_DIR;
	if (!first && !dir && de->size == 0)
		return 0;
	if (!fat_valid_clus(fs, first)) {
		klog(KLOG_ERR, "fat: %s: entry %.11s has invalid first cluster %#x\n", fs->dev->name,
		     (const char *)de->name, first);
		return -EIO;
	}
	int r = fat_get(fs, first, &v);
	if (!r && (v == 0 || v == FAT_BAD)) {
		klog(KLOG_ERR, "fat: %s: entry %.11s starts at %s cluster %#x\n", fs->dev->name,
		     (const char *)de->name, v ? "bad" : "free", first);
		return -EIO;
	}
	/* The whole chain, once per node: loops and chains shorter than the size are -EIO now. */
	uint32_t len, need = (uint32_t)(((uint64_t)de->size + fs->csize - 1) / fs->csize);
	if (!r && (r = fat_chain_length(fs, first, &len)) == 0 && !dir && len < need) {
		klog(KLOG_ERR, "fat: %s: entry %.11s: chain of %u clusters for %u bytes\n",
		     fs->dev->name, (const char *)de->name, len, de->size);
		r = -EIO;
	}
	return r;
}

static mode_t fat_node_mode(const struct fat_dirent *de)
{
	mode_t m = de->attr & FAT_ATTR_DIR ? S_IFDIR | 0755 : S_IFREG | 0644;
	return de->attr & FAT_ATTR_RO ? m & ~(mode_t)0222 : m;
}

int fat_node_get(struct fat_fs *fs, uint32_t dir_first, const struct fat_entry *e,
		 struct vnode **out)
{
	struct fat_node *n = fat_node_find(fs, dir_first, e->slot);
	if (n) {
		vnode_ref(n->vn);
		*out = n->vn;
		return 0;
	}
	int r = fat_node_check(fs, &e->de);
	if (r)
		return r;
	if (!(n = calloc(1, sizeof(*n))))
		return -ENOMEM;
	n->fs = fs;
	n->de = e->de;
	n->cp.first = fat_clus_of(&e->de);
	n->vn = vnode_new(fs->mnt, &fat_vnode_ops, fat_node_mode(&e->de), n);
	if (!n->vn) {
		free(n);
		return -ENOMEM;
	}
	fat_node_rehash(n, dir_first, e->slot);
	*out = n->vn;
	return 0;
}

int fat_node_store(struct fat_node *n)
{
	if (n->is_root || n->unlinked)
		return 0;
	return fat_dir_write_slot(n->fs, n->dir_first, n->slot, &n->de);
}

uint32_t fat_node_dirclus(const struct fat_node *n)
{
	if (n->is_root)
		return n->fs->type == 32 ? n->fs->root_cluster : 0;
	return fat_clus_of(&n->de);
}

uint64_t fat_node_ino(uint32_t dir_first, uint32_t slot)
{
	return ((uint64_t)dir_first + 1) << 16 | slot; /* slots < 65536; the root is 1 */
}

void fat_node_release(struct vnode *vn)
{
	struct fat_node *n = vn->priv;
	if (!n)
		return;
	if (n->is_root) {
		n->fs->root = NULL;
	} else if (n->unlinked) {
		uint32_t first = fat_clus_of(&n->de);
		if (first)
			fat_cut_chain(n->fs, first, 0); /* the last user of an unlinked file */
	} else {
		fat_node_unhash(n);
	}
	vn->priv = NULL;
	free(n);
}

int fat_node_root(struct fat_fs *fs, struct mount *m)
{
	struct fat_node *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->fs = fs;
	n->is_root = 1;
	n->de.attr = FAT_ATTR_DIR;
	n->cp.first = fat_node_dirclus(n);
	n->vn = vnode_new(m, &fat_vnode_ops, S_IFDIR | 0755, n);
	if (!n->vn) {
		free(n);
		return -ENOMEM;
	}
	fs->root = n;
	m->root = n->vn;
	return 0;
}

int fat_node_drop(struct fat_fs *fs, uint32_t dclus, const struct fat_entry *e)
{
	int r = fat_dir_remove(fs, dclus, e->first_slot, e->slot);
	if (r)
		return r;
	struct fat_node *victim = fat_node_find(fs, dclus, e->slot);
	if (victim) {
		fat_node_unhash(victim);
		victim->unlinked = 1;
		return 0;
	}
	uint32_t first = fat_clus_of(&e->de);
	if (fat_valid_clus(fs, first) && fat_cut_chain(fs, first, 0))
		klog(KLOG_WARN, "fat: %s: clusters of a damaged chain at %#x are lost\n", fs->dev->name,
		     first);
	return 0;
}
