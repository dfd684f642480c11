/*
 * One connection, served to its end by one thread: key exchange,
 * authentication within LOGIN_GRACE_S, then one session channel whose
 * request starts an app run:
 *
 *   exec CMD     `shell -c CMD`: stdout and stderr come back as the
 *                channel's data and extended data, then its exit status
 *   shell        `shell`, reading what the client types; with a pty
 *                (ssh's default at a terminal) this thread is the terminal
 *                instead: pty.c edits each line, which runs as `shell -c
 *                LINE` (or goes to the stdin of the command running), and
 *                Ctrl-C ends the running command as on the console
 *   subsystem    sftp: libssh's SFTP server (sftpserver.c, its default
 *                callbacks: open/read/write/stat/readdir... on the VFS),
 *                run in this thread on the channel's data
 *
 * The run's fds 0-2 are pipes whose other ends this thread holds: channel
 * data goes into stdin (without waiting: what the pipe cannot take stays in
 * libssh's window until it can), the output pipes are polled by libssh's
 * event loop beside the connection's socket. A helper thread waits for the
 * run's main thread and reports its status through one more pipe, so the
 * loop never blocks on the app. When the channel closes or the connection
 * drops first, the app is killed (as Ctrl-C would).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libssh/callbacks.h>
#include <libssh/sftp.h>
#include <libssh/sftpserver.h>
#include <yolk/app.h>
#include <yolk/sched.h>
#include "pty.h"
#include "sshd.h"

#define LOGIN_GRACE_S 30
#define BUF 16384

struct conn {
	struct sshd_auth auth; /* first: auth.c's callbacks take the connection as a struct sshd_auth * */
	ssh_session session;
	ssh_event event;
	ssh_channel channel;
	struct ssh_channel_callbacks_struct ccb;
	int started;          /* a request started something: no second one */
	uint64_t app;         /* the run's main thread (a handle: the waiter may have reaped it), or 0 */
	int in_fd, out_fd, err_fd, done_fd; /* our ends; -1 when closed */
	int status, exited;
	int stdin_eof;        /* the client sent EOF: close in_fd once it is drained */
	sftp_session sftp;    /* the SFTP subsystem's state, or NULL */
	int has_pty;          /* the client asked for a terminal */
	int interactive;      /* a shell on a pty: this thread edits lines and runs them */
	struct pty pty;
	char pending[PTY_LINE_MAX + 1]; /* a command line typed, to start from the loop */
	int pending_set, quit, interrupt;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void peer_name(ssh_session s, char *buf, size_t n)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char ip[INET_ADDRSTRLEN] = "?";
	if (getpeername(ssh_get_fd(s), (struct sockaddr *)&a, &len) == 0 && a.sin_family == AF_INET)
		inet_ntop(AF_INET, &a.sin_addr, ip, sizeof(ip));
	snprintf(buf, n, "%s:%u", ip, len == sizeof(a) ? ntohs(a.sin_port) : 0u);
}

/* --- the app's output to the channel --- */

static int pump(int fd, int is_err, struct conn *c)
{
	char buf[BUF];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		char crlf[2 * BUF];
		const char *p = buf;
		if (c->has_pty) { /* ONLCR, as a terminal's output processing does */
			n = (ssize_t)pty_onlcr(buf, (size_t)n, crlf);
			p = crlf;
		}
		if (c->channel)
			(is_err ? ssh_channel_write_stderr : ssh_channel_write)(c->channel, p, (uint32_t)n);
		return (int)n;
	}
	return n == 0 || errno != EAGAIN ? -1 : 0;
}

/*
 * The fd callbacks below return -1 when they took their own fd out of the
 * event: that is how libssh's ssh_poll_ctx_dopoll() learns its entry is gone.
 * Returning 0 there made it write the freed entry's events into its array,
 * which the removal may have shrunk, and decrement the freed handle's lock
 * count: with 8 sessions at once under load, malloc later faulted on a
 * chunk whose size word had gained a 1 (POLLIN) in its upper half.
 */
static int on_out(socket_t fd, int revents, void *userdata)
{
	struct conn *c = userdata;
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && pump(fd, 0, c) < 0) {
		ssh_event_remove_fd(c->event, fd);
		close_fd(&c->out_fd);
		return -1;
	}
	return 0;
}

static int on_err(socket_t fd, int revents, void *userdata)
{
	struct conn *c = userdata;
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && pump(fd, 1, c) < 0) {
		ssh_event_remove_fd(c->event, fd);
		close_fd(&c->err_fd);
		return -1;
	}
	return 0;
}

