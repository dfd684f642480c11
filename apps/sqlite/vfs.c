/*
 * SQLite's default VFS on yolk: "unix-excl", the unix VFS that takes one
 * exclusive fcntl() lock for as long as a database is open and coordinates
 * the connections of this process in memory, as the plain "unix" VFS does.
 *
 * Why not "unix": its WAL index (the -shm file) is mmap()ed MAP_SHARED so
 * that other processes see it, and yolk's mmap() maps no files: a yolk image
 * is one process in one address space. With unix-excl the WAL index lives in
 * SQLite's heap, shared by every connection of the image; journal_mode=WAL
 * works without a locking_mode pragma, the database and WAL files are the
 * same as on Linux, and no -shm file is made. `sqlite3 -vfs unix` still
 * picks the other one.
 *
 * Called by sqlite3_initialize() (SQLITE_EXTRA_INIT, subprojects/sqlite3).
 */
#include <sqlite3.h>

int yolk_sqlite_init(const char *unused);

int yolk_sqlite_init(const char *unused)
{
	(void)unused;
	sqlite3_vfs *excl = sqlite3_vfs_find("unix-excl");
	return excl ? sqlite3_vfs_register(excl, 1) : SQLITE_ERROR;
}
