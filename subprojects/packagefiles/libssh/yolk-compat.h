/*
 * Included first in every libssh file (the overlay's -include): what
 * picolibc spells differently. O_NDELAY is the old name of O_NONBLOCK
 * (getpass.c, for a client's terminal prompt).
 */
#include <fcntl.h>
#ifndef O_NDELAY
#define O_NDELAY O_NONBLOCK
#endif

/*
 * libssh's internal hash wrappers have plain global names (sha1_init,
 * md5_update ...). In a unikernel every app shares one link, and apps/repl
 * has its own sha1_init/sha1_update/sha1_final: give libssh's a prefix,
 * the same in every libssh file (only libssh's files see these macros).
 */
#define sha1_init libssh_sha1_init
#define sha1_ctx_free libssh_sha1_ctx_free
#define sha1_update libssh_sha1_update
#define sha1_final libssh_sha1_final
#define sha1 libssh_sha1
#define sha256_init libssh_sha256_init
#define sha256_ctx_free libssh_sha256_ctx_free
#define sha256_update libssh_sha256_update
#define sha256_final libssh_sha256_final
#define sha256 libssh_sha256
#define sha384_init libssh_sha384_init
#define sha384_ctx_free libssh_sha384_ctx_free
#define sha384_update libssh_sha384_update
#define sha384_final libssh_sha384_final
#define sha384 libssh_sha384
#define sha512_init libssh_sha512_init
#define sha512_ctx_free libssh_sha512_ctx_free
#define sha512_update libssh_sha512_update
#define sha512_final libssh_sha512_final
#define sha512 libssh_sha512
#define md5_init libssh_md5_init
#define md5_ctx_free libssh_md5_ctx_free
#define md5_update libssh_md5_update
#define md5_final libssh_md5_final
#define hmac_init libssh_hmac_init
#define hmac_update libssh_hmac_update
#define hmac_final libssh_hmac_final
#define hmac_digest_len libssh_hmac_digest_len
