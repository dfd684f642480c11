/* What sshd's files share. */
#ifndef APPS_SSHD_H
#define APPS_SSHD_H

#include <libssh/libssh.h>
#include <libssh/server.h>
#include <libssh/callbacks.h>

/* entropy.c: which hardware source feeds Mbed TLS ("RDSEED", "RDRAND"), or NULL: none. */
const char *sshd_entropy_source(void);

/*
 * hostkey.c: the host key at path (OpenSSH format), made and written there
 * if it is missing; NULL on failure (message printed). *persistent says
 * whether it is on disk.
 */
ssh_key sshd_host_key(const char *path, int *persistent);
/* Prints "<bits> SHA256:<base64> <what> (<type>)" as ssh-keygen -l does. */
void sshd_print_fingerprint(ssh_key key, const char *what);

/* auth.c: whether any login is possible now (keys listed or a password set); *why if not. */
int sshd_login_possible(const char **why);
/* auth.c: the server callbacks for public key and password login of one connection. */
struct sshd_auth {
	ssh_session session;
	char peer[64]; /* "ADDR:PORT" of the client, for the log */
	int authenticated;
	int failures;
};
void sshd_auth_setup(struct sshd_auth *a, struct ssh_server_callbacks_struct *cb);

/* session.c: serves one accepted connection to its end and frees it. */
void sshd_serve(ssh_session session);

#endif
