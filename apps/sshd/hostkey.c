/*
 * The server's host key: read from disk, or made on first boot and written
 * there, so clients see the same fingerprint every boot. It is written to a
 * temporary name and renamed into place, so a crash mid-write leaves either
 * no key or the whole old one, never half of a new one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sshd.h"

/*
 * mkdir -p of path's directory below its first component, which must
 * exist: that is the mount point (/disk). Without a disk mounted there it
 * is absent (the root is a ramfs) and nothing is written, rather than a key
 * the next boot will not find. 0, or -1 (errno).
 */
static int make_parent(const char *path)
{
	char dir[256];
	if (strlen(path) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(dir, path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	char *second = strchr(dir + 1, '/');
	struct stat st;
	if (second) {
		*second = '\0';
		if (stat(dir, &st) != 0)
			return -1;
		*second = '/';
	}
	for (char *p = second ? second + 1 : dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = c;
		if (c == '\0')
			return 0;
	}
}

static int write_key(ssh_key key, const char *path)
{
	char tmp[272];
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (make_parent(path) != 0)
		return -1;
	if (ssh_pki_export_privkey_file(key, NULL, NULL, NULL, tmp) != SSH_OK)
		return -1;
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	sync();
	return 0;
}

ssh_key sshd_host_key(const char *path, int *persistent)
{
	ssh_key key = NULL;
	*persistent = 0;
	int rc = ssh_pki_import_privkey_file(path, NULL, NULL, NULL, &key);
	if (rc == SSH_OK) {
		*persistent = 1;
		return key;
	}
	if (rc != SSH_EOF) /* there, but not a key we can read: leave it for a person to look at */
		printf("sshd: %s: not a readable private key; using a new one for this boot\n", path);
	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
		printf("sshd: cannot generate a host key (no entropy?)\n");
		return NULL;
	}
	if (rc == SSH_EOF) {
		if (write_key(key, path) == 0) {
			*persistent = 1;
			printf("sshd: new host key written to %s\n", path);
		} else {
			printf("sshd: cannot write %s (%s): the host key lasts this boot only "
			       "(mount a FAT disk there to keep it)\n", path, strerror(errno));
		}
	}
	return key;
}

void sshd_print_fingerprint(ssh_key key, const char *what)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != SSH_OK) {
		printf("sshd: cannot hash the host key\n");
		return;
	}
	char *fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	enum ssh_keytypes_e type = ssh_key_type(key);
	int bits = type == SSH_KEYTYPE_ECDSA_P384 ? 384 : type == SSH_KEYTYPE_ECDSA_P521 ? 521 : 256;
	/* ssh-keygen -l: "256 SHA256:... comment (ED25519)" */
	printf("sshd: host key %d %s %s (%s)\n", bits, fp ? fp : "?", what,
	       type == SSH_KEYTYPE_ED25519 ? "ED25519" : "ECDSA");
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
}
