/* apps/httpd's Kconfig defaults (apps/httpd/Kconfig), for the host fuzz harness. */
#ifndef FUZZ_APP_HTTPD_CONFIG_H
#define FUZZ_APP_HTTPD_CONFIG_H
#define CONFIG_APP_HTTPD_PORT 8000
#define CONFIG_APP_HTTPD_ROOT "/www"
#define CONFIG_APP_HTTPD_MAX_CONNS 64
#define CONFIG_APP_HTTPD_HEAD_MAX 8192
#define CONFIG_APP_HTTPD_IDLE_TIMEOUT 10
#define CONFIG_APP_HTTPD_LOOPS 0
#endif
