/*
 * sshd: an SSH-2 server on libssh's server API (Mbed TLS underneath).
 *
 *   sshd [-p PORT] [-k HOSTKEY] [-v]
 *
 * One thread accepts; every connection is served by a thread of its own
 * (session.c) running libssh's event loop for that connection: key
 * exchange, authentication (auth.c), then the session channel's request —
 * a command, a shell, or the SFTP subsystem — as an app run whose standard
 * streams are the channel.
 *
 * Algorithms are set here explicitly rather than left to libssh's defaults:
 * only the modern ones, and no ssh-rsa (SHA-1) signatures anywhere.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yolk-config/app-sshd.h>
#include "sshd.h"

#define KEX "curve25519-sha256,curve25519-sha256@libssh.org"
#define CIPHERS "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com"
/* Only for a client that insists on a MAC beside an AEAD cipher: SHA-2, encrypt-then-MAC first. */
#define MACS "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512"
#define HOSTKEY_ALGS "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521"
#define USER_KEY_ALGS "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
		      "rsa-sha2-512,rsa-sha2-256"

static int active;
static pthread_mutex_t active_lock = PTHREAD_MUTEX_INITIALIZER;

static void *conn_thread(void *arg)
{
	sshd_serve(arg);
	pthread_mutex_lock(&active_lock);
	active--;
	pthread_mutex_unlock(&active_lock);
	return NULL;
}

static int set_options(ssh_bind b, int port, ssh_key key, int verbose)
{
	int no = 0, level = verbose ? SSH_LOG_PROTOCOL : SSH_LOG_NOLOG;
	int r = 0;
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDADDR, "0.0.0.0");
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_BINDPORT, &port);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_LOG_VERBOSITY, &level);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_KEY_EXCHANGE, KEX);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_CIPHERS_C_S, CIPHERS);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_CIPHERS_S_C, CIPHERS);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_HMAC_C_S, MACS);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_HMAC_S_C, MACS);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_PUBKEY_ACCEPTED_KEY_TYPES, USER_KEY_ALGS);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_IMPORT_KEY, key);
	r |= ssh_bind_options_set(b, SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, HOSTKEY_ALGS);
	return r;
}

int main(int argc, char **argv)
{
	int port = CONFIG_APP_SSHD_PORT, verbose = 0, c;
	const char *key_path = CONFIG_APP_SSHD_HOST_KEY;
	optind = 1;
	while ((c = getopt(argc, argv, "p:k:v")) != -1) {
		if (c == 'p')
			port = atoi(optarg);
		else if (c == 'k')
			key_path = optarg;
		else if (c == 'v')
			verbose = 1;
		else {
			fprintf(stderr, "usage: sshd [-p PORT] [-k HOSTKEY] [-v]\n");
			return 2;
		}
	}
	const char *src = sshd_entropy_source();
	if (src == NULL) {
		printf("sshd: this CPU has neither RDSEED nor RDRAND: no entropy source for keys, not starting\n");
		return 1;
	}
	if (ssh_init() != SSH_OK) {
		printf("sshd: libssh did not start (its random generator found no entropy)\n");
		return 1;
	}
	int persistent;
	ssh_key key = sshd_host_key(key_path, &persistent);
	if (key == NULL)
		return 1;
	sshd_print_fingerprint(key, persistent ? key_path : "(this boot only)");
	const char *why;
	if (!sshd_login_possible(&why))
		printf("sshd: every login will be refused: %s\n", why);

	ssh_bind b = ssh_bind_new();
	if (b == NULL || set_options(b, port, key, verbose) != 0) {
		printf("sshd: cannot set the server's options: %s\n", b ? ssh_get_error(b) : "out of memory");
		return 1;
	}
	if (ssh_bind_listen(b) != SSH_OK) {
		printf("sshd: cannot listen on port %d: %s\n", port, ssh_get_error(b));
		return 1;
	}
	printf("sshd: listening on port %d (entropy: %s)\n", port, src);
	fflush(stdout);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (;;) {
		ssh_session s = ssh_new();
		if (s == NULL) {
			sleep(1);
			continue;
		}
		if (ssh_bind_accept(b, s) != SSH_OK) {
			printf("sshd: accept: %s\n", ssh_get_error(b));
			ssh_free(s);
			continue;
		}
		pthread_mutex_lock(&active_lock);
		int full = active >= CONFIG_APP_SSHD_MAX_SESSIONS;
		if (!full)
			active++;
		pthread_mutex_unlock(&active_lock);
		pthread_t t;
		if (full || pthread_create(&t, &attr, conn_thread, s) != 0) {
			if (!full) {
				pthread_mutex_lock(&active_lock);
				active--;
				pthread_mutex_unlock(&active_lock);
			}
			printf("sshd: too many connections, one refused\n");
			ssh_disconnect(s);
			ssh_free(s);
		}
	}
}
