/* Compressed input through its decompressor (read_unzip.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "read_unzip.h"

struct unzip_tool {
	const char *kind;	/* also the program's name */
	const char *magic;
	size_t nmagic;
};

static const struct unzip_tool tools[] = {
	{ "gzip", "\x1f\x8b", 2 },
	{ "xz", "\xfd" "7zXZ\0", 6 },
	{ "zstd", "\x28\xb5\x2f\xfd", 4 },
};

#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

struct read_unzip {
	struct read_in *in;
	const char *kind;
	pid_t pid;
	int to_tool;		/* the feeder's end of the tool's stdin */
	pthread_t feeder;
	bool feeding;
};

const char *read_unzip_kind(const char *head, size_t n)
{
	for (size_t i = 0; i < NTOOLS; i++)
		if (n >= tools[i].nmagic &&
		    !memcmp(head, tools[i].magic, tools[i].nmagic))
			return tools[i].kind;
	return NULL;
}

/* The program on PATH, found here rather than by execvp() in the child,
 * so that a missing tool is said at once and the child after fork() only
 * calls what is safe there. */
static bool find_tool(const char *name, char *path, size_t len)
{
	const char *dirs = getenv("PATH");

	if (!dirs || !*dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	while (*dirs) {
		const char *colon = strchr(dirs, ':');
		size_t n = colon ? (size_t)(colon - dirs) : strlen(dirs);
		int w = snprintf(path, len, "%.*s/%s", (int)n,
				 n ? dirs : ".", name);

		if (w > 0 && (size_t)w < len && access(path, X_OK) == 0)
			return true;
		dirs += n + (colon != NULL);
	}
	return false;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* The input, from its head on, into the tool. A write that fails (the
 * tool ended, or the reader closed its output) ends the copy: SIGPIPE
 * is blocked in this thread, so it is an EPIPE, not the process's end. */
static void *feed(void *arg)
{
	struct read_unzip *z = arg;
	sigset_t pipe_only;
	char buf[65536];
	size_t got;

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, NULL);
	while ((got = read_in_read(z->in, buf, sizeof(buf))) > 0)
		if (!write_all(z->to_tool, buf, got))
			break;
	close(z->to_tool);
	return NULL;
}

int read_unzip_start(struct read_in *in, const char *kind,
		     struct read_unzip **zp, FILE **out, struct ctop_err *err)
{
	char path[4096];
	int tin[2], tout[2], devnull;
	struct read_unzip *z;
	sigset_t none;
	pid_t pid;

	if (!find_tool(kind, path, sizeof(path)))
		return err_set(err, CTOP_EXIT_RUNTIME, "%s is %s-compressed: ctop "
			       "reads it through '%s -dc', which is not installed",
			       in->name, kind, kind);
	z = calloc(1, sizeof(*z));
	if (!z)
		return err_set(err, CTOP_EXIT_RUNTIME, "out of memory");
	if (pipe(tin) < 0) {
		free(z);
		return err_set(err, CTOP_EXIT_RUNTIME, "pipe: %s", strerror(errno));
	}
	if (pipe(tout) < 0) {
		close(tin[0]);
		close(tin[1]);
		free(z);
		return err_set(err, CTOP_EXIT_RUNTIME, "pipe: %s", strerror(errno));
	}
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)kind, "-dc", NULL };

		/* Only async-signal-safe calls until exec. Its messages
		 * would land on the screen: ctop says what failed. */
		dup2(tin[0], 0);
		dup2(tout[1], 1);
		if (devnull >= 0)
			dup2(devnull, 2);
		close(tin[0]);
		close(tin[1]);
		close(tout[0]);
		close(tout[1]);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(path, argv);
		_exit(127);
	}
	if (devnull >= 0)
		close(devnull);
	close(tin[0]);
	close(tout[1]);
	if (pid < 0) {
		close(tin[1]);
		close(tout[0]);
		free(z);
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot run %s: %s", kind,
			       strerror(errno));
	}
	fcntl(tin[1], F_SETFD, FD_CLOEXEC);
	fcntl(tout[0], F_SETFD, FD_CLOEXEC);
	z->in = in;
	z->kind = kind;
	z->pid = pid;
	z->to_tool = tin[1];
	*out = fdopen(tout[0], "rb");
	if (!*out || pthread_create(&z->feeder, NULL, feed, z)) {
		if (*out)
			fclose(*out);
		else
			close(tout[0]);
		close(tin[1]);
		waitpid(pid, NULL, 0);
		free(z);
		return err_set(err, CTOP_EXIT_RUNTIME, "cannot read %s through %s",
			       in->name, kind);
	}
	z->feeding = true;
	*zp = z;
	return 0;
}

int read_unzip_finish(struct read_unzip *z, FILE *out, bool complete,
		      struct ctop_err *err)
{
	int status = 0, r = 0;

	/* A reader that stopped early leaves the tool running: end it, and
	 * with it the feeder's writes (EPIPE). */
	fclose(out);
	if (!complete)
		kill(z->pid, SIGTERM);
	while (waitpid(z->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (z->feeding)
		pthread_join(z->feeder, NULL);
	if (complete && z->in->error)
		r = err_set(err, CTOP_EXIT_RUNTIME, "cannot read %s: %s",
			    z->in->name, strerror(z->in->err_no));
	/* 2 is gzip's and xz's warning (trailing garbage ignored): the
	 * data came out whole. */
	else if (complete && WIFEXITED(status) && WEXITSTATUS(status) &&
		 WEXITSTATUS(status) != 2)
		r = err_set(err, CTOP_EXIT_RUNTIME, "%s: '%s -dc' failed (exit "
			    "status %d): not %s data, or cut short", z->in->name,
			    z->kind, WEXITSTATUS(status), z->kind);
	else if (complete && WIFSIGNALED(status))
		r = err_set(err, CTOP_EXIT_RUNTIME, "%s: '%s -dc' was killed by "
			    "signal %d", z->in->name, z->kind, WTERMSIG(status));
	free(z);
	return r;
}