static int on_done(socket_t fd, int revents, void *userdata)
{
	struct conn *c = userdata;
	int status;
	if ((revents & POLLIN) && read(fd, &status, sizeof(status)) == sizeof(status)) {
		c->status = status;
		c->exited = 1;
		ssh_event_remove_fd(c->event, fd);
		return -1;
	}
	return 0;
}

/* The helper that waits for the run's main thread. */
struct waiter {
	uint64_t t;
	int fd;
};

static void *wait_app(void *arg)
{
	struct waiter *w = arg;
	void *r = NULL;
	thread_join_handle(w->t, &r);
	int status = (int)(intptr_t)r;
	(void)!write(w->fd, &status, sizeof(status));
	close(w->fd);
	free(w);
	return NULL;
}

/* Starts app with argv on pipes; 0, or -1 (nothing left open). */
static int start_app(struct conn *c, int argc, char **argv)
{
	const struct yolk_app *app = yolk_app_find(argv[0]);
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, done[2] = {-1, -1};
	struct waiter *w = malloc(sizeof(*w));
	if (app == NULL || w == NULL || pipe(in) || pipe(out) || pipe(err) || pipe(done))
		goto fail;
	int io[3] = {in[0], out[1], err[1]};
	struct thread *t;
	if (yolk_app_start(app, argc, argv, io, &t) != 0)
		goto fail;
	close(in[0]), close(out[1]), close(err[1]);
	c->in_fd = in[1], c->out_fd = out[0], c->err_fd = err[0], c->done_fd = done[0];
	fcntl(c->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(c->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(c->err_fd, F_SETFL, O_NONBLOCK);
	c->app = thread_handle(t);
	w->t = c->app;
	w->fd = done[1];
	pthread_t wt;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&wt, &attr, wait_app, w) != 0) {
		/* Cannot happen often; without a waiter the loop cannot learn the status: kill and reap here. */
		thread_kill(t);
		thread_join(t, NULL);
		c->app = 0;
		c->exited = 1;
		c->status = 126;
		close(done[1]);
		close_fd(&c->done_fd);
		return 0;
	}
	ssh_event_add_fd(c->event, c->out_fd, POLLIN, on_out, c);
	ssh_event_add_fd(c->event, c->err_fd, POLLIN, on_err, c);
	ssh_event_add_fd(c->event, c->done_fd, POLLIN, on_done, c);
	return 0;
fail:
	free(w);
	int *fds[] = {&in[0], &in[1], &out[0], &out[1], &err[0], &err[1], &done[0], &done[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close_fd(fds[i]);
	return -1;
}

static int kill_app(struct thread *t, void *arg)
{
	(void)arg;
	thread_kill(t);
	return 0;
}

/* --- channel requests --- */

/* What the client types on a pty: edited here, each line a command (or input of the one running). */
static void typed(struct conn *c, const unsigned char *data, uint32_t len)
{
	char line[PTY_LINE_MAX + 1];
	size_t n;
	int running = c->app && !c->exited;
	for (uint32_t i = 0; i < len; i++) {
		switch (pty_input(&c->pty, data[i], line, &n)) {
		case PTY_LINE:
			if (running && c->in_fd >= 0)
				(void)!write(c->in_fd, line, n);
			else if (!running && !c->pending_set) {
				memcpy(c->pending, line, n - 1);
				c->pending[n - 1] = '\0';
				c->pending_set = 1;
			}
			break;
		case PTY_INTR:
			if (running)
				c->interrupt = 1;
			else
				c->pending_set = 1, c->pending[0] = '\0'; /* a fresh prompt */
			break;
		case PTY_EOF:
			if (running)
				close_fd(&c->in_fd);
			else
				c->quit = 1;
			break;
		case PTY_NONE:
			break;
		}
	}
}

static void echo_to_channel(void *ctx, const char *s, size_t n)
{
	struct conn *c = ctx;
	if (c->channel && n)
		ssh_channel_write(c->channel, s, (uint32_t)n);
}

static int on_data(ssh_session s, ssh_channel ch, void *data, uint32_t len, int is_stderr, void *userdata)
{
	(void)s, (void)ch, (void)is_stderr;
	struct conn *c = userdata;
	if (c->sftp) {
		/*
		 * libssh's SFTP callback handles one request per call, and libssh calls
		 * us once per SSH packet: a packet carrying several pipelined requests
		 * (sftp get sends many READs at once) must be handled to its end here,
		 * or the rest would wait for a packet the client never sends.
		 * A request cut off at the end stays in the buffer (the callback
		 * returns -1 without taking it) until more data arrives.
		 */
		uint32_t done = 0;
		while (done < len) {
			int n = sftp_channel_default_data_callback(s, ch, (char *)data + done, len - done, is_stderr,
								   &c->sftp);
			if (n <= 0)
				break;
			done += (uint32_t)n;
		}
		return (int)done;
	}
	if (c->interactive) {
		typed(c, data, len);
		return (int)len;
	}
	if (c->has_pty && memchr(data, 3, len) && c->app && !c->exited)
		c->interrupt = 1; /* Ctrl-C on a pty: the command ends, as on the console */
	if (c->in_fd < 0)
		return (int)len; /* nobody reads: drop it */
	ssize_t n = write(c->in_fd, data, len);
	return n < 0 ? (errno == EAGAIN ? 0 : (int)len) : (int)n;
}

static void on_eof(ssh_session s, ssh_channel ch, void *userdata)
{
	(void)s, (void)ch;
	struct conn *c = userdata;
	c->stdin_eof = 1;
}

static int on_exec(ssh_session s, ssh_channel ch, const char *command, void *userdata)
{
	(void)s, (void)ch;
	struct conn *c = userdata;
	if (c->started)
		return SSH_ERROR;
	char *argv[] = {"shell", "-c", (char *)command, NULL};
	if (start_app(c, 3, argv) != 0)
		return SSH_ERROR;
	c->started = 1;
	return SSH_OK;
}

static int on_shell(ssh_session s, ssh_channel ch, void *userdata)
{
	(void)s, (void)ch;
	struct conn *c = userdata;
	if (c->started)
		return SSH_ERROR;
	if (c->has_pty) {
		c->interactive = c->started = 1;
		c->pending_set = 1; /* the first prompt */
		return SSH_OK;
	}
	char *argv[] = {"shell", NULL};
	if (start_app(c, 1, argv) != 0)
		return SSH_ERROR;
	c->started = 1;
	return SSH_OK;
}

static int on_subsystem(ssh_session s, ssh_channel ch, const char *name, void *userdata)
{
	struct conn *c = userdata;
	if (c->started || strcmp(name, "sftp") != 0)
		return SSH_ERROR;
	if (sftp_channel_default_subsystem_request(s, ch, name, &c->sftp) != SSH_OK)
		return SSH_ERROR;
	c->started = 1;
	return SSH_OK;
}

static int on_pty(ssh_session s, ssh_channel ch, const char *term, int cols, int rows, int py, int px,
		  void *userdata)
{
	(void)s, (void)ch, (void)term, (void)py, (void)px;
	struct conn *c = userdata;
	c->has_pty = 1;
	c->pty.cols = cols, c->pty.rows = rows;
	c->pty.echo = echo_to_channel;
	c->pty.ctx = c;
	return SSH_OK;
}

static int on_winch(ssh_session s, ssh_channel ch, int cols, int rows, int py, int px, void *userdata)
{
	(void)s, (void)ch, (void)py, (void)px;
	struct conn *c = userdata;
	/* Kept for TIOCGWINSZ-minded code to come; yolk's apps do not ask yet. */
	c->pty.cols = cols, c->pty.rows = rows;
	return SSH_OK;
}

static ssh_channel on_channel_open(ssh_session s, void *userdata)
{
	struct conn *c = userdata;
	if (c->channel || !c->auth.authenticated)
		return NULL; /* one session channel per connection */
	c->channel = ssh_channel_new(s);
	if (c->channel == NULL)
		return NULL;
	ssh_callbacks_init(&c->ccb);
	c->ccb.userdata = c;
	c->ccb.channel_data_function = on_data;
	c->ccb.channel_eof_function = on_eof;
	c->ccb.channel_exec_request_function = on_exec;
	c->ccb.channel_shell_request_function = on_shell;
	c->ccb.channel_subsystem_request_function = on_subsystem;
	c->ccb.channel_pty_request_function = on_pty;
	c->ccb.channel_pty_window_change_function = on_winch;
	ssh_set_channel_callbacks(c->channel, &c->ccb);
	return c->channel;
}

/* --- the connection --- */

static int gone(struct conn *c)
{
	return (ssh_get_status(c->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
}

static void prompt(struct conn *c)
{
	static const char p[] = "yolk> ";
	ssh_channel_write(c->channel, p, sizeof(p) - 1);
}

/* The interactive session's command has ended and its output is sent: back to the prompt. */
static void command_done(struct conn *c)
{
	close_fd(&c->in_fd);
	close_fd(&c->done_fd);
	c->app = 0;
	c->exited = 0;
	prompt(c);
}

/* Runs the line typed (`exit` ends the session; an empty line or Ctrl-C gives a new prompt). */
static void start_line(struct conn *c)
{
	c->pending_set = 0;
	char *l = c->pending;
	while (*l == ' ')
		l++;
	if (strcmp(l, "exit") == 0 || strncmp(l, "exit ", 5) == 0) {
		c->status = atoi(l + 4);
		c->quit = 1;
		return;
	}
	if (*l == '\0') {
		prompt(c);
		return;
	}
	char *argv[] = {"shell", "-c", l, NULL};
	if (start_app(c, 3, argv) != 0) {
		static const char msg[] = "sshd: cannot start the shell\r\n";
		ssh_channel_write(c->channel, msg, sizeof(msg) - 1);
		prompt(c);
	}
}

static void run(struct conn *c)
{
	time_t deadline = time(NULL) + LOGIN_GRACE_S;
	while (!(c->auth.authenticated && c->channel && c->started)) {
		if (gone(c) || time(NULL) > deadline || ssh_event_dopoll(c->event, 1000) == SSH_ERROR)
			return;
	}
	/* Until the app has ended and its output is all sent, or the client has gone. */
	while (!gone(c)) {
		if (c->stdin_eof && c->in_fd >= 0)
			close_fd(&c->in_fd);
		if (c->stdin_eof && c->sftp)
			break; /* the client is done with SFTP: close the channel as sftp-server would exit */
		if (c->interrupt) {
			c->interrupt = 0;
			if (c->app && !c->exited)
				thread_with_handle(c->app, kill_app, NULL);
		}
		if (c->interactive && c->exited && c->out_fd < 0 && c->err_fd < 0)
			command_done(c);
		if (c->interactive && c->quit)
			break;
		if (c->interactive && c->pending_set && !c->app)
			start_line(c);
		if (!c->interactive && c->exited && c->out_fd < 0 && c->err_fd < 0)
			break;
		if (c->exited) {
			/* Main has returned; output still buffered in the pipes goes first, then we stop
			 * waiting for threads it left behind holding the pipes open. */
			if (c->out_fd >= 0 && pump(c->out_fd, 0, c) <= 0) {
				ssh_event_remove_fd(c->event, c->out_fd);
				close_fd(&c->out_fd);
			}
			if (c->err_fd >= 0 && pump(c->err_fd, 1, c) <= 0) {
				ssh_event_remove_fd(c->event, c->err_fd);
				close_fd(&c->err_fd);
			}
			continue;
		}
		if (!ssh_channel_is_open(c->channel))
			break;
		if (ssh_event_dopoll(c->event, 1000) == SSH_ERROR)
			break;
	}
	if ((c->exited || c->sftp || c->quit) && !gone(c) && ssh_channel_is_open(c->channel)) {
		if (c->exited || c->quit)
			ssh_channel_request_send_exit_status(c->channel, c->status);
		ssh_channel_send_eof(c->channel);
		ssh_channel_close(c->channel);
		/* The client closes its side and the connection; give it a moment. */
		for (int i = 0; i < 50 && !gone(c); i++)
			ssh_event_dopoll(c->event, 100);
	}
}

void sshd_serve(ssh_session session)
{
	struct conn *c = calloc(1, sizeof(*c));
	struct ssh_server_callbacks_struct scb;
	if (c == NULL) {
		ssh_disconnect(session);
		ssh_free(session);
		return;
	}
	c->session = session;
	c->auth.session = session;
	c->in_fd = c->out_fd = c->err_fd = c->done_fd = -1;
	peer_name(session, c->auth.peer, sizeof(c->auth.peer));
	memset(&scb, 0, sizeof(scb));
	ssh_callbacks_init(&scb);
	sshd_auth_setup(&c->auth, &scb);
	scb.channel_open_request_session_function = on_channel_open;
	scb.userdata = c; /* on_channel_open needs the connection; auth finds its part at the start */
	ssh_set_server_callbacks(session, &scb);
	long timeout = LOGIN_GRACE_S;
	ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout);
	if (ssh_handle_key_exchange(session) != SSH_OK) {
		printf("sshd: %s: key exchange failed: %s\n", c->auth.peer, ssh_get_error(session));
	} else if ((c->event = ssh_event_new()) != NULL && ssh_event_add_session(c->event, session) == SSH_OK) {
		run(c);
	}
	if (c->app && !c->exited) {
		thread_with_handle(c->app, kill_app, NULL);
		/* The waiter reports once the kill has landed. */
		int status;
		if (c->done_fd >= 0)
			(void)!read(c->done_fd, &status, sizeof(status));
	}
	if (c->event) {
		int fds[] = {c->out_fd, c->err_fd, c->done_fd};
		for (int i = 0; i < 3; i++)
			if (fds[i] >= 0)
				ssh_event_remove_fd(c->event, fds[i]);
		ssh_event_remove_session(c->event, session);
		ssh_event_free(c->event);
	}
	close_fd(&c->in_fd), close_fd(&c->out_fd), close_fd(&c->err_fd), close_fd(&c->done_fd);
	if (c->sftp)
		sftp_server_free(c->sftp);
	ssh_disconnect(session);
	ssh_free(session);
	free(c);
}
