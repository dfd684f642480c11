/*
 * Who may log in: public keys listed in /etc/ssh/authorized_keys (read
 * again at every attempt, so keys added at run time count) and, when
 * CONFIG_APP_SSHD_PASSWORD_HASH is set, a password checked against its
 * salted PBKDF2-HMAC-SHA256 hash. Only CONFIG_APP_SSHD_USER may log in.
 * Every refusal is logged with the peer's address and answered after
 * CONFIG_APP_SSHD_FAIL_DELAY_MS, which slows a guesser down to one try a
 * delay per connection (the delay blocks only this connection's thread).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libssh/callbacks.h>
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <yolk-config/app-sshd.h>
#include "sshd.h"

#define AUTHORIZED_KEYS "/etc/ssh/authorized_keys"
#define LINE_MAX_LEN 8192

/* Whether key is one of the authorized keys (any line, any type); -1 if the file is not there. */
static int key_listed(ssh_key key)
{
	FILE *f = fopen(AUTHORIZED_KEYS, "r");
	if (f == NULL)
		return -1;
	char *line = malloc(LINE_MAX_LEN);
	int found = 0, any = 0;
	while (line && !found && fgets(line, LINE_MAX_LEN, f)) {
		/* "[options] TYPE BASE64 [comment]": options are not supported, so the type comes first. */
		char *save, *type = strtok_r(line, " \t\r\n", &save);
		if (type == NULL || type[0] == '#')
			continue;
		char *b64 = strtok_r(NULL, " \t\r\n", &save);
		enum ssh_keytypes_e t = ssh_key_type_from_name(type);
		ssh_key k = NULL;
		if (b64 == NULL || t == SSH_KEYTYPE_UNKNOWN || ssh_pki_import_pubkey_base64(b64, t, &k) != SSH_OK)
			continue;
		any = 1;
		found = key == NULL || ssh_key_cmp(k, key, SSH_KEY_CMP_PUBLIC) == 0;
		ssh_key_free(k);
	}
	free(line);
	fclose(f);
	return key == NULL ? any : found;
}

static int password_set(void) { return CONFIG_APP_SSHD_PASSWORD_HASH[0] != '\0'; }

int sshd_login_possible(const char **why)
{
	if (key_listed(NULL) > 0 || password_set())
		return 1;
	*why = "no public key in " AUTHORIZED_KEYS " and no password (CONFIG_APP_SSHD_PASSWORD_HASH)";
	return 0;
}

static int hexval(int c) { return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10; }

/* Hex text to bytes: the count, or -1 if malformed or too long. */
static int unhex(const char *s, size_t n, unsigned char *out, size_t cap)
{
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		if (!isxdigit((unsigned char)s[i]) || !isxdigit((unsigned char)s[i + 1]))
			return -1;
		out[i / 2] = (unsigned char)(hexval(s[i]) << 4 | hexval(s[i + 1]));
	}
	return (int)(n / 2);
}

/* pass against "pbkdf2-sha256$ITER$SALTHEX$HASHHEX": 1 if it matches. */
static int password_ok(const char *pass)
{
	const char *h = CONFIG_APP_SSHD_PASSWORD_HASH;
	static const char prefix[] = "pbkdf2-sha256$";
	if (strncmp(h, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	h += sizeof(prefix) - 1;
	char *end;
	unsigned long iter = strtoul(h, &end, 10);
	if (*end != '$' || iter == 0 || iter > 10000000)
		return 0;
	const char *salt = end + 1, *hash = strchr(salt, '$');
	if (hash == NULL)
		return 0;
	hash++;
	unsigned char s[64], want[64], got[64];
	int slen = unhex(salt, (size_t)(hash - 1 - salt), s, sizeof(s));
	int hlen = unhex(hash, strlen(hash), want, sizeof(want));
	if (slen < 8 || hlen < 16)
		return 0;
	if (mbedtls_pkcs5_pbkdf2_hmac_ext(MBEDTLS_MD_SHA256, (const unsigned char *)pass, strlen(pass),
					  s, (size_t)slen, (unsigned)iter, (uint32_t)hlen, got) != 0)
		return 0;
	unsigned char diff = 0; /* constant time: how much matched tells nothing */
	for (int i = 0; i < hlen; i++)
		diff |= got[i] ^ want[i];
	return diff == 0;
}

static int user_ok(const char *user) { return strcmp(user, CONFIG_APP_SSHD_USER) == 0; }

static void refuse(struct sshd_auth *a, const char *method, const char *user)
{
	a->failures++;
	printf("sshd: failed %s for %s from %s\n", method, user, a->peer);
	struct timespec d = {CONFIG_APP_SSHD_FAIL_DELAY_MS / 1000, (CONFIG_APP_SSHD_FAIL_DELAY_MS % 1000) * 1000000L};
	nanosleep(&d, NULL);
}

static int on_password(ssh_session s, const char *user, const char *pass, void *userdata)
{
	(void)s;
	struct sshd_auth *a = userdata;
	if (password_set() && user_ok(user) && password_ok(pass)) {
		a->authenticated = 1;
		printf("sshd: accepted password for %s from %s\n", user, a->peer);
		return SSH_AUTH_SUCCESS;
	}
	refuse(a, "password", user);
	return SSH_AUTH_DENIED;
}

/*
 * Called twice per key: first to ask whether the key would do (state NONE:
 * the client has not signed yet), then with the signature libssh has
 * checked (VALID). Both answers come from the list.
 */
static int on_pubkey(ssh_session s, const char *user, struct ssh_key_struct *key, char state, void *userdata)
{
	(void)s;
	struct sshd_auth *a = userdata;
	int listed = user_ok(user) && key_listed(key) == 1;
	if (listed && state == SSH_PUBLICKEY_STATE_NONE)
		return SSH_AUTH_SUCCESS;
	if (listed && state == SSH_PUBLICKEY_STATE_VALID) {
		a->authenticated = 1;
		printf("sshd: accepted publickey for %s from %s\n", user, a->peer);
		return SSH_AUTH_SUCCESS;
	}
	refuse(a, "publickey", user);
	return SSH_AUTH_DENIED;
}

void sshd_auth_setup(struct sshd_auth *a, struct ssh_server_callbacks_struct *cb)
{
	cb->userdata = a;
	cb->auth_password_function = on_password;
	cb->auth_pubkey_function = on_pubkey;
	ssh_set_auth_methods(a->session, SSH_AUTH_METHOD_PUBLICKEY |
			     (password_set() ? SSH_AUTH_METHOD_PASSWORD : 0));
}
