/*
 * Applications linked into the image. Each app's main() is compiled as
 * yolk_app_<name>_main (the app's meson.build passes -Dmain=...), and the
 * build generates the table below from the selected apps (tools/kconfig.py).
 */
#ifndef YOLK_APP_H
#define YOLK_APP_H

struct yolk_app {
	const char *name;
	int (*main)(int argc, char **argv);
};

extern const struct yolk_app yolk_apps[];
extern const unsigned yolk_napps;

/* The app named `name`, or NULL. */
const struct yolk_app *yolk_app_find(const char *name);

#endif
