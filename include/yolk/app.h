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

/*
 * Runs app's main(argc, argv) in a thread of its own, as a shell does. With
 * wait, returns its exit status (exit() in the app ends only the app);
 * otherwise returns 0 at once and the app runs on in the background.
 * -1 if the thread could not be started.
 */
int yolk_app_run(const struct yolk_app *app, int argc, char **argv, int wait);

#endif
