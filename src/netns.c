/* The namespace ctop reads, named. `ip netns exec NAME ctop` and
 * `ctop --netns NAME` both end in a namespace that /run/netns/NAME is a
 * bind mount of: the same device and inode as /proc/self/ns/net. The
 * header shows that name rather than "host", which would be wrong there.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "netns.h"

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The entry of dir that is the same file as st; false when none is. */
static bool name_in(const char *dir, const struct stat *st, char *buf,
		    size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	struct stat es;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!stat(path, &es) && same_file(&es, st)) {
			snprintf(buf, len, "%s", e->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

const char *netns_describe(char *buf, size_t len, const char *self,
			   const char *run_dir, const char *init)
{
	struct stat st, ist;

	if (!len)
		return buf;
	if (stat(self, &st)) {
		snprintf(buf, len, "unknown");
		return buf;
	}
	if (name_in(run_dir, &st, buf, len))
		return buf;
	if (!stat(init, &ist) && same_file(&st, &ist))
		snprintf(buf, len, "host");
	else
		snprintf(buf, len, "inode %llu", (unsigned long long)st.st_ino);
	return buf;
}

const char *netns_current(char *buf, size_t len)
{
	return netns_describe(buf, len, "/proc/self/ns/net", "/run/netns",
			      "/proc/1/ns/net");
}
