/* Label names from connlabel.conf. A name is kept only when it is a plain
 * word (letters, digits, '_', '-', '.'): the file is outside input, and a
 * name that could carry a comma, a quote or a control byte would corrupt
 * the comma-separated lists every format writes; such a label shows as
 * its number instead. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labelmap.h"

static char *names[LABELMAP_BITS];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static bool plain_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}

/* Caller holds the lock. The first name given to a bit wins, as in
 * libxtables' reader. */
static void parse(const char *text)
{
	const char *p = text;

	for (int i = 0; i < LABELMAP_BITS; i++) {
		free(names[i]);
		names[i] = NULL;
	}
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[256], name[128];
		unsigned bit;

		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (line[0] != '#' &&
			    sscanf(line, "%u %127s", &bit, name) == 2 &&
			    bit < LABELMAP_BITS && !names[bit] &&
			    plain_word(name))
				names[bit] = strdup(name);
		}
		p = eol ? eol + 1 : NULL;
	}
}

static void load(void)
{
	static const char *const paths[] = {
		"/etc/xtables/connlabel.conf", "/etc/connlabel.conf",
	};
	char buf[16384];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		FILE *fp = fopen(paths[i], "r");
		size_t n;

		if (!fp)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[n] = '\0';
		pthread_mutex_lock(&lock);
		parse(buf);
		pthread_mutex_unlock(&lock);
		return;
	}
}

void labelmap_set(const char *text)
{
	pthread_once(&once, load);
	pthread_mutex_lock(&lock);
	parse(text);
	pthread_mutex_unlock(&lock);
}

/* Names are never freed while in use: labelmap_set() is for tests, which
 * call it between reads. */
const char *labelmap_name(unsigned bit)
{
	const char *name;

	if (bit >= LABELMAP_BITS)
		return NULL;
	pthread_once(&once, load);
	pthread_mutex_lock(&lock);
	name = names[bit];
	pthread_mutex_unlock(&lock);
	return name;
}

int labelmap_bit(const char *s, size_t n)
{
	int found = -1;

	pthread_once(&once, load);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < LABELMAP_BITS && found < 0; i++)
		if (names[i] && strlen(names[i]) == n && !memcmp(names[i], s, n))
			found = i;
	pthread_mutex_unlock(&lock);
	return found;
}
