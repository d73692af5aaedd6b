#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysctl.h"

long sysctl_read(const char *dir, const char *name)
{
	char path[512], line[64], *end;
	FILE *fp;
	long v;

	if (!name || strchr(name, '/'))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	if (!fgets(line, sizeof(line), fp)) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	errno = 0;
	v = strtol(line, &end, 10);
	if (errno || end == line)
		return -1;
	return v;
}
